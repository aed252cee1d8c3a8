package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/web"
	"github.com/newswire/newswire/store"
)

// runServeBench serves one 100-entry topic feed three ways on loopback:
// newswire's handler (cached), a bare net/http handler writing the same
// bytes, and nginx with one worker serving them as a static file; and
// loads each with wrk for a plain 200, a gzip 200 and a 304.
func runServeBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	entries := fs.Int("entries", 100, "posts in the topic feed")
	duration := fs.Duration("duration", 5*time.Second, "wrk run per case")
	conns := fs.Int("connections", 16, "wrk connections")
	feedCount := fs.Int("cached-feeds", 10000, "then: how much memory this many cached feeds hold (0: skip)")
	rounds := fs.Int("rounds", 1, "rounds of every case and server, each round in a rotated server order; medians are reported")
	beside := fs.Int("ingest-beside", 10000, "then: load newswire again while this many items are ingested (0: skip)")
	csvPath := fs.String("csv", "../shared/data/uci-news-dev.csv", "UCI News Aggregator CSV (headlines for --ingest-beside)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	for _, tool := range []string{"wrk", "nginx"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (Debian: apt-get install wrk nginx-light): %w", tool, err)
		}
	}
	dir, err := os.MkdirTemp("", "newswire-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := topicDB(ctx, filepath.Join(dir, "serve.db"), *entries)
	if err != nil {
		return err
	}
	defer db.Close()
	// The subscription document holds every entry: a page size of
	// --entries (with the default 50 it would hold the newest 50).
	srv := web.NewServer(web.Config{Store: db, BaseURL: "http://bench.localhost", Tagger: db.Tagger(),
		Logger: slog.New(slog.DiscardHandler), Generation: db.Generation, PageSize: *entries})
	newswire, stopNewswire, err := listen(srv.Handler())
	if err != nil {
		return err
	}
	defer stopNewswire()
	const path = "/topics/bench.atom"

	cold := time.Now()
	plain, plainHdr, err := fetchBody(newswire+path, "")
	if err != nil {
		return err
	}
	coldRender := time.Since(cold)
	gz, gzHdr, err := fetchBody(newswire+path, "gzip")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "feed %s: %d entries, %d bytes (%d gzip); first (cold) request %.2f ms\n",
		path, *entries, len(plain), len(gz), float64(coldRender.Microseconds())/1000)

	bare, stopBare, err := listen(bareHandler(plain, gz, plainHdr.Get("ETag"), gzHdr.Get("ETag")))
	if err != nil {
		return err
	}
	defer stopBare()
	nginxURL, stopNginx, err := startNginx(dir, plain, gz)
	if err != nil {
		return err
	}
	defer stopNginx()
	_, nginxHdr, err := fetchBody(nginxURL+path, "")
	if err != nil {
		return err
	}
	_, nginxGzHdr, err := fetchBody(nginxURL+path, "gzip")
	if err != nil {
		return err
	}

	type server struct {
		name, url      string
		etag, gzipETag string
	}
	servers := []server{
		{"newswire", newswire, plainHdr.Get("ETag"), gzHdr.Get("ETag")},
		{"bare Go", bare, plainHdr.Get("ETag"), gzHdr.Get("ETag")},
		{"nginx", nginxURL, nginxHdr.Get("ETag"), nginxGzHdr.Get("ETag")},
	}
	cases := []struct {
		name    string
		headers func(s server) []string
	}{
		{"200 plain", func(server) []string { return nil }},
		{"200 gzip", func(server) []string { return []string{"Accept-Encoding: gzip"} }},
		{"304", func(s server) []string { return []string{"If-None-Match: " + s.etag} }},
	}
	fmt.Fprintf(stdout, "wrk -t1 -c%d -d%s, GOMAXPROCS default, nginx 1 worker, %d round(s)\n", *conns, *duration, *rounds)
	fmt.Fprintf(stdout, "%-10s %-16s %10s %9s %9s\n", "case", "server", "req/s", "p50 ms", "p99 ms")
	for _, c := range cases {
		runs := map[string][]wrkResult{}
		for round := range max(*rounds, 1) {
			// Rotate who goes first: the machine warms and cools.
			for i := range servers {
				s := servers[(i+round)%len(servers)]
				r, err := runWrk(ctx, s.url+path, *conns, *duration, c.headers(s))
				if err != nil {
					return fmt.Errorf("%s %s: %w", c.name, s.name, err)
				}
				runs[s.name] = append(runs[s.name], r)
				if *rounds > 1 {
					fmt.Fprintf(stdout, "%-10s %-16s %10.0f %9.3f %9.3f   (round %d)\n", c.name, s.name, r.rate, r.p50, r.p99, round+1)
				}
			}
		}
		rates := map[string]float64{}
		for _, s := range servers {
			r := medianWrk(runs[s.name])
			rates[s.name] = r.rate
			label := s.name
			if *rounds > 1 {
				label += " median"
			}
			fmt.Fprintf(stdout, "%-10s %-16s %10.0f %9.3f %9.3f\n", c.name, label, r.rate, r.p50, r.p99)
		}
		fmt.Fprintf(stdout, "%-10s newswire/bare Go %.2f, newswire/nginx %.2f, bare Go/nginx %.2f\n", c.name,
			rates["newswire"]/rates["bare Go"], rates["newswire"]/rates["nginx"], rates["bare Go"]/rates["nginx"])
	}
	if *beside > 0 {
		rows, err := readUCI(*csvPath)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "newswire again, while %d items are ingested (batches of 500, each a change to the stories the topic feed shows):\n", *beside)
		for _, c := range cases {
			r, items, took, err := wrkWhileIngesting(ctx, db, rows, *beside, func() (wrkResult, error) {
				return runWrk(ctx, newswire+path, *conns, *duration, c.headers(servers[0]))
			})
			if err != nil {
				return fmt.Errorf("%s during ingest: %w", c.name, err)
			}
			fmt.Fprintf(stdout, "%-10s %-9s %10.0f %9.3f %9.3f   (%d items ingested in %.1f s)\n",
				c.name, "newswire", r.rate, r.p50, r.p99, items, took.Seconds())
		}
	}
	if *feedCount > 0 {
		return cachedFeedsMemory(ctx, filepath.Join(dir, "feeds.db"), *feedCount, stdout)
	}
	return nil
}

