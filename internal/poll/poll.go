// Package poll fetches feeds politely and robustly for the aggregator.
//
// A Fetcher does one conditional GET per source (ETag and Last-Modified sent
// back byte-exact, gzip decoded by hand so the body cap applies after
// decoding, redirects followed by hand so permanent moves are noticed), and
// Update turns the Result into the source's next state: validators,
// error count, interval and the time of its next poll. Intervals come from
// what the feed says about itself (RSS ttl, the syndication module, HTTP
// caching headers, how often it publishes); failures back off
// exponentially; 429 and 503 honour Retry-After; only 410 Gone disables a
// source.
//
// Run polls many sources with a bounded worker pool that never hits one
// host twice at once. Parsing is left to the caller: it hands the body to
// its feed parser and passes what it learned back to Update as FeedSignals
// (Signals extracts the ones that come from the XML itself).
package poll

import (
	"cmp"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Version names this build in the default User-Agent; the linker may set it.
var Version = "dev"

// Source is what the poller knows of one feed; the store persists it. It is
// model.Source, so the poller and the store speak the same type.
type Source = model.Source

// Defaults applied by NewFetcher to zero Config fields.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultDialTimeout   = 10 * time.Second
	DefaultHeaderTimeout = 15 * time.Second
	DefaultMaxBody       = 10 << 20
	DefaultMaxRedirects  = 10
	DefaultMinInterval   = 5 * time.Minute
	DefaultMaxInterval   = 24 * time.Hour
	DefaultMaxRetryAfter = 24 * time.Hour
	// DefaultInterval is a source's interval when nothing it says sets one.
	DefaultInterval = time.Hour
)

// Config tunes a Fetcher. Zero fields take the defaults above.
type Config struct {
	UserAgent     string        // default "newswire/<Version> (+https://github.com/newswire/newswire)"
	Timeout       time.Duration // the whole request, redirects and body included
	DialTimeout   time.Duration // TCP connect and TLS handshake
	HeaderTimeout time.Duration // from request sent to response headers
	MaxBody       int64         // bytes after gzip decoding; larger bodies fail
	MaxRedirects  int           // 0: default; negative: follow none
	MinInterval   time.Duration // lower clamp of a source's interval
	MaxInterval   time.Duration // upper clamp of intervals and backoff
	MaxRetryAfter time.Duration // the longest Retry-After honoured
	Now           func() time.Time
	Rand          func() float64 // jitter source in [0,1)
	// Client, when set, is used instead of one built from the timeouts. Its
	// redirect policy is replaced: the Fetcher follows redirects itself.
	Client *http.Client
}

// Fetcher fetches feeds and schedules their next polls. It is safe for
// concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
}

// NewFetcher returns a Fetcher for cfg with defaults filled in.
func NewFetcher(cfg Config) *Fetcher {
	cfg = withDefaults(cfg)
	return &Fetcher{cfg: cfg, client: newClient(cfg)}
}

func withDefaults(c Config) Config {
	c.UserAgent = cmp.Or(c.UserAgent, "newswire/"+Version+" (+https://github.com/newswire/newswire)")
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.DialTimeout = cmp.Or(c.DialTimeout, DefaultDialTimeout)
	c.HeaderTimeout = cmp.Or(c.HeaderTimeout, DefaultHeaderTimeout)
	c.MaxBody = cmp.Or(c.MaxBody, DefaultMaxBody)
	c.MaxRedirects = cmp.Or(c.MaxRedirects, DefaultMaxRedirects)
	c.MinInterval = cmp.Or(c.MinInterval, DefaultMinInterval)
	c.MaxInterval = max(cmp.Or(c.MaxInterval, DefaultMaxInterval), c.MinInterval)
	c.MaxRetryAfter = cmp.Or(c.MaxRetryAfter, DefaultMaxRetryAfter)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Float64
	}
	return c
}

// newClient returns cfg.Client with redirects turned off, or a client built
// from the timeouts. Accept-Encoding is set by hand, so the transport never
// decodes gzip itself and the body cap applies to the decoded bytes.
func newClient(cfg Config) *http.Client {
	var c http.Client
	if cfg.Client != nil {
		c = *cfg.Client
	} else {
		dialer := &net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}
		c.Transport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   cfg.DialTimeout,
			ResponseHeaderTimeout: cfg.HeaderTimeout,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   2,
			DisableCompression:    true,
			ForceAttemptHTTP2:     true,
		}
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}
