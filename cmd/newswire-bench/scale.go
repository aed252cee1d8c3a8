package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/dedup"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

// runScale pushes synthetic items, built from the real headlines, through
// identity, clustering and SQLite at several sizes, and reports items per
// second and peak memory at each.
func runScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV (the headlines to vary)")
	sizes := fs.String("sizes", "10000,100000,1000000", "comma-separated item counts")
	batch := fs.Int("batch", 500, "items per transaction (one feed fetch)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	dirFlag := fs.String("dir", "", "directory for the databases (default: a temporary one, removed after)")
	runs := fs.Int("runs", 1, "runs per size; the median run's figures are printed, with every run's time")
	settle := fs.Bool("settle", true, "settle the stories after each run (timed apart)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	dir := *dirFlag
	if dir == "" {
		if dir, err = os.MkdirTemp("", "newswire-scale-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	fmt.Fprintf(stdout, "%10s %10s %10s %12s %10s %10s %10s %10s %12s\n", "items", "seconds", "items/s", "stories",
		"heap MiB", "rss MiB", "settle s", "settled", "last page ms")
	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n <= 0 {
			return fmt.Errorf("--sizes: %q is not a positive count", field)
		}
		var results []scaleResult
		for run := range max(*runs, 1) {
			path := filepath.Join(dir, fmt.Sprintf("scale-%d-%d.db", n, run))
			r, err := scaleRun(ctx, rows, n, *batch, path, *settle)
			if err != nil {
				return err
			}
			results = append(results, r)
			removeDB(path) // each run starts from an empty database
		}
		r := median(results)
		fmt.Fprintf(stdout, "%10d %10.1f %10.0f %12d %10.0f %10.0f %10.1f %10d %12.1f", n, r.elapsed.Seconds(),
			float64(n)/r.elapsed.Seconds(), r.stories, r.peakHeap/(1<<20), r.maxRSS/(1<<20),
			r.settle.Seconds(), r.settled, float64(r.lastPage)/float64(time.Millisecond))
		if len(results) > 1 {
			fmt.Fprint(stdout, "   runs:")
			for _, x := range results {
				fmt.Fprintf(stdout, " %.1f", x.elapsed.Seconds())
			}
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// median is the run with the median ingest time.
func median(results []scaleResult) scaleResult {
	sorted := slices.Clone(results)
	slices.SortFunc(sorted, func(a, b scaleResult) int { return cmp.Compare(a.elapsed, b.elapsed) })
	return sorted[len(sorted)/2]
}

// removeDB removes a database file and its WAL files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

type scaleResult struct {
	elapsed          time.Duration
	settle           time.Duration // the one Settle after the ingest
	settled          int           // items it clustered again
	stories          int
	peakHeap, maxRSS float64
	// lastPage is how long finding the stories feed's last page took
	// (store.LastStoriesCursor at the feed's page size).
	lastPage time.Duration
}

// scaleRun ingests n synthetic items into a fresh database.
func scaleRun(ctx context.Context, rows []uciRow, n, batchSize int, path string, settle bool) (scaleResult, error) {
	runtime.GC()
	db, err := store.Open(ctx, path, store.Options{Tagger: benchTagger})
	if err != nil {
		return scaleResult{}, err
	}
	defer db.Close()
	svc := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger(), Dedup: dedup.Config{}})
	gen := newSynth(rows)
	var peak uint64
	start := time.Now()
	for done := 0; done < n; {
		items := make([]model.Item, 0, batchSize)
		for len(items) < batchSize && done+len(items) < n {
			items = append(items, gen.next())
		}
		if _, err := svc.IngestItems(ctx, items, func(b *model.CoverageBatch) error {
			_, err := db.ApplyCoverage(ctx, b)
			return err
		}); err != nil {
			return scaleResult{}, err
		}
		done += len(items)
		if done%(batchSize*20) == 0 {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	res := scaleResult{elapsed: time.Since(start), peakHeap: float64(peak)}
	if settle {
		start = time.Now()
		report, err := svc.Settle(ctx, db.ApplyRegroup)
		if err != nil {
			return scaleResult{}, err
		}
		res.settle, res.settled = time.Since(start), report.Items
	}
	res.maxRSS = maxRSS()
	res.stories = svcStories(ctx, db)
	start = time.Now()
	if _, err := db.LastStoriesCursor(ctx, 100); err != nil {
		return scaleResult{}, err
	}
	res.lastPage = time.Since(start)
	return res, nil
}

// svcStories counts the live stories.
func svcStories(ctx context.Context, db *store.DB) int {
	n, err := db.CountStories(ctx)
	if err != nil {
		return -1
	}
	return n
}

// maxRSS is the peak resident set size of this process so far, in bytes.
func maxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) * 1024
}

// synth makes an endless stream of items from real headlines: each epoch
// replays the sample a week later, every headline several times, from
// varied outlets and with varied wording, so stories keep their shape and
// the time window holds about one sample's worth of news.
type synth struct {
	rows     []uciRow
	rnd      *rand.Rand
	outlets  []string
	i        int
	start    time.Time
	span     time.Duration
	variants int
}

func newSynth(rows []uciRow) *synth {
	s := &synth{rows: rows, rnd: rand.New(rand.NewPCG(1, 2)), variants: 4}
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Publisher] {
			seen[r.Publisher] = true
			s.outlets = append(s.outlets, r.Publisher)
		}
	}
	s.start, s.span = rows[0].Time, 0
	for _, r := range rows {
		s.start = minTime(s.start, r.Time)
	}
	for _, r := range rows {
		s.span = max(s.span, r.Time.Sub(s.start))
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

var fillers = []string{"report", "update", "analysis", "live", "latest", "exclusive", "explainer", "opinion"}

func (s *synth) next() model.Item {
	perEpoch := len(s.rows) * s.variants
	epoch, k := s.i/perEpoch, s.i%perEpoch
	s.i++
	r := s.rows[k%len(s.rows)]
	variant := k / len(s.rows)
	words := strings.Fields(r.Title)
	switch variant {
	case 1:
		if len(words) > 4 {
			j := 1 + s.rnd.IntN(len(words)-2)
			words = append(words[:j:j], words[j+1:]...)
		}
	case 2:
		words = append(words, "-", fillers[s.rnd.IntN(len(fillers))])
	case 3:
		if len(words) > 3 {
			j := s.rnd.IntN(len(words) - 1)
			words[j], words[j+1] = words[j+1], words[j]
		}
	}
	outlet := s.outlets[s.rnd.IntN(len(s.outlets))]
	if variant > 0 {
		outlet += fmt.Sprintf(" %d", variant)
	}
	at := s.start.Add(time.Duration(epoch)*7*24*time.Hour + r.Time.Sub(s.start) +
		time.Duration(variant)*17*time.Minute)
	url := fmt.Sprintf("https://%s/e%d/v%d/%s", strings.ToLower(strings.ReplaceAll(outlet, " ", "")), epoch, variant,
		model.Slugify(strings.Join(words, " "), "item"))
	return model.Item{SourceKey: "synth:" + outlet, GUID: url, URL: url, Outlet: outlet,
		Title: strings.Join(words, " "), Published: at}
}

// startProfile writes a CPU profile to path until the returned stop.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
