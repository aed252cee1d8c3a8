package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/newswire/newswire/internal/blogpost"
	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/poll"
	"github.com/newswire/newswire/store"
)

// pollFlags are the polling settings shared by serve and poll.
type pollFlags struct {
	workers       int
	minInterval   time.Duration
	maxInterval   time.Duration
	maxRetryAfter time.Duration
	maxBody       int64
}

func (p *pollFlags) register(fs interface {
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	Int64Var(*int64, string, int64, string)
}) {
	fs.IntVar(&p.workers, "workers", 4, "feeds fetched at once (never two from one host)")
	fs.DurationVar(&p.minInterval, "min-interval", 5*time.Minute, "shortest interval between polls of a feed")
	fs.DurationVar(&p.maxInterval, "max-interval", 24*time.Hour, "longest interval between polls of a feed")
	fs.DurationVar(&p.maxRetryAfter, "max-retry-after", 24*time.Hour, "longest Retry-After honoured (a server asking for more is polled again after this)")
	fs.Int64Var(&p.maxBody, "max-body", 10<<20, "largest feed body accepted, in bytes (after decompression)")
}

// newPoller wires polling: the store's sources, the polite fetcher, and
// items grouped into stories by the shared coverage service.
func newPoller(db *store.DB, stories *coverage.Service, pf pollFlags, logger *slog.Logger) *poll.Poller {
	return &poll.Poller{
		Sources: db,
		Ingest: func(ctx context.Context, items []model.Item) (model.IngestCounts, int, error) {
			return stories.IngestAndApply(ctx, items, db.ApplyCoverage)
		},
		Comments: (&blogpost.Ingester{Store: db}).Comments,
		Fetcher: poll.NewFetcher(poll.Config{MinInterval: pf.minInterval, MaxInterval: pf.maxInterval,
			MaxRetryAfter: pf.maxRetryAfter, MaxBody: pf.maxBody}),
		Pool:   poll.NewPool(pf.workers, 1),
		Logger: logger,
	}
}

// runPoll polls the due feeds (or all, with --all) once and exits.
func runPoll(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	var pf pollFlags
	fs := newFlagSet("poll", &cfg, stderr)
	once := fs.Bool("once", false, "poll each due feed once and exit (required: 'serve' polls continuously)")
	all := fs.Bool("all", false, "poll every feed, due or not (still with conditional GET)")
	pf.register(fs)
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if !*once {
		fmt.Fprintln(stderr, "newswire poll: --once is required; 'newswire serve' polls on a schedule")
		return errUsage
	}
	db, logger, err := openCommand(ctx, &cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	stories := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger()})
	reports, err := newPoller(db, stories, pf, logger).Cycle(ctx, *all)
	if serr := (&settler{stories: stories, db: db, logger: logger}).settle(ctx, true); serr != nil {
		err = errors.Join(err, serr)
	}
	failed := 0
	for _, r := range reports {
		fmt.Fprintln(stdout, r)
		if r.Err != nil {
			failed++
		}
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d feeds failed", failed, len(reports))
	}
	return nil
}
