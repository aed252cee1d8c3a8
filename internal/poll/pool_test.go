package poll

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// hostMeter counts requests in flight, per Host header and overall, and
// keeps the maxima.
type hostMeter struct {
	mu               sync.Mutex
	inFlight, peak   map[string]int
	total, totalPeak int
}

func (m *hostMeter) enter(host string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inFlight[host]++
	m.peak[host] = max(m.peak[host], m.inFlight[host])
	m.total++
	m.totalPeak = max(m.totalPeak, m.total)
}

func (m *hostMeter) leave(host string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.inFlight[host]--
	m.total--
}

func TestPoolPerHostAndOrder(t *testing.T) {
	m := &hostMeter{inFlight: map[string]int{}, peak: map[string]int{}}
	handler := func(w http.ResponseWriter, r *http.Request) {
		m.enter(r.Host)
		defer m.leave(r.Host)
		time.Sleep(10 * time.Millisecond) // give overlaps a chance to happen
		w.Write([]byte(rssBody))
	}
	var sources []Source
	for range 3 {
		srv := serve(t, handler)
		for j := range 5 {
			sources = append(sources, Source{URL: fmt.Sprintf("%s/feed/%d", srv.URL, j)})
		}
	}
	// Interleave hosts so input order is not host order.
	for i := range sources {
		j := (i * 7) % len(sources)
		sources[i], sources[j] = sources[j], sources[i]
	}
	f := testFetcher(nil)
	var calls atomic.Int32
	got := (&Pool{Workers: 2}).Run(context.Background(), sources, func(ctx context.Context, s Source) Source {
		calls.Add(1)
		return f.Update(s, f.Fetch(ctx, s), FeedSignals{})
	})
	if int(calls.Load()) != len(sources) || len(got) != len(sources) {
		t.Fatalf("%d calls, %d results for %d sources", calls.Load(), len(got), len(sources))
	}
	for i := range got {
		if got[i].URL != sources[i].URL || got[i].LastStatus != 200 {
			t.Errorf("result %d: %s status %d, want %s 200", i, got[i].URL, got[i].LastStatus, sources[i].URL)
		}
	}
	for host, p := range m.peak {
		if p != 1 {
			t.Errorf("host %s had %d fetches at once", host, p)
		}
	}
	if m.totalPeak > 2 {
		t.Errorf("%d fetches at once with 2 workers", m.totalPeak)
	}
}

func TestPoolPerHostLimitAboveOne(t *testing.T) {
	var mu sync.Mutex
	inFlight, peak := map[string]int{}, map[string]int{}
	sources := []Source{
		{URL: "http://A.example/1"}, {URL: "http://a.example:80/2"}, {URL: "http://a.example/3"},
		{URL: "http://a.example/4"}, {URL: "http://b.example/1"}, {URL: "https://b.example:443/2"},
	}
	fetch := func(_ context.Context, s Source) Source {
		h := HostKey(s.URL)
		mu.Lock()
		inFlight[h]++
		peak[h] = max(peak[h], inFlight[h])
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		inFlight[h]--
		mu.Unlock()
		s.LastStatus = 200
		return s
	}
	got := (&Pool{Workers: 8, PerHost: 2}).Run(context.Background(), sources, fetch)
	for h, p := range peak {
		if p > 2 {
			t.Errorf("host %s: %d at once, limit 2", h, p)
		}
	}
	for i, s := range got {
		if s.LastStatus != 200 || s.URL != sources[i].URL {
			t.Errorf("result %d: %+v", i, s)
		}
	}
}

func TestPoolCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sources := []Source{{URL: "http://a.example/"}, {URL: "http://b.example/"}}
	got := (&Pool{Workers: 2, PerHost: 1}).Run(ctx, sources, func(context.Context, Source) Source {
		t.Error("fetch called after cancel")
		return Source{}
	})
	if len(got) != 2 || got[0].URL != sources[0].URL || got[1].URL != sources[1].URL {
		t.Errorf("got %+v", got)
	}
}

func TestPoolCancelWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	sources := []Source{{URL: "http://a.example/1"}, {URL: "http://a.example/2"}}
	done := make(chan []Source)
	go func() {
		done <- (&Pool{Workers: 2}).Run(ctx, sources, func(ctx context.Context, s Source) Source {
			close(started) // only one call may start: the second waits for the host
			<-ctx.Done()
			s.LastError = "cancelled"
			return s
		})
	}()
	<-started
	cancel()
	select {
	case got := <-done:
		if got[0].LastError != "cancelled" || got[1].LastError != "" {
			t.Errorf("got %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestPoolStartJitter(t *testing.T) {
	p := &Pool{StartJitter: 50 * time.Millisecond, Rand: func() float64 { return 0.2 }}
	got := p.Run(context.Background(), []Source{{URL: "http://a.example/"}}, func(_ context.Context, s Source) Source {
		s.LastStatus = 200
		return s
	})
	if got[0].LastStatus != 200 {
		t.Errorf("got %+v", got)
	}
	if NewPool(0, 0).StartJitter != time.Second {
		t.Errorf("default start jitter is not 1s")
	}
}

func TestHostKey(t *testing.T) {
	for in, want := range map[string]string{
		"http://Example.COM/feed":       "example.com",
		"http://example.com:80/a":       "example.com",
		"https://example.com:443/a":     "example.com",
		"https://example.com:80/a":      "example.com:80",
		"http://example.com:8080/a":     "example.com:8080",
		"http://user:pw@EXAMPLE.com/a":  "example.com",
		"http://[2001:DB8::1]:8080/":    "[2001:db8::1]:8080",
		"not a url":                     "not a url",
		"HTTP://127.0.0.1:9/x?y=1#frag": "127.0.0.1:9",
	} {
		if got := HostKey(in); got != want {
			t.Errorf("HostKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDue(t *testing.T) {
	now := t0
	srcs := []Source{
		{URL: "new"},
		{URL: "past", NextPoll: now.Add(-time.Minute)},
		{URL: "now", NextPoll: now},
		{URL: "future", NextPoll: now.Add(time.Second)},
		{URL: "disabled", Disabled: true},
	}
	var got []string
	for _, s := range Due(srcs, now) {
		got = append(got, s.URL)
	}
	if fmt.Sprint(got) != "[new past now]" {
		t.Errorf("Due = %v", got)
	}
}
