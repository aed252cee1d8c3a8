// Command newswire-bench measures newswire: story deduplication quality on
// labelled headlines, and ingest and clustering speed at scale.
//
//	newswire-bench dedup --csv ../shared/data/uci-news-dev.csv
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "newswire-bench:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `usage: newswire-bench <command> [flags]

commands:
  dedup       cluster labelled headlines (UCI News Aggregator CSV) and score the stories
  poll        poll 1,000 feeds on loopback: one cycle, then one where nothing changed
  order       cluster the headlines in time order and shuffled orders; how often clusters differ
  scale       ingest and cluster 10k/100k/1M synthetic items; items/s and peak memory
  background  print the document frequencies dedup embeds (from the tuning half)
  serve       load a 100-entry topic feed with wrk: newswire, a bare Go handler and nginx
  websub      the built-in WebSub hub: verifications/s, and delivery of a change to every topic with slow subscribers
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "dedup":
		return runDedup(ctx, args[1:], stdout, stderr)
	case "poll":
		return runPollBench(ctx, args[1:], stdout, stderr)
	case "order":
		return runOrder(ctx, args[1:], stdout, stderr)
	case "scale":
		return runScale(ctx, args[1:], stdout, stderr)
	case "background":
		return runBackground(args[1:], stdout, stderr)
	case "serve":
		return runServeBench(ctx, args[1:], stdout, stderr)
	case "websub":
		return runWebSubBench(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return errUsage
}
