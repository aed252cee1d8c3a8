package dedup

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// backgroundTSV holds document frequencies of the headlines of the tuning
// half of the UCI News Aggregator sample (regenerate with
// `go run ./cmd/newswire-bench background > internal/dedup/background.tsv`).
//
//go:embed background.tsv
var backgroundTSV string

// DefaultBackground returns the embedded background corpus.
var DefaultBackground = sync.OnceValue(func() *Background {
	bg, err := ReadBackground(strings.NewReader(backgroundTSV))
	if err != nil {
		panic("dedup: embedded background.tsv: " + err.Error())
	}
	return bg
})

// ReadBackground reads a table written by WriteBackground: a first line
// "docs\tN", then "term\tdf" lines.
func ReadBackground(r io.Reader) (*Background, error) {
	bg := &Background{DF: map[string]int{}}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		term, count, ok := strings.Cut(sc.Text(), "\t")
		n, err := strconv.Atoi(count)
		if !ok || err != nil {
			return nil, fmt.Errorf("background line %d: want term<TAB>count", line)
		}
		if line == 1 {
			if term != "docs" {
				return nil, fmt.Errorf("background line 1: want docs<TAB>N")
			}
			bg.Docs = n
			continue
		}
		bg.DF[term] = n
	}
	return bg, sc.Err()
}

// WriteBackground writes bg in the form ReadBackground reads, terms sorted.
func WriteBackground(w io.Writer, bg *Background) error {
	terms := make([]string, 0, len(bg.DF))
	for t := range bg.DF {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "docs\t%d\n", bg.Docs)
	for _, t := range terms {
		fmt.Fprintf(bw, "%s\t%d\n", t, bg.DF[t])
	}
	return bw.Flush()
}
