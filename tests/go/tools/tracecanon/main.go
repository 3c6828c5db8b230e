// Command tracecanon is the oracle of trace2ndjson and its equal-work bench
// peer: it reads a Go execution trace with golang.org/x/exp/trace (Go's own
// reader) and prints every event as one JSON line, in the order the reader
// yields them and in exactly the record format trace2ndjson writes (see
// man/trace2ndjson.1): one "event" record per event, t relative to the
// first event, m/p/g left out when absent, the kind's own keys, the stack.
//
//	tracecanon [-src NAME] FILE > out.ndjson
//
// On an error after some events it prints those events, then one line
// "tracecanon: SRC: ERROR" on stderr, and exits 65.  The writer is hand
// rolled (no encoding/json reflection) because the bench compares it with
// trace2ndjson.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/exp/trace"

	"leakpipe/tests/go/tools/internal/jsonw"
)

func main() {
	src := flag.String("src", "", "the src value of every record (default: the path)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: tracecanon [-src NAME] FILE")
		os.Exit(2)
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
	}
	path := flag.Arg(0)
	if *src == "" {
		*src = path
	}
	var in io.Reader
	if path == "-" {
		in = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "tracecanon: %s: %v\n", *src, err)
			os.Exit(66)
		}
		defer f.Close()
		in = f
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	err := run(w, bufio.NewReaderSize(in, 1<<16), *src)
	if ferr := w.Flush(); ferr != nil && err == nil {
		fmt.Fprintf(os.Stderr, "tracecanon: %s: write: %v\n", *src, ferr)
		os.Exit(74)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracecanon: %s: %v\n", *src, err)
		os.Exit(65)
	}
}

// emitter holds the line buffer and the rendered stacks of the current
// generation (a Stack is a handle into one generation's tables).
type emitter struct {
	w      *bufio.Writer
	b      []byte
	prefix []byte // {"kind":"event","src":SRC,"t":
	t0     trace.Time
	first  bool
	stacks map[trace.Stack][]byte
}

func run(w *bufio.Writer, r io.Reader, src string) error {
	tr, err := trace.NewReader(r)
	if err != nil {
		return err
	}
	e := &emitter{w: w, first: true, stacks: make(map[trace.Stack][]byte)}
	e.prefix = append(e.prefix, `{"kind":"event","src":`...)
	e.prefix = jsonw.String(e.prefix, src)
	e.prefix = append(e.prefix, `,"t":`...)
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		e.event(&ev)
	}
}

