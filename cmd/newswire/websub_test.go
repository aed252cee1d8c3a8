package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
)

// subscriber is a WebSub subscriber: it confirms the intents it expects
// and keeps the deliveries it receives.
type subscriber struct {
	*httptest.Server
	secret     string
	verified   chan url.Values
	deliveries chan delivered
	// failures is how many deliveries to refuse (500) before taking one.
	failures atomic.Int32
}

type delivered struct {
	body   []byte
	header http.Header
	status int // what the subscriber answered
}

func newSubscriber(t *testing.T, secret string) *subscriber {
	s := &subscriber{secret: secret, verified: make(chan url.Values, 8), deliveries: make(chan delivered, 8)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			q := r.URL.Query()
			io.WriteString(w, q.Get("hub.challenge"))
			s.verified <- q
		case http.MethodPost:
			body, _ := io.ReadAll(r.Body)
			if s.failures.Add(-1) >= 0 {
				s.deliveries <- delivered{body, r.Header.Clone(), http.StatusInternalServerError}
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			s.deliveries <- delivered{body, r.Header.Clone(), http.StatusOK}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// subscribe asks the daemon's hub to send topic's changes to s.
func (s *subscriber) subscribe(t *testing.T, d *daemon, topic string) {
	t.Helper()
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {s.URL + "/cb"},
		"hub.secret": {s.secret}}
	resp, err := http.PostForm(d.base+"/hub", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %s", resp.Status)
	}
	select {
	case q := <-s.verified:
		if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topic || q.Get("hub.lease_seconds") != "864000" {
			t.Fatalf("verification request %v", q)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the hub did not verify the subscription")
	}
}

// next waits for a delivery and checks its signature; it returns the
// body and what the subscriber answered.
func (s *subscriber) next(t *testing.T, topic string) ([]byte, int) {
	t.Helper()
	select {
	case d := <-s.deliveries:
		mac := hmac.New(sha256.New, []byte(s.secret))
		mac.Write(d.body)
		if got, want := d.header.Get("X-Hub-Signature"), "sha256="+hex.EncodeToString(mac.Sum(nil)); got != want {
			t.Errorf("X-Hub-Signature %q, want %q", got, want)
		}
		if ct := d.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Errorf("delivery Content-Type %q", ct)
		}
		if links := strings.Join(d.header.Values("Link"), ", "); !strings.Contains(links, "<"+topic+`>; rel="self"`) {
			t.Errorf("delivery Link %q", links)
		}
		return d.body, d.status
	case <-time.After(15 * time.Second):
		t.Fatal("no delivery")
		return nil, 0
	}
}

// TestWebSubHub: a subscriber to a post's comment feed on the built-in
// hub is verified, and after a separate ingest adds a comment it receives
// the new feed, signed; it fails that delivery once and gets the retry;
// the subscription survives a restart of the daemon and the next comment
// is delivered too.
func TestWebSubHub(t *testing.T) {
	const slug = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"
	const base = "http://news.test"
	seeds, dump := wordpressSeed(t)
	db := filepath.Join(t.TempDir(), "n.db")
	args := []string{"--db", db, "--seeds", seeds, "--poll-check", "0", "--base-url", base, "--hub-retry", "200ms"}
	d, stop := startStoppableDaemon(t, args...)
	var once sync.Once
	t.Cleanup(func() { once.Do(stop) })

	topic := base + "/posts/" + slug + "/comments.atom"
	resp, feed := d.get(t, "/posts/"+slug+"/comments.atom")
	if links := resp.Header.Values("Link"); len(links) != 2 || links[1] != "<"+base+`/hub>; rel="hub"` {
		t.Errorf("Link headers %q", links)
	}
	if !bytes.Contains(feed, []byte(`href="`+base+`/hub" rel="hub"`)) {
		t.Error("the feed does not name the hub")
	}
	sub := newSubscriber(t, "a shared secret")
	sub.subscribe(t, d, topic)
	waitForRows(t, db, "websub_subscriptions", 1) // stored once verified

	addComment := func(n int, text string) { t.Helper(); ingestComment(t, db, base, dump, n, text) }
	// The first delivery fails (500): it is retried, with the same feed.
	sub.failures.Store(1)
	addComment(39, "Pushed, not polled.")
	body, status := sub.next(t, topic)
	if !bytes.Contains(body, []byte("Pushed, not polled.")) || status != http.StatusInternalServerError {
		t.Fatalf("the delivery (answered %d) is not the new feed:\n%.300s", status, body)
	}
	if again, status := sub.next(t, topic); !bytes.Equal(again, body) || status != http.StatusOK {
		t.Fatalf("the retry (answered %d) differs from the failed delivery", status)
	}
	if _, now := d.get(t, "/posts/"+slug+"/comments.atom"); !bytes.Equal(now, body) {
		t.Error("the delivery differs from the feed served")
	}

	once.Do(stop)
	d, stop = startStoppableDaemon(t, args...)
	t.Cleanup(stop)
	addComment(40, "Still subscribed after a restart.")
	if body, _ := sub.next(t, topic); !bytes.Contains(body, []byte("Still subscribed after a restart.")) {
		t.Log(d.log)
		t.Fatalf("after a restart, the delivery is not the new feed:\n%.300s", body)
	}
	select {
	case extra := <-sub.deliveries:
		t.Errorf("an extra delivery (%d bytes)", len(extra.body))
	case <-time.After(2 * time.Second):
	}
}

// TestExternalHub: with --hub, feeds name that hub and the daemon pings
// it (hub.mode=publish) for each format of the feeds a new comment
// changed, and for no other.
func TestExternalHub(t *testing.T) {
	const slug = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"
	const base = "http://news.test"
	pings := make(chan string, 64)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Method == http.MethodPost && r.PostForm.Get("hub.mode") == "publish" {
			pings <- r.PostForm.Get("hub.url")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hub.Close)
	seeds, dump := wordpressSeed(t)
	db := filepath.Join(t.TempDir(), "n.db")
	d := startDaemon(t, "--db", db, "--seeds", seeds, "--poll-check", "0", "--base-url", base, "--hub", hub.URL)
	resp, body := d.get(t, "/posts.json")
	if links := resp.Header.Values("Link"); len(links) != 2 || links[1] != "<"+hub.URL+`>; rel="hub"` {
		t.Errorf("Link headers %q", links)
	}
	if !bytes.Contains(body, []byte(`"url": "`+hub.URL+`"`)) {
		t.Error("the JSON feed does not name the external hub")
	}
	if resp, _ := d.get(t, "/hub"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/hub with an external hub: %d, want 404", resp.StatusCode)
	}
	// The watcher's first look records what every listed feed holds.
	_, opml := d.get(t, "/opml")
	waitForRows(t, db, "websub_topics", 3*len(opmlFeeds(t, opml)))
	ingestComment(t, db, base, dump, 39, "Pinged.")
	// The comments feed changed, and so did every feed listing the post
	// (its comment count): all posts and the post's topics.
	changed := []string{"/posts/" + slug + "/comments", "/posts"}
	_, postJSON := d.get(t, "/api/posts/"+slug)
	var post struct {
		Topics []struct {
			Slug string `json:"slug"`
		} `json:"topics"`
	}
	if err := json.Unmarshal(postJSON, &post); err != nil || len(post.Topics) == 0 {
		t.Fatalf("post topics: %v %s", err, postJSON)
	}
	for _, topic := range post.Topics {
		changed = append(changed, "/topics/"+topic.Slug)
	}
	want := map[string]bool{}
	for _, path := range changed {
		for _, ext := range []string{"atom", "rss", "json"} {
			want[base+path+"."+ext] = true
		}
	}
	got := map[string]bool{}
	deadline := time.After(15 * time.Second)
	for len(got) < len(want) {
		select {
		case u := <-pings:
			got[u] = true
		case <-deadline:
			t.Fatalf("pinged %v, want %v", got, want)
		}
	}
	select {
	case u := <-pings:
		got[u] = true
	case <-time.After(1500 * time.Millisecond):
	}
	for u := range got {
		if !want[u] {
			t.Errorf("pinged %s, which did not change", u)
		}
	}
}

// waitForRows waits until the daemon's database at path holds at least n
// rows in table (a WebSub table).
func waitForRows(t *testing.T, path, table string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var got int
		if err := db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&got); err == nil && got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d rows, want %d", table, got, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wordpressSeed copies the WordPress-style seed dump into a directory of
// its own, for a test to append comments to: the directory and the dump.
func wordpressSeed(t *testing.T) (string, string) {
	t.Helper()
	data, err := os.ReadFile(feedcheck.SharedPath(t, filepath.Join("seeds", "004_6fa588ad377b4ea9.txt")))
	if err != nil {
		t.Fatal(err)
	}
	seeds := t.TempDir()
	dump := filepath.Join(seeds, "004.txt")
	if err := os.WriteFile(dump, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return seeds, dump
}

// ingestComment appends comment n by Andy to the WordPress-style dump and
// ingests it into the database at db with a separate "newswire ingest".
func ingestComment(t *testing.T, db, base, dump string, n int, text string) {
	t.Helper()
	f, err := os.OpenFile(dump, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n  " + strconv.Itoa(n) + ". Andy says:\n\n    " + text + "\n")
	f.Close()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--db", db, "--base-url", base, dump},
		[]string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb); err != nil {
		t.Fatalf("ingest: %v %s", err, errb.String())
	}
}
