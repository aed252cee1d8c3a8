package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"
)

// readStories runs `newswire stories --json` on db.
func readStories(t *testing.T, db string) []storyLine {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"stories", "--db", db, "--json"}, nil, &out, &errb); err != nil {
		t.Fatalf("stories: %v\n%s", err, errb.String())
	}
	var lines []storyLine
	for _, l := range nonEmptyLines(out.String()) {
		var s storyLine
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		lines = append(lines, s)
	}
	return lines
}

// storyWith returns the story holding an item whose title has substr.
func storyWith(t *testing.T, stories []storyLine, substr string) storyLine {
	t.Helper()
	for _, s := range stories {
		for _, it := range s.Items {
			if strings.Contains(it.Title, substr) {
				return s
			}
		}
	}
	t.Fatalf("no story has an item %q", substr)
	return storyLine{}
}

// TestSeedStories holds the seeds to what the story-dedup issue demands.
func TestSeedStories(t *testing.T) {
	db := filepath.Join(t.TempDir(), "n.db")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--db", db, feedcheck.SharedPath(t, "seeds")}, nil, &out, &errb); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out.String())
	}
	stories := readStories(t, db)
	kremlin := storyWith(t, stories, "Russian ambassador told Moscow that Kushner wanted secret communications channel")
	wantOutlets := []string{"Washington Post", "New York Times", "CNN", "USA Today", "FOX News", "ABC News"}
	got := append([]string(nil), kremlin.Outlets...)
	slices.Sort(got)
	slices.Sort(wantOutlets)
	if !slices.Equal(got, wantOutlets) {
		t.Errorf("Kremlin-channel story outlets = %v, want %v", kremlin.Outlets, wantOutlets)
	}
	linked := false
	for _, it := range kremlin.Items {
		if it.Post && strings.HasPrefix(it.Title, "Did Jared Kushner Want A Secret Communications Channel") {
			linked = true
		}
	}
	if !linked {
		t.Errorf("the Blogger post is not linked to its story: %+v", kremlin.Items)
	}
	for _, other := range []string{"Kushner and Other Senior Trump Officials Used WhatsApp",
		"Was A Trump-Putin Back Channel Established", "Not Hindering Each Other Over The Skies Of Syria",
		"has no recollection"} {
		if s := storyWith(t, stories, other); s.ID == kremlin.ID {
			t.Errorf("%q is in the Kremlin-channel story", other)
		}
	}
	// IDs derive from content: a fresh database gives the same stories.
	db2 := filepath.Join(t.TempDir(), "m.db")
	if err := run(context.Background(), []string{"ingest", "--db", db2, feedcheck.SharedPath(t, "seeds")}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	again := readStories(t, db2)
	if k2 := storyWith(t, again, "Russian ambassador told Moscow"); k2.ID != kremlin.ID || k2.Key != kremlin.Key || len(k2.Items) != len(kremlin.Items) {
		t.Errorf("fresh database: story %s/%s with %d items, want %s/%s with %d", k2.ID, k2.Key, len(k2.Items), kremlin.ID, kremlin.Key, len(kremlin.Items))
	}
}
