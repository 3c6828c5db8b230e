// Command traceread is the decoding-and-ordering bench peer of trace2ndjson
// --events=Sync: golang.org/x/exp/trace's ReadEvent loop alone, with no
// output but the number of events read (on stderr, so that stdout stays
// empty like trace2ndjson's when every event is filtered out).
//
//	traceread FILE
//
// Exit status 65 when the reader fails, 66 when FILE cannot be opened.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: traceread FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "traceread: %v\n", err)
		os.Exit(66)
	}
	defer f.Close()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		fmt.Fprintf(os.Stderr, "traceread: %s: %v\n", os.Args[1], err)
		os.Exit(65)
	}
	n := 0
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "traceread: %s: %v\n", os.Args[1], err)
			os.Exit(65)
		}
		n++
	}
	fmt.Fprintf(os.Stderr, "%d events\n", n)
}
