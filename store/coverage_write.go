package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// ApplyCoverage stores a batch of coverage items with their story
// decisions in one transaction, and returns what it did to the items.
func (db *DB) ApplyCoverage(ctx context.Context, b *model.CoverageBatch) (model.IngestCounts, error) {
	err := db.write(ctx, func(tx *sql.Tx) error {
		return applyCoverage(ctx, tx, db.now().UTC(), b)
	}, coverageScopes(b)...)
	if err != nil {
		return model.IngestCounts{}, fmt.Errorf("store coverage: %w", err)
	}
	return b.Counts(), nil
}

// coverageScopes is what storing b changes: the stories when an item is
// new or updated, the sources when an item names a comment feed. A feed
// fetched again with nothing new changes nothing readers see.
func coverageScopes(b *model.CoverageBatch) []string {
	var scopes []string
	if c := b.Counts(); c.New+c.Updated > 0 {
		scopes = append(scopes, model.ScopeStories)
	}
	for i := range b.Items {
		if b.Items[i].Item.CommentFeed != "" {
			return append(scopes, model.ScopeSources)
		}
	}
	return scopes
}

// applyCoverage writes items, stories, memberships and merges, then
// refreshes the headline and activity time of every story touched.
func applyCoverage(ctx context.Context, tx *sql.Tx, now time.Time, b *model.CoverageBatch) error {
	if b == nil {
		return nil
	}
	c := newStmtCache(tx)
	defer c.close()
	touched := map[string]bool{}
	for i := range b.Items {
		ci := &b.Items[i]
		if err := writeCoverageItem(ctx, c, now, ci, touched); err != nil {
			return fmt.Errorf("item %q: %w", ci.Item.Title, err)
		}
	}
	for id := range touched {
		if err := refreshStory(ctx, c, now, id); err != nil {
			return fmt.Errorf("story %s: %w", id, err)
		}
	}
	return nil
}

func writeCoverageItem(ctx context.Context, c *stmtCache, now time.Time, ci *model.CoverageItem, touched map[string]bool) error {
	it := &ci.Item
	if it.CommentFeed != "" {
		if err := registerCommentFeed(ctx, c, now, it); err != nil {
			return err
		}
	}
	switch ci.State {
	case model.ItemUnchanged:
		return nil
	case model.ItemUpdated:
		it.Updated = now
		if err := updateItem(ctx, c, it); err != nil {
			return err
		}
		if err := fileItem(ctx, c, it); err != nil {
			return err
		}
		var story string
		if err := c.queryRow(ctx, `SELECT coalesce(story_id, '') FROM items WHERE id = ?`, it.ID).Scan(&story); err != nil {
			return err
		}
		if story != "" {
			touched[story] = true
		}
		return nil
	}
	it.FirstSeen, it.Updated = now, now
	if it.Published.IsZero() {
		it.Published, it.DateEstimated = now, true
	}
	return joinStory(ctx, c, now, it, ci.Story, touched)
}

const itemColumns = `id, title, outlet, url, published, first_seen, updated, source_key, guid,
	canonical_url, summary, date_estimated, categories_json, source_title, source_feed_url,
	source_site_url, content_hash`

