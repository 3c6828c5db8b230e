# Empty in, empty out.
gcycle </dev/null
echo "exit $?"
gcycle - </dev/null
echo "exit $?"
