// Command bigtrace writes a large real execution trace for `make bench`:
// the Go runtime traces a busy program (channel ping-pong between many
// goroutines, mutex contention, allocation that keeps the collector
// running, sleeps, syscalls, user tasks, regions and logs, CPU samples)
// until the trace holds at least -mb megabytes.
//
// It paces itself to about -rate MB of trace a second so that the trace has
// many generations (Go starts one every second), as a long-running
// program's trace does.
//
//	bigtrace -out FILE [-mb 64] [-rate 8]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

// counter passes the trace through and counts its bytes.
type counter struct {
	w io.Writer
	n atomic.Int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n.Add(int64(n))
	return n, err
}

var (
	mu   sync.Mutex
	keep [][]byte
	sink atomic.Uint64
)

func main() {
	out := flag.String("out", "", "write the trace to `FILE`")
	mb := flag.Int64("mb", 64, "stop once the trace holds this many `MB`")
	rate := flag.Int64("rate", 8, "write about this many `MB` of trace a second")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: bigtrace -out FILE [-mb 64]")
		os.Exit(2)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		os.Exit(1)
	}
	runtime.GOMAXPROCS(4)
	c := &counter{w: f}
	pprof.StartCPUProfile(io.Discard)
	if err := trace.Start(c); err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		os.Exit(1)
	}
	var stop, slow atomic.Bool
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			work(w, &stop, &slow)
		}(w)
	}
	limit := *mb << 20
	for c.n.Load() < limit {
		time.Sleep(5 * time.Millisecond)
		budget := int64(time.Since(start).Seconds() * float64(*rate<<20))
		slow.Store(c.n.Load() > budget)
	}
	stop.Store(true)
	wg.Wait()
	trace.Stop()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "bigtrace:", err)
		os.Exit(1)
	}
}

// work runs rounds of a task until stop: ping-pong with a partner
// goroutine (pausing while the trace is ahead of its pace), a contended lock, garbage, now and then a sleep or a pipe.
func work(w int, stop, slow *atomic.Bool) {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
	}()
	defer close(ping)
	for round := 0; !stop.Load(); round++ {
		for slow.Load() && !stop.Load() {
			time.Sleep(2 * time.Millisecond)
		}
		ctx, task := trace.NewTask(context.Background(), "round")
		trace.WithRegion(ctx, "pingpong", func() {
			for i := 0; i < 50; i++ {
				ping <- i
				sink.Add(uint64(<-pong))
			}
		})
		trace.WithRegion(ctx, "lock", func() {
			mu.Lock()
			keep = append(keep, make([]byte, 256))
			if len(keep) > 4096 {
				keep = keep[:0]
			}
			mu.Unlock()
		})
		for i := 0; i < 20; i++ {
			b := make([]byte, 8<<10)
			sink.Add(uint64(len(b)))
		}
		if round%16 == 0 {
			trace.Logf(ctx, "round", "worker %d round %d", w, round)
			time.Sleep(50 * time.Microsecond)
		}
		if round%64 == 0 {
			if r, wr, err := os.Pipe(); err == nil {
				wr.Write([]byte("x"))
				wr.Close()
				io.ReadAll(r)
				r.Close()
			}
		}
		task.End()
	}
}
