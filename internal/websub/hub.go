package websub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Hub defaults.
const (
	DefaultLeaseMin      = time.Hour
	DefaultLease         = 10 * 24 * time.Hour
	DefaultLeaseMax      = 30 * 24 * time.Hour
	DefaultTimeout       = 10 * time.Second
	DefaultWorkers       = 8
	DefaultSweepInterval = time.Hour
)

// MaxSecretLen is the bound the spec sets on hub.secret: a secret must be
// shorter than this many bytes.
const MaxSecretLen = 200

const (
	// maxRequestBody bounds a subscription request's body.
	maxRequestBody = 64 << 10
	// maxPendingVerifications bounds the verifications waiting to run;
	// past it, requests get 503.
	maxPendingVerifications = 1024
	// maxResponseRead bounds what is read of a subscriber's response.
	maxResponseRead = 64 << 10
)

// Config configures a Hub. Zero fields take the defaults above.
type Config struct {
	// URL is the hub endpoint's public URL, sent as the rel="hub" link of
	// every delivery. Required.
	URL string
	// Store keeps subscriptions and topic hashes. Required.
	Store Store
	// Source says which URLs are topics and gives their content. Required.
	Source Source
	// Client makes the verification and delivery requests; nil means a
	// client of its own (Timeout bounds each request either way).
	Client *http.Client
	// Now is the clock for leases; nil means time.Now.
	Now func() time.Time
	// Logger receives the hub's logs; nil discards them.
	Logger *slog.Logger
	// LeaseMin, LeaseDefault and LeaseMax bound the leases granted: a
	// subscriber asking no lease gets LeaseDefault, one asking a lease
	// gets it clamped to [LeaseMin, LeaseMax].
	LeaseMin, LeaseDefault, LeaseMax time.Duration
	// Timeout bounds each outbound request.
	Timeout time.Duration
	// Workers is how many outbound requests run at once, not counting
	// those that have taken over SlowAfter (DefaultSlowAfter), of which
	// up to SlowWorkers (DefaultSlowWorkers) more run on their own.
	Workers     int
	SlowAfter   time.Duration
	SlowWorkers int
	// Retry says how failed deliveries are retried.
	Retry Retry
	// SweepInterval is how often expired subscriptions are deleted, after
	// a first sweep when Run starts (until then they are kept but never
	// delivered to).
	SweepInterval time.Duration
}

// Hub is a WebSub hub for the topics its Source publishes. It is the
// http.Handler of the hub endpoint (POST, form-encoded); Run does the rest
// of the work (verification, distribution, lease expiry) and must be
// running for anything to happen after a request is accepted.
//
// Delivery: a pass (at start and after Notify) publishes each subscribed
// topic whose content hash differs from the recorded one, recording the
// new hash first; the content then goes to each live subscriber, by
// Workers workers shared with verification. Each (topic, callback) has at
// most one request in flight, and content that arrives meanwhile replaces
// content still waiting, so a subscriber gets the newest. Failures (not
// 2xx, not 410) wait on a timer for their retry; 410 Gone deletes the
// subscription. Deliveries waiting when Run stops are lost: the hash was
// recorded, so a restart does not send them again.
type Hub struct {
	cfg       Config
	disp      *dispatcher
	notify    chan struct{}
	ran       atomic.Bool
	verifying atomic.Int64 // verifications submitted and not finished

	// Test hooks, set before Run.
	onPass   func()
	onVerify func(mode, topic, callback string, ok bool)
}

