// Command bigdump writes a large, real goroutine dump for `make bench`: it
// starts N goroutines parked in a mix of states (chan send and receive,
// nil chan, select, select {}, sync.Mutex, sync.WaitGroup, sync.Cond,
// time.Sleep) at a mix of stack depths (PERCENT of them, 10 by default,
// recurse 5 to 40 calls first, through two alternating functions), waits
// until they are all parked, and writes the text of
// /debug/pprof/goroutine?debug=2.
//
//	bigdump -out FILE [-goroutines N] [-deep PERCENT] [-pprof]
//
// pprof.Lookup("goroutine").WriteTo(f, 2) gives up at 64 MiB and writes the
// dump cut off in the middle of a line (runtime/pprof writeGoroutineStacks),
// which 200000 goroutines exceed.  So by default the dump is taken with
// runtime.Stack(buf, true) -- the very call WriteTo makes -- into a buffer
// grown until it fits; -pprof uses WriteTo itself, truncation included.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	ready   sync.WaitGroup
	mu      sync.Mutex // held by main
	never   sync.WaitGroup
	condMu  sync.Mutex
	cond    = sync.NewCond(&condMu)
	blockCh = make(chan int)
	sendCh  = make(chan string)
	tick    = make(chan struct{})
)

// park blocks in one of nine ways, chosen by kind.
//
//go:noinline
func park(kind int) {
	switch kind {
	case 0:
		ready.Done()
		<-blockCh
	case 1:
		ready.Done()
		sendCh <- "never read"
	case 2:
		var nilCh chan int
		ready.Done()
		<-nilCh
	case 3:
		ready.Done()
		select {
		case <-blockCh:
		case sendCh <- "x":
		}
	case 4:
		ready.Done()
		select {}
	case 5:
		ready.Done()
		mu.Lock()
	case 6:
		ready.Done()
		never.Wait()
	case 7:
		condMu.Lock()
		ready.Done()
		cond.Wait()
	default:
		ready.Done()
		time.Sleep(time.Hour)
	}
}

//go:noinline
func descendA(depth, kind int) int {
	if depth == 0 {
		park(kind)
		return 0
	}
	return descendB(depth-1, kind) + 1
}

//go:noinline
func descendB(depth, kind int) int {
	if depth == 0 {
		park(kind)
		return 0
	}
	return descendA(depth-1, kind) + 1
}

//go:noinline
func worker(i, deep int) {
	kind := i % 9
	if (i*7919)%100 < deep {
		descendA(5+(i*31)%36, kind)
		return
	}
	park(kind)
}

func main() {
	out := flag.String("out", "", "write the dump to `file`")
	n := flag.Int("goroutines", 200000, "number of parked goroutines")
	deep := flag.Int("deep", 10, "percentage of goroutines that recurse 5-40 calls")
	viaPprof := flag.Bool("pprof", false, "write with pprof's WriteTo (truncated at 64 MiB)")
	flag.Parse()
	if *out == "" || *n < 1 || *n > 10000000 || *deep < 0 || *deep > 100 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: bigdump -out FILE [-goroutines N] [-deep PERCENT]")
		os.Exit(2)
	}
	mu.Lock()
	never.Add(1)
	ready.Add(*n)
	for i := 0; i < *n; i++ {
		go worker(i, *deep)
	}
	ready.Wait()
	time.Sleep(200 * time.Millisecond)

	var dump []byte
	if !*viaPprof {
		dump = make([]byte, 64<<20)
		for {
			n := runtime.Stack(dump, true)
			if n < len(dump) {
				dump = dump[:n]
				break
			}
			dump = make([]byte, 2*len(dump))
		}
	}
	f, err := os.Create(*out)
	if err == nil {
		if *viaPprof {
			err = pprof.Lookup("goroutine").WriteTo(f, 2)
		} else {
			_, err = f.Write(dump)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigdump:", err)
		os.Exit(1)
	}
}
