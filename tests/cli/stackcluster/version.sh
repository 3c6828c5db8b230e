stackcluster --version
