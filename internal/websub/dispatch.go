package websub

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// outcome is what one attempt of a job came to.
type outcome int

const (
	// done: the job is finished (it succeeded, or there is nothing to do).
	done outcome = iota
	// retry: the attempt failed; try again after a backoff.
	retry
	// drop: the job failed for good; forget it and any newer one for its key.
	drop
)

// job is one outbound request to make, perhaps more than once.
type job interface {
	// attempt makes the request once; a failure comes with its error.
	attempt(ctx context.Context) (outcome, error)
	// attrs describe the job in logs.
	attrs() []any
}

// slot is the state of one key: at most one job runs for it at a time,
// and of the jobs submitted meanwhile only the newest is kept.
type slot struct {
	pending job         // the next job to run; nil if none
	running bool        // a job of this key is being attempted
	queued  bool        // the key is in the ready queue
	timer   *time.Timer // set while waiting to retry
	fails   int         // failed attempts in a row
}

// dispatcher runs jobs with a fixed number of workers. Jobs are keyed: a
// key never has two jobs running, a newer job replaces one still waiting,
// and a failed job waits on a timer (not in a worker) before its retry.
// An attempt still running after slowAfter gives its worker back and goes
// on in the slow lane (at most slowLimit attempts at once), so slow
// subscribers cannot take every worker: the prompt ones keep being served.
type dispatcher struct {
	retry     Retry
	log       *slog.Logger
	what      string // "delivery", "ping": for log messages
	slowAfter time.Duration
	slowLimit int

	mu      sync.Mutex
	slots   map[string]*slot
	ready   []string
	stopped bool
	wake    chan struct{} // a key was queued
}

// Defaults of the slow lane: an attempt that has run this long moves out
// of its worker, and at most this many attempts run in the slow lane.
const (
	DefaultSlowAfter   = time.Second
	DefaultSlowWorkers = 64
)

func newDispatcher(what string, r Retry, log *slog.Logger, slowAfter time.Duration, slowLimit int) *dispatcher {
	if slowAfter <= 0 {
		slowAfter = DefaultSlowAfter
	}
	if slowLimit <= 0 {
		slowLimit = DefaultSlowWorkers
	}
	return &dispatcher{what: what, retry: r.withDefaults(), log: log, slowAfter: slowAfter, slowLimit: slowLimit,
		slots: map[string]*slot{}, wake: make(chan struct{}, 1)}
}

// submit makes j the next job of key, replacing one that is waiting.
func (d *dispatcher) submit(key string, j job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.slots[key]
	if s == nil {
		s = &slot{}
		d.slots[key] = s
	}
	if old, ok := s.pending.(interface{ superseded() }); ok {
		old.superseded()
	}
	s.pending = j
	d.queueLocked(key, s)
}

// cancel forgets the waiting job of key and any retry it waits for; a
// running attempt finishes.
func (d *dispatcher) cancel(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.slots[key]
	if s == nil {
		return
	}
	s.pending = nil
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if !s.running && !s.queued {
		delete(d.slots, key)
	}
}

// queueLocked puts key in the ready queue if it has a job that may run now.
func (d *dispatcher) queueLocked(key string, s *slot) {
	if s.pending == nil || s.running || s.queued || s.timer != nil {
		return
	}
	s.queued = true
	d.ready = append(d.ready, key)
	d.signal()
}

func (d *dispatcher) signal() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// take pops a key with a job to run and marks it running.
func (d *dispatcher) take() (string, *slot, job, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.ready) > 0 {
		key := d.ready[0]
		d.ready[0] = ""
		d.ready = d.ready[1:]
		s := d.slots[key]
		if s == nil {
			continue
		}
		s.queued = false
		if s.pending == nil || s.running {
			if !s.running && s.timer == nil {
				delete(d.slots, key)
			}
			continue
		}
		j := s.pending
		s.pending, s.running = nil, true
		if len(d.ready) > 0 {
			d.signal() // let another worker take the next one
		}
		return key, s, j, true
	}
	return "", nil, nil, false
}

// finish records the outcome of j's attempt and schedules what follows.
func (d *dispatcher) finish(key string, s *slot, j job, out outcome, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s.running = false
	switch out {
	case done:
		s.fails = 0
	case drop:
		s.fails = 0
		s.pending = nil
		d.log.Info(d.what+" dropped", append(j.attrs(), "err", err)...)
	case retry:
		s.fails++
		if s.fails >= d.retry.Attempts {
			d.log.Error(d.what+" failed, giving up", append(j.attrs(), "attempts", s.fails, "err", err)...)
			s.fails = 0
			break
		}
		if s.pending == nil {
			s.pending = j // no newer job: retry this one
		}
		wait := d.retry.delay(s.fails)
		d.log.Warn(d.what+" failed, will retry", append(j.attrs(), "attempt", s.fails, "retry_in", wait, "err", err)...)
		if d.stopped {
			return
		}
		s.timer = time.AfterFunc(wait, func() { d.fire(key, s) })
		return
	}
	if s.pending != nil {
		d.queueLocked(key, s)
	} else if !s.queued {
		delete(d.slots, key)
	}
}

// fire ends s's wait for a retry.
func (d *dispatcher) fire(key string, s *slot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.slots[key] != s || s.timer == nil {
		return // cancelled meanwhile
	}
	s.timer = nil
	d.queueLocked(key, s)
}

// run starts workers goroutines that run jobs until ctx is done, counted
// in wg (with the attempts they start).
func (d *dispatcher) run(ctx context.Context, workers int, wg *sync.WaitGroup) {
	slowLane := make(chan struct{}, d.slowLimit)
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				key, s, j, ok := d.take()
				if !ok {
					select {
					case <-ctx.Done():
					case <-d.wake:
					}
					continue
				}
				d.attempt(ctx, wg, slowLane, key, s, j)
			}
		})
	}
}

// attempt runs one attempt of j and waits for it, or, once it has run
// slowAfter and the slow lane has room, leaves it running there.
func (d *dispatcher) attempt(ctx context.Context, wg *sync.WaitGroup, slowLane chan struct{}, key string, s *slot, j job) {
	finished := make(chan struct{})
	wg.Go(func() {
		defer close(finished)
		out, err := j.attempt(ctx)
		d.finish(key, s, j, out, err)
	})
	slow := time.NewTimer(d.slowAfter)
	defer slow.Stop()
	select {
	case <-finished:
		return
	case <-slow.C:
	}
	select {
	case <-finished:
	case slowLane <- struct{}{}:
		wg.Go(func() {
			<-finished
			<-slowLane
		})
	}
}

// stop stops the retry timers; no new ones are set. Jobs still waiting
// are lost.
func (d *dispatcher) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stopped = true
	for _, s := range d.slots {
		if s.timer != nil {
			s.timer.Stop()
			s.timer = nil
		}
	}
}
