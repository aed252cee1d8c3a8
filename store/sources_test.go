package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

func TestSources(t *testing.T) {
	ctx := context.Background()
	db, clk, _ := openTest(t)
	n, err := db.AddSources(ctx, []model.Source{
		{URL: "https://a.example/feed", Title: "A"},
		{URL: "https://b.example/rss", Topic: "Tech"},
		{URL: "https://a.example/feed", Title: "A again", Topic: "News"}, // merged
	})
	if err != nil || n != 2 {
		t.Fatalf("AddSources = %d, %v", n, err)
	}
	list, err := db.ListSources(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListSources = %+v, %v", list, err)
	}
	a := list[0]
	if a.Title != "A" || a.Topic != "News" || a.Key != a.URL || !a.Added.Equal(clk.t) {
		t.Errorf("merged source = %+v", a)
	}
	// Polling state round-trips; a 301 moves the URL but not the key.
	a.URL, a.ETag, a.LastModified = "https://a.example/new-feed", `"v1"`, "Mon, 02 Jan 2006 15:04:05 GMT"
	a.Interval, a.NextPoll, a.ErrorCount, a.LastStatus, a.LastError = 2*time.Hour, clk.t.Add(time.Hour), 2, 503, "503 Service Unavailable"
	if err := db.UpdateSource(ctx, a); err != nil {
		t.Fatal(err)
	}
	list, _ = db.ListSources(ctx)
	got := list[0]
	if got.URL != a.URL || got.Key != "https://a.example/feed" || got.ETag != a.ETag || got.LastModified != a.LastModified ||
		got.Interval != a.Interval || !got.NextPoll.Equal(a.NextPoll) || got.ErrorCount != 2 || got.LastError != a.LastError {
		t.Errorf("after update: %+v, want %+v", got, a)
	}
	// Adding the old URL again merges into the moved source.
	if n, _ := db.AddSources(ctx, []model.Source{{URL: "https://a.example/feed"}}); n != 0 {
		t.Errorf("the old URL was added again")
	}
	if err := db.RemoveSource(ctx, "https://a.example/feed"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveSource(ctx, "https://nope.example/"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("remove unknown: %v", err)
	}
	if list, _ := db.ListSources(ctx); len(list) != 1 {
		t.Errorf("%d sources left, want 1", len(list))
	}
}

func TestItemTopicsAndTopicStories(t *testing.T) {
	ctx := context.Background()
	db, _, _ := openTest(t)
	story := testTagger.Story("i1")
	b := &model.CoverageBatch{Items: []model.CoverageItem{
		{Item: model.Item{ID: "i1", Title: "Oil falls", Outlet: "Wire", Categories: []string{"World", "Energy & Oil"}},
			Story: model.StoryAssignment{StoryID: story, Key: "oil-falls", NewStory: true, Reason: model.ReasonFirst, Score: 1}},
		{Item: model.Item{ID: "i2", Title: "Oil slides", Outlet: "Other", Categories: []string{"World"}},
			Story: model.StoryAssignment{StoryID: story, Reason: model.ReasonSameEvent, Score: 0.5}},
	}}
	if _, err := db.ApplyCoverage(ctx, b); err != nil {
		t.Fatal(err)
	}
	topics, err := db.ListTopics(ctx)
	if err != nil || len(topics) != 2 || topics[0].Slug != "energy-oil" || topics[1].Name != "World" {
		t.Fatalf("topics = %+v, %v", topics, err)
	}
	stories, err := db.TopicStories(ctx, "world", 10)
	if err != nil || len(stories) != 1 || len(stories[0].Members) != 2 {
		t.Fatalf("TopicStories(world) = %+v, %v", stories, err)
	}
	if s, _ := db.TopicStories(ctx, "sports", 10); len(s) != 0 {
		t.Errorf("a topic with no items has stories: %+v", s)
	}
}