func (e *emitter) event(ev *trace.Event) {
	if e.first {
		e.t0 = ev.Time()
		e.first = false
	}
	kind := ev.Kind()
	if kind == trace.EventSync {
		// A new generation: its stack handles are new.
		clear(e.stacks)
	}
	b := append(e.b[:0], e.prefix...)
	b = strconv.AppendInt(b, int64(ev.Time()-e.t0), 10)
	b = append(b, `,"ev":"`...)
	b = append(b, kind.String()...)
	b = append(b, '"')
	if m := ev.Thread(); m != trace.NoThread {
		b = append(b, `,"m":`...)
		b = strconv.AppendInt(b, int64(m), 10)
	}
	if p := ev.Proc(); p != trace.NoProc {
		b = append(b, `,"p":`...)
		b = strconv.AppendInt(b, int64(p), 10)
	}
	if g := ev.Goroutine(); g != trace.NoGoroutine {
		b = append(b, `,"g":`...)
		b = strconv.AppendInt(b, int64(g), 10)
	}
	stk := ev.Stack()
	switch kind {
	case trace.EventSync:
		s := ev.Sync()
		b = append(b, `,"n":`...)
		b = strconv.AppendInt(b, int64(s.N), 10)
		if c := s.ClockSnapshot; c != nil {
			b = append(b, `,"clock":{"t":`...)
			b = strconv.AppendInt(b, int64(c.Trace-e.t0), 10)
			b = append(b, `,"mono":`...)
			b = strconv.AppendUint(b, c.Mono, 10)
			b = append(b, `,"wall":"`...)
			b = c.Wall.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000000Z")
			b = append(b, `"}`...)
		}
	case trace.EventMetric:
		m := ev.Metric()
		b = append(b, `,"name":`...)
		b = jsonw.String(b, m.Name)
		b = append(b, `,"value":`...)
		b = strconv.AppendUint(b, m.Value.Uint64(), 10)
	case trace.EventLabel:
		l := ev.Label()
		b = append(b, `,"label":`...)
		b = jsonw.String(b, l.Label)
		b = appendResource(b, "resource", l.Resource)
	case trace.EventStackSample:
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		r := ev.Range()
		b = append(b, `,"name":`...)
		b = jsonw.String(b, r.Name)
		b = appendResource(b, "scope", r.Scope)
		if kind == trace.EventRangeEnd {
			if attrs := ev.RangeAttributes(); len(attrs) > 0 {
				b = append(b, `,"attrs":{`...)
				for i, a := range attrs {
					if i > 0 {
						b = append(b, ',')
					}
					b = jsonw.String(b, a.Name)
					b = append(b, ':')
					b = strconv.AppendUint(b, a.Value.Uint64(), 10)
				}
				b = append(b, '}')
			}
		}
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		b = append(b, `,"task":`...)
		b = strconv.AppendUint(b, uint64(t.ID), 10)
		if t.Parent != trace.NoTask {
			b = append(b, `,"parent":`...)
			b = strconv.AppendUint(b, uint64(t.Parent), 10)
		}
		b = append(b, `,"type":`...)
		b = jsonw.String(b, t.Type)
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		b = append(b, `,"task":`...)
		b = strconv.AppendUint(b, uint64(r.Task), 10)
		b = append(b, `,"type":`...)
		b = jsonw.String(b, r.Type)
	case trace.EventLog:
		l := ev.Log()
		b = append(b, `,"task":`...)
		b = strconv.AppendUint(b, uint64(l.Task), 10)
		b = append(b, `,"category":`...)
		b = jsonw.String(b, l.Category)
		b = append(b, `,"message":`...)
		b = jsonw.String(b, l.Message)
	case trace.EventStateTransition:
		st := ev.StateTransition()
		var from, to string
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			f, t := st.Goroutine()
			from, to = f.String(), t.String()
		case trace.ResourceProc:
			f, t := st.Proc()
			from, to = f.String(), t.String()
		}
		b = appendResource(b, "resource", st.Resource)
		b = append(b, `,"from":"`...)
		b = append(b, from...)
		b = append(b, `","to":"`...)
		b = append(b, to...)
		b = append(b, '"')
		if st.Reason != "" {
			b = append(b, `,"reason":`...)
			b = jsonw.String(b, st.Reason)
		}
		own := st.Stack != trace.NoStack && len(e.frames(st.Stack)) > 0
		if own && st.Stack != stk && !sameFrames(st.Stack, stk) {
			b = append(b, `,"tstack":`...)
			b = append(b, e.frames(st.Stack)...)
		} else if !own && stk != trace.NoStack && len(e.frames(stk)) > 0 {
			// The transition has no stack of its own (a wake-up):
			// the event's stack is its context's, the waker's.
			b = append(b, `,"no_tstack":true`...)
		}
	case trace.EventExperimental:
		b = append(b, `,"name":`...)
		b = jsonw.String(b, ev.Experimental().Name)
	}
	if stk != trace.NoStack {
		if frames := e.frames(stk); len(frames) > 0 {
			b = append(b, `,"stack":`...)
			b = append(b, frames...)
		}
	}
	b = append(b, '}', '\n')
	e.w.Write(b)
	e.b = b
}

// frames renders a stack as a JSON array once per generation; an empty
// stack renders as nothing.
func (e *emitter) frames(s trace.Stack) []byte {
	if r, ok := e.stacks[s]; ok {
		return r
	}
	var r []byte
	for f := range s.Frames() {
		if r == nil {
			r = append(r, '[')
		} else {
			r = append(r, ',')
		}
		r = append(r, `{"fn":`...)
		r = jsonw.String(r, f.Func)
		r = append(r, `,"file":`...)
		r = jsonw.String(r, f.File)
		r = append(r, `,"line":`...)
		r = strconv.AppendUint(r, f.Line, 10)
		r = append(r, '}')
	}
	if r != nil {
		r = append(r, ']')
	}
	e.stacks[s] = r
	return r
}

type frame struct {
	fn, file string
	line     uint64
}

// sameFrames: the two stacks list the same functions, files and lines.
func sameFrames(a, b trace.Stack) bool {
	var fa []frame
	for f := range a.Frames() {
		fa = append(fa, frame{f.Func, f.File, f.Line})
	}
	i := 0
	for f := range b.Frames() {
		if i >= len(fa) || fa[i] != (frame{f.Func, f.File, f.Line}) {
			return false
		}
		i++
	}
	return i == len(fa)
}

// appendResource writes ,"KEY":"goroutine"|"proc"|"thread","id":ID, or
// ,"KEY":"global" for ResourceNone.
func appendResource(b []byte, key string, r trace.ResourceID) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	var id int64
	switch r.Kind {
	case trace.ResourceGoroutine:
		b = append(b, `"goroutine"`...)
		id = int64(r.Goroutine())
	case trace.ResourceProc:
		b = append(b, `"proc"`...)
		id = int64(r.Proc())
	case trace.ResourceThread:
		b = append(b, `"thread"`...)
		id = int64(r.Thread())
	default:
		return append(b, `"global"`...)
	}
	b = append(b, `,"id":`...)
	return strconv.AppendInt(b, id, 10)
}