// medianWrk is the median of each measure over runs (each measure on its
// own).
func medianWrk(runs []wrkResult) wrkResult {
	median := func(get func(wrkResult) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = get(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return wrkResult{rate: median(func(r wrkResult) float64 { return r.rate }),
		p50: median(func(r wrkResult) float64 { return r.p50 }),
		p99: median(func(r wrkResult) float64 { return r.p99 })}
}

// wrkWhileIngesting runs load while up to n synthetic items go through
// identity, clustering and the store, and returns what load measured with
// how many items were ingested and how long that took.
func wrkWhileIngesting(ctx context.Context, db *store.DB, rows []uciRow, n int, load func() (wrkResult, error)) (wrkResult, int, time.Duration, error) {
	svc := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger()})
	gen := newSynth(rows)
	ingestCtx, stop := context.WithCancel(ctx)
	type result struct {
		items int
		took  time.Duration
		err   error
	}
	done := make(chan result, 1)
	go func() {
		start, items := time.Now(), 0
		for items < n && ingestCtx.Err() == nil {
			batch := make([]model.Item, 0, 500)
			for len(batch) < 500 && items+len(batch) < n {
				batch = append(batch, gen.next())
			}
			if _, err := svc.IngestItems(ingestCtx, batch, func(b *model.CoverageBatch) error {
				_, err := db.ApplyCoverage(ingestCtx, b)
				return err
			}); err != nil && ingestCtx.Err() == nil {
				done <- result{items, time.Since(start), err}
				return
			}
			items += len(batch)
		}
		done <- result{items, time.Since(start), nil}
	}()
	r, err := load()
	stop()
	ing := <-done
	return r, ing.items, ing.took, errors.Join(err, ing.err)
}

// cachedFeedsMemory renders the comment feeds of n posts of 3 comments
// each through a cached handler and reports the heap they hold.
func cachedFeedsMemory(ctx context.Context, path string, n int, stdout io.Writer) error {
	db, err := store.Open(ctx, path, store.Options{Tagger: benchTagger})
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Date(2017, 5, 1, 9, 0, 0, 0, time.UTC)
	slugs := make([]string, 0, n)
	for i := range n {
		p := &model.Post{Title: fmt.Sprintf("Cached post %d", i+1), Published: start.Add(time.Duration(i) * time.Minute),
			DateFromDump: true, Body: []model.Block{{Kind: model.Paragraph, Text: "A post."}}}
		for c := 1; c <= 3; c++ {
			p.Comments = append(p.Comments, model.Comment{Number: c, Author: fmt.Sprintf("Reader %d", c),
				Body: []model.Block{{Kind: model.Paragraph, Text: fmt.Sprintf("Comment %d on post %d, a sentence or two long.", c, i+1)}}})
		}
		res, err := db.IngestPost(ctx, p, nil)
		if err != nil {
			return err
		}
		slugs = append(slugs, res.Slug)
	}
	h := web.NewServer(web.Config{Store: db, BaseURL: "http://bench.localhost", Tagger: db.Tagger(),
		Logger: slog.New(slog.DiscardHandler), Generation: db.Generation}).Handler()
	before := heapInUse()
	bodies := 0
	renderStart := time.Now()
	for _, slug := range slugs {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/posts/"+slug+"/comments.atom", nil))
		if w.Code != http.StatusOK {
			return fmt.Errorf("feed of %s: %d", slug, w.Code)
		}
		bodies += w.Body.Len()
	}
	elapsed := time.Since(renderStart)
	held := heapInUse() - before
	fmt.Fprintf(stdout, "%d cached comment feeds (3 comments each, %d bytes of documents): %.1f MiB of heap held, %.0f bytes per feed; rendered in %.1f s\n",
		n, bodies, float64(held)/(1<<20), float64(held)/float64(n), elapsed.Seconds())
	runtime.KeepAlive(h)
	return nil
}

