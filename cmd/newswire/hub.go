package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/web"
	"github.com/newswire/newswire/internal/websub"
	"github.com/newswire/newswire/store"
)

// feedContent is the web server as the hub's source of topic content. Its
// server is set once the server exists (the server names the hub; the hub
// reads the server's feeds), before the hub runs.
type feedContent struct{ web *web.Server }

func (c *feedContent) Content(ctx context.Context, topic string) (websub.Content, error) {
	body, contentType, etag, err := c.web.Content(ctx, topic)
	return websub.Content{Body: body, ContentType: contentType, Tag: etag}, err
}

// push is how feeds reach subscribers without polling: the built-in WebSub
// hub (Handler non-nil, served at /hub), or an external hub pinged on
// change. Start runs its background work until ctx is done.
type push struct {
	HubURL  string
	Handler *websub.Hub // nil with an external hub
	// ListedOnly: the hub is told only about the feeds /opml lists.
	ListedOnly bool
	content    feedContent
	notify     func()
	run        []func(context.Context) error
}

// newPush makes the built-in hub at base/hub, or, when external is set, a
// watcher that pings that hub when a listed feed's content changes. A
// failed delivery or ping is retried first after retry (then twice as
// long each time).
func newPush(db *store.DB, base, external string, retry time.Duration, logger *slog.Logger) (*push, error) {
	p := &push{}
	source := &p.content
	log := logger.With("component", "websub")
	if external == "" {
		p.HubURL = base + "/hub"
		hub, err := websub.New(websub.Config{URL: p.HubURL, Store: db, Source: source, Logger: log,
			Retry: websub.Retry{Initial: retry}})
		if err != nil {
			return nil, err
		}
		p.Handler, p.notify = hub, hub.Notify
		p.run = append(p.run, hub.Run)
		return p, nil
	}
	p.HubURL, p.ListedOnly = external, true
	pinger, err := websub.NewPinger(websub.PingerConfig{Hub: external, Logger: log, Retry: websub.Retry{Initial: retry}})
	if err != nil {
		return nil, err
	}
	watcher, err := websub.NewWatcher(websub.WatcherConfig{Topics: p.topics(log), Source: source,
		Hashes: db, Pinger: pinger, Logger: log})
	if err != nil {
		return nil, err
	}
	p.notify = watcher.Notify
	p.run = append(p.run, pinger.Run, watcher.Run)
	return p, nil
}

// topics lists the feeds an external hub is told about.
func (p *push) topics(log *slog.Logger) func() []string {
	return func() []string {
		urls, err := p.content.web.FeedURLs(context.Background())
		if err != nil {
			log.Error("list feeds for the external hub", "err", err)
		}
		return urls
	}
}

// Start sets the server whose feeds are pushed and runs the hub (or
// watcher and pinger) and a loop that tells it about every change to what
// feeds show (the posts and the stories, numbered by generation; checked
// every interval), until ctx is done.
func (p *push) Start(ctx context.Context, wg *sync.WaitGroup, srv *web.Server, generation func(...string) uint64,
	interval time.Duration, logger *slog.Logger) {
	p.content.web = srv
	for _, run := range p.run {
		wg.Go(func() {
			if err := run(ctx); err != nil {
				logger.Error("websub", "err", err)
			}
		})
	}
	feedsChanged := func() uint64 { return generation(model.ScopePosts, model.ScopeStories) }
	last := feedsChanged() // now: a change made once Start returns is told
	wg.Go(func() { notifyChanges(ctx, feedsChanged, last, interval, p.notify) })
}

// notifyChanges calls notify whenever changed() moves from last, checking
// every interval, until ctx is done.
func notifyChanges(ctx context.Context, changed func() uint64, last uint64, interval time.Duration, notify func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if g := changed(); g != last {
			last = g
			notify()
		}
	}
}