// New returns a hub configured by cfg, with defaults filled in.
func New(cfg Config) (*Hub, error) {
	if cfg.Store == nil || cfg.Source == nil {
		return nil, fmt.Errorf("websub hub needs a store and a source: %w", model.ErrInvalid)
	}
	if u, err := url.Parse(cfg.URL); err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("websub hub URL %q is not an absolute URL: %w", cfg.URL, model.ErrInvalid)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Logger = orDiscard(cfg.Logger)
	if cfg.LeaseMin <= 0 {
		cfg.LeaseMin = DefaultLeaseMin
	}
	if cfg.LeaseDefault <= 0 {
		cfg.LeaseDefault = DefaultLease
	}
	if cfg.LeaseMax <= 0 {
		cfg.LeaseMax = DefaultLeaseMax
	}
	if cfg.LeaseMin > cfg.LeaseDefault || cfg.LeaseDefault > cfg.LeaseMax {
		return nil, fmt.Errorf("websub leases: want min %v ≤ default %v ≤ max %v: %w",
			cfg.LeaseMin, cfg.LeaseDefault, cfg.LeaseMax, model.ErrInvalid)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	cfg.Retry = cfg.Retry.withDefaults()
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	h := &Hub{cfg: cfg, disp: newDispatcher("websub: delivery", cfg.Retry, cfg.Logger, cfg.SlowAfter, cfg.SlowWorkers),
		notify: make(chan struct{}, 1)}
	h.notify <- struct{}{} // Run starts with a pass
	return h, nil
}

// Notify tells the hub that its topics' content may have changed. It never
// blocks; calls made while a pass is pending cause one pass.
func (h *Hub) Notify() {
	select {
	case h.notify <- struct{}{}:
	default:
	}
}

// Run does the hub's work until ctx is done: it verifies accepted
// requests, runs a distribution pass at start and after each Notify,
// delivers with h's workers, and deletes expired subscriptions every
// SweepInterval. It returns nil once ctx is done and its workers have
// stopped; deliveries still waiting then are lost. Run may be called once.
func (h *Hub) Run(ctx context.Context) error {
	if !h.ran.CompareAndSwap(false, true) {
		return errors.New("websub hub: Run called twice")
	}
	var wg sync.WaitGroup
	h.disp.run(ctx, h.cfg.Workers, &wg)
	h.sweep(ctx)
	sweep := time.NewTicker(h.cfg.SweepInterval)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			h.disp.stop()
			wg.Wait()
			return nil
		case <-h.notify:
			h.pass(ctx)
			if h.onPass != nil {
				h.onPass()
			}
		case <-sweep.C:
			h.sweep(ctx)
		}
	}
}

// sweep deletes the subscriptions whose leases have ended.
func (h *Hub) sweep(ctx context.Context) {
	n, err := h.cfg.Store.ExpireWebSubSubscriptions(ctx, h.cfg.Now())
	if err != nil {
		h.cfg.Logger.Error("websub: expire subscriptions", "err", err)
	} else if n > 0 {
		h.cfg.Logger.Info("websub: subscriptions expired", "count", n)
	}
}

// pass publishes the content of every topic with a live subscription
// whose content changed since it was last published.
func (h *Hub) pass(ctx context.Context) {
	now := h.cfg.Now()
	topics, err := h.cfg.Store.WebSubTopics(ctx, now)
	if err != nil {
		h.cfg.Logger.Error("websub: list topics", "err", err)
		return
	}
	for _, topic := range topics {
		if ctx.Err() != nil {
			return
		}
		h.publish(ctx, topic, now)
	}
}

// publish hands topic's content to delivery if it changed since it was
// last published; content seen for the first time is only recorded.
func (h *Hub) publish(ctx context.Context, topic string, now time.Time) {
	log := h.cfg.Logger.With("topic", topic)
	c, err := h.cfg.Source.Content(ctx, topic)
	if errors.Is(err, model.ErrNotFound) {
		log.Warn("websub: subscribed topic is no longer published")
		return
	}
	if err != nil {
		log.Error("websub: read topic content", "err", err)
		return
	}
	sum := Hash(c)
	old, err := h.cfg.Store.WebSubTopicHash(ctx, topic)
	if err != nil {
		log.Error("websub: read topic hash", "err", err)
		return
	}
	if old == sum {
		return
	}
	if err := h.cfg.Store.SetWebSubTopicHash(ctx, topic, sum, now); err != nil {
		log.Error("websub: record topic hash", "err", err)
		return
	}
	if old == "" {
		log.Info("websub: recorded topic content", "hash", sum)
		return
	}
	subs, err := h.cfg.Store.WebSubSubscriptions(ctx, topic, now)
	if err != nil {
		log.Error("websub: list subscriptions", "err", err)
		return
	}
	for _, s := range subs {
		h.disp.submit(deliveryKey(topic, s.Callback), &delivery{h: h, topic: topic, callback: s.Callback, content: c})
	}
	log.Info("websub: publishing", "hash", sum, "subscribers", len(subs))
}

