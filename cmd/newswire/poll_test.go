package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const testRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link><ttl>30</ttl>
<item><title>Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia</title>
<link>https://wire.example/kushner-channel</link><guid>w-1</guid><pubDate>Fri, 26 May 2017 22:00:00 GMT</pubDate></item>
<item><title>Warriors beat Spurs in overtime</title><link>https://wire.example/warriors</link>
<guid>w-2</guid><pubDate>Fri, 26 May 2017 23:00:00 GMT</pubDate></item>
</channel></rss>`

// TestSourcesAndPoll: add, import, list, export and remove feeds; poll them
// once with conditional GET; their items become stories.
func TestSourcesAndPoll(t *testing.T) {
	var requests, conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		switch r.URL.Path {
		case "/feed.rss":
			if r.Header.Get("If-None-Match") == `"v1"` {
				conditional.Add(1)
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(testRSS))
		case "/gone.rss":
			w.WriteHeader(http.StatusGone)
		case "/broken.rss":
			w.Write([]byte("<html><body>Not a feed</body></html>"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "n.db")
	cmd := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args, "--db", db), []string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb)
		return out.String() + errb.String(), err
	}
	if out, err := cmd("sources", "add", srv.URL+"/feed.rss", "--title", "Wire", "--topic", "World"); err != nil || !strings.Contains(out, "added") {
		t.Fatalf("add: %v %s", err, out)
	}
	opmlFile := filepath.Join(t.TempDir(), "subs.opml")
	os.WriteFile(opmlFile, []byte(`<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Sports"><outline type="rss" text="Gone" xmlUrl="`+srv.URL+`/gone.rss"/></outline>
<outline type="rss" text="Wire again" xmlUrl="`+srv.URL+`/feed.rss"/>
<outline type="rss" text="Broken" xmlUrl="`+srv.URL+`/broken.rss"/>
<outline type="rss" text="Bad" xmlUrl="javascript:alert(1)"/></body></opml>`), 0o644)
	if out, err := cmd("sources", "import", opmlFile); err != nil || !strings.Contains(out, "3 feeds, 2 new, 1 already known, 1 skipped") {
		t.Fatalf("import: %v %s", err, out)
	}
	out, err := cmd("poll", "--once")
	if err == nil || !strings.Contains(out, "feed.rss: 200, items: 2 new") || !strings.Contains(out, "gone.rss: error") ||
		!strings.Contains(out, "broken.rss: error") {
		t.Fatalf("first poll: %v\n%s", err, out)
	}
	// --all polls again with the stored ETag: 304, nothing parsed.
	out, _ = cmd("poll", "--once", "--all")
	if !strings.Contains(out, "feed.rss: 304 not modified") || conditional.Load() != 1 {
		t.Fatalf("second poll: %s (conditional requests %d)", out, conditional.Load())
	}
	if strings.Contains(out, "gone.rss") {
		t.Errorf("a 410 source was polled again: %s", out)
	}
	// Not due yet: a plain --once fetches nothing.
	before := requests.Load()
	cmd("poll", "--once")
	if requests.Load() != before {
		t.Errorf("poll --once fetched feeds that were not due")
	}
	out, _ = cmd("sources", "list")
	if !strings.Contains(out, "disabled") || !strings.Contains(out, "304") || !strings.Contains(out, "410 Gone") ||
		!strings.Contains(out, "not a feed") {
		t.Errorf("list:\n%s", out)
	}
	out, _ = cmd("sources", "export")
	if !strings.Contains(out, `xmlUrl="`+srv.URL+`/feed.rss"`) || !strings.Contains(out, `text="World"`) {
		t.Errorf("export:\n%s", out)
	}
	stories := readStories(t, db)
	if s := storyWith(t, stories, "Kushner Is Said"); len(s.Outlets) != 1 || s.Outlets[0] != "Example Wire" {
		t.Errorf("polled item story: %+v", s)
	}
	if _, err := cmd("sources", "remove", srv.URL+"/gone.rss"); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd("sources", "remove", srv.URL+"/gone.rss"); err == nil {
		t.Error("removing an unknown source succeeded")
	}
	if _, err := cmd("sources", "add", "not a url"); err == nil {
		t.Error("a bad URL was added")
	}
}

// TestServePollsFeedsAddedOverHTTP: the daemon with an admin token takes a
// feed through the admin API, polls it on its own, and serves its items as
// stories and its state in /api/sources.
func TestServePollsFeedsAddedOverHTTP(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(testRSS))
	}))
	defer upstream.Close()
	d := startDaemon(t, "--db", filepath.Join(t.TempDir(), "n.db"), "--admin-token", "s3cret",
		"--poll-check", "100ms", "--min-interval", "1h")
	add := func(token string) int {
		req, _ := http.NewRequest(http.MethodPost, d.base+"/admin/sources",
			strings.NewReader(`{"url": "`+upstream.URL+`/feed.rss", "topic": "World"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := add("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	if code := add("s3cret"); code != http.StatusCreated {
		t.Fatalf("add: %d", code)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, body := d.get(t, "/api/sources")
		if strings.Contains(string(body), `"status": "ok"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed was never polled: %s\n%s", body, d.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, stories := d.get(t, "/api/stories")
	if !strings.Contains(string(stories), "Kushner Is Said to Have Discussed a Secret Channel") {
		t.Errorf("the polled items are not in the stories: %s", stories)
	}
	resp, topic := d.get(t, "/topics/world.atom")
	if resp.StatusCode != http.StatusOK || strings.Count(string(topic), "<entry>") != 2 {
		t.Errorf("topic feed of the source's topic: %s\n%s", resp.Status, topic)
	}
}
