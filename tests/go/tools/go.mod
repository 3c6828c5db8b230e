module leakpipe/tests/go/tools

go 1.25.0

require (
	github.com/DataDog/gostackparse v0.7.0
	github.com/google/pprof v0.0.0-20260906184651-6331bc6350fe
	github.com/maruel/panicparse/v2 v2.5.0
)
