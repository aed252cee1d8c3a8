package websub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// DefaultPingWorkers is how many pings a Pinger sends at once by default.
const DefaultPingWorkers = 2

// PingerConfig configures a Pinger. Zero fields take the defaults.
type PingerConfig struct {
	// Hub is the external hub's URL. Required.
	Hub string
	// Client sends the pings; nil means a client of its own.
	Client *http.Client
	// Logger receives the pinger's logs; nil discards them.
	Logger *slog.Logger
	// Timeout bounds each ping (default DefaultTimeout).
	Timeout time.Duration
	// Workers is how many pings are sent at once (default
	// DefaultPingWorkers).
	Workers int
	// Retry says how failed pings are retried.
	Retry Retry
}

// Pinger tells an external hub that topics changed: for each topic, a POST
// of hub.mode=publish&hub.url=<topic>, form-encoded, as Google's
// PubSubHubbub hub, websub.rocks and others accept. Pings are sent by Run,
// off the caller's path, and retried with backoff on a network error, a
// 5xx, 408 or 429; any other 4xx is logged and not retried. A topic pinged
// again while its ping still waits is pinged once.
type Pinger struct {
	cfg  PingerConfig
	disp *dispatcher
	ran  atomic.Bool
}

// NewPinger returns a pinger configured by cfg, with defaults filled in.
func NewPinger(cfg PingerConfig) (*Pinger, error) {
	if u, err := url.Parse(cfg.Hub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("websub hub URL %q is not an absolute http or https URL: %w", cfg.Hub, model.ErrInvalid)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	cfg.Logger = orDiscard(cfg.Logger)
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultPingWorkers
	}
	cfg.Retry = cfg.Retry.withDefaults()
	return &Pinger{cfg: cfg, disp: newDispatcher("websub: ping", cfg.Retry, cfg.Logger, 0, 0)}, nil
}

// Ping queues a publish ping for each topic and returns at once.
func (p *Pinger) Ping(topics ...string) {
	for _, t := range topics {
		p.disp.submit(t, &ping{p: p, topic: t})
	}
}

// Run sends the queued pings until ctx is done, then returns nil; pings
// still waiting then are lost. Run may be called once.
func (p *Pinger) Run(ctx context.Context) error {
	if !p.ran.CompareAndSwap(false, true) {
		return errors.New("websub pinger: Run called twice")
	}
	var wg sync.WaitGroup
	p.disp.run(ctx, p.cfg.Workers, &wg)
	<-ctx.Done()
	p.disp.stop()
	wg.Wait()
	return nil
}

// ping is one topic to announce.
type ping struct {
	p     *Pinger
	topic string
}

func (g *ping) attrs() []any { return []any{"hub", g.p.cfg.Hub, "topic", g.topic} }

func (g *ping) attempt(ctx context.Context) (outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, g.p.cfg.Timeout)
	defer cancel()
	body := url.Values{"hub.mode": {"publish"}, "hub.url": {g.topic}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.p.cfg.Hub, strings.NewReader(body))
	if err != nil {
		return drop, fmt.Errorf("build ping: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := g.p.cfg.Client.Do(req)
	if err != nil {
		return retry, fmt.Errorf("ping: %w", err)
	}
	drain(resp.Body)
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		g.p.cfg.Logger.Info("websub: hub pinged", append(g.attrs(), "status", c)...)
		return done, nil
	case c >= 400 && c < 500 && c != http.StatusRequestTimeout && c != http.StatusTooManyRequests:
		return drop, fmt.Errorf("hub refused the ping: %s", resp.Status)
	default:
		return retry, fmt.Errorf("hub answered %s", resp.Status)
	}
}
