package poll

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
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

// CommentsFunc stores the comments read from a blog post's comment feed
// (src, a model.SourceComments source) under the post, in one transaction,
// and returns what it did to them and the post's date.
type CommentsFunc func(ctx context.Context, src model.Source, comments []model.Comment) (model.IngestCounts, time.Time, error)

// Poller runs poll cycles: fetch the due sources politely, parse the feeds
// that changed, hand their items to Ingest, and save each source's state.
type Poller struct {
	Sources SourceStore
	Ingest  IngestFunc
	// Comments stores comment feeds' comments; nil leaves comment feeds
	// unpolled.
	Comments CommentsFunc
	Fetcher  *Fetcher
	Pool     *Pool        // nil: NewPool(4, 1)
	Logger   *slog.Logger // nil: discard
	Now      func() time.Time
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
	// Comments says the source is a comment feed: Items counts comments.
	Comments bool
}

func (r Report) String() string {
	switch {
	case r.Err != nil:
		return fmt.Sprintf("%s: error: %v", r.URL, r.Err)
	case r.NotModified:
		return fmt.Sprintf("%s: 304 not modified", r.URL)
	}
	if r.Comments {
		return fmt.Sprintf("%s: %d, comments: %s", r.URL, r.Status, r.Items)
	}
	return fmt.Sprintf("%s: %d, items: %s (rejected %d)", r.URL, r.Status, r.Items, r.Rejected)
}

// Cycle polls once every source that is due (every enabled source with
// all), and returns a report per source polled, in source order. Comment
// feeds that the feeds polled name for the first time, or whose post's
// comment count changed, are due at once and polled in the same cycle,
// after the feeds.
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
	if p.Comments == nil {
		sources = feedsOnly(sources)
	}
	due := Due(sources, now)
	reports, err := p.poll(ctx, due)
	if p.Comments == nil || ctx.Err() != nil {
		return reports, err
	}
	polled := make(map[string]bool, len(due))
	for _, s := range due {
		polled[s.Key] = true
	}
	again, lerr := p.Sources.ListSources(ctx)
	var found []model.Source
	for _, s := range Due(again, now) {
		if s.Kind == model.SourceComments && !polled[s.Key] {
			found = append(found, s)
		}
	}
	more, merr := p.poll(ctx, found)
	return append(reports, more...), errors.Join(err, lerr, merr)
}

// poll fetches sources with the pool and saves their new state.
func (p *Poller) poll(ctx context.Context, due []model.Source) ([]Report, error) {
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

// feedsOnly drops comment feeds.
func feedsOnly(sources []model.Source) []model.Source {
	kept := sources[:0:0]
	for _, s := range sources {
		if s.Kind != model.SourceComments {
			kept = append(kept, s)
		}
	}
	return kept
}

// fetchOne fetches a source and, when it changed, ingests its items (or,
// for a comment feed, its comments). A body that cannot be parsed or
// stored counts as a failure (backoff, and the validators are dropped so
// the next poll fetches the body again).
func (p *Poller) fetchOne(ctx context.Context, src model.Source) (model.Source, Report) {
	rep := Report{URL: src.URL, Comments: src.Kind == model.SourceComments}
	r := p.Fetcher.Fetch(ctx, src)
	rep.Status, rep.NotModified, rep.Err, rep.Bytes = r.Status, r.NotModified, r.Err, len(r.Body)
	if r.Err != nil || r.NotModified {
		return p.Fetcher.Update(src, r, FeedSignals{PostTime: src.PostTime}), rep
	}
	if src.Kind == model.SourceComments {
		return p.ingestComments(ctx, src, r, rep)
	}
	start := time.Now()
	pf, err := feeds.Parse(src.URL, r.Body)
	sig := Signals(r.Body)
	if err == nil && p.Comments != nil {
		attachCommentFeeds(pf.Items, feeds.ParseThreading(r.Body), cmp.Or(r.FinalURL, src.URL))
	}
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

// ingestComments parses a comment feed and stores its comments under
// their post; the feed is polled again as the post ages (or when the
// post's feed states a new count).
func (p *Poller) ingestComments(ctx context.Context, src model.Source, r Result, rep Report) (model.Source, Report) {
	start := time.Now()
	comments, err := feeds.ParseComments(src.URL, r.Body)
	rep.Parse = time.Since(start)
	if err != nil {
		rep.Err = err
		return p.Fetcher.Failed(src, err), rep
	}
	var posted time.Time
	rep.Items, posted, err = p.Comments(ctx, src, comments)
	if err != nil {
		rep.Err = err
		return p.Fetcher.Failed(src, err), rep
	}
	next := p.Fetcher.Update(src, r, FeedSignals{PostTime: cmp.Or(posted, src.PostTime)})
	if p.Logger != nil {
		p.Logger.Info("polled comments", "url", src.URL, "status", r.Status, "comments_new", rep.Items.New,
			"next_poll", next.NextPoll)
	}
	return next, rep
}

// attachCommentFeeds gives each item the comment feed and comment count
// its entry states (matched by GUID, else by link), resolving a relative
// comment feed URL against the feed's.
func attachCommentFeeds(items []model.Item, threading []feeds.EntryThreading, feedURL string) {
	byGUID, byLink := map[string]*feeds.EntryThreading{}, map[string]*feeds.EntryThreading{}
	for i := range threading {
		th := &threading[i]
		if th.CommentFeed == "" {
			continue
		}
		if th.GUID != "" {
			byGUID[th.GUID] = th
		}
		if th.Link != "" {
			byLink[resolveRef(feedURL, th.Link)] = th
		}
	}
	for i := range items {
		it := &items[i]
		th, ok := byGUID[it.GUID] // neither map has an empty key
		if !ok {
			th, ok = byLink[it.URL]
		}
		if !ok {
			continue
		}
		feed := resolveRef(feedURL, th.CommentFeed)
		if !strings.HasPrefix(feed, "http://") && !strings.HasPrefix(feed, "https://") {
			continue
		}
		it.CommentFeed, it.CommentCount = feed, -1
		if th.HasCount {
			it.CommentCount = th.Count
		}
	}
}

// resolveRef resolves ref against base; ref as given if either is bad.
func resolveRef(base, ref string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
