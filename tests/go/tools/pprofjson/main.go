// Command pprofjson is the Go peer of `pprof2ndjson FILE` for `make bench`:
// it parses a profile with github.com/google/pprof/profile and writes the
// same flat records (one profile record, then one sample record per sample
// with its values keyed by sample type and its full stack) through a
// buffered writer.  Frames of a location are encoded once and reused, as
// any careful emitter would.
//
//	pprofjson FILE > /dev/null
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	"github.com/google/pprof/profile"

	"leakpipe/tests/go/tools/internal/jsonw"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pprofjson FILE")
		os.Exit(2)
	}
	name := os.Args[1]
	f, err := os.Open(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pprofjson:", err)
		os.Exit(1)
	}
	p, err := profile.Parse(bufio.NewReaderSize(f, 1<<16))
	f.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pprofjson: %s: %v\n", name, err)
		os.Exit(1)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	emit(w, name, p)
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "pprofjson: write error:", err)
		os.Exit(1)
	}
}

func emit(w *bufio.Writer, src string, p *profile.Profile) {
	srcJSON := jsonw.String(nil, src)

	b := make([]byte, 0, 4096)
	b = append(b, `{"kind":"profile","src":`...)
	b = append(b, srcJSON...)
	b = append(b, `,"format":"pprof","sample_types":[`...)
	keys := make([][]byte, len(p.SampleType)) // `"type":` per value
	for i, st := range p.SampleType {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = jsonw.String(b, st.Type)
		b = append(b, `,"unit":`...)
		b = jsonw.String(b, st.Unit)
		b = append(b, '}')
		keys[i] = append(jsonw.String(nil, st.Type), ':')
	}
	b = append(b, ']')
	if p.DefaultSampleType != "" {
		b = append(b, `,"default_sample_type":`...)
		b = jsonw.String(b, p.DefaultSampleType)
	}
	if p.PeriodType != nil {
		b = append(b, `,"period_type":{"type":`...)
		b = jsonw.String(b, p.PeriodType.Type)
		b = append(b, `,"unit":`...)
		b = jsonw.String(b, p.PeriodType.Unit)
		b = append(b, '}')
	}
	b = append(b, `,"period":`...)
	b = jsonw.Int(b, p.Period)
	b = append(b, `,"time_ns":`...)
	b = jsonw.Int(b, p.TimeNanos)
	b = append(b, `,"duration_ns":`...)
	b = jsonw.Int(b, p.DurationNanos)
	b = append(b, `,"samples":`...)
	b = jsonw.Int(b, int64(len(p.Sample)))
	b = append(b, "}\n"...)
	w.Write(b)

	prefix := append(append([]byte(`{"kind":"sample","src":`), srcJSON...), `,"values":{`...)
	frames := map[*profile.Location][]byte{}
	for _, s := range p.Sample {
		b = append(b[:0], prefix...)
		for i, v := range s.Value {
			if i > 0 {
				b = append(b, ',')
			}
			if i < len(keys) {
				b = append(b, keys[i]...)
			} else {
				b = append(b, `"#`...)
				b = strconv.AppendInt(b, int64(i), 10)
				b = append(b, `":`...)
			}
			b = jsonw.Int(b, v)
		}
		b = append(b, `},"stack":[`...)
		for i, loc := range s.Location {
			if i > 0 {
				b = append(b, ',')
			}
			fr, ok := frames[loc]
			if !ok {
				fr = locationJSON(loc)
				frames[loc] = fr
			}
			b = append(b, fr...)
		}
		b = append(b, ']')
		if len(s.Label) > 0 {
			b = append(b, `,"labels":{`...)
			b = labelsJSON(b, s.Label)
			b = append(b, '}')
		}
		if len(s.NumLabel) > 0 {
			b = append(b, `,"num_labels":{`...)
			b = numLabelsJSON(b, s.NumLabel, s.NumUnit)
			b = append(b, '}')
		}
		b = append(b, "}\n"...)
		w.Write(b)
	}
}

// locationJSON encodes a location's frames, leaf first, without brackets.
func locationJSON(loc *profile.Location) []byte {
	var b []byte
	addr := "0x" + strconv.FormatUint(loc.Address, 16)
	if len(loc.Line) == 0 {
		b = append(b, `{"fn":"`...)
		b = append(b, addr...)
		b = append(b, `","file":"","line":0,"addr":"`...)
		b = append(b, addr...)
		return append(b, `"}`...)
	}
	for i, ln := range loc.Line {
		if i > 0 {
			b = append(b, ',')
		}
		var fn, file string
		if ln.Function != nil {
			fn, file = ln.Function.Name, ln.Function.Filename
		}
		b = append(b, `{"fn":`...)
		b = jsonw.String(b, fn)
		b = append(b, `,"file":`...)
		b = jsonw.String(b, file)
		b = append(b, `,"line":`...)
		b = jsonw.Int(b, ln.Line)
		if i < len(loc.Line)-1 {
			b = append(b, `,"inlined":true`...)
		}
		if loc.Address != 0 {
			b = append(b, `,"addr":"`...)
			b = append(b, addr...)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	return b
}

func labelsJSON(b []byte, labels map[string][]string) []byte {
	first := true
	for k, vs := range labels {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonw.String(b, k)
		b = append(b, ':')
		if len(vs) == 1 {
			b = jsonw.String(b, vs[0])
			continue
		}
		b = append(b, '[')
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonw.String(b, v)
		}
		b = append(b, ']')
	}
	return b
}

func numLabelsJSON(b []byte, labels map[string][]int64, units map[string][]string) []byte {
	first := true
	for k, ns := range labels {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = jsonw.String(b, k)
		b = append(b, ':')
		if len(ns) > 1 {
			b = append(b, '[')
		}
		for i, n := range ns {
			if i > 0 {
				b = append(b, ',')
			}
			unit := ""
			if i < len(units[k]) {
				unit = units[k][i]
			}
			if unit == "" {
				unit = k
				if k == "alignment" || k == "request" {
					unit = "bytes"
				}
			}
			b = append(b, `{"value":`...)
			b = jsonw.Int(b, n)
			b = append(b, `,"unit":`...)
			b = jsonw.String(b, unit)
			b = append(b, '}')
		}
		if len(ns) > 1 {
			b = append(b, ']')
		}
	}
	return b
}
