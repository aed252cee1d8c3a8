package poll

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `W/"Ab C,1"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	var gotINM, gotIMS, gotAE []string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotINM, gotIMS, gotAE = r.Header["If-None-Match"], r.Header["If-Modified-Since"], r.Header["Accept-Encoding"]
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lastMod {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header()["ETag"] = []string{etag}
		w.Header().Set("Last-Modified", lastMod)
		fmt.Fprint(w, rssBody)
	})
	f := testFetcher(nil)
	src := Source{URL: srv.URL + "/feed"}

	r := f.Fetch(context.Background(), src)
	if r.Err != nil || r.Status != 200 || string(r.Body) != rssBody || r.NotModified {
		t.Fatalf("first fetch: %+v", r)
	}
	if gotINM != nil || gotIMS != nil {
		t.Errorf("first fetch sent validators %q %q", gotINM, gotIMS)
	}
	if len(gotAE) != 1 || gotAE[0] != "gzip" {
		t.Errorf("Accept-Encoding = %q, want gzip", gotAE)
	}
	src = f.Update(src, r, FeedSignals{})
	if src.ETag != etag || src.LastModified != lastMod {
		t.Fatalf("validators = %q %q", src.ETag, src.LastModified)
	}

	r = f.Fetch(context.Background(), src)
	if len(gotINM) != 1 || gotINM[0] != etag || len(gotIMS) != 1 || gotIMS[0] != lastMod {
		t.Errorf("second fetch sent %q %q, want byte-exact %q %q", gotINM, gotIMS, etag, lastMod)
	}
	if r.Err != nil || r.Status != 304 || !r.NotModified || r.Body != nil {
		t.Fatalf("second fetch: %+v", r)
	}
	src.ErrorCount = 3
	src = f.Update(src, r, FeedSignals{})
	if src.ETag != etag || src.LastModified != lastMod || src.ErrorCount != 0 || !src.LastSuccess.Equal(t0) {
		t.Errorf("after 304: %+v", src)
	}
}

func TestValidatorsUpdatedOnSameBody(t *testing.T) {
	var n atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if k := n.Add(1); k < 3 {
			w.Header().Set("ETag", fmt.Sprintf(`"v%d"`, k))
		}
		fmt.Fprint(w, rssBody) // ignores If-None-Match: same body every time
	})
	f := testFetcher(nil)
	src := Source{URL: srv.URL}
	want := []string{`"v1"`, `"v2"`, ""}
	for i, w := range want {
		src = f.Update(src, f.Fetch(context.Background(), src), FeedSignals{})
		if src.ETag != w || src.LastModified != "" {
			t.Errorf("poll %d: ETag %q LastModified %q, want %q and none", i+1, src.ETag, src.LastModified, w)
		}
	}
}

func TestNotModifiedCarriesNewValidators(t *testing.T) {
	f := testFetcher(nil)
	src := Source{URL: "http://x.example/", ETag: `"old"`, LastModified: "old date", Interval: 3 * time.Hour}
	kept := f.Update(src, Result{Status: 304, NotModified: true, Header: http.Header{}}, FeedSignals{})
	if kept.ETag != `"old"` || kept.LastModified != "old date" || kept.Interval != 3*time.Hour {
		t.Errorf("304 without validators: %+v", kept)
	}
	h := http.Header{"Etag": {`"new"`}}
	got := f.Update(src, Result{Status: 304, NotModified: true, Header: h}, FeedSignals{})
	if got.ETag != `"new"` {
		t.Errorf("304 with a new ETag kept %q", got.ETag)
	}
}

func TestUserAgent(t *testing.T) {
	var ua atomic.Value
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { ua.Store(r.UserAgent()) })
	testFetcher(nil).Fetch(context.Background(), Source{URL: srv.URL})
	if got := ua.Load().(string); got != "newswire/"+Version+" (+https://github.com/newswire/newswire)" {
		t.Errorf("default User-Agent %q", got)
	}
	testFetcher(func(c *Config) { c.UserAgent = "custom/1" }).Fetch(context.Background(), Source{URL: srv.URL})
	if got := ua.Load().(string); got != "custom/1" {
		t.Errorf("User-Agent %q, want custom/1", got)
	}
}

func TestSlowLorisTimesOut(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for range 200 { // 10 s at most
			if _, err := w.Write([]byte("<")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
	f := testFetcher(func(c *Config) { c.Timeout = 300 * time.Millisecond })
	start := time.Now()
	r := f.Fetch(context.Background(), Source{URL: srv.URL + "/slow"})
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("took %s with a 300ms timeout", el)
	}
	if !errors.Is(r.Err, ErrTimeout) || !strings.Contains(r.Err.Error(), srv.URL+"/slow") ||
		!strings.Contains(r.Err.Error(), "timed out after 300ms") {
		t.Fatalf("err = %v, want a timeout naming the URL", r.Err)
	}
	if r.Body != nil {
		t.Errorf("partial body returned")
	}
	src := f.Update(Source{URL: srv.URL}, r, FeedSignals{})
	if src.ErrorCount != 1 || !strings.Contains(src.LastError, "timed out") {
		t.Errorf("after timeout: %+v", src)
	}
}

func TestHeaderTimeout(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	f := testFetcher(func(c *Config) { c.HeaderTimeout = 200 * time.Millisecond })
	r := f.Fetch(context.Background(), Source{URL: srv.URL})
	if !errors.Is(r.Err, ErrTimeout) || !strings.Contains(r.Err.Error(), "response headers") {
		t.Fatalf("err = %v, want a timeout", r.Err)
	}
}

func TestEndlessBodyCapped(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("a"), 32<<10)
		for range 1 << 10 { // 32 MiB at most
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	f := testFetcher(func(c *Config) { c.MaxBody = 64 << 10 })
	r := f.Fetch(context.Background(), Source{URL: srv.URL})
	if !errors.Is(r.Err, ErrBodyTooLarge) || !strings.Contains(r.Err.Error(), "body exceeds the 64 KiB limit") || r.Body != nil {
		t.Fatalf("err = %v, body %d bytes; want the cap error", r.Err, len(r.Body))
	}
}

func TestContentLengthOverCap(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2000")
		w.Write(bytes.Repeat([]byte("a"), 2000))
	})
	r := testFetcher(func(c *Config) { c.MaxBody = 1000 }).Fetch(context.Background(), Source{URL: srv.URL})
	if !errors.Is(r.Err, ErrBodyTooLarge) || !strings.Contains(r.Err.Error(), "Content-Length 2000") {
		t.Fatalf("err = %v, want the cap error", r.Err)
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	small := gzipped(t, []byte(rssBody))
	bomb := gzipped(t, make([]byte, 4<<20))
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		if r.URL.Path == "/bomb" {
			w.Write(bomb)
			return
		}
		w.Write(small)
	})
	f := testFetcher(func(c *Config) { c.MaxBody = 256 << 10 })
	if r := f.Fetch(context.Background(), Source{URL: srv.URL + "/small"}); r.Err != nil || string(r.Body) != rssBody {
		t.Errorf("small gzip: err %v body %q", r.Err, r.Body)
	}
	r := f.Fetch(context.Background(), Source{URL: srv.URL + "/bomb"})
	if !errors.Is(r.Err, ErrBodyTooLarge) || !strings.Contains(r.Err.Error(), "decoded body exceeds the 256 KiB limit") {
		t.Fatalf("bomb: err = %v, want the cap error", r.Err)
	}
}

func TestRedirects(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/301":
			http.Redirect(w, r, "/feed", http.StatusMovedPermanently)
		case "/308":
			http.Redirect(w, r, "/feed", http.StatusPermanentRedirect)
		case "/302":
			http.Redirect(w, r, "/feed", http.StatusFound)
		case "/307":
			http.Redirect(w, r, "/feed", http.StatusTemporaryRedirect)
		case "/302-301":
			http.Redirect(w, r, "/301", http.StatusFound)
		case "/feed":
			fmt.Fprint(w, rssBody)
		}
	})
	f := testFetcher(nil)
	for _, tc := range []struct {
		path      string
		permanent bool
	}{{"/301", true}, {"/308", true}, {"/302", false}, {"/307", false}, {"/302-301", true}, {"/feed", false}} {
		src := Source{URL: srv.URL + tc.path}
		r := f.Fetch(context.Background(), src)
		if r.Err != nil || r.Status != 200 || string(r.Body) != rssBody {
			t.Errorf("%s: %+v", tc.path, r)
			continue
		}
		if r.Permanent != tc.permanent || r.FinalURL != srv.URL+"/feed" {
			t.Errorf("%s: Permanent %v FinalURL %q, want %v %q", tc.path, r.Permanent, r.FinalURL, tc.permanent, srv.URL+"/feed")
		}
		want := src.URL
		if tc.permanent {
			want = srv.URL + "/feed"
		}
		if got := f.Update(src, r, FeedSignals{}).URL; got != want {
			t.Errorf("%s: URL after Update %q, want %q", tc.path, got, want)
		}
	}
}

func TestRedirectLoopAndLimit(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case r.URL.Path == "/b":
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		case r.URL.Path == "/self":
			http.Redirect(w, r, "/self", http.StatusFound)
		case r.URL.Path == "/noloc":
			w.WriteHeader(http.StatusFound)
		default: // /n → /nx → /nxx …
			http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
		}
	})
	f := testFetcher(func(c *Config) { c.MaxRedirects = 3 })
	for _, path := range []string{"/a", "/self", "/n", "/noloc"} {
		r := f.Fetch(context.Background(), Source{URL: srv.URL + path})
		if !errors.Is(r.Err, ErrRedirect) || !strings.Contains(r.Err.Error(), "redirect") ||
			!strings.Contains(r.Err.Error(), srv.URL) {
			t.Errorf("%s: err = %v, want a redirect error naming the URL", path, r.Err)
		}
		if src := f.Update(Source{URL: srv.URL + path}, r, FeedSignals{}); src.ErrorCount != 1 || src.URL != srv.URL+path {
			t.Errorf("%s: after Update %+v", path, src)
		}
	}
	r := f.Fetch(context.Background(), Source{URL: srv.URL + "/a"})
	if !strings.Contains(r.Err.Error(), "redirect loop") || !strings.Contains(r.Err.Error(), "2 redirects") {
		t.Errorf("loop: %v", r.Err)
	}
	r = f.Fetch(context.Background(), Source{URL: srv.URL + "/n"})
	if !strings.Contains(r.Err.Error(), "stopped after 4 redirects") {
		t.Errorf("limit: %v", r.Err)
	}
}

func TestNetworkErrorAndBadURL(t *testing.T) {
	srv := serve(t, status(200))
	url := srv.URL + "/gone-away"
	srv.Close()
	f := testFetcher(nil)
	r := f.Fetch(context.Background(), Source{URL: url})
	if r.Err == nil || r.Status != 0 || !strings.Contains(r.Err.Error(), url) {
		t.Errorf("closed server: %+v", r)
	}
	for _, u := range []string{"ftp://x.example/feed", "not a url", ""} {
		if r := f.Fetch(context.Background(), Source{URL: u}); r.Err == nil {
			t.Errorf("%q: no error", u)
		}
	}
}
