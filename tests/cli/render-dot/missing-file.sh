render-dot no-such-file.pb.gz
