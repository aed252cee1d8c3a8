package websub

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// TestSubscribeDeliverSignedRetry: a subscriber subscribes (202), is
// verified by a GET carrying the challenge, and on a content change gets a
// signed delivery; its first delivery fails (500) and the retry brings the
// same content.
func TestSubscribeDeliverSignedRetry(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)

	ev := e.subscribe(sub, url.Values{"hub.secret": {"s3cret"}})
	if !ev.ok || ev.mode != "subscribe" || ev.callback != sub.url() {
		t.Fatalf("verification: %+v", ev)
	}
	q := recv(t, sub.verifies, "verification GET")
	if q.Get("hub.mode") != "subscribe" || q.Get("hub.topic") != topic || q.Get("hub.lease_seconds") != "864000" ||
		len(q.Get("hub.challenge")) < 20 || q.Get("id") != "7" {
		t.Fatalf("verification query: %v", q)
	}
	s, err := e.db.WebSubSubscription(ctx, topic, sub.url(), e.clock.now())
	if err != nil || s.Secret != "s3cret" || !s.Expires.Equal(e.clock.now().Add(DefaultLease)) {
		t.Fatalf("stored: %+v, %v", s, err)
	}

	sub.statuses <- http.StatusInternalServerError
	e.src.set(topic, "v2")
	e.hub.Notify()
	for i, what := range []string{"failed delivery", "retried delivery"} {
		d := recv(t, sub.deliveries, what)
		if d.body != "v2" || !signedBy(d, "s3cret") {
			t.Fatalf("delivery %d: body %q, signature %q", i, d.body, d.header.Get("X-Hub-Signature"))
		}
		if ct := d.header.Get("Content-Type"); ct != "application/atom+xml" {
			t.Errorf("Content-Type = %q", ct)
		}
		wantLink := `<` + e.hub.cfg.URL + `>; rel="hub", <` + topic + `>; rel="self"`
		if l := d.header.Get("Link"); l != wantLink {
			t.Errorf("Link = %q, want %q", l, wantLink)
		}
	}
	nothing(t, sub.deliveries, 100*time.Millisecond, "delivery after success")

	// Unchanged content is not delivered again.
	e.syncPass()
	nothing(t, sub.deliveries, 50*time.Millisecond, "delivery of unchanged content")
}

// TestVerificationFails: a subscriber that does not echo the challenge,
// or does not answer 2xx, is not subscribed.
func TestVerificationFails(t *testing.T) {
	for name, configure := range map[string]func(*subscriber){
		"wrong echo":   func(s *subscriber) { s.echo = func(c string) string { return c + "x" } },
		"empty echo":   func(s *subscriber) { s.echo = func(string) string { return "" } },
		"padded echo":  func(s *subscriber) { s.echo = func(c string) string { return c + "\n" } },
		"not found":    func(s *subscriber) { s.verifyStatus = http.StatusNotFound },
		"server error": func(s *subscriber) { s.verifyStatus = http.StatusInternalServerError },
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.start()
			sub := newSubscriber(t, configure)
			if ev := e.subscribe(sub, nil); ev.ok {
				t.Fatalf("verified: %+v", ev)
			}
			if _, err := e.db.WebSubSubscription(context.Background(), topic, sub.url(), e.clock.now()); !errors.Is(err, model.ErrNotFound) {
				t.Fatalf("subscription stored: %v", err)
			}
		})
	}
}

// TestUnsubscribe: an unsubscription is verified, then the subscription
// is gone and gets no more content.
func TestUnsubscribe(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)
	if ev := e.subscribe(sub, nil); !ev.ok {
		t.Fatalf("subscribe: %+v", ev)
	}
	recv(t, sub.verifies, "subscribe GET")

	code, body := e.post(url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {topic}, "hub.callback": {sub.url()}})
	if code != http.StatusAccepted {
		t.Fatalf("unsubscribe: %d %s", code, body)
	}
	if ev := recv(t, e.verified, "unsubscribe verification"); !ev.ok || ev.mode != "unsubscribe" {
		t.Fatalf("unsubscribe verification: %+v", ev)
	}
	q := recv(t, sub.verifies, "unsubscribe GET")
	if q.Get("hub.mode") != "unsubscribe" || q.Get("hub.topic") != topic || q.Has("hub.lease_seconds") {
		t.Fatalf("unsubscribe query: %v", q)
	}
	if _, err := e.db.WebSubSubscription(ctx, topic, sub.url(), e.clock.now()); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("still subscribed: %v", err)
	}
	e.src.set(topic, "v2")
	e.syncPass()
	nothing(t, sub.deliveries, 100*time.Millisecond, "delivery after unsubscribe")
}

