package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

func feedPost(comments ...model.Comment) *model.Post {
	return &model.Post{Title: "LNG exports and the Ukraine crisis", Origin: "tag:example.org,2026:item/abc",
		URL: "https://blog.example/lng/", Published: time.Date(2014, 3, 10, 9, 0, 0, 0, time.UTC), DateFromDump: true,
		Body: []model.Block{{Kind: model.Paragraph, Text: "A post."}}, Comments: comments}
}

func feedComment(guid, inReplyTo, author string, minute int) model.Comment {
	return model.Comment{GUID: guid, InReplyTo: inReplyTo, Author: author,
		Published: time.Date(2014, 3, 10, 10, minute, 0, 0, time.UTC), URL: "https://blog.example/lng/#" + guid,
		Body: []model.Block{{Kind: model.Paragraph, Text: "Comment " + guid}}}
}

// threadOf renders a post's comments as "number:guid<parent" lines.
func threadOf(t *testing.T, db *DB, slug string) string {
	t.Helper()
	p, err := db.Post(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, c := range p.Comments {
		out += fmt.Sprintf("%d:%s<%d ", c.Number, c.GUID, c.Parent)
	}
	return out
}

func TestFeedCommentsNumberedByArrivalWithParentsByGUID(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	// The feed lists newest first; a reply comes before its parent.
	res, err := db.IngestPost(ctx, feedPost(
		feedComment("c2", "c1", "Bob", 5),
		feedComment("c1", "post-guid", "Ann", 1),
		feedComment("c0", "", "Cy", 0),
	), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := threadOf(t, db, res.Slug); got != "1:c0<0 2:c1<0 3:c2<2 " {
		t.Fatalf("first fetch: %s", got)
	}
	// The next fetch has only the latest comments (the feed's window moved):
	// the old ones are kept, the known one keeps its number, and a reply
	// whose parent is older than the window still finds it.
	res2, err := db.IngestPost(ctx, feedPost(
		feedComment("c4", "c9-never-seen", "Dee", 9),
		feedComment("c3", "c1", "Eve", 7),
		feedComment("c2", "c1", "Bob", 5),
	), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Comments != (model.IngestCounts{New: 2, Unchanged: 1}) || res2.Slug != res.Slug {
		t.Fatalf("second fetch: %+v", res2)
	}
	if got := threadOf(t, db, res.Slug); got != "1:c0<0 2:c1<0 3:c2<2 4:c3<2 5:c4<0 " {
		t.Fatalf("second fetch: %s", got)
	}
	p, err := db.Post(ctx, res.Slug)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Comments[3]
	if c.ID != testTagger.FeedComment(p.ID, "c3") || !c.FirstSeen.Equal(time.Date(2014, 3, 10, 10, 7, 0, 0, time.UTC)) ||
		c.URL != "https://blog.example/lng/#c3" || p.URL != "https://blog.example/lng/" {
		t.Fatalf("comment 4 = %+v (post URL %q)", c, p.URL)
	}
	// A fresh database fed everything at once gives the same IDs.
	db2, _, _ := openTest(t)
	if _, err := db2.IngestPost(ctx, feedPost(feedComment("c3", "c1", "Eve", 7), feedComment("c1", "", "Ann", 1)), nil); err != nil {
		t.Fatal(err)
	}
	p2, err := db2.Post(ctx, res.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if p2.ID != p.ID || p2.Comments[1].ID != c.ID {
		t.Fatalf("IDs differ across databases: %s %s vs %s %s", p2.ID, p2.Comments[1].ID, p.ID, c.ID)
	}
}

func TestFeedCommentsRepeatedGUIDAndCycle(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	res, err := db.IngestPost(ctx, feedPost(
		feedComment("a", "b", "A", 1),
		feedComment("b", "a", "B", 2), // a cycle no real feed has
		feedComment("a", "", "A again", 3),
	), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := threadOf(t, db, res.Slug); got != "1:a<0 2:b<1 " {
		t.Fatalf("%s", got)
	}
}
