gcycle no-such-file.trace
