// Command panicjson is a Go peer of `pprof2ndjson DUMP` for `make bench`:
// it parses a goroutine dump with github.com/maruel/panicparse/v2/stack
// (ScanSnapshot, without argument naming, path guessing or source
// analysis, which would read the disk) and writes one goroutine record per
// goroutine (id, state, wait_ns, stack, created_by) with encoding/json
// through a buffered writer.  Text around the dump is ignored.
//
//	panicjson FILE > /dev/null
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/maruel/panicparse/v2/stack"
)

type frame struct {
	Fn   string `json:"fn"`
	File string `json:"file"`
	Line int    `json:"line"`
}

type goroutine struct {
	Kind      string  `json:"kind"`
	Src       string  `json:"src"`
	ID        int     `json:"id"`
	State     string  `json:"state"`
	WaitNS    int64   `json:"wait_ns,omitempty"`
	Locked    bool    `json:"locked,omitempty"`
	Elided    bool    `json:"elided,omitempty"`
	Stack     []frame `json:"stack"`
	CreatedBy *frame  `json:"created_by,omitempty"`
}

const minuteNS = int64(60e9)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: panicjson FILE")
		os.Exit(2)
	}
	name := os.Args[1]
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "panicjson:", err)
		os.Exit(1)
	}
	defer f.Close()

	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rec := goroutine{Kind: "goroutine", Src: name}
	var created frame
	opts := &stack.Opts{}
	var in io.Reader = bufio.NewReaderSize(f, 1<<16)
	status := 0
	for {
		snap, suffix, err := stack.ScanSnapshot(in, io.Discard, opts)
		if snap != nil {
			for _, g := range snap.Goroutines {
				rec.ID, rec.State = g.ID, g.State
				rec.WaitNS = int64(g.SleepMin) * minuteNS
				rec.Locked, rec.Elided = g.Locked, g.Stack.Elided
				rec.Stack = rec.Stack[:0]
				for i := range g.Stack.Calls {
					c := &g.Stack.Calls[i]
					rec.Stack = append(rec.Stack, frame{c.Func.Complete, c.RemoteSrcPath, c.Line})
				}
				rec.CreatedBy = nil
				if len(g.CreatedBy.Calls) > 0 {
					c := &g.CreatedBy.Calls[0]
					created = frame{c.Func.Complete, c.RemoteSrcPath, c.Line}
					rec.CreatedBy = &created
				}
				if err := enc.Encode(&rec); err != nil {
					fmt.Fprintln(os.Stderr, "panicjson: write error:", err)
					os.Exit(1)
				}
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(os.Stderr, "panicjson: %s: %v\n", name, err)
				status = 1
			}
			break
		}
		if snap == nil {
			break
		}
		// Another dump may follow: go on after what the scanner buffered.
		in = io.MultiReader(bytesReader(suffix), in)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "panicjson: write error:", err)
		os.Exit(1)
	}
	os.Exit(status)
}

type sliceReader struct{ b []byte }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func bytesReader(b []byte) io.Reader { return &sliceReader{b} }