// TestResubscribeRenews: subscribing again renews the lease and replaces
// the secret, which signs the next delivery.
func TestResubscribeRenews(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)
	e.subscribe(sub, url.Values{"hub.secret": {"old"}, "hub.lease_seconds": {"3600"}})
	e.clock.advance(30 * time.Minute)
	e.subscribe(sub, url.Values{"hub.secret": {"new"}, "hub.lease_seconds": {"7200"}})
	s, err := e.db.WebSubSubscription(ctx, topic, sub.url(), e.clock.now())
	if err != nil || s.Secret != "new" || !s.Expires.Equal(e.clock.now().Add(2*time.Hour)) {
		t.Fatalf("renewed: %+v, %v", s, err)
	}
	subs, _ := e.db.WebSubSubscriptions(ctx, topic, e.clock.now())
	if len(subs) != 1 {
		t.Fatalf("subscriptions: %+v", subs)
	}
	e.src.set(topic, "v2")
	e.hub.Notify()
	if d := recv(t, sub.deliveries, "delivery"); !signedBy(d, "new") {
		t.Fatalf("not signed with the new secret: %q", d.header.Get("X-Hub-Signature"))
	}
}

// TestLeases: leases are clamped; an expired subscription gets no
// delivery (the periodic sweep deletes it: TestSweep).
func TestLeases(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *Config) { c.LeaseMin, c.LeaseMax = time.Hour, 30*24*time.Hour })
	e.start()
	short := newSubscriber(t, nil)
	long := newSubscriber(t, nil)
	e.subscribe(short, url.Values{"hub.lease_seconds": {"60"}})
	e.subscribe(long, url.Values{"hub.lease_seconds": {"1000000000"}})
	if q := recv(t, short.verifies, "GET"); q.Get("hub.lease_seconds") != "3600" {
		t.Errorf("short lease asked as %s, want 3600", q.Get("hub.lease_seconds"))
	}
	if q := recv(t, long.verifies, "GET"); q.Get("hub.lease_seconds") != "2592000" {
		t.Errorf("long lease asked as %s, want 2592000", q.Get("hub.lease_seconds"))
	}
	start := e.clock.now()

	e.clock.advance(2 * time.Hour)
	e.src.set(topic, "v2")
	e.hub.Notify()
	if d := recv(t, long.deliveries, "delivery to the live subscription"); d.body != "v2" {
		t.Fatalf("delivered %q", d.body)
	}
	nothing(t, short.deliveries, 100*time.Millisecond, "delivery to the expired subscription")
	// The expired row is kept until a sweep (TestSweep); it is not live.
	if _, err := e.db.WebSubSubscription(ctx, topic, short.url(), e.clock.now()); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("expired subscription still live: %v", err)
	}
	if _, err := e.db.WebSubSubscription(ctx, topic, long.url(), start); err != nil {
		t.Fatalf("live subscription: %v", err)
	}
}