// insertItem stores a new item as a member of story a.StoryID.
func insertItem(ctx context.Context, c *stmtCache, now time.Time, it *model.Item, a model.StoryAssignment) error {
	_, err := c.exec(ctx, `INSERT INTO items (`+itemColumns+`, story_id, reason, score, added, link_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, it.Title, it.Outlet, it.URL, formatTime(it.Published), formatTime(it.FirstSeen),
		formatTime(it.Updated), it.SourceKey, it.GUID, it.CanonicalURL, it.Summary, it.DateEstimated,
		mustJSON(nonNil(it.Categories)), it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL, model.ItemHash(it),
		a.StoryID, string(a.Reason), a.Score, formatTime(now), linkKey(it.SourceKey, it.CanonicalURL))
	if err != nil {
		return fmt.Errorf("insert item: %w", err)
	}
	return nil
}

func updateItem(ctx context.Context, c *stmtCache, it *model.Item) error {
	_, err := c.exec(ctx, `UPDATE items SET title = ?, outlet = ?, url = ?,
		published = CASE WHEN ? = '' THEN published ELSE ? END, updated = ?, canonical_url = ?,
		summary = ?, categories_json = ?, source_title = ?, source_feed_url = ?, source_site_url = ?,
		content_hash = ?, link_key = ? WHERE id = ?`,
		it.Title, it.Outlet, it.URL, formatTime(it.Published), formatTime(it.Published),
		formatTime(it.Updated), it.CanonicalURL, it.Summary, mustJSON(nonNil(it.Categories)),
		it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL, model.ItemHash(it),
		linkKey(it.SourceKey, it.CanonicalURL), it.ID)
	if err != nil {
		return fmt.Errorf("update item: %w", err)
	}
	return nil
}

// fileItem files an item under the topics its categories name (a topic
// once filed stays: a feed dropping a category does not unfile).
func fileItem(ctx context.Context, c *stmtCache, it *model.Item) error {
	for _, name := range it.Categories {
		slug := model.Slugify(name, "")
		if slug == "" {
			continue
		}
		if _, err := c.exec(ctx, `INSERT INTO topics (slug, name) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			slug, strings.TrimSpace(name)); err != nil {
			return fmt.Errorf("file item under %q: %w", name, err)
		}
		if _, err := c.exec(ctx, `INSERT INTO item_topics (item_id, topic_slug) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, it.ID, slug); err != nil {
			return fmt.Errorf("file item under %q: %w", name, err)
		}
	}
	return nil
}

// joinStory stores a new item in its story: creating the story, adding the
// item, and folding in any stories the item merged.
func joinStory(ctx context.Context, c *stmtCache, now time.Time, it *model.Item, a model.StoryAssignment, touched map[string]bool) error {
	if a.StoryID == "" {
		return fmt.Errorf("no story decided for new item %s: %w", it.ID, model.ErrInvalid)
	}
	if a.NewStory {
		if _, err := c.exec(ctx, `INSERT INTO stories (id, key, title, first_seen, updated)
			VALUES (?, ?, ?, ?, ?)`, a.StoryID, a.Key, it.Title, formatTime(now), formatTime(now)); err != nil {
			return fmt.Errorf("create story: %w", err)
		}
	}
	if err := insertItem(ctx, c, now, it, a); err != nil {
		return err
	}
	if err := fileItem(ctx, c, it); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `UPDATE stories SET size = size + 1 WHERE id = ?`, a.StoryID); err != nil {
		return fmt.Errorf("join story: %w", err)
	}
	touched[a.StoryID] = true
	for _, gone := range a.Merged {
		if err := mergeStory(ctx, c, gone, a.StoryID); err != nil {
			return err
		}
		delete(touched, gone)
	}
	return nil
}

// mergeStory moves every item of story gone into keep; gone (and any story
// already merged into it) then redirects to keep.
func mergeStory(ctx context.Context, c *stmtCache, gone, keep string) error {
	if gone == keep {
		return nil
	}
	for _, q := range []string{
		`UPDATE items SET story_id = ? WHERE story_id = ?`,
		`UPDATE stories SET merged_into = ? WHERE merged_into = ?`,
		`UPDATE stories SET merged_into = ? WHERE id = ?`,
	} {
		if _, err := c.exec(ctx, q, keep, gone); err != nil {
			return fmt.Errorf("merge story %s into %s: %w", gone, keep, err)
		}
	}
	_, err := c.exec(ctx, `UPDATE stories SET
		first_seen = min(first_seen, (SELECT first_seen FROM stories WHERE id = ?1)),
		size = size + (SELECT size FROM stories WHERE id = ?1) WHERE id = ?2`, gone, keep)
	return err
}

// headlineMembers is how many of a story's first items its headline is
// chosen from; past that the headline is settled and not recomputed.
const headlineMembers = 64

// refreshStory marks a story updated now (an item joined or changed) and
// sets the headline of a young story to its most representative one.
func refreshStory(ctx context.Context, c *stmtCache, now time.Time, id string) error {
	var size int
	if err := c.queryRow(ctx, `UPDATE stories SET updated = ? WHERE id = ? RETURNING size`,
		formatTime(now), id).Scan(&size); err != nil {
		return err
	}
	if size > headlineMembers {
		return nil
	}
	rows, err := c.query(ctx, `SELECT title, source_key FROM items WHERE story_id = ?
		ORDER BY added, id LIMIT ?`,
		id, headlineMembers)
	if err != nil {
		return err
	}
	var titles []string
	for rows.Next() {
		var title, source string
		if err := rows.Scan(&title, &source); err != nil {
			rows.Close()
			return err
		}
		if !model.IsPostSource(source) {
			titles = append(titles, title)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if title := model.BestHeadline(titles); title != "" {
		_, err = c.exec(ctx, `UPDATE stories SET title = ? WHERE id = ?`, title, id)
	}
	return err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
