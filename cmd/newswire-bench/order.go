package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/dedup"
)

// runOrder measures order dependence: the same items clustered in time
// order and in shuffled orders, compared item by item.
func runOrder(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("order", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV")
	runs := fs.Int("runs", 10, "shuffled orders to try")
	path := fs.String("path", "memory", "memory: the clusterer alone, one item at a time; ingest: per-publisher hourly feed files through the real ingest path, the files in reverse and shuffled orders")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	base := arrange(rows, "time", 0)
	cluster := func(order string, seed uint64) ([]string, error) {
		if *path == "memory" {
			shuffled := arrange(rows, order, seed)
			got := clusterMemory(shuffled, dedup.Config{})
			return align(base, shuffled, got), nil
		}
		dir, err := os.MkdirTemp("", "newswire-order-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		return clusterIngest(ctx, base, dedup.Config{}, time.Hour, dir, order, seed)
	}
	ref, err := cluster("time", 0)
	if err != nil {
		return err
	}
	orders := []string{}
	if *path != "memory" {
		orders = append(orders, "reverse")
	}
	for i := 0; i < *runs; i++ {
		orders = append(orders, "shuffle")
	}
	var sumAgree, sumSame float64
	for i, order := range orders {
		got, err := cluster(order, uint64(i+1))
		if err != nil {
			return err
		}
		agree, same := dedup.Score(got, ref).BCubedF1, sameClusterShare(got, ref)
		sumAgree += agree
		sumSame += same
		fmt.Fprintf(stdout, "%s %2d: B-cubed agreement with time order %.3f, items in an identical cluster %.1f%%\n", order, i+1, agree, 100*same)
	}
	fmt.Fprintf(stdout, "mean over %d orders: agreement %.3f, identical clusters for %.1f%% of items\n",
		len(orders), sumAgree/float64(len(orders)), 100*sumSame/float64(len(orders)))
	return nil
}

// align lines labels given in the order of got's rows up with base's rows.
func align(base, shuffled []uciRow, got []string) []string {
	byID := make(map[string]int, len(base))
	for i, r := range base {
		byID[r.ID] = i
	}
	out := make([]string, len(base))
	for i, r := range shuffled {
		out[byID[r.ID]] = got[i]
	}
	return out
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
