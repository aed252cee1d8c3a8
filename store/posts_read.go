package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/newswire/newswire/internal/model"
)

const postColumns = `p.id, p.slug, p.title, p.author, p.author_bio, p.published,
	p.date_from_dump, p.first_seen, p.updated, p.body_json, p.sections_json, p.links_json,
	p.url, (SELECT COUNT(*) FROM comments c WHERE c.post_id = p.id)`

// ListPosts returns every post, newest first, without comments but with
// their topics, related items and comment counts.
func (db *DB) ListPosts(ctx context.Context) ([]model.Post, error) {
	var posts []model.Post
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		posts, err = queryPosts(ctx, tx, `SELECT `+postColumns+` FROM posts p
			ORDER BY p.published DESC, p.id`)
		if err != nil {
			return err
		}
		return attachPostDetails(ctx, tx, posts)
	})
	if err != nil {
		return nil, fmt.Errorf("list posts: %w", err)
	}
	return posts, nil
}

// Post returns the post with the given slug, with its comments in number
// order, topics and related items. A missing post wraps model.ErrNotFound.
func (db *DB) Post(ctx context.Context, slug string) (*model.Post, error) {
	var post *model.Post
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		posts, err := queryPosts(ctx, tx, `SELECT `+postColumns+` FROM posts p WHERE p.slug = ?`, slug)
		if err != nil {
			return err
		}
		if len(posts) == 0 {
			return notFound("post", slug)
		}
		if err := attachPostDetails(ctx, tx, posts); err != nil {
			return err
		}
		post = &posts[0]
		post.Comments, err = queryComments(ctx, tx, post.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read post: %w", err)
	}
	return post, nil
}

// ListTopics returns every topic that has posts or items, by name, with
// post counts.
func (db *DB) ListTopics(ctx context.Context) ([]model.Topic, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT t.slug, t.name,
		(SELECT COUNT(*) FROM post_topics pt WHERE pt.topic_slug = t.slug) FROM topics t
		WHERE EXISTS (SELECT 1 FROM post_topics pt WHERE pt.topic_slug = t.slug)
		OR EXISTS (SELECT 1 FROM item_topics it WHERE it.topic_slug = t.slug)
		ORDER BY t.name, t.slug`)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	defer rows.Close()
	var topics []model.Topic
	for rows.Next() {
		var t model.Topic
		if err := rows.Scan(&t.Slug, &t.Name, &t.Posts); err != nil {
			return nil, fmt.Errorf("list topics: %w", err)
		}
		topics = append(topics, t)
	}
	return topics, rows.Err()
}

// TopicPosts returns a topic and its posts, newest first, without comments.
// An unknown topic wraps model.ErrNotFound.
func (db *DB) TopicPosts(ctx context.Context, slug string) (model.Topic, []model.Post, error) {
	var topic model.Topic
	var posts []model.Post
	err := db.readTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT slug, name FROM topics WHERE slug = ?`, slug).
			Scan(&topic.Slug, &topic.Name)
		if isNoRows(err) {
			return notFound("topic", slug)
		}
		if err != nil {
			return err
		}
		posts, err = queryPosts(ctx, tx, `SELECT `+postColumns+` FROM posts p
			JOIN post_topics pt ON pt.post_id = p.id WHERE pt.topic_slug = ?
			ORDER BY p.published DESC, p.id`, slug)
		if err != nil {
			return err
		}
		topic.Posts = len(posts)
		return attachPostDetails(ctx, tx, posts)
	})
	if err != nil {
		return model.Topic{}, nil, fmt.Errorf("read topic: %w", err)
	}
	return topic, posts, nil
}

// readTx runs fn in a read-only transaction so it sees one snapshot.
func (db *DB) readTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func queryPosts(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]model.Post, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var posts []model.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		posts = append(posts, p)
	}
	return posts, rows.Err()
}

func scanPost(rows *sql.Rows) (model.Post, error) {
	var p model.Post
	var published, firstSeen, updated, body, sections, links string
	if err := rows.Scan(&p.ID, &p.Slug, &p.Title, &p.Author, &p.AuthorBio, &published,
		&p.DateFromDump, &firstSeen, &updated, &body, &sections, &links, &p.URL, &p.CommentCount); err != nil {
		return p, err
	}
	var err error
	if p.Published, err = parseTime(published); err != nil {
		return p, err
	}
	if p.FirstSeen, err = parseTime(firstSeen); err != nil {
		return p, err
	}
	if p.Updated, err = parseTime(updated); err != nil {
		return p, err
	}
	return p, decodeJSON(p.ID, body, &p.Body, sections, &p.Sections, links, &p.Links)
}

