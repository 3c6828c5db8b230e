// Command bigheap writes a large, real Go heap profile for `make bench`:
// with runtime.MemProfileRate = 1 every allocation is sampled, and each leaf
// allocation is reached through its own call path (a recursion that picks
// left or right at every level by one bit of the path number), so the
// profile has at least N distinct sampled stacks.  Everything allocated is
// kept live, then pprof.WriteHeapProfile writes the profile (gzipped
// protobuf, as the runtime always writes it).
//
//	bigheap -out FILE [-samples N]      (N defaults to 262144)
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

var keep [][]byte

//go:noinline
func leaf(n int) {
	keep = append(keep, make([]byte, n))
}

// left and right walk the bits of path from bit depth-1 down to bit 0.

//go:noinline
func left(path uint32, depth int) {
	if depth == 0 {
		leaf(48)
		return
	}
	if path>>(depth-1)&1 == 0 {
		left(path, depth-1)
	} else {
		right(path, depth-1)
	}
}

//go:noinline
func right(path uint32, depth int) {
	if depth == 0 {
		leaf(80)
		return
	}
	if path>>(depth-1)&1 == 0 {
		left(path, depth-1)
	} else {
		right(path, depth-1)
	}
}

func main() {
	runtime.MemProfileRate = 1
	out := flag.String("out", "", "write the heap profile to `file`")
	samples := flag.Int("samples", 262144, "at least this many distinct sampled stacks")
	flag.Parse()
	if *out == "" || *samples < 1 || *samples > 1<<24 || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: bigheap -out FILE [-samples N]   (1 <= N <= 16777216)")
		os.Exit(2)
	}
	depth := 0
	for 1<<depth < *samples {
		depth++
	}
	keep = make([][]byte, 0, *samples)
	for p := 0; p < *samples; p++ {
		// The top level alternates too, so path p and p+2^depth differ.
		left(uint32(p), depth)
	}
	runtime.GC()
	runtime.GC()
	f, err := os.Create(*out)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigheap:", err)
		os.Exit(1)
	}
	runtime.KeepAlive(keep)
}
