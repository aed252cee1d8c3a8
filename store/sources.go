package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

const sourceColumns = `id, key, url, title, topic, html_url, etag, last_modified, interval_s,
	next_poll, error_count, last_status, last_error, last_success, disabled, added, kind, parent_key,
	post_item, post_time, comment_count`

// AddSources adds feeds to poll, in one transaction. A URL already known
// (as a current URL or the one a source was added with) is merged: its
// empty title, topic or site URL are filled, nothing else changes. It
// reports how many were new.
func (db *DB) AddSources(ctx context.Context, sources []model.Source) (added int, err error) {
	err = db.write(ctx, func(tx *sql.Tx) error {
		now := formatTime(db.now())
		for _, s := range sources {
			if strings.TrimSpace(s.URL) == "" {
				return fmt.Errorf("source with no URL: %w", model.ErrInvalid)
			}
			res, err := tx.ExecContext(ctx, `UPDATE sources SET
				title = CASE WHEN title = '' THEN ? ELSE title END,
				topic = CASE WHEN topic = '' THEN ? ELSE topic END,
				html_url = CASE WHEN html_url = '' THEN ? ELSE html_url END
				WHERE url = ? OR key = ?`, s.Title, s.Topic, s.HTMLURL, s.URL, s.URL)
			if err != nil {
				return fmt.Errorf("add source %s: %w", s.URL, err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO sources (key, url, title, topic, html_url, added)
				VALUES (?, ?, ?, ?, ?, ?)`, s.URL, s.URL, s.Title, s.Topic, s.HTMLURL, now); err != nil {
				return fmt.Errorf("add source %s: %w", s.URL, err)
			}
			added++
		}
		return nil
	}, model.ScopeSources)
	if err != nil {
		return 0, err
	}
	return added, nil
}

// ListSources returns every source, by URL.
func (db *DB) ListSources(ctx context.Context) ([]model.Source, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY url`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []model.Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func scanSource(rows *sql.Rows) (model.Source, error) {
	var s model.Source
	var interval int64
	var next, success, added, postTime string
	if err := rows.Scan(&s.ID, &s.Key, &s.URL, &s.Title, &s.Topic, &s.HTMLURL, &s.ETag,
		&s.LastModified, &interval, &next, &s.ErrorCount, &s.LastStatus, &s.LastError, &success,
		&s.Disabled, &added, &s.Kind, &s.Parent, &s.PostItem, &postTime, &s.CommentCount); err != nil {
		return s, err
	}
	s.Interval = time.Duration(interval) * time.Second
	var err error
	if s.NextPoll, err = parseTime(next); err != nil {
		return s, err
	}
	if s.LastSuccess, err = parseTime(success); err != nil {
		return s, err
	}
	if s.PostTime, err = parseTime(postTime); err != nil {
		return s, err
	}
	s.Added, err = parseTime(added)
	return s, err
}

// RemoveSource stops polling the feed at url (by its current URL or the
// URL it was added with), and the comment feeds found in it. Its items and
// posts stay. An unknown URL wraps model.ErrNotFound.
func (db *DB) RemoveSource(ctx context.Context, url string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		var key string
		err := tx.QueryRowContext(ctx, `DELETE FROM sources WHERE url = ? OR key = ? RETURNING key`, url, url).Scan(&key)
		if isNoRows(err) {
			return notFound("source", url)
		}
		if err != nil {
			return fmt.Errorf("remove source %s: %w", url, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE parent_key = ?`, key); err != nil {
			return fmt.Errorf("remove comment feeds of %s: %w", url, err)
		}
		return nil
	}, model.ScopeSources)
}

// registerCommentFeed records the comment feed of a stored item as a
// source to poll, or updates the count of comments its feed states. A
// changed count makes the comment feed due at once.
func registerCommentFeed(ctx context.Context, c *stmtCache, now time.Time, it *model.Item) error {
	postTime := ""
	if !it.DateEstimated {
		postTime = formatTime(it.Published)
	}
	_, err := c.exec(ctx, `INSERT INTO sources (key, url, title, kind, parent_key, post_item,
		comment_count, added, post_time) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
		ON CONFLICT (key) DO UPDATE SET
			next_poll = CASE WHEN comment_count <> excluded.comment_count THEN '' ELSE next_poll END,
			comment_count = excluded.comment_count, post_item = excluded.post_item,
			post_time = excluded.post_time
			WHERE sources.kind = ?3
		ON CONFLICT DO NOTHING`,
		it.CommentFeed, "Comments on "+it.Title, model.SourceComments, it.SourceKey, it.ID,
		it.CommentCount, formatTime(now), postTime)
	if err != nil {
		return fmt.Errorf("register comment feed %s: %w", it.CommentFeed, err)
	}
	return nil
}

// UpdateSource saves a source's polling state (and its URL, if the feed
// moved), found by ID.
func (db *DB) UpdateSource(ctx context.Context, s model.Source) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sources SET url = ?, title = ?, html_url = ?, etag = ?,
			last_modified = ?, interval_s = ?, next_poll = ?, error_count = ?, last_status = ?,
			last_error = ?, last_success = ?, disabled = ? WHERE id = ?`,
			s.URL, s.Title, s.HTMLURL, s.ETag, s.LastModified, int64(s.Interval/time.Second),
			formatTime(s.NextPoll), s.ErrorCount, s.LastStatus, s.LastError, formatTime(s.LastSuccess),
			s.Disabled, s.ID)
		if err != nil {
			return fmt.Errorf("update source %s: %w", s.URL, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("source", s.URL)
		}
		return nil
	}, model.ScopeSources)
}
