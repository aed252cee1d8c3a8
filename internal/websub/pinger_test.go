package websub

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fakeHub is an external hub recording publish pings; statuses, when not
// empty, gives the status of the next one.
type fakeHub struct {
	srv      *httptest.Server
	pings    chan url.Values
	statuses chan int
}

func newFakeHub(t *testing.T) *fakeHub {
	h := &fakeHub{pings: make(chan url.Values, 100), statuses: make(chan int, 100)}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			http.Error(w, "bad ping", http.StatusBadRequest)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		h.pings <- r.PostForm
		select {
		case code := <-h.statuses:
			w.WriteHeader(code)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func runPinger(t *testing.T, hub *fakeHub) *Pinger {
	p, err := NewPinger(PingerConfig{Hub: hub.srv.URL + "/", Logger: testLogger(t), Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := recv(t, done, "pinger to stop"); err != nil {
			t.Error(err)
		}
	})
	return p
}

// TestPinger: each topic gets a form-encoded publish ping; a failed ping
// (500) is retried once and then succeeds.
func TestPinger(t *testing.T) {
	hub := newFakeHub(t)
	hub.statuses <- http.StatusInternalServerError
	p := runPinger(t, hub)
	p.Ping("https://n.example/a.atom")
	first := recv(t, hub.pings, "first ping")
	again := recv(t, hub.pings, "retried ping")
	for _, q := range []url.Values{first, again} {
		if q.Get("hub.mode") != "publish" || q.Get("hub.url") != "https://n.example/a.atom" {
			t.Fatalf("ping = %v", q)
		}
	}
	nothing(t, hub.pings, 100*time.Millisecond, "ping after success")

	p.Ping("https://n.example/b.atom", "https://n.example/c.atom")
	got := []string{recv(t, hub.pings, "ping b").Get("hub.url"), recv(t, hub.pings, "ping c").Get("hub.url")}
	slices.Sort(got)
	if !slices.Equal(got, []string{"https://n.example/b.atom", "https://n.example/c.atom"}) {
		t.Fatalf("pinged %v", got)
	}

	// A 4xx other than 408 and 429 is not retried.
	hub.statuses <- http.StatusBadRequest
	p.Ping("https://n.example/d.atom")
	recv(t, hub.pings, "refused ping")
	nothing(t, hub.pings, 100*time.Millisecond, "retry of a refused ping")
}

// TestWatcher: the watcher records first-seen topics without pinging,
// pings only the topics whose content changed, and, on a new watcher over
// the same database, does not ping unchanged topics again.
func TestWatcher(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	path := filepath.Join(t.TempDir(), "newswire.db")
	db := openDB(t, path, clock)
	src := &fakeSource{}
	src.set("https://n.example/a.atom", "a1")
	src.set("https://n.example/b.atom", "b1")
	topics := func() []string { return []string{"https://n.example/a.atom", "https://n.example/b.atom"} }
	hub := newFakeHub(t)
	p := runPinger(t, hub)

	w, err := NewWatcher(WatcherConfig{Topics: topics, Source: src, Hashes: db, Pinger: p, Now: clock.now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	checked := make(chan struct{}, 10)
	w.onCheck = func() { checked <- struct{}{} }
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- w.Run(wctx) }()
	recv(t, checked, "first check")
	nothing(t, hub.pings, 100*time.Millisecond, "ping of first-seen content")

	src.set("https://n.example/a.atom", "a2")
	w.Notify()
	recv(t, checked, "check after change")
	if q := recv(t, hub.pings, "ping"); q.Get("hub.url") != "https://n.example/a.atom" {
		t.Fatalf("pinged %v", q)
	}
	nothing(t, hub.pings, 100*time.Millisecond, "ping of unchanged topic")
	cancel()
	if err := recv(t, ran, "Run to return"); err != nil {
		t.Fatalf("Run: %v", err)
	}

	// A restart: the hashes are in the database.
	db.Close()
	db = openDB(t, path, clock)
	defer db.Close()
	w2, err := NewWatcher(WatcherConfig{Topics: topics, Source: src, Hashes: db, Pinger: p, Now: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := w2.Check(ctx); err != nil || len(changed) != 0 {
		t.Fatalf("after restart: changed %v, %v", changed, err)
	}
	src.set("https://n.example/b.atom", "b2")
	if changed, err := w2.Check(ctx); err != nil || !slices.Equal(changed, []string{"https://n.example/b.atom"}) {
		t.Fatalf("changed %v, %v", changed, err)
	}
	if q := recv(t, hub.pings, "ping after restart"); q.Get("hub.url") != "https://n.example/b.atom" {
		t.Fatalf("pinged %v", q)
	}
}
