// Package blogpost turns a polled blog post and its comment feed into a
// post with comments, so the per-post and per-thread feeds work for real
// blogs as they do for post dumps.
//
// The post is the coverage item its blog's feed listed (found by the
// comment feed's source, model.Source.PostItem): it is known by that
// item's ID (model.Post.Origin), dated by it, filed under its categories,
// and linked to the story the item is in. Its comments come from the
// comment feed, each known by its GUID; the store numbers them and finds
// their parents from thr:in-reply-to.
package blogpost

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Store is what the package reads and writes.
type Store interface {
	StoredItems(ctx context.Context, ids []string) (map[string]model.StoredItem, error)
	IngestPost(ctx context.Context, p *model.Post, cov *model.CoverageBatch) (model.IngestResult, error)
}

// Ingester stores comment feeds' comments under their posts.
type Ingester struct {
	Store Store
}

// Comments stores comments read from src, a comment feed, under the post
// src belongs to, in one transaction. It returns what it did to the
// comments and the post's date (for scheduling the next poll).
func (in *Ingester) Comments(ctx context.Context, src model.Source, comments []model.Comment) (model.IngestCounts, time.Time, error) {
	if src.PostItem == "" {
		return model.IngestCounts{}, time.Time{}, fmt.Errorf("comment feed %s names no post: %w", src.URL, model.ErrInvalid)
	}
	items, err := in.Store.StoredItems(ctx, []string{src.PostItem})
	if err != nil {
		return model.IngestCounts{}, time.Time{}, fmt.Errorf("comment feed %s: %w", src.URL, err)
	}
	stored, ok := items[src.PostItem]
	if !ok {
		return model.IngestCounts{}, time.Time{}, fmt.Errorf("comment feed %s: post item %s: %w", src.URL, src.PostItem, model.ErrNotFound)
	}
	p := FromItem(stored.Item)
	p.Comments = comments
	res, err := in.Store.IngestPost(ctx, p, nil)
	if err != nil {
		return model.IngestCounts{}, time.Time{}, fmt.Errorf("comment feed %s: %w", src.URL, err)
	}
	return res.Comments, p.Published, nil
}

// FromItem makes the post a blog's feed item stands for: its headline,
// link, date, summary and categories, and a link to its story.
func FromItem(it model.Item) *model.Post {
	p := &model.Post{
		Origin:       it.ID,
		Title:        it.Title,
		URL:          it.URL,
		Published:    it.Published,
		DateFromDump: !it.DateEstimated && !it.Published.IsZero(),
		Related:      []model.RelatedItem{{ID: it.ID, Kind: model.RelatedSelf, Title: it.Title, URL: it.URL}},
	}
	if s := strings.TrimSpace(it.Summary); s != "" {
		p.Body = []model.Block{{Kind: model.Paragraph, Text: s}}
	}
	seen := map[string]bool{}
	for _, c := range it.Categories {
		slug := model.Slugify(c, "")
		if slug != "" && !seen[slug] {
			seen[slug] = true
			p.Topics = append(p.Topics, model.Topic{Slug: slug, Name: strings.TrimSpace(c)})
		}
	}
	return p
}
