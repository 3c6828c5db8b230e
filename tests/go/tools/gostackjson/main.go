// Command gostackjson is a Go peer of `pprof2ndjson DUMP` for `make bench`:
// it parses a goroutine dump (debug=2, panic, SIGQUIT) with
// github.com/DataDog/gostackparse and writes one goroutine record per
// goroutine (id, state, wait_ns, stack, created_by) with encoding/json
// through a buffered writer.
//
//	gostackjson FILE > /dev/null
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/DataDog/gostackparse"
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

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gostackjson FILE")
		os.Exit(2)
	}
	name := os.Args[1]
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gostackjson:", err)
		os.Exit(1)
	}
	gs, errs := gostackparse.Parse(bufio.NewReaderSize(f, 1<<16))
	f.Close()
	for _, e := range errs {
		fmt.Fprintf(os.Stderr, "gostackjson: %s: %v\n", name, e)
	}

	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rec := goroutine{Kind: "goroutine", Src: name}
	var created frame
	for _, g := range gs {
		rec.ID, rec.State, rec.WaitNS = g.ID, g.State, int64(g.Wait)
		rec.Locked, rec.Elided = g.LockedToThread, g.FramesElided
		rec.Stack = rec.Stack[:0]
		for _, fr := range g.Stack {
			rec.Stack = append(rec.Stack, frame{fr.Func, fr.File, fr.Line})
		}
		rec.CreatedBy = nil
		if g.CreatedBy != nil {
			created = frame{g.CreatedBy.Func, g.CreatedBy.File, g.CreatedBy.Line}
			rec.CreatedBy = &created
		}
		if err := enc.Encode(&rec); err != nil {
			fmt.Fprintln(os.Stderr, "gostackjson: write error:", err)
			os.Exit(1)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gostackjson: write error:", err)
		os.Exit(1)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
}
