package poll

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// SourceStore keeps the sources and their polling state.
type SourceStore interface {
	ListSources(ctx context.Context) ([]model.Source, error)
	UpdateSource(ctx context.Context, s model.Source) error
}

// IngestFunc stores a feed's items as coverage, in one transaction, and
// says what it did and how many items it rejected.
type IngestFunc func(ctx context.Context, items []model.Item) (model.IngestCounts, int, error)

// Poller runs poll cycles: fetch the due sources politely, parse the feeds
// that changed, hand their items to Ingest, and save each source's state.
type Poller struct {
	Sources SourceStore
	Ingest  IngestFunc
	Fetcher *Fetcher
	Pool    *Pool        // nil: NewPool(4, 1)
	Logger  *slog.Logger // nil: discard
	Now     func() time.Time
}

// endOfTime is after every NextPoll.
var endOfTime = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Report is what one fetch of one source did.
type Report struct {
	URL         string
	Status      int
	NotModified bool
	Items       model.IngestCounts
	Rejected    int
	Bytes       int           // body bytes read (after decompression)
	Parse       time.Duration // time spent parsing the body
	Err         error
}

func (r Report) String() string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("%s: error: %v", r.URL, r.Err)
	case r.NotModified:
		return fmt.Sprintf("%s: 304 not modified", r.URL)
	}
	return fmt.Sprintf("%s: %d, items: %s (rejected %d)", r.URL, r.Status, r.Items, r.Rejected)
}

// Cycle polls once every source that is due (every enabled source with
// all), and returns a report per source polled, in source order.
func (p *Poller) Cycle(ctx context.Context, all bool) ([]Report, error) {
	sources, err := p.Sources.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if p.Now != nil {
		now = p.Now()
	}
	if all {
		now = endOfTime // every enabled source is due
	}
	due := Due(sources, now)
	reports := make([]Report, len(due))
	index := make(map[string]int, len(due))
	for i, s := range due {
		index[s.URL] = i
	}
	var mu sync.Mutex
	pool := p.Pool
	if pool == nil {
		pool = NewPool(4, 1)
	}
	updated := pool.Run(ctx, due, func(ctx context.Context, src model.Source) model.Source {
		next, rep := p.fetchOne(ctx, src)
		mu.Lock()
		reports[index[src.URL]] = rep
		mu.Unlock()
		return next
	})
	var errs []error
	for _, s := range updated {
		if err := p.Sources.UpdateSource(ctx, s); err != nil {
			errs = append(errs, err) // the others are still saved
		}
	}
	return reports, errors.Join(errs...)
}

// fetchOne fetches a source and, when it changed, ingests its items. A
// body that cannot be parsed or stored counts as a failure (backoff, and
// the validators are dropped so the next poll fetches the body again).
func (p *Poller) fetchOne(ctx context.Context, src model.Source) (model.Source, Report) {
	rep := Report{URL: src.URL}
	r := p.Fetcher.Fetch(ctx, src)
	rep.Status, rep.NotModified, rep.Err, rep.Bytes = r.Status, r.NotModified, r.Err, len(r.Body)
	if r.Err != nil || r.NotModified {
		return p.Fetcher.Update(src, r, FeedSignals{}), rep
	}
	start := time.Now()
	pf, err := feeds.Parse(src.URL, r.Body)
	sig := Signals(r.Body)
	rep.Parse = time.Since(start)
	if err != nil {
		rep.Err = err
		return p.Fetcher.Failed(src, err), rep
	}
	for i := range pf.Items {
		it := &pf.Items[i]
		it.SourceKey = src.Key
		if it.Outlet == "" || it.Outlet == pf.Title {
			it.Outlet = cmp.Or(pf.Title, src.Title, it.Outlet)
		}
		it.SourceFeedURL = cmp.Or(it.SourceFeedURL, src.URL)
		if src.Topic != "" {
			it.Categories = append(it.Categories, src.Topic)
		}
		if !it.Published.IsZero() && !it.DateEstimated {
			sig.ItemTimes = append(sig.ItemTimes, it.Published)
		}
	}
	rep.Items, rep.Rejected, err = p.Ingest(ctx, pf.Items)
	rep.Rejected += len(pf.Skipped)
	if err != nil {
		rep.Err = err
		return p.Fetcher.Failed(src, err), rep
	}
	src.Title = cmp.Or(src.Title, pf.Title)
	src.HTMLURL = cmp.Or(src.HTMLURL, pf.SiteURL)
	next := p.Fetcher.Update(src, r, sig)
	if p.Logger != nil {
		p.Logger.Info("polled", "url", src.URL, "status", r.Status, "items_new", rep.Items.New,
			"next_poll", next.NextPoll)
	}
	return next, rep
}
