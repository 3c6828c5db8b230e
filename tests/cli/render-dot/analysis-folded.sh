# Folded stacks of clusters (their tree path and count) and of a wait
# graph (state and blocking function of each goroutine it holds).
render-dot --folded "$FIX/render-dot/stackcluster.ndjson"
echo "--"
render-dot --folded "$FIX/render-dot/gcycle.ndjson"
