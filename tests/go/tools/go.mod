module leakpipe/tests/go/tools

go 1.26.0

require (
	github.com/DataDog/gostackparse v0.7.0
	github.com/google/pprof v0.0.0-20260906184651-6331bc6350fe
	github.com/maruel/panicparse/v2 v2.5.0
)

require golang.org/x/exp v0.0.0-20261014143641-f0251eb4aa3e
