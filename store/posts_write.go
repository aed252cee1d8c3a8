package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// IngestPost stores a parsed post with its comments, topics and related
// items in one transaction: the database holds either all of it or none.
//
// A post is recognised by model.Post.IdentityKey. Re-ingesting an unchanged
// post changes nothing; a newer dump adds new comments and updates changed
// ones, which keep their IDs and first-seen times. Comments missing from a
// newer dump are kept. On return p carries its ID, slug and times.
//
// cov, when not nil, holds the post's coverage items (its related items
// and itself) with their story decisions; they are stored in the same
// transaction, and the related counts are theirs.
func (db *DB) IngestPost(ctx context.Context, p *model.Post, cov *model.CoverageBatch) (model.IngestResult, error) {
	if err := p.Validate(); err != nil {
		return model.IngestResult{}, err
	}
	var res model.IngestResult
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		now := db.now().UTC()
		w := postWriter{tx: tx, tagger: db.tagger, now: now, cov: cov}
		var err error
		res, err = w.ingest(ctx, p)
		return err
	})
	if err != nil {
		return model.IngestResult{}, fmt.Errorf("ingest post %q: %w", p.Title, err)
	}
	if res.Posts.New+res.Posts.Updated+res.Related.New+res.Related.Updated > 0 {
		// A rescan of an unchanged dump changes nothing readers see.
		db.gen.touch(model.ScopePost(p.Slug), model.ScopePosts, model.ScopeStories)
	}
	return res, nil
}

// postWriter does the work of one IngestPost inside its transaction.
type postWriter struct {
	tx     *sql.Tx
	tagger model.Tagger
	now    time.Time
	cov    *model.CoverageBatch
}

// storedPost is what a previous ingest left of a post.
type storedPost struct {
	id, slug, hash string
	firstSeen      time.Time
	updated        time.Time
}

func (w *postWriter) ingest(ctx context.Context, p *model.Post) (model.IngestResult, error) {
	old, found, err := w.lookupPost(ctx, p.IdentityKey())
	if err != nil {
		return model.IngestResult{}, err
	}
	if found {
		p.ID, p.Slug, p.FirstSeen, p.Updated = old.id, old.slug, old.firstSeen, old.updated
	} else if err := w.assignIdentity(ctx, p); err != nil {
		return model.IngestResult{}, err
	}
	if !p.DateFromDump {
		p.Published = p.FirstSeen
	}
	if err := w.numberFeedComments(ctx, p); err != nil {
		return model.IngestResult{}, err
	}
	for i := range p.Comments {
		c := &p.Comments[i]
		if c.GUID != "" {
			c.ID = w.tagger.FeedComment(p.ID, c.GUID)
		} else {
			c.ID = w.tagger.Comment(p.ID, c.Number)
		}
	}
	w.assignRelatedIDs(p)
	res := model.IngestResult{PostID: p.ID, Slug: p.Slug}
	hash := postHash(p)
	if !found {
		res.Posts.New = 1
		if err := w.writePost(ctx, p, hash, false); err != nil {
			return res, err
		}
	}
	if err := w.upsertTopics(ctx, p); err != nil {
		return res, err
	}
	if res.Comments, err = w.upsertComments(ctx, p); err != nil {
		return res, err
	}
	if err := applyCoverage(ctx, w.tx, w.now, w.cov); err != nil {
		return res, err
	}
	if res.Related, err = w.upsertRelated(ctx, p); err != nil {
		return res, err
	}
	if w.cov != nil {
		res.Related = relatedCounts(w.cov)
	}
	if !found {
		return res, nil
	}
	if hash == old.hash && res.Comments.New+res.Comments.Updated == 0 {
		res.Posts.Unchanged = 1
		return res, nil
	}
	res.Posts.Updated = 1
	p.Updated = w.now
	return res, w.writePost(ctx, p, hash, true)
}

