# Misuse: a message, a hint, exit 64.
gcycle --format=xml
echo "exit $?"
gcycle --min-size=0
echo "exit $?"
gcycle --no-such-option
echo "exit $?"