// TestSweep: the periodic sweep deletes expired subscriptions with no
// pass running.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, func(c *Config) { c.SweepInterval = 5 * time.Millisecond })
	e.start()
	sub := newSubscriber(t, nil)
	e.subscribe(sub, url.Values{"hub.lease_seconds": {"3600"}})
	start := e.clock.now()
	if _, err := e.db.WebSubSubscription(ctx, topic, sub.url(), start); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Hour)
	deadline := time.Now().Add(wait)
	for {
		_, err := e.db.WebSubSubscription(ctx, topic, sub.url(), start)
		if errors.Is(err, model.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not swept: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRestart: subscriptions and the published hash survive a restart: a
// new hub on the same database does not replay unchanged content, and
// delivers changed content.
func TestRestart(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)
	e.subscribe(sub, url.Values{"hub.secret": {"k"}})
	e.stop()
	e.srv.Close()
	if err := e.db.Close(); err != nil {
		t.Fatal(err)
	}

	e.db = openDB(t, e.path, e.clock)
	e.newHub(nil)
	e.start() // its first pass sees unchanged content
	nothing(t, sub.deliveries, 100*time.Millisecond, "replay of unchanged content")
	e.src.set(topic, "v2")
	e.hub.Notify()
	if d := recv(t, sub.deliveries, "delivery after restart"); d.body != "v2" || !signedBy(d, "k") {
		t.Fatalf("delivery after restart: %q", d.body)
	}
}

// TestSlowSubscriber: a subscriber that does not answer holds one worker
// and one delivery at most; a fast subscriber keeps getting every change
// meanwhile, and the slow one then gets only the newest content.
func TestSlowSubscriber(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Workers = 2 })
	e.start()
	block := make(chan struct{})
	slow := newSubscriber(t, func(s *subscriber) { s.block = block })
	defer close(block) // before the servers close
	fast := newSubscriber(t, nil)
	e.subscribe(slow, nil)
	e.subscribe(fast, nil)

	for _, v := range []string{"v2", "v3", "v4"} {
		e.src.set(topic, v)
		e.hub.Notify()
		if d := recv(t, fast.deliveries, "fast delivery of "+v); d.body != v {
			t.Fatalf("fast got %q, want %q", d.body, v)
		}
		recv(t, e.passes, "the pass of "+v) // every subscriber's delivery of v is submitted
		if v == "v2" {                      // the slow one is stuck on v2 from here on
			if b := recv(t, slow.started, "slow delivery of v2"); b != "v2" {
				t.Fatalf("slow got %q", b)
			}
		}
	}
	if n := slow.most.Load(); n != 1 {
		t.Fatalf("slow subscriber had %d deliveries at once, want 1", n)
	}
	block <- struct{}{} // not closed yet: releases the one waiting
	if d := recv(t, slow.deliveries, "slow first delivery"); d.body != "v2" {
		t.Fatalf("slow first got %q", d.body)
	}
	// v3 was replaced by v4 while v2 was in flight.
	block <- struct{}{}
	if d := recv(t, slow.deliveries, "slow second delivery"); d.body != "v4" {
		t.Fatalf("slow second got %q, want v4", d.body)
	}
	nothing(t, slow.deliveries, 100*time.Millisecond, "third slow delivery")
	if n := slow.most.Load(); n != 1 {
		t.Fatalf("slow subscriber had %d deliveries at once, want 1", n)
	}
}

// TestManySlowSubscribers: more slow subscribers than workers still leave
// room for a prompt one: a slow attempt gives its worker back after
// SlowAfter and goes on in the slow lane.
func TestManySlowSubscribers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Workers, c.SlowAfter = 2, 20*time.Millisecond })
	e.start()
	block := make(chan struct{})
	defer close(block) // before the servers close
	var slow []*subscriber
	for range 4 {
		s := newSubscriber(t, func(s *subscriber) { s.block = block })
		e.subscribe(s, nil)
		slow = append(slow, s)
	}
	fast := newSubscriber(t, nil)
	e.subscribe(fast, nil)
	e.src.set(topic, "v2")
	e.hub.Notify()
	if d := recv(t, fast.deliveries, "the prompt subscriber's delivery"); d.body != "v2" {
		t.Fatalf("fast got %q", d.body)
	}
	for i, s := range slow {
		if b := recv(t, s.started, "a slow delivery"); b != "v2" {
			t.Fatalf("slow %d got %q", i, b)
		}
	}
}

// TestGone: a 410 answer removes the subscription.
func TestGone(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)
	e.subscribe(sub, nil)
	sub.statuses <- http.StatusGone
	e.src.set(topic, "v2")
	e.hub.Notify()
	recv(t, sub.deliveries, "delivery")
	deadline := time.Now().Add(wait)
	for {
		_, err := e.db.WebSubSubscription(context.Background(), topic, sub.url(), e.clock.now())
		if errors.Is(err, model.ErrNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gone subscription kept: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	nothing(t, sub.deliveries, 100*time.Millisecond, "retry after 410")
}

// TestGiveUp: a delivery failing Attempts times is given up.
func TestGiveUp(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Retry = Retry{Initial: 5 * time.Millisecond, Factor: 2, Max: 20 * time.Millisecond, Attempts: 3}
	})
	e.start()
	sub := newSubscriber(t, nil)
	e.subscribe(sub, nil)
	for range 10 {
		sub.statuses <- http.StatusServiceUnavailable
	}
	e.src.set(topic, "v2")
	e.hub.Notify()
	for i := range 3 {
		if d := recv(t, sub.deliveries, "attempt"); d.body != "v2" {
			t.Fatalf("attempt %d: %q", i+1, d.body)
		}
	}
	nothing(t, sub.deliveries, 200*time.Millisecond, "attempt after giving up")
}

