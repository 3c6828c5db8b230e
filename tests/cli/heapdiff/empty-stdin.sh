# Empty in, empty out.
heapdiff </dev/null
echo "exit $?"
heapdiff --series - </dev/null
echo "exit $?"