// relatedCounts tallies a post's coverage batch, leaving out the post's
// own item.
func relatedCounts(b *model.CoverageBatch) model.IngestCounts {
	var rel model.CoverageBatch
	for _, ci := range b.Items {
		if !model.IsPostSource(ci.Item.SourceKey) {
			rel.Items = append(rel.Items, ci)
		}
	}
	return rel.Counts()
}

// assignRelatedIDs gives each related item without one its ID, and drops
// repeats.
func (w *postWriter) assignRelatedIDs(p *model.Post) {
	seen := map[string]bool{}
	kept := p.Related[:0]
	for _, it := range p.Related {
		if it.ID == "" {
			it.ID = w.tagger.RelatedItem(it.Outlet, it.Title)
		}
		if !seen[it.ID] {
			seen[it.ID] = true
			kept = append(kept, it)
		}
	}
	p.Related = kept
}

func (w *postWriter) lookupPost(ctx context.Context, key string) (storedPost, bool, error) {
	var sp storedPost
	var firstSeen, updated string
	err := w.tx.QueryRowContext(ctx,
		`SELECT id, slug, content_hash, first_seen, updated FROM posts WHERE identity_key = ?`, key).
		Scan(&sp.id, &sp.slug, &sp.hash, &firstSeen, &updated)
	if isNoRows(err) {
		return sp, false, nil
	}
	if err != nil {
		return sp, false, fmt.Errorf("look up post: %w", err)
	}
	if sp.firstSeen, err = parseTime(firstSeen); err != nil {
		return sp, false, err
	}
	sp.updated, err = parseTime(updated)
	return sp, true, err
}

// assignIdentity gives a new post its slug and ID: the title's slug, or,
// when another post already has that slug, the slug plus a short hash of
// this post's identity.
func (w *postWriter) assignIdentity(ctx context.Context, p *model.Post) error {
	slug := model.Slugify(p.Title, "post")
	var taken int
	if err := w.tx.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM posts WHERE slug = ?`, slug).Scan(&taken); err != nil {
		return fmt.Errorf("check slug: %w", err)
	}
	if taken > 0 {
		slug += "-" + model.ShortHash(6, p.IdentityKey())
	}
	p.Slug = slug
	p.ID = w.tagger.Post(slug)
	p.FirstSeen, p.Updated = w.now, w.now
	if p.DateFromDump && !p.Published.IsZero() {
		// The post as first seen is as its author dated it: feeds built
		// from the same dump are then the same wherever it is ingested.
		p.Updated = p.Published
	}
	return nil
}

func (w *postWriter) writePost(ctx context.Context, p *model.Post, hash string, exists bool) error {
	body, sections, links := mustJSON(p.Body), mustJSON(p.Sections), mustJSON(p.Links)
	var err error
	if exists {
		_, err = w.tx.ExecContext(ctx, `UPDATE posts SET title = ?, author = ?, author_bio = ?,
			published = ?, date_from_dump = ?, updated = ?, body_json = ?, sections_json = ?,
			links_json = ?, source_path = ?, content_hash = ?, url = ? WHERE id = ?`,
			p.Title, p.Author, p.AuthorBio, formatTime(p.Published), p.DateFromDump,
			formatTime(p.Updated), body, sections, links, p.SourcePath, hash, p.URL, p.ID)
	} else {
		_, err = w.tx.ExecContext(ctx, `INSERT INTO posts (id, slug, identity_key, title, author,
			author_bio, published, date_from_dump, first_seen, updated, body_json, sections_json,
			links_json, source_path, content_hash, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.Slug, p.IdentityKey(), p.Title, p.Author, p.AuthorBio, formatTime(p.Published),
			p.DateFromDump, formatTime(p.FirstSeen), formatTime(p.Updated), body, sections, links,
			p.SourcePath, hash, p.URL)
	}
	if err != nil {
		return fmt.Errorf("write post: %w", err)
	}
	return nil
}

