package poll

import (
	"context"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Pool defaults.
const (
	DefaultWorkers     = 4
	DefaultPerHost     = 1
	DefaultStartJitter = time.Second
)

// Pool polls sources with a bounded number of workers, never more than
// PerHost at once on one host. The zero value works: 4 workers, 1 per host,
// no start jitter. NewPool adds a start jitter of up to a second.
type Pool struct {
	Workers int // concurrent fetches; ≤ 0 means DefaultWorkers
	PerHost int // concurrent fetches per host; ≤ 0 means DefaultPerHost
	// StartJitter delays each fetch by a random time in [0, StartJitter)
	// so many sources do not fire in the same second; 0 for none.
	StartJitter time.Duration
	Rand        func() float64 // jitter source in [0,1); default math/rand/v2
}

// NewPool returns a Pool of workers workers and perHost fetches per host
// (defaults for values ≤ 0) with DefaultStartJitter.
func NewPool(workers, perHost int) *Pool {
	return &Pool{Workers: workers, PerHost: perHost, StartJitter: DefaultStartJitter}
}

// Due returns the sources to poll at now: not disabled, NextPoll not after
// now (a zero NextPoll is due at once).
func Due(sources []Source, now time.Time) []Source {
	var due []Source
	for _, s := range sources {
		if !s.Disabled && !s.NextPoll.After(now) {
			due = append(due, s)
		}
	}
	return due
}

// Run calls fetch for every source and returns what each returned, in
// input order. A source whose host is busy waits while other hosts' sources
// go ahead. Once ctx is done, sources not yet started come back unchanged.
func (p *Pool) Run(ctx context.Context, sources []Source, fetch func(context.Context, Source) Source) []Source {
	out := make([]Source, len(sources))
	copy(out, sources)
	perHost := p.PerHost
	if perHost <= 0 {
		perHost = DefaultPerHost
	}
	s := newScheduler(sources, perHost)
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	workers := p.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	var wg sync.WaitGroup
	for range min(workers, len(sources)) {
		wg.Go(func() {
			for i, ok := s.next(ctx); ok; i, ok = s.next(ctx) {
				if p.sleep(ctx) {
					out[i] = fetch(ctx, sources[i])
				}
				s.done(i)
			}
		})
	}
	wg.Wait()
	return out
}

// sleep waits the start jitter; it reports false if ctx ended first.
func (p *Pool) sleep(ctx context.Context) bool {
	if p.StartJitter <= 0 {
		return ctx.Err() == nil
	}
	rnd := p.Rand
	if rnd == nil {
		rnd = rand.Float64
	}
	t := time.NewTimer(time.Duration(rnd() * float64(p.StartJitter)))
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// scheduler hands out source indexes so that no host has more than perHost
// in flight.
type scheduler struct {
	mu       sync.Mutex
	cond     *sync.Cond
	pending  []int          // indexes not yet started, in input order
	hosts    []string       // host key of each source
	inFlight map[string]int // per host key
	perHost  int
}

func newScheduler(sources []Source, perHost int) *scheduler {
	s := &scheduler{inFlight: map[string]int{}, perHost: perHost}
	s.cond = sync.NewCond(&s.mu)
	for i, src := range sources {
		s.pending = append(s.pending, i)
		s.hosts = append(s.hosts, HostKey(src.URL))
	}
	return s
}

// next blocks until a pending source's host has room, and claims it. It
// reports false when nothing is pending or ctx is done.
func (s *scheduler) next(ctx context.Context) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.pending) > 0 && ctx.Err() == nil {
		for k, i := range s.pending {
			if s.inFlight[s.hosts[i]] < s.perHost {
				s.pending = append(s.pending[:k], s.pending[k+1:]...)
				s.inFlight[s.hosts[i]]++
				return i, true
			}
		}
		s.cond.Wait()
	}
	return 0, false
}

// done releases source i's host.
func (s *scheduler) done(i int) {
	s.mu.Lock()
	s.inFlight[s.hosts[i]]--
	s.mu.Unlock()
	s.cond.Broadcast()
}

// wake rouses waiting workers when ctx ends. Taking the lock first means
// no worker is between its ctx check and its Wait, so none misses it.
func (s *scheduler) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cond.Broadcast()
}

// HostKey is the key the pool limits concurrency by: the URL's host,
// lower-cased, with its port, the scheme's default port dropped
// ("HTTP://Example.COM:80/a" and "http://example.com/b" share one). An
// unparseable URL is its own key.
func HostKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.ToLower(raw)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "80" && strings.EqualFold(u.Scheme, "http") || port == "443" && strings.EqualFold(u.Scheme, "https") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" {
		return host
	}
	return host + ":" + port
}
