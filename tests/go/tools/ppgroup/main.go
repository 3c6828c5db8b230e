// Command ppgroup groups the goroutines of a dump with
// github.com/maruel/panicparse/v2 (stack.ScanSnapshot, then
// Snapshot.Aggregate), so that stackcluster's grouping can be compared
// with panicparse's, and timed against it in `make bench`.  One line per
// bucket, largest first (ties by smallest id):
//
//	COUNT<TAB>ID,ID,...<TAB>STATE<TAB>LEAF FUNCTION
//
// The -similar flag is panicparse's similarity: exact (ExactLines),
// flags (ExactFlags), pointer (AnyPointer, the default of its pp
// command) or value (AnyValue).  With -count only the number of buckets
// and goroutines is printed (for timing).  Text around the dump is
// ignored, as pp does.
//
//	ppgroup [-similar pointer] [-count] FILE
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/maruel/panicparse/v2/stack"
)

func main() {
	sim := flag.String("similar", "pointer", "exact, flags, pointer or value")
	count := flag.Bool("count", false, "print only the bucket and goroutine counts")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: ppgroup [-similar S] [-count] FILE")
		os.Exit(2)
	}
	similar := map[string]stack.Similarity{
		"exact": stack.ExactLines, "flags": stack.ExactFlags,
		"pointer": stack.AnyPointer, "value": stack.AnyValue,
	}
	s, ok := similar[*sim]
	if !ok {
		fmt.Fprintln(os.Stderr, "ppgroup: -similar: exact, flags, pointer or value")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "ppgroup:", err)
		os.Exit(1)
	}
	defer f.Close()
	var in io.Reader = bufio.NewReaderSize(f, 1<<16)
	var gs []*stack.Goroutine
	for {
		snap, suffix, err := stack.ScanSnapshot(in, io.Discard, &stack.Opts{})
		if snap != nil {
			gs = append(gs, snap.Goroutines...)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			fmt.Fprintln(os.Stderr, "ppgroup:", err)
			os.Exit(1)
		}
		if err != nil || len(suffix) == 0 && snap == nil {
			break
		}
		in = io.MultiReader(strings.NewReader(string(suffix)), in)
	}
	all := &stack.Snapshot{Goroutines: gs}
	buckets := all.Aggregate(s).Buckets
	if *count {
		fmt.Printf("%d buckets, %d goroutines\n", len(buckets), len(gs))
		return
	}
	sort.SliceStable(buckets, func(i, j int) bool {
		if len(buckets[i].IDs) != len(buckets[j].IDs) {
			return len(buckets[i].IDs) > len(buckets[j].IDs)
		}
		return buckets[i].IDs[0] < buckets[j].IDs[0]
	})
	w := bufio.NewWriter(os.Stdout)
	for _, b := range buckets {
		ids := make([]string, len(b.IDs))
		for i, id := range b.IDs {
			ids[i] = strconv.Itoa(id)
		}
		leaf := ""
		if len(b.Stack.Calls) > 0 {
			leaf = b.Stack.Calls[0].Func.Complete
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", len(b.IDs), strings.Join(ids, ","), b.State, leaf)
	}
	w.Flush()
}
