package websub

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

// *store.DB is the Store the daemon wires in.
var _ Store = (*store.DB)(nil)

// wait is how long a test waits for an event before failing.
const wait = 5 * time.Second

// recv returns the next value from ch, failing the test after wait.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// nothing fails the test if ch yields a value within d.
func nothing[T any](t testing.TB, ch <-chan T, d time.Duration, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Fatalf("unexpected %s: %+v", what, v)
	case <-time.After(d):
	}
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fakeSource publishes the topics set on it.
type fakeSource struct {
	mu     sync.Mutex
	topics map[string]Content
}

func (s *fakeSource) set(topic, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.topics == nil {
		s.topics = map[string]Content{}
	}
	s.topics[topic] = Content{Body: []byte(body), ContentType: "application/atom+xml"}
}

func (s *fakeSource) remove(topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.topics, topic)
}

func (s *fakeSource) Content(_ context.Context, topic string) (Content, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.topics[topic]
	if !ok {
		return Content{}, fmt.Errorf("topic %q: %w", topic, model.ErrNotFound)
	}
	return c, nil
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func openDB(t testing.TB, path string, c *testClock) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path,
		store.Options{Tagger: model.Tagger{Authority: "example.org", Date: "2026"}, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

type verifyEvent struct {
	mode, topic, callback string
	ok                    bool
}

// env is a hub on a real database, served by an httptest server.
type env struct {
	t        testing.TB
	path     string
	db       *store.DB
	src      *fakeSource
	clock    *testClock
	hub      *Hub
	srv      *httptest.Server
	verified chan verifyEvent
	passes   chan struct{}
	stop     func()
}

const topic = "https://news.example/feed.atom"

// fastRetry retries quickly, for tests.
var fastRetry = Retry{Initial: 10 * time.Millisecond, Factor: 2, Max: 40 * time.Millisecond, Attempts: 8}

// newEnv builds a hub publishing topic (content "v1") on a new database;
// mod adjusts its config. The hub is not running yet: see start.
func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "newswire.db"), src: &fakeSource{},
		clock: &testClock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}}
	e.src.set(topic, "v1")
	e.db = openDB(t, e.path, e.clock)
	t.Cleanup(func() { e.db.Close() })
	e.newHub(mod)
	return e
}

// newHub makes a new hub on e.db (replacing e.hub and its server).
func (e *env) newHub(mod func(*Config)) {
	t := e.t
	t.Helper()
	e.srv = httptest.NewUnstartedServer(nil)
	cfg := Config{URL: "http://" + e.srv.Listener.Addr().String() + "/hub", Store: e.db, Source: e.src,
		Now: e.clock.now, Logger: testLogger(t), Retry: fastRetry, Timeout: wait}
	if mod != nil {
		mod(&cfg)
	}
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.hub = h
	e.verified = make(chan verifyEvent, 100)
	e.passes = make(chan struct{}, 100)
	h.onVerify = func(mode, topic, callback string, ok bool) {
		e.verified <- verifyEvent{mode, topic, callback, ok}
	}
	h.onPass = func() { e.passes <- struct{}{} }
	e.srv.Config.Handler = h
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.stop = func() {}
}

// start runs the hub and waits for its first pass.
func (e *env) start() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- e.hub.Run(ctx) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := recv(e.t, ran, "Run to return"); err != nil {
				e.t.Errorf("Run: %v", err)
			}
		})
	}
	e.t.Cleanup(e.stop)
	recv(e.t, e.passes, "the first pass")
}

// post sends a form to the hub endpoint.
func (e *env) post(form url.Values) (int, string) {
	e.t.Helper()
	resp, err := http.Post(e.srv.URL+"/hub", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// subscribe asks for a subscription of sub and waits for its verification.
func (e *env) subscribe(sub *subscriber, extra url.Values) verifyEvent {
	e.t.Helper()
	form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.url()}}
	for k, v := range extra {
		form[k] = v
	}
	if code, body := e.post(form); code != http.StatusAccepted {
		e.t.Fatalf("subscribe: %d %s", code, body)
	}
	return recv(e.t, e.verified, "verification")
}

// syncPass runs a distribution pass in the test's goroutine. The hub's
// own loop must be idle (started, and not notified since).
func (e *env) syncPass() { e.hub.pass(context.Background()) }

// delivered is one POST a subscriber got.
type delivered struct {
	body   string
	header http.Header
}

// subscriber is a WebSub subscriber's callback.
type subscriber struct {
	srv        *httptest.Server
	path       string
	verifies   chan url.Values // the query of every GET
	deliveries chan delivered  // every POST
	// echo says what to answer a challenge with; nil echoes it.
	echo func(challenge string) string
	// verifyStatus, if not 0, is the status of every GET.
	verifyStatus int
	// started gets the body of every POST as it arrives, before block.
	started chan string
	// statuses, when not empty, gives the status of the next POST.
	statuses chan int
	// block, if not nil, holds every POST until it is closed.
	block          chan struct{}
	inFlight, most atomic.Int32
}

func newSubscriber(t testing.TB, configure func(*subscriber)) *subscriber {
	s := &subscriber{path: "/cb?id=7", verifies: make(chan url.Values, 100),
		deliveries: make(chan delivered, 100), statuses: make(chan int, 100), started: make(chan string, 100)}
	if configure != nil {
		configure(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) url() string { return s.srv.URL + s.path }

func (s *subscriber) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		s.verifies <- q
		answer := q.Get("hub.challenge")
		if s.echo != nil {
			answer = s.echo(answer)
		}
		if s.verifyStatus != 0 {
			w.WriteHeader(s.verifyStatus)
		}
		io.WriteString(w, answer)
	case http.MethodPost:
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.most.Load()
			if n <= m || s.most.CompareAndSwap(m, n) {
				break
			}
		}
		body, _ := io.ReadAll(r.Body)
		s.started <- string(body)
		if s.block != nil {
			<-s.block
		}
		s.deliveries <- delivered{body: string(body), header: r.Header.Clone()}
		select {
		case code := <-s.statuses:
			w.WriteHeader(code)
		default:
		}
	}
}

// signedBy checks the X-Hub-Signature of d against secret, independently
// of Signature.
func signedBy(d delivered, secret string) bool {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(d.body))
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	return hmac.Equal([]byte(d.header.Get("X-Hub-Signature")), []byte(want))
}
