# The crowd fixture (tests/go/fixtures/crowd), every cluster record of its
# Go 1.26 dump, and the table a person sees.
cd "$FIX/crowd" || exit 1
stackcluster go1.26/goroutine.debug2.txt.gz
stackcluster --format=table go1.26/goroutine.debug2.txt.gz
