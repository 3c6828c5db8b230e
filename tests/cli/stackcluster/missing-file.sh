stackcluster no-such-file.txt
