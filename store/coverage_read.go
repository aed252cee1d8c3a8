package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// StoredItems returns the stored items among ids, by ID.
func (db *DB) StoredItems(ctx context.Context, ids []string) (map[string]model.StoredItem, error) {
	out := make(map[string]model.StoredItem, len(ids))
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(len(ids), start+chunk)]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("i", itemColumns)+`,
			coalesce(i.story_id, '') FROM items i
			WHERE i.id IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read items: %w", err)
		}
		for rows.Next() {
			var si model.StoredItem
			if err := scanItem(rows, &si.Item, &si.Hash, &si.StoryID); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read items: %w", err)
			}
			out[si.Item.ID] = si
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// scanItem reads the itemColumns and then extra into it.
func scanItem(rows *sql.Rows, it *model.Item, hash *string, extra ...any) error {
	var published, firstSeen, updated, categories string
	dest := []any{&it.ID, &it.Title, &it.Outlet, &it.URL, &published, &firstSeen, &updated,
		&it.SourceKey, &it.GUID, &it.CanonicalURL, &it.Summary, &it.DateEstimated, &categories,
		&it.SourceTitle, &it.SourceFeedURL, &it.SourceSiteURL, hash}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	var err error
	if it.Published, err = parseTime(published); err != nil {
		return err
	}
	if it.FirstSeen, err = parseTime(firstSeen); err != nil {
		return err
	}
	if it.Updated, err = parseTime(updated); err != nil {
		return err
	}
	return decodeJSON(it.ID, categories, &it.Categories)
}

// StoryAliases maps each merged-away story to the story it now lives in.
func (db *DB) StoryAliases(ctx context.Context) (map[string]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, merged_into FROM stories WHERE merged_into IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("story aliases: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, err
		}
		out[from] = to
	}
	return out, rows.Err()
}

// StoryPage is one page of stories, newest activity first.
type StoryPage struct {
	Stories []model.Story
	// Next is the cursor of the following page, "" on the last page.
	Next string
}

// ListStories returns up to limit live stories, newest activity first,
// after the cursor (from a previous page's Next; "" for the first page),
// each with its items, outlets and the posts that discuss it.
func (db *DB) ListStories(ctx context.Context, limit int, cursor string) (StoryPage, error) {
	return db.listStories(ctx, limit, cursor, true)
}

// StoryHeads pages the live stories as Stories does, without their items,
// outlets and posts: ID, key, title and times only.
func (db *DB) StoryHeads(ctx context.Context, limit int, cursor string) ([]model.Story, string, error) {
	page, err := db.listStories(ctx, limit, cursor, false)
	return page.Stories, page.Next, err
}

// listStories pages the live stories, with their details or without.
func (db *DB) listStories(ctx context.Context, limit int, cursor string, details bool) (StoryPage, error) {
	if limit <= 0 {
		limit = 50
	}
	var page StoryPage
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		q := `SELECT id, key, title, first_seen, updated FROM stories WHERE merged_into IS NULL`
		var args []any
		if cursor != "" {
			updated, id, ok := strings.Cut(cursor, "|")
			if !ok {
				return fmt.Errorf("cursor %q: %w", cursor, model.ErrInvalid)
			}
			q += ` AND (updated < ? OR (updated = ? AND id > ?))`
			args = append(args, updated, updated, id)
		}
		q += ` ORDER BY updated DESC, id LIMIT ?`
		stories, err := queryStories(ctx, tx, q, append(args, limit+1)...)
		if err != nil {
			return err
		}
		if len(stories) > limit {
			last := stories[limit-1]
			page.Next = formatTime(last.Updated) + "|" + last.ID
			stories = stories[:limit]
		}
		for i := range stories {
			if !details {
				continue
			}
			if err := attachStoryDetails(ctx, tx, &stories[i]); err != nil {
				return err
			}
		}
		page.Stories = stories
		return nil
	})
	if err != nil {
		return StoryPage{}, fmt.Errorf("list stories: %w", err)
	}
	return page, nil
}

// Story returns the story with the given key (or ID) with its items,
// outlets and posts. A merged story answers *model.Moved naming the key of
// the story it lives in now; an unknown one wraps model.ErrNotFound.
func (db *DB) Story(ctx context.Context, key string) (*model.Story, error) {
	var story *model.Story
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var mergedInto sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT merged_into FROM stories WHERE key = ? OR id = ?`,
			key, key).Scan(&mergedInto)
		if isNoRows(err) {
			return notFound("story", key)
		}
		if err != nil {
			return err
		}
		if mergedInto.Valid {
			var to string
			if err := tx.QueryRowContext(ctx, `SELECT key FROM stories WHERE id = ?`,
				mergedInto.String).Scan(&to); err != nil {
				return err
			}
			return &model.Moved{What: "story", From: key, To: to}
		}
		stories, err := queryStories(ctx, tx, `SELECT id, key, title, first_seen, updated
			FROM stories WHERE key = ? OR id = ?`, key, key)
		if err != nil {
			return err
		}
		story = &stories[0]
		return attachStoryDetails(ctx, tx, story)
	})
	if err != nil {
		return nil, fmt.Errorf("read story: %w", err)
	}
	return story, nil
}

