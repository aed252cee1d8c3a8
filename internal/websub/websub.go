// Package websub implements W3C WebSub (https://www.w3.org/TR/websub/)
// for newswire's feeds, in two modes.
//
// As a hub (Hub), newswire takes subscriptions to its own feeds at its hub
// endpoint, verifies each subscriber's intent asynchronously, keeps the
// verified subscriptions (with leases) in a Store, and, when told the
// content may have changed (Hub.Notify), pushes every topic whose content
// changed to its subscribers, signed when they gave a secret, retrying
// failed deliveries with backoff.
//
// With an external hub, a Watcher finds the topics whose content changed
// and a Pinger tells the hub to fetch them (hub.mode=publish).
//
// Content is published on change only: the first time a topic's content is
// seen, and when a topic gets its first subscriber, its hash is recorded as
// a baseline without delivering or pinging anything; from then on each
// change is delivered once. Hashes are kept in the store, so a restart does
// not announce unchanged content again.
//
// The package does not import the store: it declares the interfaces it
// needs (Store, HashStore, Source), which *store.DB and the wirer provide.
package websub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"math"
	"time"
)

// Content is a topic's current document.
type Content struct {
	Body        []byte
	ContentType string // sent as the delivery's Content-Type
	// Tag, when set, is a strong validator of Body (an HTTP ETag the
	// source computed anyway): Hash uses it instead of hashing the body.
	Tag string
}

// Source gives the current content of the topics this newswire publishes.
// Content must wrap model.ErrNotFound for a URL that is not such a topic.
// The same content must give the same Body: a body that changes on every
// call (a generation time, say) is announced on every pass.
type Source interface {
	Content(ctx context.Context, topic string) (Content, error)
}

// Subscription is a verified subscription: the subscriber at Callback gets
// the content of Topic, signed with Secret (if not empty), until Expires.
//
// It is an alias of an unnamed struct type, identical to
// store.WebSubSubscription, so that the store implements Store without the
// two packages importing each other. Keep the two in step.
type Subscription = struct {
	Topic    string
	Callback string
	Secret   string
	Expires  time.Time
}

// HashStore records the hash of the content last published (or announced)
// for each topic.
type HashStore interface {
	// WebSubTopicHash returns the hash last recorded for topic, or "".
	WebSubTopicHash(ctx context.Context, topic string) (string, error)
	// SetWebSubTopicHash records hash for topic, published at published.
	SetWebSubTopicHash(ctx context.Context, topic, hash string, published time.Time) error
}

// Store keeps a hub's subscriptions and topic hashes. Subscriptions are
// keyed by (topic, callback).
type Store interface {
	HashStore
	// SaveWebSubSubscription stores s, or renews the subscription with the
	// same topic and callback (replacing its secret and expiry).
	SaveWebSubSubscription(ctx context.Context, s Subscription) error
	// DeleteWebSubSubscription removes a subscription; an unknown one
	// wraps model.ErrNotFound.
	DeleteWebSubSubscription(ctx context.Context, topic, callback string) error
	// WebSubSubscription returns the subscription if its lease is still
	// running at now, and otherwise wraps model.ErrNotFound.
	WebSubSubscription(ctx context.Context, topic, callback string, now time.Time) (Subscription, error)
	// WebSubSubscriptions returns the subscriptions to topic whose leases
	// are still running at now.
	WebSubSubscriptions(ctx context.Context, topic string, now time.Time) ([]Subscription, error)
	// WebSubTopics returns the topics with a subscription whose lease is
	// still running at now.
	WebSubTopics(ctx context.Context, now time.Time) ([]string, error)
	// ExpireWebSubSubscriptions deletes the subscriptions whose leases
	// ended at or before now and says how many.
	ExpireWebSubSubscriptions(ctx context.Context, now time.Time) (int, error)
}

// Hash returns the hash recorded for content: its Tag, else the hex
// SHA-256 of its body.
func Hash(c Content) string {
	if c.Tag != "" {
		return "tag:" + c.Tag
	}
	sum := sha256.Sum256(c.Body)
	return hex.EncodeToString(sum[:])
}

// Retry defaults.
const (
	DefaultRetryInitial  = 30 * time.Second
	DefaultRetryFactor   = 2.0
	DefaultRetryMax      = time.Hour
	DefaultRetryAttempts = 8
)

// Retry says how failed requests (deliveries, pings) are retried: after
// Initial, then each wait Factor times the one before, at most Max, for at
// most Attempts attempts in a row (the first included), after which the
// request is given up and logged. Zero fields take the defaults above.
type Retry struct {
	Initial  time.Duration
	Factor   float64
	Max      time.Duration
	Attempts int
}

func (r Retry) withDefaults() Retry {
	if r.Initial <= 0 {
		r.Initial = DefaultRetryInitial
	}
	if r.Factor < 1 {
		r.Factor = DefaultRetryFactor
	}
	if r.Max <= 0 {
		r.Max = max(DefaultRetryMax, r.Initial)
	}
	if r.Attempts <= 0 {
		r.Attempts = DefaultRetryAttempts
	}
	return r
}

// delay is the wait after the fails-th failure in a row (fails ≥ 1).
func (r Retry) delay(fails int) time.Duration {
	d := float64(r.Initial) * math.Pow(r.Factor, float64(fails-1))
	if d >= float64(r.Max) || math.IsInf(d, 0) || math.IsNaN(d) {
		return r.Max
	}
	return time.Duration(d)
}

// discard is the logger used when none is configured.
var discard = slog.New(slog.DiscardHandler)

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return discard
	}
	return l
}
