package websub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// WatcherConfig configures a Watcher.
type WatcherConfig struct {
	// Topics lists the topics to watch (the feeds that name the external
	// hub). Required.
	Topics func() []string
	// Source gives the topics' content. Required.
	Source Source
	// Hashes records the content last announced per topic. Required.
	Hashes HashStore
	// Pinger announces the changed topics. Required.
	Pinger *Pinger
	// Now stamps the recorded hashes; nil means time.Now.
	Now func() time.Time
	// Logger receives the watcher's logs; nil discards them.
	Logger *slog.Logger
}

// Watcher finds, for the external-hub mode, the topics whose content
// changed and has the Pinger announce them. Like the Hub it records a
// topic's hash the first time it sees the topic without announcing it,
// and keeps the hashes in the store so a restart announces nothing that
// did not change.
type Watcher struct {
	cfg    WatcherConfig
	notify chan struct{}
	ran    atomic.Bool

	onCheck func() // test hook, set before Run
}

// NewWatcher returns a watcher configured by cfg.
func NewWatcher(cfg WatcherConfig) (*Watcher, error) {
	if cfg.Topics == nil || cfg.Source == nil || cfg.Hashes == nil || cfg.Pinger == nil {
		return nil, fmt.Errorf("websub watcher needs topics, a source, a hash store and a pinger: %w", model.ErrInvalid)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Logger = orDiscard(cfg.Logger)
	w := &Watcher{cfg: cfg, notify: make(chan struct{}, 1)}
	w.notify <- struct{}{} // Run starts with a check
	return w, nil
}

// Notify tells the watcher the topics' content may have changed. It never
// blocks; calls made while a check is pending cause one check.
func (w *Watcher) Notify() {
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// Run checks the topics at start and after each Notify until ctx is done,
// then returns nil. The Pinger's own Run must be running to send the
// pings. Run may be called once.
func (w *Watcher) Run(ctx context.Context) error {
	if !w.ran.CompareAndSwap(false, true) {
		return errors.New("websub watcher: Run called twice")
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.notify:
			if _, err := w.Check(ctx); err != nil && ctx.Err() == nil {
				w.cfg.Logger.Error("websub: check topics", "err", err)
			}
			if w.onCheck != nil {
				w.onCheck()
			}
		}
	}
}

// Check hashes every topic's content, records the hashes that changed, and
// pings the topics whose recorded hash changed; it returns those topics.
// A topic it cannot read is logged and skipped (its error joined in the
// result).
func (w *Watcher) Check(ctx context.Context) ([]string, error) {
	var changed []string
	var errs []error
	now := w.cfg.Now()
	for _, topic := range w.cfg.Topics() {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		c, err := w.cfg.Source.Content(ctx, topic)
		if err != nil {
			errs = append(errs, fmt.Errorf("topic %s: %w", topic, err))
			continue
		}
		sum := Hash(c)
		old, err := w.cfg.Hashes.WebSubTopicHash(ctx, topic)
		if err != nil {
			errs = append(errs, fmt.Errorf("topic %s: %w", topic, err))
			continue
		}
		if old == sum {
			continue
		}
		if err := w.cfg.Hashes.SetWebSubTopicHash(ctx, topic, sum, now); err != nil {
			errs = append(errs, fmt.Errorf("topic %s: %w", topic, err))
			continue
		}
		if old != "" {
			changed = append(changed, topic)
		}
	}
	if len(changed) > 0 {
		w.cfg.Logger.Info("websub: topics changed, pinging hub", "topics", changed)
		w.cfg.Pinger.Ping(changed...)
	}
	return changed, errors.Join(errs...)
}
