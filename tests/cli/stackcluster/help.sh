stackcluster --help
