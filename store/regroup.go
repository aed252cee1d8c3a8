package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// CoverageInTimeOrder calls fn for every item in a story, in the order of
// its date (its first-seen time if it has none) and then its ID, an order
// that does not depend on when items arrived, with the story it is in now.
func (db *DB) CoverageInTimeOrder(ctx context.Context, fn func(it model.Item, storyID string) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("i", itemColumns)+`, i.story_id
		FROM items i WHERE i.story_id IS NOT NULL
		ORDER BY CASE WHEN i.published = '' THEN i.first_seen ELSE i.published END, i.id`)
	if err != nil {
		return fmt.Errorf("coverage in time order: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it model.Item
		var hash, story string
		if err := scanItem(rows, &it, &hash, &story); err != nil {
			return fmt.Errorf("coverage in time order: %w", err)
		}
		if err := fn(it, story); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PostCitations maps the coverage item of each post (its RelatedSelf item)
// to the items the post is about (its source headline and cited pieces),
// in the post's order.
func (db *DB) PostCitations(ctx context.Context) (map[string][]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT s.item_id, c.item_id FROM post_items s
		JOIN post_items c ON c.post_id = s.post_id AND c.kind IN (?, ?)
		WHERE s.kind = ? ORDER BY s.item_id, c.position`,
		string(model.RelatedSource), string(model.RelatedCited), string(model.RelatedSelf))
	if err != nil {
		return nil, fmt.Errorf("post citations: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var self, cited string
		if err := rows.Scan(&self, &cited); err != nil {
			return nil, fmt.Errorf("post citations: %w", err)
		}
		out[self] = append(out[self], cited)
	}
	return out, rows.Err()
}

// ApplyRegroup stores a settled regrouping in one transaction: stories
// started or brought back, items moved, emptied stories redirected, and
// the size, headline and activity time of every story touched.
func (db *DB) ApplyRegroup(ctx context.Context, r *model.Regroup) error {
	if r.Empty() {
		return nil
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		return applyRegroup(ctx, newStmtCache(tx), db.now().UTC(), r)
	}, model.ScopeStories)
	if err != nil {
		return fmt.Errorf("store regroup: %w", err)
	}
	return nil
}

func applyRegroup(ctx context.Context, c *stmtCache, now time.Time, r *model.Regroup) error {
	defer c.close()
	touched := map[string]bool{}
	for _, s := range r.Start {
		if _, err := c.exec(ctx, `INSERT INTO stories (id, key, title, first_seen, updated)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET merged_into = NULL`,
			s.ID, s.Key, s.Title, formatTime(now), formatTime(now)); err != nil {
			return fmt.Errorf("start story %s: %w", s.ID, err)
		}
		touched[s.ID] = true
	}
	for _, m := range r.Moves {
		res, err := c.exec(ctx, `UPDATE items SET story_id = ?, reason = ?, score = ? WHERE id = ? AND story_id = ?`,
			m.To, string(m.Reason), m.Score, m.ItemID, m.From)
		if err != nil {
			return fmt.Errorf("move item %s: %w", m.ItemID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("move item %s from story %s: not there: %w", m.ItemID, m.From, model.ErrInvalid)
		}
		touched[m.From], touched[m.To] = true, true
	}
	gone := make([]string, 0, len(r.Folded))
	for id := range r.Folded {
		gone = append(gone, id)
	}
	sort.Strings(gone)
	for _, id := range gone {
		if err := foldStory(ctx, c, id, r.Folded[id]); err != nil {
			return err
		}
		delete(touched, id)
		touched[r.Folded[id]] = true
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := resizeStory(ctx, c, now, id); err != nil {
			return fmt.Errorf("story %s: %w", id, err)
		}
	}
	return nil
}

// foldStory moves what is left of story gone into keep; gone and the
// stories redirecting to it then redirect to keep.
func foldStory(ctx context.Context, c *stmtCache, gone, keep string) error {
	if gone == keep {
		return fmt.Errorf("fold story %s into itself: %w", gone, model.ErrInvalid)
	}
	for _, q := range []string{
		`UPDATE items SET story_id = ? WHERE story_id = ?`,
		`UPDATE stories SET merged_into = ? WHERE merged_into = ?`,
		`UPDATE stories SET merged_into = ?, size = 0 WHERE id = ?`,
	} {
		if _, err := c.exec(ctx, q, keep, gone); err != nil {
			return fmt.Errorf("fold story %s into %s: %w", gone, keep, err)
		}
	}
	_, err := c.exec(ctx, `UPDATE stories SET
		first_seen = min(first_seen, (SELECT first_seen FROM stories WHERE id = ?1)) WHERE id = ?2`, gone, keep)
	return err
}

// resizeStory counts a story's items again and refreshes it.
func resizeStory(ctx context.Context, c *stmtCache, now time.Time, id string) error {
	if _, err := c.exec(ctx, `UPDATE stories SET size = (SELECT COUNT(*) FROM items WHERE story_id = ?1)
		WHERE id = ?1`, id); err != nil {
		return err
	}
	return refreshStory(ctx, c, now, id)
}
