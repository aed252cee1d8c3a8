package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/store"
)

// settler settles the story clustering (coverage.Service.Settle) after
// ingests that brought items out of order, at most once per every (0: each
// time it is asked).
type settler struct {
	stories *coverage.Service
	db      *store.DB
	logger  *slog.Logger
	every   time.Duration

	mu   sync.Mutex
	last time.Time
}

// settle settles now if items are pending and the last settle is at least
// every ago (or force is set). Failures are logged: the stories stay as
// clustered on arrival, and the next settle tries again.
func (s *settler) settle(ctx context.Context, force bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stories.Pending() || !force && time.Since(s.last) < s.every {
		return nil
	}
	start := time.Now()
	r, err := s.stories.Settle(ctx, s.db.ApplyRegroup)
	s.last = time.Now()
	if err != nil {
		s.logger.Error("settle stories", "err", err)
		return err
	}
	s.logger.Info("settled stories", "from", r.From, "items", r.Items, "moved", r.Moved,
		"started", r.Started, "folded", r.Folded, "took", time.Since(start).Round(time.Millisecond))
	return nil
}
