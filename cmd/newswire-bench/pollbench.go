package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/poll"
	"github.com/newswire/newswire/store"
)

// runPollBench polls many feeds served on loopback: one full cycle, then a
// second where nothing changed (every answer a 304).
func runPollBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("poll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV (the headlines served)")
	n := fs.Int("sources", 1000, "feeds to serve and poll")
	perFeed := fs.Int("items", 10, "items per feed")
	hosts := fs.Int("hosts", 50, "loopback servers (hosts) the feeds are spread over")
	workers := fs.Int("workers", 4, "fetches at once")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if *cpuProfile != "" {
		stop, err := startProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	rows, err := readUCI(*csvPath)
	if err != nil {
		return err
	}
	var requests, bytesOut atomic.Int64
	bases, stop, err := serveFeeds(rows, *hosts, *perFeed, &requests, &bytesOut)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "newswire-poll-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, filepath.Join(dir, "poll.db"), store.Options{Tagger: benchTagger})
	if err != nil {
		return err
	}
	defer db.Close()
	var sources []model.Source
	for i := 0; i < *n; i++ {
		sources = append(sources, model.Source{URL: fmt.Sprintf("%s/feed/%d.rss", bases[i%len(bases)], i)})
	}
	if _, err := db.AddSources(ctx, sources); err != nil {
		return err
	}
	stories := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger()})
	p := &poll.Poller{Sources: db, Fetcher: poll.NewFetcher(poll.Config{}),
		Pool: &poll.Pool{Workers: *workers, PerHost: 1},
		Ingest: func(ctx context.Context, items []model.Item) (model.IngestCounts, int, error) {
			return stories.IngestAndApply(ctx, items, db.ApplyCoverage)
		}}
	fmt.Fprintf(stdout, "%d feeds of %d items on %d loopback hosts, %d workers\n", *n, *perFeed, len(bases), *workers)
	fmt.Fprintf(stdout, "%-10s %8s %9s %11s %10s %10s %8s %8s\n", "cycle", "wall s", "requests", "bytes", "parse s", "items new", "304s", "errors")
	for _, name := range []string{"first", "unchanged"} {
		requests.Store(0)
		bytesOut.Store(0)
		start := time.Now()
		reports, err := p.Cycle(ctx, true)
		if err != nil {
			return err
		}
		wall := time.Since(start)
		var parse time.Duration
		newItems, notMod, failed := 0, 0, 0
		for _, r := range reports {
			parse += r.Parse
			newItems += r.Items.New
			if r.NotModified {
				notMod++
			}
			if r.Err != nil {
				failed++
			}
		}
		fmt.Fprintf(stdout, "%-10s %8.2f %9d %11d %10.2f %10d %8d %8d\n", name, wall.Seconds(), requests.Load(),
			bytesOut.Load(), parse.Seconds(), newItems, notMod, failed)
	}
	return nil
}

// serveFeeds starts hosts loopback servers, each serving /feed/{n}.rss: an
// RSS feed of perFeed headlines with an ETag, answering If-None-Match
// with 304. It counts requests and body bytes written.
func serveFeeds(rows []uciRow, hosts, perFeed int, requests, bytesOut *atomic.Int64) ([]string, func(), error) {
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		num, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feed/"), ".rss"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"feed-%d-v1"`, num)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := feedBody(rows, num, perFeed)
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		n, _ := w.Write(body)
		bytesOut.Add(int64(n))
	})
	var bases []string
	var servers []*http.Server
	for i := 0; i < hosts; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		srv := &http.Server{Handler: handler}
		go srv.Serve(ln)
		servers = append(servers, srv)
		bases = append(bases, "http://"+ln.Addr().String())
	}
	stop := func() {
		for _, s := range servers {
			s.Close()
		}
	}
	return bases, stop, nil
}

// feedBody renders feed num: perFeed consecutive headlines of the sample.
func feedBody(rows []uciRow, num, perFeed int) []byte {
	f := &feeds.Feed{ID: fmt.Sprintf("urn:bench:feed:%d", num), Title: fmt.Sprintf("Bench Outlet %d", num),
		HTMLURL: fmt.Sprintf("https://outlet%d.example/", num)}
	for j := 0; j < perFeed; j++ {
		r := rows[(num*perFeed+j)%len(rows)]
		url := fmt.Sprintf("https://outlet%d.example/%s", num, model.Slugify(r.Title, "item"))
		f.Entries = append(f.Entries, feeds.Entry{ID: url, URL: url, Title: r.Title, ContentText: r.Title,
			Published: r.Time, Updated: r.Time})
	}
	var b strings.Builder
	feeds.RenderRSS(&b, f)
	return []byte(b.String())
}
