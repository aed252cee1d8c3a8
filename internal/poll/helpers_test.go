package poll

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// t0 is the fake clock's time.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// testFetcher is a Fetcher with a fixed clock and jitter that keeps values
// as they are (Rand 0.5), and mod applied to its Config.
func testFetcher(mod func(*Config)) *Fetcher {
	cfg := Config{
		Timeout: 5 * time.Second,
		Now:     func() time.Time { return t0 },
		Rand:    func() float64 { return 0.5 },
	}
	if mod != nil {
		mod(&cfg)
	}
	return NewFetcher(cfg)
}

// serve starts a test server for h, closed when the test ends.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// status answers every request with code.
func status(code int, hdr ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(hdr); i += 2 {
			w.Header().Set(hdr[i], hdr[i+1])
		}
		w.WriteHeader(code)
	}
}

const rssBody = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`