// upsertTopics records the post's topics and replaces its topic list with
// p.Topics, in order.
func (w *postWriter) upsertTopics(ctx context.Context, p *model.Post) error {
	if _, err := w.tx.ExecContext(ctx, `DELETE FROM post_topics WHERE post_id = ?`, p.ID); err != nil {
		return fmt.Errorf("clear topics: %w", err)
	}
	for i, t := range p.Topics {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO topics (slug, name) VALUES (?, ?)
			ON CONFLICT (slug) DO NOTHING`, t.Slug, t.Name); err != nil {
			return fmt.Errorf("write topic %q: %w", t.Name, err)
		}
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO post_topics (post_id, topic_slug, position)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, p.ID, t.Slug, i); err != nil {
			return fmt.Errorf("link topic %q: %w", t.Name, err)
		}
	}
	return nil
}

// storedComment is what a previous ingest left of a comment.
type storedComment struct {
	hash      string
	votes     sql.NullInt64
	firstSeen string
	updated   string
}

func (w *postWriter) upsertComments(ctx context.Context, p *model.Post) (model.IngestCounts, error) {
	var counts model.IngestCounts
	old, err := w.storedComments(ctx, p.ID)
	if err != nil {
		return counts, err
	}
	for i := range p.Comments {
		c := &p.Comments[i]
		prev, found := old[c.Number]
		hash := commentHash(c)
		switch {
		case !found:
			counts.New++
			c.FirstSeen, c.Updated = w.now, w.now
			if !c.Published.IsZero() && c.Published.Before(w.now) {
				// A comment feed's date: the comment as its readers saw it.
				c.FirstSeen, c.Updated = c.Published.UTC(), c.Published.UTC()
			}
		case prev.hash != hash:
			counts.Updated++
			c.FirstSeen, _ = parseTime(prev.firstSeen)
			c.Updated = w.now
		case !sameVotes(prev.votes, c.Votes):
			// A new vote count is not new text: store it, keep the dates.
			counts.Updated++
			c.FirstSeen, _ = parseTime(prev.firstSeen)
			c.Updated, _ = parseTime(prev.updated)
		default:
			counts.Unchanged++
			continue
		}
		if err := w.writeComment(ctx, p.ID, c, hash); err != nil {
			return counts, err
		}
	}
	return counts, nil
}

func (w *postWriter) storedComments(ctx context.Context, postID string) (map[int]storedComment, error) {
	rows, err := w.tx.QueryContext(ctx, `SELECT number, content_hash, votes, first_seen, updated
		FROM comments WHERE post_id = ?`, postID)
	if err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	defer rows.Close()
	out := map[int]storedComment{}
	for rows.Next() {
		var n int
		var sc storedComment
		if err := rows.Scan(&n, &sc.hash, &sc.votes, &sc.firstSeen, &sc.updated); err != nil {
			return nil, fmt.Errorf("read comments: %w", err)
		}
		out[n] = sc
	}
	return out, rows.Err()
}

func (w *postWriter) writeComment(ctx context.Context, postID string, c *model.Comment, hash string) error {
	var parent, votes any
	if c.Parent != 0 {
		parent = c.Parent
	}
	if c.Votes != nil {
		votes = *c.Votes
	}
	_, err := w.tx.ExecContext(ctx, `INSERT INTO comments (post_id, number, id, author, parent,
		votes, mention, body_json, links_json, first_seen, updated, content_hash, guid, url)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (post_id, number) DO UPDATE SET author = excluded.author,
		parent = excluded.parent, votes = excluded.votes, mention = excluded.mention,
		body_json = excluded.body_json, links_json = excluded.links_json,
		updated = excluded.updated, content_hash = excluded.content_hash, url = excluded.url`,
		postID, c.Number, c.ID, c.Author, parent, votes, c.Mention, mustJSON(c.Body),
		mustJSON(c.Links), formatTime(c.FirstSeen), formatTime(c.Updated), hash, c.GUID, c.URL)
	if err != nil {
		return fmt.Errorf("write comment %d: %w", c.Number, err)
	}
	return nil
}

func sameVotes(stored sql.NullInt64, v *int) bool {
	if v == nil {
		return !stored.Valid
	}
	return stored.Valid && stored.Int64 == int64(*v)
}

// upsertRelated stores the post's related items and replaces the post's
// list of them.
func (w *postWriter) upsertRelated(ctx context.Context, p *model.Post) (model.IngestCounts, error) {
	var counts model.IngestCounts
	if _, err := w.tx.ExecContext(ctx, `DELETE FROM post_items WHERE post_id = ?`, p.ID); err != nil {
		return counts, fmt.Errorf("clear related items: %w", err)
	}
	for i := range p.Related {
		it := &p.Related[i]
		state, err := w.upsertItem(ctx, it)
		if err != nil {
			return counts, err
		}
		switch state {
		case stateNew:
			counts.New++
		case stateUpdated:
			counts.Updated++
		default:
			counts.Unchanged++
		}
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO post_items (post_id, item_id, kind, position)
			VALUES (?, ?, ?, ?)`, p.ID, it.ID, string(it.Kind), i); err != nil {
			return counts, fmt.Errorf("link related item %q: %w", it.Title, err)
		}
	}
	return counts, nil
}

