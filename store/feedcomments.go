package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/newswire/newswire/internal/model"
)

// numberFeedComments gives the comments read from a comment feed (those
// with a GUID) their numbers and parents. A comment already stored keeps
// its number. New ones are numbered after the post's last comment, by date
// and then GUID, each parent before its replies. A comment's parent is the
// comment whose GUID its InReplyTo names; a reply to the post itself, or to
// a comment never seen, starts a thread. A GUID repeated in one feed is
// kept once.
func (w *postWriter) numberFeedComments(ctx context.Context, p *model.Post) error {
	if !hasFeedComments(p) {
		return nil
	}
	known, last, err := w.feedCommentNumbers(ctx, p.ID)
	if err != nil {
		return err
	}
	p.Comments = uniqueGUIDs(p.Comments)
	var fresh []*model.Comment
	for i := range p.Comments {
		c := &p.Comments[i]
		last = max(last, c.Number)
		switch n, ok := known[c.GUID]; {
		case c.GUID == "":
		case ok:
			c.Number = n
		default:
			fresh = append(fresh, c)
		}
	}
	sort.SliceStable(fresh, func(i, j int) bool {
		a, b := fresh[i], fresh[j]
		if !a.Published.Equal(b.Published) {
			return a.Published.Before(b.Published)
		}
		return a.GUID < b.GUID
	})
	numberParentsFirst(fresh, known, &last)
	for i := range p.Comments {
		c := &p.Comments[i]
		if c.GUID == "" {
			continue
		}
		c.Parent = 0
		if n, ok := known[c.InReplyTo]; ok && n < c.Number {
			c.Parent = n
		}
	}
	return nil
}

func hasFeedComments(p *model.Post) bool {
	for i := range p.Comments {
		if p.Comments[i].GUID != "" {
			return true
		}
	}
	return false
}

// feedCommentNumbers maps the GUIDs of a post's stored comments to their
// numbers, and returns its highest number.
func (w *postWriter) feedCommentNumbers(ctx context.Context, postID string) (map[string]int, int, error) {
	rows, err := w.tx.QueryContext(ctx, `SELECT number, guid FROM comments WHERE post_id = ?`, postID)
	if err != nil {
		return nil, 0, fmt.Errorf("read comment numbers: %w", err)
	}
	defer rows.Close()
	known, last := map[string]int{}, 0
	for rows.Next() {
		var n int
		var guid string
		if err := rows.Scan(&n, &guid); err != nil {
			return nil, 0, fmt.Errorf("read comment numbers: %w", err)
		}
		if guid != "" {
			known[guid] = n
		}
		last = max(last, n)
	}
	return known, last, rows.Err()
}

// uniqueGUIDs drops the later of two comments with one GUID.
func uniqueGUIDs(comments []model.Comment) []model.Comment {
	seen := map[string]bool{}
	kept := comments[:0]
	for _, c := range comments {
		if c.GUID != "" {
			if seen[c.GUID] {
				continue
			}
			seen[c.GUID] = true
		}
		kept = append(kept, c)
	}
	return kept
}

// numberParentsFirst numbers fresh comments in their order, except that a
// reply to another fresh comment waits for it. Replies in a cycle (which
// no real feed has) are numbered in order at the end.
func numberParentsFirst(fresh []*model.Comment, known map[string]int, last *int) {
	waiting := map[string]bool{}
	for _, c := range fresh {
		waiting[c.GUID] = true
	}
	for len(fresh) > 0 {
		var later []*model.Comment
		for _, c := range fresh {
			if c.InReplyTo != c.GUID && waiting[c.InReplyTo] {
				later = append(later, c)
				continue
			}
			*last++
			c.Number = *last
			known[c.GUID] = c.Number
			delete(waiting, c.GUID)
		}
		if len(later) == len(fresh) { // a cycle
			for _, c := range later {
				delete(waiting, c.GUID)
			}
		}
		fresh = later
	}
}
