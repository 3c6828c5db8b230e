heapdiff --help