// decodeJSON decodes pairs of (stored JSON, destination).
func decodeJSON(owner string, pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := json.Unmarshal([]byte(pairs[i].(string)), pairs[i+1]); err != nil {
			return fmt.Errorf("decode stored JSON of %s: %w", owner, err)
		}
	}
	return nil
}

// attachPostDetails fills the topics and related items of posts.
func attachPostDetails(ctx context.Context, tx *sql.Tx, posts []model.Post) error {
	if len(posts) == 0 {
		return nil
	}
	index := make(map[string]*model.Post, len(posts))
	ids := make([]any, len(posts))
	for i := range posts {
		index[posts[i].ID] = &posts[i]
		ids[i] = posts[i].ID
	}
	if err := attachTopics(ctx, tx, index, ids); err != nil {
		return err
	}
	return attachRelated(ctx, tx, index, ids)
}

func attachTopics(ctx context.Context, tx *sql.Tx, index map[string]*model.Post, ids []any) error {
	rows, err := tx.QueryContext(ctx, `SELECT pt.post_id, t.slug, t.name FROM post_topics pt
		JOIN topics t ON t.slug = pt.topic_slug WHERE pt.post_id IN (`+placeholders(len(ids))+`)
		ORDER BY pt.post_id, pt.position`, ids...)
	if err != nil {
		return fmt.Errorf("read topics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var postID string
		var t model.Topic
		if err := rows.Scan(&postID, &t.Slug, &t.Name); err != nil {
			return fmt.Errorf("read topics: %w", err)
		}
		p := index[postID]
		p.Topics = append(p.Topics, t)
	}
	return rows.Err()
}

func attachRelated(ctx context.Context, tx *sql.Tx, index map[string]*model.Post, ids []any) error {
	rows, err := tx.QueryContext(ctx, `SELECT pi.post_id, i.id, pi.kind, i.title, i.outlet, i.url,
		i.published, i.date_estimated, coalesce(s.key, ''), coalesce(s.title, '')
		FROM post_items pi JOIN items i ON i.id = pi.item_id
		LEFT JOIN stories s ON s.id = i.story_id
		WHERE pi.post_id IN (`+placeholders(len(ids))+`) ORDER BY pi.post_id, pi.position`, ids...)
	if err != nil {
		return fmt.Errorf("read related items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var postID, kind, published string
		var estimated bool
		var it model.RelatedItem
		if err := rows.Scan(&postID, &it.ID, &kind, &it.Title, &it.Outlet, &it.URL, &published,
			&estimated, &it.StoryKey, &it.StoryTitle); err != nil {
			return fmt.Errorf("read related items: %w", err)
		}
		it.Kind = model.RelatedKind(kind)
		if !estimated {
			if it.Published, err = parseTime(published); err != nil {
				return err
			}
		}
		p := index[postID]
		if it.Kind == model.RelatedSelf {
			p.StoryKey, p.StoryTitle = it.StoryKey, it.StoryTitle
			continue
		}
		p.Related = append(p.Related, it)
	}
	return rows.Err()
}

func queryComments(ctx context.Context, tx *sql.Tx, postID string) ([]model.Comment, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, id, author, parent, votes, mention, body_json,
		links_json, first_seen, updated, guid, url FROM comments WHERE post_id = ? ORDER BY number`, postID)
	if err != nil {
		return nil, fmt.Errorf("read comments: %w", err)
	}
	defer rows.Close()
	var comments []model.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("read comments of %s: %w", postID, err)
		}
		comments = append(comments, c)
	}
	return comments, rows.Err()
}

func scanComment(rows *sql.Rows) (model.Comment, error) {
	var c model.Comment
	var parent, votes sql.NullInt64
	var body, links, firstSeen, updated string
	if err := rows.Scan(&c.Number, &c.ID, &c.Author, &parent, &votes, &c.Mention, &body, &links,
		&firstSeen, &updated, &c.GUID, &c.URL); err != nil {
		return c, err
	}
	c.Parent = int(parent.Int64)
	if votes.Valid {
		v := int(votes.Int64)
		c.Votes = &v
	}
	var err error
	if c.FirstSeen, err = parseTime(firstSeen); err != nil {
		return c, err
	}
	if c.Updated, err = parseTime(updated); err != nil {
		return c, err
	}
	return c, decodeJSON(c.ID, body, &c.Body, links, &c.Links)
}
