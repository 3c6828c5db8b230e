gcycle --help
echo "exit $?"
