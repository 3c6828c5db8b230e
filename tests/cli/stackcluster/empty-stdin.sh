# Empty in, empty out, in either format.
stackcluster </dev/null
echo "exit $?"
stackcluster --format=table - </dev/null
echo "exit $?"
