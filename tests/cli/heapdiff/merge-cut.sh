# A partial that lost its last lines at a line boundary is checked against
# its header, reported and left out: the diff is of the whole partials.
cp "$FIX"/go1.26/heap.[1-4].pb.gz .
heapdiff --partial heap.1.pb.gz heap.2.pb.gz >p1
heapdiff --partial heap.3.pb.gz heap.4.pb.gz >p2
# shellcheck disable=SC2238 # "cut" is the file's name here
head -n -1 p2 >cut
heapdiff --merge --top=1 p1 cut
echo "exit $?"
heapdiff --merge --top=1 cut p1 | head -n 1 | jq -c '{snapshots, base: .base.src, new: .new.src}'
# A cut partial's keys of its own go with it: the merge is byte for byte
# the merge without it.
heapdiff --partial "$FIX/go1.19/heap.pb.gz" >p3
head -n 20 p3 >cut3
heapdiff --merge p1 p2 >whole
heapdiff --merge p1 cut3 p2 >with-cut 2>/dev/null
echo "exit $?"
cmp whole with-cut && echo "the same bytes"
