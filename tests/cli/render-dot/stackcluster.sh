# stackcluster's clusters (hand-written to the contract of
# record-cluster.md until stackcluster lands): clusters sized by count
# under the tree of their shared stack prefixes, rooted at their creator.
render-dot "$FIX/render-dot/stackcluster.ndjson"
