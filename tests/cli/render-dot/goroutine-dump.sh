# A goroutine dump: each goroutine counts 1.
render-dot "$FIX/go1.26/goroutine.debug2.txt"
