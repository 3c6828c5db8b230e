# --nodecount keeps the best N; dropped nodes leave dotted (residual) edges.
render-dot --nodecount=4 "$FIX/go1.26/goroutine.pb.gz"
