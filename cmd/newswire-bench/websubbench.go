package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/websub"
	"github.com/newswire/newswire/store"
)

// runWebSubBench measures the built-in WebSub hub on loopback: how fast it
// verifies subscriptions, and how long after a change to every topic each
// subscriber has the new content, while some subscribers answer only
// after a long delay.
func runWebSubBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("websub", flag.ContinueOnError)
	fs.SetOutput(stderr)
	topics := fs.Int("topics", 100, "topics (feeds) subscribed to")
	subs := fs.Int("subscribers", 1000, "subscriptions, spread evenly over the topics")
	slow := fs.Int("slow", 10, "of them, subscribers that answer deliveries only after --slow-delay")
	slowDelay := fs.Duration("slow-delay", 5*time.Second, "how long a slow subscriber takes to answer")
	bodySize := fs.Int("body", 20000, "bytes of each topic's content")
	workers := fs.Int("workers", websub.DefaultWorkers, "hub workers")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	dir, err := os.MkdirTemp("", "newswire-websub-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, filepath.Join(dir, "hub.db"), store.Options{Tagger: benchTagger})
	if err != nil {
		return err
	}
	defer db.Close()

	src := &benchTopics{bodies: map[string][]byte{}}
	topicURL := func(i int) string { return "http://bench.localhost/topics/t" + strconv.Itoa(i) + ".atom" }
	for i := range *topics {
		src.set(topicURL(i), 1, *bodySize)
	}
	rec := newDeliveryLog(*slow, *slowDelay)
	subURL, stopSubs, err := listen(rec)
	if err != nil {
		return err
	}
	defer stopSubs()

	var hub *websub.Hub // set before the first request
	hubURL, stopHubServer, err := listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hub.ServeHTTP(w, r) }))
	if err != nil {
		return err
	}
	defer stopHubServer()
	hub, err = websub.New(websub.Config{URL: hubURL, Store: db, Source: src, Workers: *workers,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- hub.Run(runCtx) }()
	defer func() { stopRun(); <-ran }()

	start := time.Now()
	for i := range *subs {
		form := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topicURL(i % *topics)},
			"hub.callback": {subURL + "/cb/" + strconv.Itoa(i)}, "hub.secret": {"secret " + strconv.Itoa(i)}}
		resp, err := http.PostForm(hubURL, form)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("subscribe %d: %s", i, resp.Status)
		}
	}
	if err := rec.waitVerified(ctx, *subs, time.Minute); err != nil {
		return err
	}
	if err := waitStored(ctx, db, *topics, topicURL, *subs, time.Minute); err != nil {
		return err
	}
	verifyTook := time.Since(start)
	fmt.Fprintf(stdout, "%d subscriptions to %d topics verified in %.2f s (%.0f/s), %d workers\n",
		*subs, *topics, verifyTook.Seconds(), float64(*subs)/verifyTook.Seconds(), *workers)

	// Every topic changes at once.
	for i := range *topics {
		src.set(topicURL(i), 2, *bodySize)
	}
	changed := time.Now()
	rec.reset(changed)
	hub.Notify()
	fast := *subs - min(*slow, *subs)
	if err := rec.waitDelivered(ctx, fast, time.Minute); err != nil {
		return err
	}
	lat := rec.latencies()
	took := lat[len(lat)-1]
	fmt.Fprintf(stdout, "a change to every topic: %d deliveries of %d bytes to the %d prompt subscribers in %.2f s (%.0f/s); latency p50 %.0f ms, p99 %.0f ms\n",
		len(lat), *bodySize, fast, took.Seconds(), float64(len(lat))/took.Seconds(),
		ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]))
	if *slow > 0 {
		if err := rec.waitDelivered(ctx, *subs, time.Minute+*slowDelay); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "meanwhile %d subscribers took %s each to answer; the last of them had its delivery after %.2f s\n",
			*slow, *slowDelay, time.Since(changed).Seconds())
	}
	return nil
}

// waitStored waits until the hub has stored n subscriptions to the topics
// (a subscriber answers the verification before the hub stores it).
func waitStored(ctx context.Context, db *store.DB, topics int, topicURL func(int) string, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		stored := 0
		for i := range topics {
			subs, err := db.WebSubSubscriptions(ctx, topicURL(i), time.Now())
			if err != nil {
				return err
			}
			stored += len(subs)
		}
		if stored >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d subscriptions stored after %s", stored, n, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// benchTopics is the hub's source: topics whose content is a version
// number padded to a size.
type benchTopics struct {
	mu     sync.Mutex
	bodies map[string][]byte
}

func (b *benchTopics) set(topic string, version, size int) {
	body := []byte(fmt.Sprintf("<feed><title>version %d of %s</title>", version, topic))
	body = append(body, strings.Repeat(" ", max(0, size-len(body)-7))...)
	body = append(body, "</feed>"...)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bodies[topic] = body
}

func (b *benchTopics) Content(_ context.Context, topic string) (websub.Content, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	body, ok := b.bodies[topic]
	if !ok {
		return websub.Content{}, fmt.Errorf("topic %s: %w", topic, model.ErrNotFound)
	}
	return websub.Content{Body: body, ContentType: "application/atom+xml"}, nil
}

// deliveryLog is every subscriber: it confirms verifications and notes
// when each delivery came; the first slow ones answer deliveries late.
type deliveryLog struct {
	slow      int
	delay     time.Duration
	mu        sync.Mutex
	verified  int
	since     time.Time
	delivered []time.Duration
	changed   chan struct{}
}

func newDeliveryLog(slow int, delay time.Duration) *deliveryLog {
	return &deliveryLog{slow: slow, delay: delay, changed: make(chan struct{}, 1)}
}

func (l *deliveryLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/cb/"))
	if r.Method == http.MethodGet {
		io.WriteString(w, r.URL.Query().Get("hub.challenge"))
		l.note(func() { l.verified++ })
		return
	}
	io.Copy(io.Discard, r.Body)
	if n < l.slow {
		time.Sleep(l.delay)
	}
	l.note(func() { l.delivered = append(l.delivered, time.Since(l.since)) })
}

func (l *deliveryLog) note(f func()) {
	l.mu.Lock()
	f()
	l.mu.Unlock()
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

func (l *deliveryLog) reset(since time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.since, l.delivered = since, nil
}

func (l *deliveryLog) latencies() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	lat := slices.Clone(l.delivered)
	slices.Sort(lat)
	return lat
}

func (l *deliveryLog) waitVerified(ctx context.Context, n int, limit time.Duration) error {
	return l.wait(ctx, limit, "verifications", n, func() int { return l.verified })
}

func (l *deliveryLog) waitDelivered(ctx context.Context, n int, limit time.Duration) error {
	return l.wait(ctx, limit, "deliveries", n, func() int { return len(l.delivered) })
}

func (l *deliveryLog) wait(ctx context.Context, limit time.Duration, what string, n int, count func() int) error {
	deadline := time.After(limit)
	for {
		l.mu.Lock()
		got := count()
		l.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-l.changed:
		case <-deadline:
			return fmt.Errorf("%d of %d %s after %s", got, n, what, limit)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
