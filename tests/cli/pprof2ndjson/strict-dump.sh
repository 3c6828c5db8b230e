# A line a dump decoder does not understand is reported with its number
# and skipped; the goroutine is kept, marked partial.  --strict stops there.
printf 'goroutine 1 [running]:\nmain.main()\nbogus(\n\t/m.go:1 +0x1\n\ngoroutine 2 [sleep]:\nmain.f()\n\t/m.go:2 +0x1\n' > d.txt
pprof2ndjson d.txt | jq -c '{kind, id, partial}'
echo "exit ${PIPESTATUS[0]}"
pprof2ndjson --strict d.txt d.txt | wc -l
echo "exit ${PIPESTATUS[0]}"
