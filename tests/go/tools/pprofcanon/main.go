// Command pprofcanon prints the canonical form of pprof protobuf profiles,
// as parsed by github.com/google/pprof/profile.  It is the oracle side of
// leakpipe's differential test; tests/canon.jq turns pprof2ndjson's records
// into the same text.
//
//	pprofcanon [-legacy] FILE...
//
// The form, per profile:
//
//	# types t1/u1,t2/u2,...
//	V1,V2,...<TAB>FRAMES<TAB>LABELS          (one line per sample, in order)
//
// V are the sample values in sample_type order.  FRAMES are the sample's
// logical frames, leaf first, joined by " ; ", each "fn file:line"; a frame
// inlined into the next one (every Line of a Location but the last) is
// prefixed with "^"; a Location without lines is "0xADDR :0".  LABELS are
// "k=v" for string labels and "k=N[unit]" for numeric ones (the label's own
// unit, else pprof's inference: "bytes" for keys alignment and request, the
// key itself otherwise), sorted bytewise and joined by ",".
//
// Only protobuf input is accepted (gzipped or not): pprof's legacy text
// parsers ignore the symbol lines leakpipe reads, so they are no oracle for
// it.  -legacy lets profile.Parse fall back to them anyway.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/google/pprof/profile"
)

func main() {
	legacy := flag.Bool("legacy", false, "also accept pprof's legacy text and binary formats")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: pprofcanon [-legacy] FILE...")
		os.Exit(2)
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	status := 0
	for _, name := range flag.Args() {
		p, err := load(name, *legacy)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pprofcanon: %s: %v\n", name, err)
			status = 1
			continue
		}
		canon(w, p)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "pprofcanon: write error:", err)
		os.Exit(1)
	}
	os.Exit(status)
}

func load(name string, legacy bool) (*profile.Profile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if legacy {
		return profile.ParseData(data)
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err == nil {
			data, err = io.ReadAll(gz)
		}
		if err != nil {
			return nil, fmt.Errorf("decompressing profile: %v", err)
		}
	}
	p, err := profile.ParseUncompressed(data)
	if err != nil {
		return nil, fmt.Errorf("parsing profile: %v", err)
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("malformed profile: %v", err)
	}
	return p, nil
}

// inferUnit is pprof's rule for a numeric label that carries no unit.
func inferUnit(key string) string {
	switch key {
	case "alignment", "request":
		return "bytes"
	}
	return key
}

func canon(w *bufio.Writer, p *profile.Profile) {
	types := make([]string, len(p.SampleType))
	for i, st := range p.SampleType {
		types[i] = st.Type + "/" + st.Unit
	}
	w.WriteString("# types ")
	w.WriteString(strings.Join(types, ","))
	w.WriteByte('\n')

	var buf []byte
	var labels []string
	for _, s := range p.Sample {
		buf = buf[:0]
		for i, v := range s.Value {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, v, 10)
		}
		buf = append(buf, '\t')
		first := true
		for _, loc := range s.Location {
			if len(loc.Line) == 0 {
				if !first {
					buf = append(buf, " ; "...)
				}
				first = false
				buf = append(buf, "0x"...)
				buf = strconv.AppendUint(buf, loc.Address, 16)
				buf = append(buf, " :0"...)
				continue
			}
			for i, ln := range loc.Line {
				if !first {
					buf = append(buf, " ; "...)
				}
				first = false
				if i < len(loc.Line)-1 {
					buf = append(buf, '^')
				}
				var fn, file string
				if ln.Function != nil {
					fn, file = ln.Function.Name, ln.Function.Filename
				}
				buf = append(buf, fn...)
				buf = append(buf, ' ')
				buf = append(buf, file...)
				buf = append(buf, ':')
				buf = strconv.AppendInt(buf, ln.Line, 10)
			}
		}
		buf = append(buf, '\t')
		labels = labels[:0]
		for k, vs := range s.Label {
			for _, v := range vs {
				labels = append(labels, k+"="+v)
			}
		}
		for k, ns := range s.NumLabel {
			units := s.NumUnit[k]
			for i, n := range ns {
				unit := ""
				if i < len(units) {
					unit = units[i]
				}
				if unit == "" {
					unit = inferUnit(k)
				}
				labels = append(labels, k+"="+strconv.FormatInt(n, 10)+"["+unit+"]")
			}
		}
		sort.Strings(labels)
		buf = append(buf, strings.Join(labels, ",")...)
		buf = append(buf, '\n')
		w.Write(buf)
	}
}