func deliveryKey(topic, callback string) string { return "d\x00" + topic + "\x00" + callback }

// delivery is content to push to one subscriber.
type delivery struct {
	h               *Hub
	topic, callback string
	content         Content
}

func (d *delivery) attrs() []any { return []any{"topic", d.topic, "callback", d.callback} }

// attempt POSTs the content to the subscriber if its subscription is
// still live (read afresh, for its current secret).
func (d *delivery) attempt(ctx context.Context) (outcome, error) {
	h := d.h
	sub, err := h.cfg.Store.WebSubSubscription(ctx, d.topic, d.callback, h.cfg.Now())
	if errors.Is(err, model.ErrNotFound) {
		h.cfg.Logger.Debug("websub: subscription gone, not delivering", d.attrs()...)
		return done, nil
	}
	if err != nil {
		return retry, fmt.Errorf("read subscription: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.callback, bytes.NewReader(d.content.Body))
	if err != nil {
		return drop, fmt.Errorf("build delivery: %w", err)
	}
	ct := d.content.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Link", fmt.Sprintf(`<%s>; rel="hub", <%s>; rel="self"`, h.cfg.URL, d.topic))
	if sub.Secret != "" {
		req.Header.Set("X-Hub-Signature", Signature(sub.Secret, d.content.Body))
	}
	resp, err := h.cfg.Client.Do(req)
	if err != nil {
		return retry, fmt.Errorf("deliver: %w", err)
	}
	drain(resp.Body)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		h.cfg.Logger.Info("websub: delivered", append(d.attrs(), "status", resp.StatusCode)...)
		return done, nil
	case resp.StatusCode == http.StatusGone:
		if err := h.cfg.Store.DeleteWebSubSubscription(ctx, d.topic, d.callback); err != nil && !errors.Is(err, model.ErrNotFound) {
			h.cfg.Logger.Error("websub: delete gone subscription", append(d.attrs(), "err", err)...)
		}
		return drop, errors.New("subscriber answered 410 Gone: subscription removed")
	default:
		return retry, fmt.Errorf("subscriber answered %s", resp.Status)
	}
}

// Signature returns the X-Hub-Signature value for body under secret:
// "sha256=" and the hex HMAC-SHA256.
func Signature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// drain reads a little of body, so the connection may be reused, and
// closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxResponseRead))
	body.Close()
}

// ServeHTTP takes a subscription request: a POST with a form-encoded body
// of hub.mode (subscribe or unsubscribe), hub.topic, hub.callback and, to
// subscribe, optional hub.lease_seconds and hub.secret. A valid request
// gets 202 Accepted and is verified with the subscriber later (by Run); a
// bad one gets 400 and a plain-text reason, one that cannot be looked at
// now (the topic cannot be read, or too many wait for verification) 503,
// and another method than POST 405.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "hub: method not allowed: subscription requests are POSTs", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequestBody)
	req, status, msg := h.parse(r)
	if status != 0 {
		h.cfg.Logger.Info("websub: request refused", "status", status, "reason", msg, "remote", r.RemoteAddr)
		http.Error(w, "hub: "+msg, status)
		return
	}
	if h.verifying.Add(1) > maxPendingVerifications {
		h.verifying.Add(-1)
		w.Header().Set("Retry-After", "60")
		http.Error(w, "hub: too many requests waiting for verification; try again later", http.StatusServiceUnavailable)
		return
	}
	// One key per subscription: requests for it are verified one at a
	// time, in order, and a newer one replaces one still waiting.
	h.disp.submit("v\x00"+req.topic+"\x00"+req.callback, req)
	h.cfg.Logger.Info("websub: request accepted", req.attrs()...)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, "hub: accepted; the hub will verify the request with the callback\n")
}