// TestBadRequests: malformed requests get 400 with a reason, and no
// verification is attempted.
func TestBadRequests(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	sub := newSubscriber(t, nil)
	good := func(mod func(url.Values)) url.Values {
		v := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.url()}}
		mod(v)
		return v
	}
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"missing topic", good(func(v url.Values) { v.Del("hub.topic") }), "hub.topic is missing"},
		{"missing callback", good(func(v url.Values) { v.Del("hub.callback") }), "hub.callback is missing"},
		{"relative callback", good(func(v url.Values) { v.Set("hub.callback", "/cb") }), "not an absolute http or https URL"},
		{"ftp callback", good(func(v url.Values) { v.Set("hub.callback", "ftp://x.example/cb") }), "not an absolute http or https URL"},
		{"unknown topic", good(func(v url.Values) { v.Set("hub.topic", "https://news.example/nope") }), "not a topic this hub publishes"},
		{"missing mode", good(func(v url.Values) { v.Del("hub.mode") }), "hub.mode is missing"},
		{"bad mode", good(func(v url.Values) { v.Set("hub.mode", "publish") }), `hub.mode "publish" is not supported`},
		{"secret too long", good(func(v url.Values) { v.Set("hub.secret", strings.Repeat("s", 200)) }), "shorter than 200 bytes"},
		{"bad lease", good(func(v url.Values) { v.Set("hub.lease_seconds", "soon") }), "hub.lease_seconds"},
		{"unsubscribe unknown topic", good(func(v url.Values) {
			v.Set("hub.mode", "unsubscribe")
			v.Set("hub.topic", "https://news.example/nope")
		}), "not a topic this hub publishes"},
	} {
		code, body := e.post(c.form)
		if code != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %q, want 400 with %q", c.name, code, body, c.want)
		}
	}
	// A secret just short enough is accepted.
	if code, body := e.post(good(func(v url.Values) { v.Set("hub.secret", strings.Repeat("s", 199)) })); code != http.StatusAccepted {
		t.Errorf("199-byte secret: %d %s", code, body)
	}
	recv(t, e.verified, "verification of the good request")
	recv(t, sub.verifies, "GET of the good request")

	resp, err := http.Post(e.srv.URL+"/hub", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("JSON body: %d, want 400", resp.StatusCode)
	}
	resp, err = http.Get(e.srv.URL + "/hub")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	nothing(t, sub.verifies, 50*time.Millisecond, "verification of a bad request")
}

// TestDenied: a topic gone between the request and its verification is
// denied: the subscriber gets hub.mode=denied with a reason.
func TestDenied(t *testing.T) {
	e := newEnv(t, nil)
	sub := newSubscriber(t, nil)
	code, body := e.post(url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.callback": {sub.url()}})
	if code != http.StatusAccepted {
		t.Fatalf("subscribe: %d %s", code, body)
	}
	e.src.remove(topic) // before the hub runs the verification
	e.start()
	if ev := recv(t, e.verified, "verification"); ev.ok {
		t.Fatalf("verified: %+v", ev)
	}
	q := recv(t, sub.verifies, "denial")
	if q.Get("hub.mode") != "denied" || q.Get("hub.topic") != topic || q.Get("hub.reason") == "" {
		t.Fatalf("denial query: %v", q)
	}
	if _, err := e.db.WebSubSubscription(context.Background(), topic, sub.url(), e.clock.now()); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("denied subscription stored: %v", err)
	}
}

// TestNotifyCoalesces: many notifications while a pass is pending cause
// one pass.
func TestNotifyCoalesces(t *testing.T) {
	e := newEnv(t, nil)
	for range 100 {
		e.hub.Notify()
	}
	if n := len(e.hub.notify); n != 1 {
		t.Fatalf("%d passes pending, want 1", n)
	}
	e.start() // waits for the one pass
	nothing(t, e.passes, 100*time.Millisecond, "second pass")
}

