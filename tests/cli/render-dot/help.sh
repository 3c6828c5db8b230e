render-dot --help
