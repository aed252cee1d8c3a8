package web

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/opml"
)

const testToken = "s3cret-t0ken"

// newAdminServer serves store with the admin API on (token non-empty),
// store also being its SourceAdmin.
func newAdminServer(t *testing.T, store *fakeStore, token string) *httptest.Server {
	t.Helper()
	srv := NewServer(Config{
		Store:      store,
		BaseURL:    testBase,
		Tagger:     testTagger,
		Logger:     slog.New(slog.NewTextHandler(t.Output(), nil)),
		SiteTitle:  "Test Wire",
		AdminToken: token,
		Admin:      store,
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// send sends a request with a body and, unless token is empty, a bearer
// token, and returns the response with its body read.
func send(t *testing.T, method, url, token, body string) (*http.Response, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(got)
}

func TestAPISources(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	resp, body := get(t, ts.URL+"/api/sources")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != jsonType {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get("ETag") == "" {
		t.Error("no ETag")
	}
	for _, private := range []string{"etag", "last_modified", `"abc"`, "interval", "key"} {
		if strings.Contains(body, private) {
			t.Errorf("public API leaks %q: %s", private, body)
		}
	}
	var doc struct {
		Sources []map[string]any `json:"sources"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	byURL := map[string]map[string]any{}
	for _, s := range doc.Sources {
		byURL[s["url"].(string)] = s
		for _, field := range []string{"url", "title", "topic", "html_url", "status", "last_status",
			"last_error", "last_success", "next_poll", "error_count", "added"} {
			if _, ok := s[field]; !ok {
				t.Errorf("%s: no %q field", s["url"], field)
			}
		}
	}
	if len(byURL) != 5 {
		t.Fatalf("%d sources, want 5: %s", len(byURL), body)
	}
	want := map[string]map[string]any{
		okFeed: {"status": "ok", "last_status": 200.0, "last_error": nil, "error_count": 0.0,
			"title": "The Daily", "topic": "News", "html_url": "https://daily.example.com/",
			"last_success": "2025-02-27T12:00:00Z", "next_poll": "2025-02-27T13:00:00Z"},
		failingFeed: {"status": "failing", "last_status": 404.0, "last_error": failingError, "error_count": 3.0,
			"topic": nil, "html_url": nil},
		goneFeed: {"status": "disabled", "last_status": 410.0, "last_success": nil, "next_poll": nil},
		newFeed: {"status": "never polled", "last_status": nil, "last_error": nil, "last_success": nil,
			"next_poll": nil, "error_count": 0.0, "title": "", "added": "2025-02-27T12:00:00Z"},
		timeoutFeed: {"status": "failing", "last_status": nil, "last_error": "timeout after 30s"},
	}
	for u, fields := range want {
		for k, v := range fields {
			if got := byURL[u][k]; got != v {
				t.Errorf("%s: %s = %#v, want %#v", u, k, got, v)
			}
		}
	}
	if got := []string{doc.Sources[0]["url"].(string), doc.Sources[4]["url"].(string)}; got[0] != okFeed || got[1] != failingFeed {
		t.Errorf("not sorted by URL: first %s, last %s", got[0], got[1])
	}

	// An empty store lists none, as an empty array.
	empty := newTestServer(t, &fakeStore{})
	if _, body := get(t, empty.URL+"/api/sources"); !strings.Contains(body, `"sources": []`) {
		t.Errorf("empty store: %s", body)
	}
}

func TestIndexListsSources(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	_, body := get(t, ts.URL+"/")
	i := strings.Index(body, `<section id="sources">`)
	if i < 0 {
		t.Fatalf("no sources section:\n%s", body)
	}
	section := body[i:]
	for _, want := range []string{
		`<a href="` + okFeed + `">The Daily</a>`,
		`<a href="https://daily.example.com/">site</a>`,
		"failing",
		failingError,
		"last HTTP 404, 3 failures in a row",
		"timeout after 30s",
		"disabled",
		"no longer exists; polling disabled",
		`<a href="` + newFeed + `">` + newFeed + `</a>`, // no title: the URL
		"never polled",
		"&lt;b&gt;Slow&lt;/b&gt;", // escaped
	} {
		if !strings.Contains(section, want) {
			t.Errorf("sources section lacks %q:\n%s", want, section)
		}
	}
	if strings.Contains(section, "<b>Slow") {
		t.Error("title not escaped")
	}

	empty := newTestServer(t, &fakeStore{})
	if _, body := get(t, empty.URL+"/"); !strings.Contains(body, "No sources yet.") {
		t.Error("empty store: no 'No sources yet.'")
	}
}

// adminRequests is one request on every admin route.
var adminRequests = []struct{ method, path, body string }{
	{http.MethodGet, "/admin/sources", ""},
	{http.MethodPost, "/admin/sources", `{"url": "https://x.example/feed"}`},
	{http.MethodDelete, "/admin/sources?url=" + url.QueryEscape(okFeed), ""},
	{http.MethodPost, "/admin/sources/import", "<opml/>"},
	{http.MethodGet, "/admin/sources/export", ""},
}

func TestAdminOff(t *testing.T) {
	store := newFakeStore()
	for name, ts := range map[string]*httptest.Server{
		"no token": newAdminServer(t, store, ""),
		"no admin": newTestServer(t, store), // a token but no SourceAdmin
	} {
		for _, rq := range adminRequests {
			resp, body := send(t, rq.method, ts.URL+rq.path, testToken, rq.body)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %s %s: status %d, want 404 (%q)", name, rq.method, rq.path, resp.StatusCode, body)
			}
		}
	}
	if n := len(store.sources); n != 5 {
		t.Errorf("admin off changed the sources: %d", n)
	}
	srv := NewServer(Config{Store: store, AdminToken: testToken})
	if srv.AdminEnabled() {
		t.Error("admin on without a SourceAdmin")
	}
}

func TestAdminUnauthorized(t *testing.T) {
	store := newFakeStore()
	ts := newAdminServer(t, store, testToken)
	for _, auth := range []string{"", "Bearer wrong", "Bearer " + testToken + "x", "Basic " + testToken, testToken, "Bearer"} {
		for _, rq := range adminRequests {
			req, _ := http.NewRequest(rq.method, ts.URL+rq.path, strings.NewReader(rq.body))
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%q: %s %s: status %d, want 401", auth, rq.method, rq.path, resp.StatusCode)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="newswire"` {
				t.Errorf("%q: %s %s: WWW-Authenticate %q", auth, rq.method, rq.path, got)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
		}
	}
	if n := len(store.sources); n != 5 {
		t.Errorf("unauthorized requests changed the sources: %d", n)
	}
	// The scheme is case-insensitive.
	if resp, _ := fetch(t, http.MethodGet, ts.URL+"/admin/sources", map[string]string{"Authorization": "bearer " + testToken}); resp.StatusCode != http.StatusOK {
		t.Errorf("lower-case scheme: status %d", resp.StatusCode)
	}
}

func TestAdminSources(t *testing.T) {
	store := newFakeStore()
	ts := newAdminServer(t, store, testToken)
	api := ts.URL + "/admin/sources"
	const feed = "https://fresh.example.com/feed.xml"

	check := func(resp *http.Response, body string, status int) {
		t.Helper()
		if resp.StatusCode != status {
			t.Fatalf("status %d, want %d (%q)", resp.StatusCode, status, body)
		}
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
		if resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "" {
			t.Errorf("admin response with validators: %v", resp.Header)
		}
	}
	decodeJSON := func(body string, v any) {
		t.Helper()
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("%v: %q", err, body)
		}
	}

	// Add, then add again (merged).
	var added addSourceResponse
	resp, body := send(t, http.MethodPost, api, testToken, `{"url": "`+feed+`", "title": "Fresh", "topic": "Tech"}`)
	check(resp, body, http.StatusCreated)
	if resp.Header.Get("Content-Type") != jsonType {
		t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
	}
	decodeJSON(body, &added)
	if added != (addSourceResponse{URL: feed, Added: true}) {
		t.Errorf("first add: %+v", added)
	}
	resp, body = send(t, http.MethodPost, api, testToken, `{"url": "`+feed+`", "title": "Other"}`)
	check(resp, body, http.StatusCreated)
	decodeJSON(body, &added)
	if added != (addSourceResponse{URL: feed, Added: false}) {
		t.Errorf("second add: %+v", added)
	}

	// The full list has it, and the validators.
	resp, body = send(t, http.MethodGet, api, testToken, "")
	check(resp, body, http.StatusOK)
	var list struct {
		Sources []map[string]any `json:"sources"`
	}
	decodeJSON(body, &list)
	var fresh, daily map[string]any
	for _, s := range list.Sources {
		switch s["url"] {
		case feed:
			fresh = s
		case okFeed:
			daily = s
		}
	}
	if fresh == nil || fresh["title"] != "Fresh" || fresh["topic"] != "Tech" || fresh["status"] != "never polled" {
		t.Errorf("added source listed as %v", fresh)
	}
	if daily == nil || daily["etag"] != `"abc"` || daily["last_modified"] != "Sat, 01 Mar 2025 10:00:00 GMT" ||
		daily["interval_seconds"] != 3600.0 || daily["key"] != okFeed || daily["status"] != "ok" {
		t.Errorf("full view of %s: %v", okFeed, daily)
	}
	if len(list.Sources) != 6 {
		t.Errorf("%d sources, want 6", len(list.Sources))
	}

	// Import: two feeds (one known), one skipped.
	const doc = `<?xml version="1.0"?>
<opml version="2.0"><head><title>mine</title></head><body>
<outline text="Science"><outline type="rss" text="Lab" xmlUrl="https://lab.example.edu/rss"/></outline>
<outline type="rss" text="Fresh again" xmlUrl="` + feed + `"/>
<outline type="rss" text="Gopher" xmlUrl="gopher://old.example/feed"/>
</body></opml>`
	resp, body = send(t, http.MethodPost, api+"/import", testToken, doc)
	check(resp, body, http.StatusOK)
	var imported importResponse
	decodeJSON(body, &imported)
	if imported.Feeds != 2 || imported.Added != 1 || len(imported.Skipped) != 1 ||
		!strings.Contains(imported.Skipped[0], `unsupported URL scheme "gopher"`) {
		t.Errorf("import: %+v", imported)
	}
	if i := slices.IndexFunc(store.sources, func(s model.Source) bool { return s.URL == "https://lab.example.edu/rss" }); i < 0 || store.sources[i].Topic != "Science" {
		t.Errorf("imported feed missing or without its topic: %+v", store.sources)
	}

	// Export parses as OPML with every URL.
	resp, body = send(t, http.MethodGet, api+"/export", testToken, "")
	check(resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); ct != opmlType {
		t.Errorf("export Content-Type %q", ct)
	}
	outlines, skipped, err := opml.Parse("export", strings.NewReader(body))
	if err != nil || len(skipped) != 0 {
		t.Fatalf("export does not parse: %v %v\n%s", err, skipped, body)
	}
	var urls []string
	for _, o := range outlines {
		urls = append(urls, o.URL)
	}
	for _, want := range []string{feed, okFeed, failingFeed, newFeed, "https://lab.example.edu/rss"} {
		if !slices.Contains(urls, want) {
			t.Errorf("export lacks %s: %v", want, urls)
		}
	}
	if len(outlines) != 7 {
		t.Errorf("export has %d feeds, want 7", len(outlines))
	}

	// Delete, then delete again.
	del := api + "?url=" + url.QueryEscape(feed)
	resp, body = send(t, http.MethodDelete, del, testToken, "")
	check(resp, body, http.StatusNoContent)
	if body != "" {
		t.Errorf("204 with a body %q", body)
	}
	resp, body = send(t, http.MethodDelete, del, testToken, "")
	check(resp, body, http.StatusNotFound)
	if !strings.Contains(body, "no such source") {
		t.Errorf("404 body %q", body)
	}
	if _, body := get(t, ts.URL+"/api/sources"); strings.Contains(body, feed) {
		t.Error("removed feed still listed")
	}
}

func TestAdminBadRequests(t *testing.T) {
	store := newFakeStore()
	ts := newAdminServer(t, store, testToken)
	api := ts.URL + "/admin/sources"
	huge := strings.Repeat("x", maxAdminBody+1)
	for _, tt := range []struct {
		name, method, path, body string
		want                     []int
	}{
		{"relative URL", http.MethodPost, api, `{"url": "/feed.xml"}`, []int{400}},
		{"ftp URL", http.MethodPost, api, `{"url": "ftp://x.example/feed"}`, []int{400}},
		{"no host", http.MethodPost, api, `{"url": "https:///feed"}`, []int{400}},
		{"no URL", http.MethodPost, api, `{"title": "x"}`, []int{400}},
		{"not JSON", http.MethodPost, api, `url=https://x.example/`, []int{400}},
		{"unknown field", http.MethodPost, api, `{"url": "https://x.example/", "titel": "x"}`, []int{400}},
		{"two values", http.MethodPost, api, `{"url": "https://x.example/"} {}`, []int{400}},
		{"no url parameter", http.MethodDelete, api, "", []int{400}},
		{"bad OPML", http.MethodPost, api + "/import", "<html><body>not OPML</body></html>", []int{400}},
		{"not XML", http.MethodPost, api + "/import", "{}", []int{400}},
		{"empty OPML", http.MethodPost, api + "/import", "", []int{400}},
		{"huge JSON", http.MethodPost, api, `{"url": "https://x.example/", "title": "` + huge + `"}`, []int{413}},
		{"huge OPML", http.MethodPost, api + "/import", `<opml version="2.0"><head><title>` + huge + `</title></head><body/></opml>`, []int{413}},
		{"PUT", http.MethodPut, api, `{}`, []int{405}},
		{"GET import", http.MethodGet, api + "/import", "", []int{405}},
		{"POST export", http.MethodPost, api + "/export", "", []int{405}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := send(t, tt.method, ts.URL+strings.TrimPrefix(tt.path, ts.URL), testToken, tt.body)
			if !slices.Contains(tt.want, resp.StatusCode) {
				t.Errorf("status %d, want %v (%.200q)", resp.StatusCode, tt.want, body)
			}
			if len(body) > 1000 {
				t.Errorf("long error body (%d bytes)", len(body))
			}
		})
	}
	if n := len(store.sources); n != 5 {
		t.Errorf("bad requests changed the sources: %d", n)
	}
}
