package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"x-gzip", true},
		{"deflate, gzip;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"br, *", true},
		{"*;q=0", false},
		{"*, gzip;q=0", false},
		{"identity", false},
		{"br;q=1, deflate", false},
		{"gzip;q=bogus", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func gunzip(t *testing.T, b string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// A feed is sent gzip-encoded to clients that accept it, as its own
// representation: its own strong ETag, the same Last-Modified, Vary:
// Accept-Encoding on both, and conditional requests answered per
// representation.
func TestGzipRepresentation(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	url := ts.URL + "/posts/" + budgetSlug + "/comments.atom"
	plain, plainBody := get(t, url)
	gz := map[string]string{"Accept-Encoding": "gzip, deflate"}
	zipped, zippedBody := fetch(t, http.MethodGet, url, gz)
	if zipped.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" {
		t.Fatalf("Content-Encoding: gzip %q, plain %q", zipped.Header.Get("Content-Encoding"), plain.Header.Get("Content-Encoding"))
	}
	if gunzip(t, zippedBody) != plainBody || len(zippedBody) >= len(plainBody) {
		t.Fatalf("gzip body (%d bytes) is not the plain body (%d bytes) compressed", len(zippedBody), len(plainBody))
	}
	pe, ze := plain.Header.Get("ETag"), zipped.Header.Get("ETag")
	if pe == ze || !strings.HasSuffix(ze, `-atom-gzip"`) || !strings.HasPrefix(ze, strings.TrimSuffix(pe, `"`)) {
		t.Errorf("ETags: plain %s, gzip %s", pe, ze)
	}
	for _, resp := range []*http.Response{plain, zipped} {
		if resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("Last-Modified") != plain.Header.Get("Last-Modified") {
			t.Errorf("headers %v", resp.Header)
		}
	}
	if again, body := fetch(t, http.MethodGet, url, gz); again.Header.Get("ETag") != ze || body != zippedBody {
		t.Error("the gzip encoding is not the same twice")
	}
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"gzip etag, gzip client", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": ze}, http.StatusNotModified},
		{"weak gzip etag", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": "W/" + ze}, http.StatusNotModified},
		{"plain etag, gzip client", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": pe}, http.StatusOK},
		{"gzip etag, plain client", map[string]string{"If-None-Match": ze}, http.StatusOK},
		{"star, gzip client", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": "*"}, http.StatusNotModified},
		{"gzip refused", map[string]string{"Accept-Encoding": "gzip;q=0, br", "If-None-Match": pe}, http.StatusNotModified},
	}
	for _, tt := range tests {
		resp, body := fetch(t, http.MethodGet, url, tt.header)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
		if tt.want == http.StatusNotModified && (body != "" || resp.Header.Get("ETag") == "") {
			t.Errorf("%s: 304 with body %q, ETag %q", tt.name, body, resp.Header.Get("ETag"))
		}
	}
	head, headBody := fetch(t, http.MethodHead, url, gz)
	if headBody != "" || head.Header.Get("ETag") != ze || head.Header.Get("Content-Length") != zipped.Header.Get("Content-Length") {
		t.Errorf("HEAD with gzip: %v", head.Header)
	}
}

// A small document is not worth compressing: one representation, no Vary.
func TestGzipSkipsSmallBodies(t *testing.T) {
	s := NewServer(Config{Store: newFakeStore(), BaseURL: "http://example.org"})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/x", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	s.writeDocument(rec, req, &document{contentType: jsonType, body: []byte(`{"ok":true}`), kind: "json"})
	if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" || rec.Body.String() != `{"ok":true}` {
		t.Errorf("small body: %v %q", rec.Header(), rec.Body.String())
	}
}

// The gzip cache keeps encodings within its budget, dropping the least
// recently used.
func TestGzipCacheBudget(t *testing.T) {
	body := func(c byte) []byte { return bytes.Repeat([]byte{c, 'x', c}, 2000) }
	size := len(gzipBytes(body('a')))
	c := newGzipCache(2*size + size/2) // room for two
	c.get("a", body('a'))
	c.get("b", body('b'))
	c.get("a", body('a')) // a is now the most recent
	c.get("c", body('c')) // b goes
	if _, ok := c.lru.entries["b"]; ok || len(c.lru.entries) != 2 || c.lru.used > c.lru.budget {
		t.Fatalf("entries %v, used %d of %d", len(c.lru.entries), c.lru.used, c.lru.budget)
	}
	if gunzip(t, string(c.get("a", nil))) != string(body('a')) {
		t.Error("a cached encoding was not returned as stored")
	}
}

func TestMaxAgeFollowsChanges(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		since time.Duration
		want  time.Duration
	}{
		{0, time.Minute},
		{5 * time.Minute, time.Minute},
		{100 * time.Minute, 10 * time.Minute},
		{48 * time.Hour, time.Hour},
	}
	for _, tt := range tests {
		if got := maxAge(now.Add(-tt.since), now); got != tt.want {
			t.Errorf("changed %s ago: max-age %s, want %s", tt.since, got, tt.want)
		}
	}
	if got := maxAge(time.Time{}, now); got != time.Minute {
		t.Errorf("unknown age: %s", got)
	}
}

// A feed names itself in a Link header, and its max-age follows how long
// ago it changed.
func TestFeedHeaders(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	resp, _ := get(t, ts.URL+"/posts/"+budgetSlug+"/comments.atom")
	if got := resp.Header.Get("Link"); !strings.HasPrefix(got, "<http") || !strings.HasSuffix(got, `/posts/`+budgetSlug+`/comments.atom>; rel="self"`) {
		t.Errorf("Link %q", got)
	}
	lastMod, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	if err != nil {
		t.Fatal(err)
	}
	var got int
	if _, err := fmt.Sscanf(resp.Header.Get("Cache-Control"), "public, max-age=%d", &got); err != nil {
		t.Fatalf("Cache-Control %q: %v", resp.Header.Get("Cache-Control"), err)
	}
	if want := int(maxAge(lastMod, time.Now()).Seconds()); got < want-1 || got > want {
		t.Errorf("max-age %d, want %d", got, want)
	}
	if page, _ := get(t, ts.URL+"/"); page.Header.Get("Link") != "" {
		t.Errorf("an HTML page has a self Link: %q", page.Header.Get("Link"))
	}
}
