package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/dedup"
)

func runDedup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("dedup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV")
	part := fs.String("part", "both", "rows to score: tune, test, all, or both (tune and test)")
	order := fs.String("order", "time", "arrival order: time, publisher or shuffle")
	seed := fs.Uint64("seed", 1, "shuffle seed")
	join := fs.Float64("join", 0, "join threshold (0: default)")
	pair := fs.Float64("pair", 0, "pair threshold (0: default)")
	merge := fs.Float64("merge", 0, "merge threshold (0: default)")
	share := fs.Float64("share", 0, "max term share (0: default)")
	bgPart := fs.String("background", "embedded", "background document frequencies: embedded (the tuning half's), none, or a part of the CSV (tune, test, all)")
	minShared := fs.Int("min-shared", 0, "min shared terms (0: default)")
	path := fs.String("path", "ingest", "ingest: per-publisher RSS files through the real ingest path into SQLite; memory: the clusterer alone")
	cycle := fs.Duration("cycle", time.Hour, "with --path ingest: poll cycle (one feed file per publisher per cycle)")
	explainFlag := fs.Bool("explain", false, "print impure clusters and fragmented stories")
	useURL := fs.Bool("url-words", true, "use URL path words")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !*useURL {
		urlWords = func(string) []string { return nil }
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	cfg := dedup.Config{JoinThreshold: *join, PairThreshold: *pair, MergeThreshold: *merge, MaxTermShare: *share, MinSharedTerms: *minShared}
	switch *bgPart {
	case "embedded":
	case "none":
		cfg.NoBackground = true
	default:
		cfg.Background = background(split(rows, *bgPart))
	}
	parts := []string{*part}
	if *part == "both" {
		parts = []string{"tune", "test"}
	}
	for _, p := range parts {
		sub := arrange(split(rows, p), *order, *seed)
		start := time.Now()
		var pred []string
		if *path == "memory" {
			pred = clusterMemory(sub, cfg)
		} else {
			dir, err := os.MkdirTemp("", "newswire-bench-")
			if err != nil {
				return err
			}
			pred, err = clusterIngest(ctx, sub, cfg, *cycle, dir, "time", 0)
			os.RemoveAll(dir)
			if err != nil {
				return err
			}
		}
		elapsed := time.Since(start)
		truth := make([]string, len(sub))
		for i, r := range sub {
			truth[i] = r.Story
		}
		s := dedup.Score(pred, truth)
		if *explainFlag {
			explain(stdout, sub, pred)
		}
		fmt.Fprintf(stdout, "%-6s %-5s items=%d stories=%d truth=%d  B3 P=%.3f R=%.3f F1=%.3f  pair P=%.3f R=%.3f F1=%.3f  %.0f items/s\n",
			*path, p, s.Items, s.Clusters, s.Truth, s.BCubedPrecision, s.BCubedRecall, s.BCubedF1,
			s.PairPrecision, s.PairRecall, s.PairF1, float64(len(sub))/elapsed.Seconds())
	}
	return nil
}

// arrange orders rows as they would arrive.
func arrange(rows []uciRow, order string, seed uint64) []uciRow {
	out := append([]uciRow(nil), rows...)
	switch order {
	case "publisher":
		sort.SliceStable(out, func(i, j int) bool { return out[i].Publisher < out[j].Publisher })
	case "shuffle":
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	default:
		sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	}
	return out
}

// clusterMemory clusters rows with the in-memory clusterer alone.
func clusterMemory(rows []uciRow, cfg dedup.Config) []string {
	c := dedup.New(cfg)
	pred := make([]string, len(rows))
	for i, r := range rows {
		d := c.Assign(dedup.Input{NewStoryID: "s" + r.ID, SourceKey: r.Publisher, Outlet: r.Publisher,
			Title: r.Title, CanonicalURL: r.URL, URLWords: urlWords(r.URL), Time: r.Time})
		pred[i] = d.StoryID
	}
	// Follow merges: a story merged away now lives in its survivor.
	for i := range pred {
		pred[i] = c.Resolve(pred[i])
	}
	return pred
}

// pathWords is a stand-in until urlcanon lands.
func pathWords(raw string) []string {
	u, err := url.Parse(strings.ReplaceAll(raw, `\?`, "?"))
	if err != nil {
		return nil
	}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(u.Path), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if len(w) < 3 || strings.ContainsAny(w, "0123456789") || w == "html" || w == "htm" || w == "news" || w == "story" || w == "article" || w == "index" || w == "php" {
			continue
		}
		out = append(out, w)
	}
	return out
}

// urlWords gives the words of a URL path (off with --url-words=false).
var urlWords = pathWords

// explain prints the impure predicted clusters and the most fragmented
// true stories, to study the misses before tuning.
func explain(w io.Writer, rows []uciRow, pred []string) {
	byPred := map[string][]int{}
	byTruth := map[string]map[string]int{}
	for i, r := range rows {
		byPred[pred[i]] = append(byPred[pred[i]], i)
		if byTruth[r.Story] == nil {
			byTruth[r.Story] = map[string]int{}
		}
		byTruth[r.Story][pred[i]]++
	}
	fmt.Fprintln(w, "== impure clusters")
	for _, idx := range byPred {
		labels := map[string]int{}
		for _, i := range idx {
			labels[rows[i].Story]++
		}
		if len(labels) < 2 {
			continue
		}
		fmt.Fprintf(w, "-- cluster of %d, %d labels %v\n", len(idx), len(labels), labels)
		for _, i := range idx[:min(len(idx), 12)] {
			fmt.Fprintf(w, "   [%s] %s\n", rows[i].Story[:6], rows[i].Title)
		}
	}
	fmt.Fprintln(w, "== fragmentation")
	for story, parts := range byTruth {
		sizes := []int{}
		for _, n := range parts {
			sizes = append(sizes, n)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
		fmt.Fprintf(w, "%s %d parts: %v\n", story[:6], len(parts), sizes[:min(len(sizes), 15)])
	}
}

// background counts the documents each term appears in.
func background(rows []uciRow) *dedup.Background {
	bg := &dedup.Background{DF: map[string]int{}}
	for _, r := range rows {
		bg.Docs++
		seen := map[string]bool{}
		for _, t := range dedup.Tokens(r.Title) {
			if !seen[t] {
				seen[t] = true
				bg.DF[t]++
			}
		}
	}
	return bg
}

// runBackground writes the document frequencies of the headlines of one
// part of the CSV, the table dedup embeds as its background corpus.
func runBackground(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("background", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV")
	part := fs.String("part", "tune", "rows to count: tune, test or all")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	return dedup.WriteBackground(stdout, background(split(rows, *part)))
}
