package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/poll"
	"github.com/newswire/newswire/store"
)

// pollFlags are the polling settings shared by serve and poll.
type pollFlags struct {
	workers     int
	minInterval time.Duration
	maxInterval time.Duration
	maxBody     int64
}

func (p *pollFlags) register(fs interface {
	IntVar(*int, string, int, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	Int64Var(*int64, string, int64, string)
}) {
	fs.IntVar(&p.workers, "workers", 4, "feeds fetched at once (never two from one host)")
	fs.DurationVar(&p.minInterval, "min-interval", 5*time.Minute, "shortest interval between polls of a feed")
	fs.DurationVar(&p.maxInterval, "max-interval", 24*time.Hour, "longest interval between polls of a feed")
	fs.Int64Var(&p.maxBody, "max-body", 10<<20, "largest feed body accepted, in bytes (after decompression)")
}

// poller runs poll cycles: fetch the due sources politely, parse what
// changed, store the items as coverage, and save each source's state.
type poller struct {
	db      *store.DB
	stories *coverage.Service
	fetcher *poll.Fetcher
	workers int
	logger  *slog.Logger
}

func newPoller(db *store.DB, stories *coverage.Service, pf pollFlags, logger *slog.Logger) *poller {
	return &poller{db: db, stories: stories, logger: logger, workers: pf.workers,
		fetcher: poll.NewFetcher(poll.Config{MinInterval: pf.minInterval, MaxInterval: pf.maxInterval,
			MaxBody: pf.maxBody})}
}

// pollReport is what one fetch of one source did.
type pollReport struct {
	URL      string
	Status   int
	Items    model.IngestCounts
	Rejected int
	Err      error
	NotMod   bool
}

func (r pollReport) String() string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("%s: error: %v", r.URL, r.Err)
	case r.NotMod:
		return fmt.Sprintf("%s: 304 not modified", r.URL)
	}
	return fmt.Sprintf("%s: %d, items: %s (rejected %d)", r.URL, r.Status, r.Items, r.Rejected)
}

// cycle polls the sources that are due (every enabled one with all) once.
func (p *poller) cycle(ctx context.Context, all bool) ([]pollReport, error) {
	sources, err := p.db.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	due := sources[:0]
	now := time.Now()
	for _, s := range sources {
		if !s.Disabled && (all || !s.NextPoll.After(now)) {
			due = append(due, s)
		}
	}
	var mu sync.Mutex
	var reports []pollReport
	updated := poll.Run(ctx, due, p.workers, 1, func(ctx context.Context, src model.Source) model.Source {
		next, rep := p.fetchOne(ctx, src)
		mu.Lock()
		reports = append(reports, rep)
		mu.Unlock()
		return next
	})
	var errs []error
	for _, s := range updated {
		if err := p.db.UpdateSource(ctx, s); err != nil {
			errs = append(errs, err) // the others are still saved
		}
	}
	return reports, errors.Join(errs...)
}

// fetchOne fetches a source and, when it changed, ingests its items. A
// body that cannot be parsed or stored counts as a failure (backoff, and
// the validators are dropped so the next poll fetches the body again).
func (p *poller) fetchOne(ctx context.Context, src model.Source) (model.Source, pollReport) {
	rep := pollReport{URL: src.URL}
	r := p.fetcher.Fetch(ctx, src)
	rep.Status, rep.NotMod, rep.Err = r.Status, r.NotModified, r.Err
	if r.Err != nil || r.NotModified {
		return p.fetcher.Update(src, r, poll.FeedSignals{}), rep
	}
	pf, err := feeds.Parse(src.URL, r.Body)
	if err != nil {
		rep.Err = err
		return p.fetcher.Failed(src, err), rep
	}
	sig := poll.Signals(r.Body)
	for i := range pf.Items {
		it := &pf.Items[i]
		it.SourceKey = src.Key
		if it.Outlet == "" || it.Outlet == pf.Title {
			it.Outlet = cmp.Or(pf.Title, src.Title, it.Outlet)
		}
		it.SourceFeedURL = cmp.Or(it.SourceFeedURL, src.URL)
		if !it.Published.IsZero() {
			sig.ItemTimes = append(sig.ItemTimes, it.Published)
		}
	}
	rejected, err := p.stories.IngestItems(ctx, pf.Items, func(b *model.CoverageBatch) error {
		var err error
		rep.Items, err = p.db.ApplyCoverage(ctx, b)
		return err
	})
	rep.Rejected = len(rejected) + len(pf.Skipped)
	if err != nil {
		rep.Err = err
		return p.fetcher.Failed(src, err), rep
	}
	if src.Title == "" {
		src.Title = pf.Title
	}
	if src.HTMLURL == "" {
		src.HTMLURL = pf.SiteURL
	}
	next := p.fetcher.Update(src, r, sig)
	p.logger.Info("polled", "url", src.URL, "status", r.Status, "items_new", rep.Items.New,
		"next_poll", next.NextPoll)
	return next, rep
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
	logger, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	db, err := openStore(ctx, &cfg, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	stories := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger()})
	reports, err := newPoller(db, stories, pf, logger).cycle(ctx, *all)
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