// parse validates a subscription request. A bad one comes back as a
// status and a reason.
func (h *Hub) parse(r *http.Request) (*verification, int, string) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return nil, http.StatusBadRequest, "the request body must be application/x-www-form-urlencoded"
	}
	if err := r.ParseForm(); err != nil {
		return nil, http.StatusBadRequest, "cannot read the form: " + err.Error()
	}
	f := r.PostForm
	v := &verification{h: h, mode: f.Get("hub.mode"), topic: f.Get("hub.topic"),
		callback: f.Get("hub.callback"), secret: f.Get("hub.secret"), lease: h.cfg.LeaseDefault}
	switch v.mode {
	case "subscribe", "unsubscribe":
	case "":
		return nil, http.StatusBadRequest, "hub.mode is missing"
	default:
		return nil, http.StatusBadRequest, fmt.Sprintf("hub.mode %q is not supported: use subscribe or unsubscribe", v.mode)
	}
	if v.topic == "" {
		return nil, http.StatusBadRequest, "hub.topic is missing"
	}
	if v.callback == "" {
		return nil, http.StatusBadRequest, "hub.callback is missing"
	}
	cb, err := url.Parse(v.callback)
	if err != nil || (cb.Scheme != "http" && cb.Scheme != "https") || cb.Host == "" {
		return nil, http.StatusBadRequest, fmt.Sprintf("hub.callback %q is not an absolute http or https URL", v.callback)
	}
	if cb.Fragment != "" {
		return nil, http.StatusBadRequest, "hub.callback must not have a fragment"
	}
	if s := f.Get("hub.lease_seconds"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, http.StatusBadRequest, fmt.Sprintf("hub.lease_seconds %q is not a whole number of seconds", s)
		}
		if n > 0 {
			v.lease = clampLease(n, h.cfg.LeaseMin, h.cfg.LeaseMax)
		}
	}
	if len(v.secret) >= MaxSecretLen {
		return nil, http.StatusBadRequest, fmt.Sprintf("hub.secret must be shorter than %d bytes", MaxSecretLen)
	}
	_, err = h.cfg.Source.Content(r.Context(), v.topic)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// A subscriber may still leave a topic that is no longer published.
		if v.mode == "unsubscribe" {
			if _, serr := h.cfg.Store.WebSubSubscription(r.Context(), v.topic, v.callback, h.cfg.Now()); serr == nil {
				break
			}
		}
		return nil, http.StatusBadRequest, fmt.Sprintf("hub.topic %q is not a topic this hub publishes", v.topic)
	case err != nil:
		h.cfg.Logger.Error("websub: look up topic", "topic", v.topic, "err", err)
		return nil, http.StatusServiceUnavailable, "cannot look up the topic now; try again later"
	}
	return v, 0, ""
}

// clampLease turns a requested lease in seconds into one in [lo, hi].
func clampLease(seconds int64, lo, hi time.Duration) time.Duration {
	if seconds > int64(hi/time.Second) {
		return hi
	}
	return max(time.Duration(seconds)*time.Second, lo)
}

// verification is an accepted request whose intent is to be verified.
type verification struct {
	h                             *Hub
	mode, topic, callback, secret string
	lease                         time.Duration
}

func (v *verification) attrs() []any {
	a := []any{"mode", v.mode, "topic", v.topic, "callback", v.callback}
	if v.mode == "subscribe" {
		a = append(a, "lease", v.lease)
	}
	return a
}

// superseded is called when a newer request for the same subscription
// replaces this one before it ran.
func (v *verification) superseded() { v.h.verifying.Add(-1) }

// attempt verifies the subscriber's intent and, if confirmed, applies the
// request. It is never retried: a subscriber that fails verification asks
// again.
func (v *verification) attempt(ctx context.Context) (outcome, error) {
	h := v.h
	defer h.verifying.Add(-1)
	ok := v.run(ctx)
	if h.onVerify != nil {
		h.onVerify(v.mode, v.topic, v.callback, ok)
	}
	return done, nil
}

