package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/newswire/newswire/internal/dedup"
)

// runOrder measures order dependence: the same items clustered in time
// order and in shuffled orders, compared item by item.
func runOrder(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("order", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV")
	runs := fs.Int("runs", 10, "shuffled orders to try")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	base := arrange(rows, "time", 0)
	ref := clusterMemory(base, dedup.Config{})
	byID := map[string]int{}
	for i, r := range base {
		byID[r.ID] = i
	}
	var sumAgree, sumSame float64
	for seed := 1; seed <= *runs; seed++ {
		shuffled := arrange(rows, "shuffle", uint64(seed))
		got := clusterMemory(shuffled, dedup.Config{})
		// Line the shuffled labels up with the reference order.
		aligned := make([]string, len(base))
		for i, r := range shuffled {
			aligned[byID[r.ID]] = got[i]
		}
		agree := dedup.Score(aligned, ref).BCubedF1
		same := sameClusterShare(aligned, ref)
		sumAgree += agree
		sumSame += same
		fmt.Fprintf(stdout, "shuffle %2d: B-cubed agreement with time order %.3f, items in an identical cluster %.1f%%\n", seed, agree, 100*same)
	}
	fmt.Fprintf(stdout, "mean over %d orders: agreement %.3f, identical clusters for %.1f%% of items\n",
		*runs, sumAgree/float64(*runs), 100*sumSame/float64(*runs))
	return nil
}

// sameClusterShare is the share of items whose cluster (as a set of items)
// is the same in both labelings.
func sameClusterShare(a, b []string) float64 {
	sig := func(labels []string) []string {
		members := map[string][]int{}
		for i, l := range labels {
			members[l] = append(members[l], i)
		}
		out := make([]string, len(labels))
		for _, idx := range members {
			sort.Ints(idx)
			key := strings.Trim(fmt.Sprint(idx), "[]")
			for _, i := range idx {
				out[i] = key
			}
		}
		return out
	}
	sa, sb := sig(a), sig(b)
	same := 0
	for i := range sa {
		if sa[i] == sb[i] {
			same++
		}
	}
	return float64(same) / float64(len(a))
}
