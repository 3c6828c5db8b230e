# Misuse: exit 64 with a hint.
render-dot --nodefraction=2
echo "exit $?"
render-dot --focus='('
echo "exit $?"
render-dot --nodecount=x
echo "exit $?"
render-dot --bogus
echo "exit $?"
# A type no profile has.
render-dot --value=nope "$FIX/go1.26/heap.pb.gz"
echo "exit $?"