type writeState int

const (
	stateUnchanged writeState = iota
	stateNew
	stateUpdated
)

func (w *postWriter) upsertItem(ctx context.Context, it *model.RelatedItem) (writeState, error) {
	var url, published string
	err := w.tx.QueryRowContext(ctx, `SELECT url, published FROM items WHERE id = ?`, it.ID).
		Scan(&url, &published)
	switch {
	case isNoRows(err):
		_, err = w.tx.ExecContext(ctx, `INSERT INTO items (id, title, outlet, url, published,
			first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?)`, it.ID, it.Title, it.Outlet, it.URL,
			formatTime(it.Published), formatTime(w.now), formatTime(w.now))
		if err != nil {
			return 0, fmt.Errorf("write item %q: %w", it.Title, err)
		}
		return stateNew, nil
	case err != nil:
		return 0, fmt.Errorf("read item %q: %w", it.Title, err)
	}
	// Another post may know more (a URL, a date): keep what is known.
	newURL, newPub := url, published
	if newURL == "" {
		newURL = it.URL
	}
	if newPub == "" {
		newPub = formatTime(it.Published)
	}
	if newURL == url && newPub == published {
		return stateUnchanged, nil
	}
	if _, err := w.tx.ExecContext(ctx, `UPDATE items SET url = ?, published = ?, updated = ?
		WHERE id = ?`, newURL, newPub, formatTime(w.now), it.ID); err != nil {
		return 0, fmt.Errorf("update item %q: %w", it.Title, err)
	}
	return stateUpdated, nil
}

// postHash fingerprints everything about a post that a reader sees, except
// its comments (which carry their own).
func postHash(p *model.Post) string {
	topics := make([]string, len(p.Topics))
	for i, t := range p.Topics {
		topics[i] = t.Slug + "=" + t.Name
	}
	related := make([]string, len(p.Related))
	for i, r := range p.Related {
		related[i] = r.ID + "=" + string(r.Kind) + "=" + r.URL
	}
	published := ""
	if p.DateFromDump {
		published = formatTime(p.Published)
	}
	return model.ShortHash(32, p.Title, p.Author, p.AuthorBio, published, mustJSON(p.Body),
		mustJSON(p.Sections), mustJSON(p.Links), strings.Join(topics, "\n"), strings.Join(related, "\n"))
}

// commentHash fingerprints a comment's text and place in its thread; the
// vote count is left out (it changes without the comment changing).
func commentHash(c *model.Comment) string {
	return model.ShortHash(32, c.Author, fmt.Sprint(c.Parent), c.Mention, mustJSON(c.Body), mustJSON(c.Links))
}

// mustJSON encodes values the program built itself; it cannot fail for them.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return string(b)
}