// heapInUse is the live heap after a collection.
func heapInUse() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapInuse)
}

// topicDB makes a database with n posts filed under the topic "bench".
func topicDB(ctx context.Context, path string, n int) (*store.DB, error) {
	db, err := store.Open(ctx, path, store.Options{Tagger: benchTagger})
	if err != nil {
		return nil, err
	}
	start := time.Date(2017, 5, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		p := &model.Post{
			Title:        fmt.Sprintf("Bench post %d: what the budget means for the states", i+1),
			Author:       "Bench Writer",
			Published:    start.Add(time.Duration(i) * time.Hour),
			DateFromDump: true,
			Topics:       []model.Topic{{Slug: "bench", Name: "Bench"}},
			Body: []model.Block{{Kind: model.Paragraph, Text: strings.Repeat(
				fmt.Sprintf("Paragraph of post %d, long enough to look like a blog post's opening. ", i+1), 6)}},
		}
		if _, err := db.IngestPost(ctx, p, nil); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// listen serves h on a loopback port and returns its base URL.
func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// bareHandler writes the feed's bytes, gzip-encoded when asked, and
// answers a matching If-None-Match with 304: the least a Go server does.
func bareHandler(plain, gz []byte, etag, gzipETag string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, tag := plain, etag
		h := w.Header()
		h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		h.Set("Vary", "Accept-Encoding")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			body, tag = gz, gzipETag
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body) //nolint:errcheck // benchmark
	})
}

// fetchBody GETs url, with Accept-Encoding when acceptEncoding is set
// (the body is returned as sent).
func fetchBody(url, acceptEncoding string) ([]byte, http.Header, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Accept-Encoding", "identity")
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, resp.Header, err
}

// startNginx serves the feed (and its .gz, for gzip_static) from dir with
// one worker process.
func startNginx(dir string, plain, gz []byte) (string, func(), error) {
	root := filepath.Join(dir, "www")
	if err := os.MkdirAll(filepath.Join(root, "topics"), 0o755); err != nil {
		return "", nil, err
	}
	file := filepath.Join(root, "topics", "bench.atom")
	if err := os.WriteFile(file, plain, 0o644); err != nil {
		return "", nil, err
	}
	if err := os.WriteFile(file+".gz", gz, 0o644); err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	conf := filepath.Join(dir, "nginx.conf")
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	err = os.WriteFile(conf, []byte(fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	types { application/atom+xml atom; }
	client_body_temp_path %[2]s/tmp;
	proxy_temp_path %[2]s/tmp;
	fastcgi_temp_path %[2]s/tmp;
	uwsgi_temp_path %[2]s/tmp;
	scgi_temp_path %[2]s/tmp;
	server {
		listen %[3]s;
		root %[4]s;
		gzip_static on;
		gzip_vary on;
		etag on;
	}
}
`, user, dir, addr, root)), 0o644)
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command("nginx", "-c", conf, "-p", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Kill(); cmd.Wait() } //nolint:errcheck // stopping
	url := "http://" + addr
	for range 100 {
		if _, _, err := fetchBody(url+"/topics/bench.atom", ""); err == nil {
			return url, stop, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("nginx did not start: %s", stderr.String())
}

type wrkResult struct{ rate, p50, p99 float64 }

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)`)
)

// runWrk loads url with wrk and reads its requests/s and latency
// percentiles.
func runWrk(ctx context.Context, url string, conns int, d time.Duration, headers []string) (wrkResult, error) {
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "--latency"}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	out, err := exec.CommandContext(ctx, "wrk", append(args, url)...).CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	var r wrkResult
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk: no Requests/sec in %s", out)
	}
	r.rate, _ = strconv.ParseFloat(string(m[1]), 64)
	for _, p := range wrkPercent.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(p[2]), 64)
		switch string(p[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if string(p[1]) == "50" {
			r.p50 = v
		} else {
			r.p99 = v
		}
	}
	if bytes.Contains(out, []byte("Non-2xx or 3xx responses")) {
		return r, fmt.Errorf("wrk saw errors: %s", out)
	}
	return r, nil
}
