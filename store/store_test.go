package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

var testTagger = model.Tagger{Authority: "example.org", Date: "2026"}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openTest(t *testing.T) (*DB, *clock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	c := &clock{t: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)}
	db, err := Open(context.Background(), path, Options{Tagger: testTagger, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, c, path
}

func intp(n int) *int { return &n }

func samplePost() *model.Post {
	return &model.Post{
		Title:        "Did Jared Kushner Want A Secret Channel?",
		Author:       "WNU Editor",
		Published:    time.Date(2017, 5, 27, 0, 0, 0, 0, time.UTC),
		DateFromDump: true,
		Body:         []model.Block{{Kind: model.Paragraph, Text: "Body <b>one</b> & more."}},
		Sections:     []model.Section{{Label: "Update #2", Body: []model.Block{{Kind: model.Paragraph, Text: "More."}}}},
		Topics:       []model.Topic{{Slug: "us-politics", Name: "US Politics"}, {Slug: "russia", Name: "Russia"}},
		Related: []model.RelatedItem{
			{Kind: model.RelatedList, Title: "Kushner Is Said to Have Discussed a Secret Channel", Outlet: "New York Times"},
			{Kind: model.RelatedList, Title: "Kushner proposed secret channel", Outlet: "CNN", URL: "https://cnn.example/a"},
			{Kind: model.RelatedList, Title: "Kushner proposed secret channel", Outlet: "CNN"}, // repeat
		},
		Comments: []model.Comment{
			{Number: 1, Author: "Anonymous", Body: []model.Block{{Kind: model.Paragraph, Text: "First."}}},
			{Number: 2, Author: "War News Updates Editor", Parent: 1, Votes: intp(3),
				Body: []model.Block{{Kind: model.Quote, Text: "First.", QuotesComment: 1}, {Kind: model.Paragraph, Text: "Reply."}}},
		},
	}
}

func TestIngestRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	p := samplePost()
	res, err := db.IngestPost(ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := model.IngestResult{PostID: "tag:example.org,2026:post/did-jared-kushner-want-a-secret-channel",
		Slug: "did-jared-kushner-want-a-secret-channel", Posts: model.IngestCounts{New: 1},
		Comments: model.IngestCounts{New: 2}, Related: model.IngestCounts{New: 2}}
	if res != want {
		t.Fatalf("result = %+v, want %+v", res, want)
	}
	got, err := db.Post(ctx, res.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != p.Title || got.Author != p.Author || !got.Published.Equal(p.Published) || !got.DateFromDump {
		t.Errorf("post fields = %+v", got)
	}
	if !reflect.DeepEqual(got.Body, p.Body) || !reflect.DeepEqual(got.Sections, p.Sections) {
		t.Errorf("body/sections did not round-trip: %+v %+v", got.Body, got.Sections)
	}
	if !reflect.DeepEqual(got.Topics, p.Topics) {
		t.Errorf("topics = %+v", got.Topics)
	}
	if len(got.Related) != 2 || got.Related[1].URL != "https://cnn.example/a" || got.Related[0].Outlet != "New York Times" {
		t.Errorf("related = %+v", got.Related)
	}
	if len(got.Comments) != 2 {
		t.Fatalf("comments = %d", len(got.Comments))
	}
	c := got.Comments[1]
	if c.ID != want.PostID+"/comment/2" || c.Parent != 1 || c.Votes == nil || *c.Votes != 3 ||
		c.Author != "War News Updates Editor" || c.Body[0].Kind != model.Quote || c.Body[0].QuotesComment != 1 {
		t.Errorf("comment 2 = %+v", c)
	}
	if got.Comments[0].Votes != nil || got.Comments[0].Parent != 0 {
		t.Errorf("comment 1 = %+v", got.Comments[0])
	}
	posts, err := db.ListPosts(ctx)
	if err != nil || len(posts) != 1 || posts[0].CommentCount != 2 || len(posts[0].Topics) != 2 {
		t.Fatalf("ListPosts = %+v, %v", posts, err)
	}
	topics, err := db.ListTopics(ctx)
	if err != nil || len(topics) != 2 || topics[0].Name != "Russia" || topics[0].Posts != 1 {
		t.Fatalf("ListTopics = %+v, %v", topics, err)
	}
	topic, tposts, err := db.TopicPosts(ctx, "us-politics")
	if err != nil || topic.Name != "US Politics" || len(tposts) != 1 || tposts[0].ID != want.PostID {
		t.Fatalf("TopicPosts = %+v %+v %v", topic, tposts, err)
	}
}

func TestIngestIsIdempotentAndIncremental(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := openTest(t)
	if _, err := db.IngestPost(ctx, samplePost(), nil); err != nil {
		t.Fatal(err)
	}
	first, _ := db.Post(ctx, "did-jared-kushner-want-a-secret-channel")

	clk.t = clk.t.Add(time.Hour)
	res, err := db.IngestPost(ctx, samplePost(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Posts != (model.IngestCounts{Unchanged: 1}) || res.Comments != (model.IngestCounts{Unchanged: 2}) ||
		res.Related != (model.IngestCounts{Unchanged: 2}) {
		t.Fatalf("re-ingest = %+v, want all unchanged", res)
	}
	again, _ := db.Post(ctx, first.Slug)
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("unchanged re-ingest changed the post:\n%+v\n%+v", first, again)
	}

	// A newer dump: comment 2 edited, comment 3 new.
	clk.t = clk.t.Add(time.Hour)
	p := samplePost()
	p.Comments[1].Body = []model.Block{{Kind: model.Paragraph, Text: "Edited reply."}}
	p.Comments = append(p.Comments, model.Comment{Number: 3, Author: "Unknown", Parent: 2,
		Body: []model.Block{{Kind: model.Paragraph, Text: "Third."}}})
	res, err = db.IngestPost(ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Posts != (model.IngestCounts{Updated: 1}) || res.Comments != (model.IngestCounts{New: 1, Updated: 1, Unchanged: 1}) {
		t.Fatalf("newer dump = %+v", res)
	}
	got, _ := db.Post(ctx, first.Slug)
	c1, c2, c3 := got.Comments[0], got.Comments[1], got.Comments[2]
	if c2.ID != first.Comments[1].ID || !c2.FirstSeen.Equal(first.Comments[1].FirstSeen) || !c2.Updated.Equal(clk.t) {
		t.Errorf("edited comment = %+v, want same ID and first-seen, updated now", c2)
	}
	if !c1.Updated.Equal(first.Comments[0].Updated) {
		t.Errorf("untouched comment's updated moved: %v", c1.Updated)
	}
	if !c3.FirstSeen.Equal(clk.t) || c3.Parent != 2 {
		t.Errorf("new comment = %+v", c3)
	}
	if !got.Updated.Equal(clk.t) || !got.FirstSeen.Equal(first.FirstSeen) {
		t.Errorf("post times = first %v updated %v", got.FirstSeen, got.Updated)
	}

	// A dump that lost a comment keeps it stored: nothing is lost.
	p = samplePost()
	if _, err := db.IngestPost(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Post(ctx, first.Slug)
	if len(got.Comments) != 3 {
		t.Errorf("comments after shorter dump = %d, want 3", len(got.Comments))
	}
}

func TestIDsIndependentOfDatabaseAndOrder(t *testing.T) {
	ctx := context.Background()
	other := samplePost()
	other.Title, other.DateFromDump, other.Published = "Another Post", false, time.Time{}
	ids := func(order ...*model.Post) map[string]bool {
		db, _, _ := openTest(t)
		out := map[string]bool{}
		for _, p := range order {
			if _, err := db.IngestPost(ctx, p, nil); err != nil {
				t.Fatal(err)
			}
		}
		for _, slug := range []string{"did-jared-kushner-want-a-secret-channel", "another-post"} {
			p, err := db.Post(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			out[p.ID] = true
			for _, c := range p.Comments {
				out[c.ID] = true
			}
			for _, r := range p.Related {
				out[r.ID] = true
			}
		}
		return out
	}
	a := ids(samplePost(), other)
	o2 := *other
	b := ids(&o2, samplePost())
	if !reflect.DeepEqual(a, b) || len(a) < 6 {
		t.Fatalf("IDs differ by insertion order:\n%v\n%v", a, b)
	}
}

func TestSlugCollisionGetsHashSuffix(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	a := samplePost()
	b := samplePost()
	b.Published = b.Published.AddDate(0, 0, 1) // same title, another day: another post
	ra, err := db.IngestPost(ctx, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := db.IngestPost(ctx, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ra.Slug == rb.Slug || rb.Slug[:len(ra.Slug)] != ra.Slug {
		t.Fatalf("slugs %q and %q", ra.Slug, rb.Slug)
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	if _, err := db.Post(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Post: %v", err)
	}
	if _, _, err := db.TopicPosts(ctx, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("TopicPosts: %v", err)
	}
}

func TestInvalidPostIsRejectedWhole(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	p := samplePost()
	p.Comments[1].Parent = 5 // not an earlier comment
	if _, err := db.IngestPost(ctx, p, nil); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	if posts, _ := db.ListPosts(ctx); len(posts) != 0 {
		t.Fatalf("invalid post left %d posts", len(posts))
	}
}

func TestFailedIngestRollsBack(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	p := samplePost()
	p.Topics = append(p.Topics, model.Topic{Slug: "x", Name: "X"})
	// Cancel the context mid-way: the transaction must leave nothing behind.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.IngestPost(cctx, p, nil); err == nil {
		t.Fatal("ingest with a cancelled context succeeded")
	}
	if posts, _ := db.ListPosts(ctx); len(posts) != 0 {
		t.Fatalf("failed ingest left %d posts", len(posts))
	}
	if topics, _ := db.ListTopics(ctx); len(topics) != 0 {
		t.Fatalf("failed ingest left %d topics", len(topics))
	}
}

func TestReopenKeepsDataAndMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	db, _, path := openTest(t)
	if _, err := db.IngestPost(ctx, samplePost(), nil); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2, err := Open(ctx, path, Options{Tagger: testTagger})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	posts, err := db2.ListPosts(ctx)
	if err != nil || len(posts) != 1 {
		t.Fatalf("after reopen: %d posts, %v", len(posts), err)
	}
}

// Generation counts this DB's commits, and WatchChanges adds the changes
// another process (here another DB on the same file) makes.
func TestGeneration(t *testing.T) {
	ctx := context.Background()
	db, _, path := openTest(t)
	g0 := db.Generation()
	if _, err := db.IngestPost(ctx, samplePost(), nil); err != nil {
		t.Fatal(err)
	}
	g1 := db.Generation()
	if g1 <= g0 {
		t.Fatalf("a write did not count: %d → %d", g0, g1)
	}
	watch, stop := context.WithCancel(ctx)
	done, err := db.WatchChanges(watch, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// This DB's own writes touch only their scopes, watcher or not.
	unrelated := model.ScopePost("unrelated")
	g1u := db.Generation(unrelated)
	for i := range 3 {
		if _, err := db.AddSources(ctx, []model.Source{{URL: fmt.Sprintf("https://own.example/feed/%d", i)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond) // three watcher ticks
	}
	if g := db.Generation(unrelated); g != g1u {
		t.Fatalf("own writes counted as changes to everything: %d → %d", g1u, g)
	}
	g2 := db.Generation()
	other, err := Open(ctx, path, Options{Tagger: testTagger})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; db.Generation() == g2 && time.Now().Before(deadline); i++ {
		if _, err := other.AddSources(ctx, []model.Source{{URL: fmt.Sprintf("https://wire.example/feed/%d", i)}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if db.Generation() == g2 {
		t.Fatal("another process's write was not noticed")
	}
}

// A write counts as a change of what it touched only: another post's
// scope keeps its generation, and a change from another process touches
// everything.
func TestGenerationScopes(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	p := samplePost()
	if _, err := db.IngestPost(ctx, p, nil); err != nil {
		t.Fatal(err)
	}
	mine, other := model.ScopePost(p.Slug), model.ScopePost("another-post")
	g := map[string]uint64{}
	snap := func() {
		for _, s := range []string{mine, other, model.ScopePosts, model.ScopeStories, model.ScopeSources, ""} {
			if s == "" {
				g[s] = db.Generation()
			} else {
				g[s] = db.Generation(s)
			}
		}
	}
	changed := func(want ...string) {
		t.Helper()
		before := maps.Clone(g)
		snap()
		for s, v := range g {
			if moved := v != before[s]; moved != slices.Contains(want, s) {
				t.Errorf("scope %q moved %v (want %v)", s, moved, !moved)
			}
		}
	}
	snap()
	p2 := samplePost()
	p2.Comments = append(p2.Comments, model.Comment{Number: 99, Author: "Late", Body: []model.Block{{Kind: model.Paragraph, Text: "New."}}})
	if _, err := db.IngestPost(ctx, p2, nil); err != nil {
		t.Fatal(err)
	}
	changed(mine, model.ScopePosts, model.ScopeStories, "")
	if _, err := db.AddSources(ctx, []model.Source{{URL: "https://wire.example/feed"}}); err != nil {
		t.Fatal(err)
	}
	changed(model.ScopeSources, "")
	if err := db.ApplyRegroup(ctx, &model.Regroup{Start: []model.StoryStart{{ID: "s", Key: "s", Title: "S"}}}); err != nil {
		t.Fatal(err)
	}
	changed(model.ScopeStories, "")
	db.gen.touch() // what WatchChanges does for another process's change
	changed(mine, other, model.ScopePosts, model.ScopeStories, model.ScopeSources, "")
}

// Storing again what is already stored is no change: a rescan of the same
// dump, or a feed fetched again with nothing new, leaves every generation
// as it was.
func TestGenerationIgnoresRepeats(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	if _, err := db.IngestPost(ctx, samplePost(), nil); err != nil {
		t.Fatal(err)
	}
	item := model.CoverageItem{Item: model.Item{ID: "i1", Title: "Oil falls", Outlet: "Wire"},
		Story: model.StoryAssignment{StoryID: testTagger.Story("i1"), Key: "oil", NewStory: true, Reason: model.ReasonFirst}}
	if _, err := db.ApplyCoverage(ctx, &model.CoverageBatch{Items: []model.CoverageItem{item}}); err != nil {
		t.Fatal(err)
	}
	g := db.Generation()
	if _, err := db.IngestPost(ctx, samplePost(), nil); err != nil {
		t.Fatal(err)
	}
	item.State = model.ItemUnchanged
	if _, err := db.ApplyCoverage(ctx, &model.CoverageBatch{Items: []model.CoverageItem{item}}); err != nil {
		t.Fatal(err)
	}
	if db.Generation() != g {
		t.Errorf("repeats moved the generation from %d to %d", g, db.Generation())
	}
}
