package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// BenchmarkServeFeed serves a 100-entry comment feed through the whole
// handler (routing, logging, cache, conditional GET, gzip), rendered once
// and then from memory, against a bare handler writing the same bytes:
//
//	go test ./internal/web -run XXX -bench ServeFeed -benchmem
func BenchmarkServeFeed(b *testing.B) {
	var gen atomic.Uint64
	cached := NewServer(Config{Store: busyStore(100), BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), Generation: func(...string) uint64 { return gen.Load() }, PageSize: 100}).Handler()
	uncached := NewServer(Config{Store: busyStore(100), BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), PageSize: 100}).Handler()
	path := "/posts/" + busySlug + "/comments.atom"
	first := httptest.NewRecorder()
	cached.ServeHTTP(first, httptest.NewRequest(http.MethodGet, path, nil))
	body, etag := first.Body.Bytes(), first.Header().Get("ETag")
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(body) //nolint:errcheck // benchmark
	})
	run := func(name string, h http.Handler, header ...string) {
		b.Run(name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK && w.Code != http.StatusNotModified {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
	run("bare", bare)
	run("cached", cached)
	run("cached-gzip", cached, "Accept-Encoding", "gzip")
	run("cached-304", cached, "If-None-Match", etag)
	run("render", uncached)
}
