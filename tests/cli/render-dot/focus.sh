# --focus keeps the stacks through a match, --ignore drops them.
render-dot --focus='storeSession' "$FIX/go1.26/heap.pb.gz" | grep -o 'tooltip="[^\\"]*' | sort
echo "--"
render-dot --ignore='^main\.(storeSession|deepAlloc)$' "$FIX/go1.26/heap.pb.gz" | grep -o 'tooltip="[^\\"]*' | sort
