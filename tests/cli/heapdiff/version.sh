heapdiff --version
