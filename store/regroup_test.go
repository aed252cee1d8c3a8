package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
)

// members lists a story's item IDs, or "moved:KEY" for a redirect.
func members(t *testing.T, db *DB, id string) string {
	t.Helper()
	s, err := db.Story(context.Background(), id)
	var moved *model.Moved
	switch {
	case errors.As(err, &moved):
		return "moved:" + moved.To
	case err != nil:
		t.Fatal(err)
	}
	var ids []string
	for _, m := range s.Members {
		ids = append(ids, m.Item.ID)
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

func TestApplyRegroup(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	s1, s2, s3 := testTagger.Story("i1"), testTagger.Story("i3"), testTagger.Story("i2")
	b := &model.CoverageBatch{Items: []model.CoverageItem{
		{Item: model.Item{ID: "i1", Title: "Oil falls", Outlet: "Wire"},
			Story: model.StoryAssignment{StoryID: s1, Key: "oil-falls", NewStory: true, Reason: model.ReasonFirst, Score: 1}},
		{Item: model.Item{ID: "i2", Title: "Snowden speaks at SXSW", Outlet: "Other"},
			Story: model.StoryAssignment{StoryID: s1, Reason: model.ReasonSameEvent, Score: 0.2}},
		{Item: model.Item{ID: "i3", Title: "Oil slides on China data", Outlet: "Third"},
			Story: model.StoryAssignment{StoryID: s2, Key: "oil-slides", NewStory: true, Reason: model.ReasonFirst, Score: 1}},
	}}
	if _, err := db.ApplyCoverage(ctx, b); err != nil {
		t.Fatal(err)
	}
	// i2 leaves for a story of its own; i3 joins i1, and its story, left
	// empty, redirects.
	err := db.ApplyRegroup(ctx, &model.Regroup{
		Start: []model.StoryStart{{ID: s3, Key: "snowden", Title: "Snowden speaks at SXSW"}},
		Moves: []model.StoryMove{
			{ItemID: "i2", From: s1, To: s3, Reason: model.ReasonFirst, Score: 1},
			{ItemID: "i3", From: s2, To: s1, Reason: model.ReasonSameEvent, Score: 0.4},
		},
		Folded: map[string]string{s2: s1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := members(t, db, s1) + " | " + members(t, db, s2) + " | " + members(t, db, s3); got != "i1,i3 | moved:oil-falls | i2" {
		t.Fatalf("after regroup: %s", got)
	}
	if n, err := db.CountStories(ctx); err != nil || n != 2 {
		t.Fatalf("%d live stories (%v), want 2", n, err)
	}
	// The folded story comes back.
	err = db.ApplyRegroup(ctx, &model.Regroup{
		Start: []model.StoryStart{{ID: s2, Key: "ignored-on-revival", Title: "Oil slides on China data"}},
		Moves: []model.StoryMove{{ItemID: "i3", From: s1, To: s2, Reason: model.ReasonFirst, Score: 1}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := members(t, db, "oil-slides"); got != "i3" {
		t.Fatalf("revived story: %s", got)
	}
	// A move from the wrong story fails and changes nothing.
	err = db.ApplyRegroup(ctx, &model.Regroup{Moves: []model.StoryMove{
		{ItemID: "i1", From: s1, To: s3},
		{ItemID: "i2", From: s1, To: s3}, // i2 is in s3
	}})
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("bad move: %v", err)
	}
	if got := members(t, db, s1); got != "i1" {
		t.Fatalf("after a failed regroup: %s", got)
	}
	var size int
	if err := db.read.QueryRowContext(ctx, `SELECT size FROM stories WHERE id = ?`, s1).Scan(&size); err != nil || size != 1 {
		t.Fatalf("size of %s = %d (%v), want 1", s1, size, err)
	}
}

// LastStoriesCursor names the page that walking Stories' next cursors
// from the first page ends on.
func TestLastStoriesCursor(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	if c, err := db.LastStoriesCursor(ctx, 3); err != nil || c != "" {
		t.Fatalf("no stories: %q, %v", c, err)
	}
	startStories(t, db, "i", 7)
	for _, limit := range []int{1, 2, 3, 6, 7, 10} {
		cursor, walked := "", ""
		for {
			_, next, err := db.Stories(ctx, limit, cursor)
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				walked = cursor
				break
			}
			cursor = next
		}
		if last, err := db.LastStoriesCursor(ctx, limit); err != nil || last != walked {
			t.Errorf("limit %d: last %q, walked to %q (%v)", limit, last, walked, err)
		}
	}
}

// StoryHeads pages like Stories, with the same cursors, without details.
func TestStoryHeads(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	startStories(t, db, "h", 5)
	for cursor := ""; ; {
		full, next, err := db.Stories(ctx, 2, cursor)
		if err != nil {
			t.Fatal(err)
		}
		heads, headsNext, err := db.StoryHeads(ctx, 2, cursor)
		if err != nil || headsNext != next || len(heads) != len(full) {
			t.Fatalf("cursor %q: %d heads, next %q (%v); Stories gave %d, next %q", cursor, len(heads), headsNext, err, len(full), next)
		}
		for i := range heads {
			if heads[i].ID != full[i].ID || heads[i].Key != full[i].Key || heads[i].Title != full[i].Title ||
				!heads[i].Updated.Equal(full[i].Updated) || heads[i].Members != nil || len(full[i].Members) == 0 {
				t.Fatalf("head %+v, story %+v", heads[i], full[i])
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
}

// startStories stores n items, each the first of a story of its own, with
// IDs prefix0, prefix1, ….
func startStories(t *testing.T, db *DB, prefix string, n int) {
	t.Helper()
	b := &model.CoverageBatch{}
	for i := range n {
		id := fmt.Sprintf("%s%d", prefix, i)
		b.Items = append(b.Items, model.CoverageItem{Item: model.Item{ID: id, Title: "Story " + id, Outlet: "Wire"},
			Story: model.StoryAssignment{StoryID: testTagger.Story(id), Key: "story-" + id, NewStory: true, Reason: model.ReasonFirst, Score: 1}})
	}
	if _, err := db.ApplyCoverage(context.Background(), b); err != nil {
		t.Fatal(err)
	}
}