func (v *verification) run(ctx context.Context) bool {
	h := v.h
	log := h.cfg.Logger.With(v.attrs()...)
	var content Content
	if v.mode == "subscribe" {
		// The topic may have gone since the request: then deny it.
		var err error
		content, err = h.cfg.Source.Content(ctx, v.topic)
		if errors.Is(err, model.ErrNotFound) {
			v.deny(ctx, "the topic is not published by this hub")
			return false
		}
		if err != nil {
			log.Error("websub: look up topic, request dropped", "err", err)
			return false
		}
	}
	challenge := rand.Text()
	q := url.Values{"hub.mode": {v.mode}, "hub.topic": {v.topic}, "hub.challenge": {challenge}}
	if v.mode == "subscribe" {
		q.Set("hub.lease_seconds", strconv.FormatInt(int64(v.lease/time.Second), 10))
	}
	resp, body, err := v.get(ctx, q)
	switch {
	case err != nil:
		log.Info("websub: verification failed", "err", err)
		return false
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		log.Info("websub: verification refused", "status", resp.StatusCode)
		return false
	case string(body) != challenge:
		log.Info("websub: verification failed: the challenge was not echoed")
		return false
	}
	now := h.cfg.Now()
	if v.mode == "unsubscribe" {
		// Delete first: a pass after the cancel finds no subscription.
		if err := h.cfg.Store.DeleteWebSubSubscription(ctx, v.topic, v.callback); err != nil && !errors.Is(err, model.ErrNotFound) {
			log.Error("websub: delete subscription", "err", err)
			return false
		}
		h.disp.cancel(deliveryKey(v.topic, v.callback))
		log.Info("websub: unsubscribed")
		return true
	}
	// The first subscriber of a topic sets its baseline (the content as
	// of the request's check): it gets the content that changes from then
	// on, not what was there before. Later subscribers, and renewals, leave
	// the baseline to the passes, so no pending change is skipped.
	subs, err := h.cfg.Store.WebSubSubscriptions(ctx, v.topic, now)
	if err != nil {
		log.Error("websub: list subscriptions", "err", err)
		return false
	}
	if len(subs) == 0 {
		if err := h.cfg.Store.SetWebSubTopicHash(ctx, v.topic, Hash(content), now); err != nil {
			log.Error("websub: record topic hash", "err", err)
			return false
		}
	}
	sub := Subscription{Topic: v.topic, Callback: v.callback, Secret: v.secret, Expires: now.Add(v.lease)}
	if err := h.cfg.Store.SaveWebSubSubscription(ctx, sub); err != nil {
		log.Error("websub: save subscription", "err", err)
		return false
	}
	log.Info("websub: subscribed", "expires", sub.Expires)
	return true
}

// deny tells the subscriber its subscription was refused.
func (v *verification) deny(ctx context.Context, reason string) {
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {v.topic}, "hub.reason": {reason}}
	resp, _, err := v.get(ctx, q)
	log := v.h.cfg.Logger.With(v.attrs()...)
	if err != nil {
		log.Info("websub: denial not delivered", "reason", reason, "err", err)
		return
	}
	log.Info("websub: subscription denied", "reason", reason, "status", resp.StatusCode)
}

// get sends a GET to the callback with q added to its query, and returns
// the response with (the start of) its body.
func (v *verification) get(ctx context.Context, q url.Values) (*http.Response, []byte, error) {
	u, err := url.Parse(v.callback)
	if err != nil {
		return nil, nil, fmt.Errorf("callback: %w", err)
	}
	if u.RawQuery != "" {
		u.RawQuery += "&" + q.Encode()
	} else {
		u.RawQuery = q.Encode()
	}
	ctx, cancel := context.WithTimeout(ctx, v.h.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	resp, err := v.h.cfg.Client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("get callback: %w", err)
	}
	defer drain(resp.Body)
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return nil, nil, fmt.Errorf("read callback response: %w", err)
	}
	return resp, body, nil
}