func queryStories(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]model.Story, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Story
	for rows.Next() {
		var s model.Story
		var firstSeen, updated string
		if err := rows.Scan(&s.ID, &s.Key, &s.Title, &firstSeen, &updated); err != nil {
			return nil, err
		}
		if s.FirstSeen, err = parseTime(firstSeen); err != nil {
			return nil, err
		}
		if s.Updated, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// attachStoryDetails fills a story's members (oldest first), its outlets
// (in order of first coverage) and the posts that discuss it.
func attachStoryDetails(ctx context.Context, tx *sql.Tx, s *model.Story) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+prefixed("i", itemColumns)+`, i.reason, i.score,
		i.added FROM items i WHERE i.story_id = ? ORDER BY i.added, i.published, i.id`, s.ID)
	if err != nil {
		return fmt.Errorf("story items: %w", err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var m model.StoryMember
		var hash, reason, added string
		if err := scanItem(rows, &m.Item, &hash, &reason, &m.Score, &added); err != nil {
			rows.Close()
			return fmt.Errorf("story items: %w", err)
		}
		m.Reason = model.Reason(reason)
		if m.Added, err = parseTime(added); err != nil {
			rows.Close()
			return err
		}
		s.Members = append(s.Members, m)
		if o := m.Item.Outlet; o != "" && !model.IsPostSource(m.Item.SourceKey) && !seen[strings.ToLower(o)] {
			seen[strings.ToLower(o)] = true
			s.Outlets = append(s.Outlets, o)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return attachStoryPosts(ctx, tx, s)
}

// attachStoryPosts fills the posts that discuss a story: those whose own
// item or related items are in it, newest first.
func attachStoryPosts(ctx context.Context, tx *sql.Tx, s *model.Story) error {
	posts, err := queryPosts(ctx, tx, `SELECT `+postColumns+` FROM posts p WHERE p.id IN (
		SELECT pi.post_id FROM post_items pi JOIN items i ON i.id = pi.item_id
		WHERE i.story_id = ?) ORDER BY p.published DESC, p.id`, s.ID)
	if err != nil {
		return fmt.Errorf("story posts: %w", err)
	}
	s.Posts = posts
	return nil
}

// Stories is ListStories in the shape the web layer reads: the stories of
// one page and the cursor of the next ("" on the last page).
func (db *DB) Stories(ctx context.Context, limit int, cursor string) ([]model.Story, string, error) {
	page, err := db.ListStories(ctx, limit, cursor)
	return page.Stories, page.Next, err
}

// LastStoriesCursor is the cursor of the last page of Stories at limit
// stories a page, the pages cut from the first: "" when the first page is
// the last.
func (db *DB) LastStoriesCursor(ctx context.Context, limit int) (string, error) {
	if limit <= 0 {
		return "", fmt.Errorf("last stories page of %d: %w", limit, model.ErrInvalid)
	}
	var cursor string
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM stories WHERE merged_into IS NULL`).Scan(&n); err != nil {
			return err
		}
		if n <= limit {
			return nil
		}
		start := (n - 1) / limit * limit // the last page's first story
		var updated, id string
		if err := tx.QueryRowContext(ctx, `SELECT updated, id FROM stories WHERE merged_into IS NULL
			ORDER BY updated DESC, id LIMIT 1 OFFSET ?`, start-1).Scan(&updated, &id); err != nil {
			return err
		}
		cursor = updated + "|" + id
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("last stories page: %w", err)
	}
	return cursor, nil
}

// CountStories counts the live (unmerged) stories.
func (db *DB) CountStories(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM stories WHERE merged_into IS NULL`).Scan(&n)
	return n, err
}

// SourceItemsByURL returns the items source already has under each of the
// canonical URLs, by URL (the first stored, when several share one).
func (db *DB) SourceItemsByURL(ctx context.Context, source string, urls []string) (map[string]model.StoredItem, error) {
	out := map[string]model.StoredItem{}
	const chunk = 500
	for start := 0; start < len(urls); start += chunk {
		part := urls[start:min(len(urls), start+chunk)]
		want := make(map[string]bool, len(part))
		args := []any{source}
		for _, u := range part {
			want[u] = true
			args = append(args, linkKey(source, u))
		}
		rows, err := db.read.QueryContext(ctx, `SELECT `+prefixed("i", itemColumns)+`,
			coalesce(i.story_id, '') FROM items i WHERE i.source_key = ?
			AND i.link_key <> 0 AND i.link_key IN (`+placeholders(len(part))+`) ORDER BY i.first_seen DESC, i.id DESC`, args...)
		if err != nil {
			return nil, fmt.Errorf("items of %s by URL: %w", source, err)
		}
		for rows.Next() {
			var si model.StoredItem
			if err := scanItem(rows, &si.Item, &si.Hash, &si.StoryID); err != nil {
				rows.Close()
				return nil, err
			}
			if want[si.Item.CanonicalURL] { // not another link with the same key
				out[si.Item.CanonicalURL] = si // newest first: the first stored wins
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TopicStories returns up to limit live stories with an item filed under
// the topic, newest activity first, each once, with their details.
func (db *DB) TopicStories(ctx context.Context, slug string, limit int) ([]model.Story, error) {
	var stories []model.Story
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		stories, err = queryStories(ctx, tx, `SELECT s.id, s.key, s.title, s.first_seen, s.updated
			FROM stories s WHERE s.merged_into IS NULL AND s.id IN (SELECT i.story_id FROM items i
			JOIN item_topics it ON it.item_id = i.id WHERE it.topic_slug = ?)
			ORDER BY s.updated DESC, s.id LIMIT ?`, slug, limit)
		if err != nil {
			return err
		}
		for i := range stories {
			if err := attachStoryDetails(ctx, tx, &stories[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("topic stories: %w", err)
	}
	return stories, nil
}