// TestFirstContentNotDelivered: content first seen for a topic (no hash
// recorded, as after an upgrade) is recorded, not delivered.
func TestFirstContentNotDelivered(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, nil)
	sub := newSubscriber(t, nil)
	if err := e.db.SaveWebSubSubscription(ctx, Subscription{Topic: topic, Callback: sub.url(),
		Expires: e.clock.now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	e.start()
	nothing(t, sub.deliveries, 100*time.Millisecond, "delivery of first-seen content")
	if h, _ := e.db.WebSubTopicHash(ctx, topic); h != Hash(Content{Body: []byte("v1")}) {
		t.Fatalf("hash = %q", h)
	}
	e.src.set(topic, "v2")
	e.hub.Notify()
	if d := recv(t, sub.deliveries, "delivery"); d.body != "v2" {
		t.Fatalf("delivered %q", d.body)
	}
}

// TestRetryDelay checks the backoff schedule.
func TestRetryDelay(t *testing.T) {
	r := Retry{Initial: 30 * time.Second, Factor: 2, Max: 5 * time.Minute}.withDefaults()
	var got []time.Duration
	for i := 1; i <= 6; i++ {
		got = append(got, r.delay(i))
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays = %v, want %v", got, want)
		}
	}
	if r.Attempts != DefaultRetryAttempts || r.delay(1000) != 5*time.Minute {
		t.Errorf("defaults: %+v, delay(1000) = %v", r, r.delay(1000))
	}
}

// TestNewValidates checks New's refusals.
func TestNewValidates(t *testing.T) {
	e := newEnv(t, nil)
	for name, cfg := range map[string]Config{
		"no store":   {URL: "https://n.example/hub", Source: e.src},
		"no source":  {URL: "https://n.example/hub", Store: e.db},
		"no URL":     {Store: e.db, Source: e.src},
		"bad leases": {URL: "https://n.example/hub", Store: e.db, Source: e.src, LeaseMin: 2 * time.Hour, LeaseDefault: time.Hour},
	} {
		if _, err := New(cfg); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}

// TestBaseline: the first subscriber sets the topic's baseline, so it does
// not get content from before it subscribed; a later subscriber does not
// reset it, so a change not yet distributed reaches both.
func TestBaseline(t *testing.T) {
	e := newEnv(t, nil)
	e.start()
	a := newSubscriber(t, nil)
	b := newSubscriber(t, nil)
	e.src.set(topic, "v2") // changed before anyone subscribed: the baseline
	e.subscribe(a, nil)
	e.syncPass()
	nothing(t, a.deliveries, 100*time.Millisecond, "delivery of content from before subscribing")

	e.src.set(topic, "v3") // changed, not yet distributed
	e.subscribe(b, nil)
	e.hub.Notify()
	for _, s := range []*subscriber{a, b} {
		if d := recv(t, s.deliveries, "delivery"); d.body != "v3" {
			t.Fatalf("delivered %q, want v3", d.body)
		}
	}
}

// TestRequestsForOneSubscriptionInOrder: a newer request for the same
// topic and callback replaces one still waiting for verification, so the
// last request wins, and the one replaced is not counted as waiting.
func TestRequestsForOneSubscriptionInOrder(t *testing.T) {
	e := newEnv(t, nil)
	sub := newSubscriber(t, nil)
	for _, mode := range []string{"subscribe", "unsubscribe"} {
		if status, body := e.post(url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.callback": {sub.url()}}); status != http.StatusAccepted {
			t.Fatalf("%s: %d %s", mode, status, body)
		}
	}
	if n := e.hub.verifying.Load(); n != 1 {
		t.Fatalf("%d requests counted as waiting, want 1", n)
	}
	e.start()
	if q := recv(t, sub.verifies, "verification"); q.Get("hub.mode") != "unsubscribe" {
		t.Fatalf("verified %q, want the later unsubscribe", q.Get("hub.mode"))
	}
	nothing(t, sub.verifies, 100*time.Millisecond, "a second verification")
	if n := e.hub.verifying.Load(); n != 0 {
		t.Errorf("%d requests still counted as waiting", n)
	}
}
