# Empty in, empty out.
render-dot </dev/null
echo "exit $?"
render-dot --folded - </dev/null
echo "exit $?"
