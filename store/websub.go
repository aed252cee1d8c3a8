package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// WebSubSubscription is a verified WebSub subscription: the subscriber at
// Callback gets the content of Topic, signed with Secret (if any), until
// Expires.
//
// It is an alias of an unnamed struct type, identical to the one
// internal/websub declares as its Subscription, so that *DB implements the
// hub's store interface without either package importing the other. Keep
// the two in step: a difference fails to compile where they are wired.
type WebSubSubscription = struct {
	Topic    string
	Callback string
	Secret   string
	Expires  time.Time
}

// These writes pass no scopes: WebSub state is not part of any rendered
// page or feed, so it must not invalidate their caches.

// SaveWebSubSubscription stores a verified subscription, or renews the one
// with the same topic and callback (its secret and expiry are replaced).
func (db *DB) SaveWebSubSubscription(ctx context.Context, s WebSubSubscription) error {
	if strings.TrimSpace(s.Topic) == "" || strings.TrimSpace(s.Callback) == "" {
		return fmt.Errorf("websub subscription needs a topic and a callback: %w", model.ErrInvalid)
	}
	if s.Expires.IsZero() {
		return fmt.Errorf("websub subscription %s for %s has no expiry: %w", s.Callback, s.Topic, model.ErrInvalid)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.now())
		_, err := tx.ExecContext(ctx, `INSERT INTO websub_subscriptions
			(topic, callback, secret, expires, created, updated) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret,
				expires = excluded.expires, updated = excluded.updated`,
			s.Topic, s.Callback, s.Secret, formatTime(s.Expires), now, now)
		if err != nil {
			return fmt.Errorf("save websub subscription %s for %s: %w", s.Callback, s.Topic, err)
		}
		return nil
	})
}

// DeleteWebSubSubscription removes the subscription of callback to topic.
// An unknown one wraps model.ErrNotFound.
func (db *DB) DeleteWebSubSubscription(ctx context.Context, topic, callback string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE topic = ? AND callback = ?`,
			topic, callback)
		if err != nil {
			return fmt.Errorf("delete websub subscription %s for %s: %w", callback, topic, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("websub subscription", callback+" for "+topic)
		}
		return nil
	})
}

// WebSubSubscription returns the subscription of callback to topic if its
// lease is still running at now; otherwise it wraps model.ErrNotFound.
func (db *DB) WebSubSubscription(ctx context.Context, topic, callback string, now time.Time) (WebSubSubscription, error) {
	var s WebSubSubscription
	var expires string
	err := db.read.QueryRowContext(ctx, `SELECT topic, callback, secret, expires FROM websub_subscriptions
		WHERE topic = ? AND callback = ? AND expires > ?`, topic, callback, formatTime(now)).
		Scan(&s.Topic, &s.Callback, &s.Secret, &expires)
	if isNoRows(err) {
		return s, notFound("websub subscription", callback+" for "+topic)
	}
	if err != nil {
		return s, fmt.Errorf("read websub subscription %s for %s: %w", callback, topic, err)
	}
	if s.Expires, err = parseTime(expires); err != nil {
		return s, fmt.Errorf("read websub subscription %s for %s: %w", callback, topic, err)
	}
	return s, nil
}

// WebSubSubscriptions returns the subscriptions to topic whose leases are
// still running at now, by callback. Expired ones are left out (and left
// for ExpireWebSubSubscriptions to delete).
func (db *DB) WebSubSubscriptions(ctx context.Context, topic string, now time.Time) ([]WebSubSubscription, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT topic, callback, secret, expires FROM websub_subscriptions
		WHERE topic = ? AND expires > ? ORDER BY callback`, topic, formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("list websub subscriptions for %s: %w", topic, err)
	}
	defer rows.Close()
	var out []WebSubSubscription
	for rows.Next() {
		var s WebSubSubscription
		var expires string
		if err := rows.Scan(&s.Topic, &s.Callback, &s.Secret, &expires); err != nil {
			return nil, fmt.Errorf("list websub subscriptions for %s: %w", topic, err)
		}
		if s.Expires, err = parseTime(expires); err != nil {
			return nil, fmt.Errorf("list websub subscriptions for %s: %w", topic, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list websub subscriptions for %s: %w", topic, err)
	}
	return out, nil
}

// WebSubTopics returns, sorted, the topics with at least one subscription
// whose lease is still running at now.
func (db *DB) WebSubTopics(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT topic FROM websub_subscriptions
		WHERE expires > ? ORDER BY topic`, formatTime(now))
	if err != nil {
		return nil, fmt.Errorf("list websub topics: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("list websub topics: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list websub topics: %w", err)
	}
	return out, nil
}

// ExpireWebSubSubscriptions deletes the subscriptions whose leases ended
// at or before now, and says how many it deleted.
func (db *DB) ExpireWebSubSubscriptions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM websub_subscriptions WHERE expires <= ?`, formatTime(now))
		if err != nil {
			return fmt.Errorf("expire websub subscriptions: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// WebSubTopicHash returns the content hash last published for topic, or ""
// if none was recorded.
func (db *DB) WebSubTopicHash(ctx context.Context, topic string) (string, error) {
	var h string
	err := db.read.QueryRowContext(ctx, `SELECT content_hash FROM websub_topics WHERE topic = ?`, topic).Scan(&h)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read websub topic hash %s: %w", topic, err)
	}
	return h, nil
}

// SetWebSubTopicHash records hash as the content last published for topic,
// at published.
func (db *DB) SetWebSubTopicHash(ctx context.Context, topic, hash string, published time.Time) error {
	if topic == "" || hash == "" {
		return fmt.Errorf("websub topic hash needs a topic and a hash: %w", model.ErrInvalid)
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO websub_topics (topic, content_hash, published)
			VALUES (?, ?, ?) ON CONFLICT (topic) DO UPDATE SET content_hash = excluded.content_hash,
				published = excluded.published`, topic, hash, formatTime(published)); err != nil {
			return fmt.Errorf("record websub topic hash %s: %w", topic, err)
		}
		return nil
	})
}
