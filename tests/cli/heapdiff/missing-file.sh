heapdiff no-such-file.pb.gz
