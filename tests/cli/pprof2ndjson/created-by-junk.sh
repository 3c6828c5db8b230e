# A "created by" line with text after its function (and after Go 1.21's
# "in goroutine N") is one warning: it was taken whole as the creator's
# name, "main.spawn in goroutine 1 junk", with no creator id.  A generic
# creator, spaces inside its shape's brackets, is no such line.
printf '%s\n' 'goroutine 7 [chan receive]:' 'main.wait()' '	/a.go:3 +0x1' \
	'created by main.spawn in goroutine 1 junk' '	/a.go:9 +0x2' '' \
	'goroutine 8 [chan receive]:' 'main.wait()' '	/a.go:3 +0x1' \
	'created by main.spawn[go.shape.struct { main.a int32 }] in goroutine 1' \
	'	/a.go:9 +0x2' >d.txt
pprof2ndjson d.txt | jq -c 'select(.kind == "goroutine") | [.id, .created_by.fn, .created_by.goid, .partial]'
echo "exit ${PIPESTATUS[0]}"
