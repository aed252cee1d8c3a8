package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
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

// TestIngestFeedFiles: feed files are recognised by content whatever their
// name; each item is coverage from the outlet its <source> names, else the
// feed's title; the same event from several outlets is one story.
func TestIngestFeedFiles(t *testing.T) {
	dir := t.TempDir()
	rss := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire Digest</title><link>https://digest.example/</link>
<item><title>Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia</title>
<link>https://www.nytimes.com/2017/05/26/us/politics/kushner-russia.html?utm_source=rss</link>
<guid isPermaLink="false">digest-1</guid><pubDate>Fri, 26 May 2017 22:00:00 GMT</pubDate>
<source url="https://www.nytimes.com/services/xml/rss/nyt/HomePage.xml">New York Times</source></item>
<item><title>Warriors beat Spurs in overtime</title><link>https://sports.example/warriors</link>
<guid>digest-2</guid><pubDate>Fri, 26 May 2017 23:00:00 GMT</pubDate></item>
</channel></rss>`
	atom := `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>CNN Politics</title><id>urn:cnn</id>
<updated>2017-05-27T01:00:00Z</updated><link rel="self" href="https://cnn.example/politics.atom"/>
<entry><title>Washington Post: Kushner proposed secret communication channel with Kremlin</title>
<id>urn:cnn:1</id><link href="https://edition.cnn.com/2017/05/26/politics/kushner-russia/index.html"/>
<updated>2017-05-27T01:00:00Z</updated></entry></feed>`
	os.WriteFile(filepath.Join(dir, "digest.txt"), []byte(rss), 0o644)
	os.WriteFile(filepath.Join(dir, "cnn"), []byte(atom), 0o644)
	db := filepath.Join(t.TempDir(), "n.db")
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--db", db, dir}, nil, &out, &errb); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out.String())
	}
	for _, want := range []string{`feed "CNN Politics": items: 1 new`, `feed "Wire Digest": items: 2 new`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	stories := readStories(t, db)
	kremlin := storyWith(t, stories, "Kushner Is Said to Have Discussed")
	got := append([]string(nil), kremlin.Outlets...)
	slices.Sort(got)
	if !slices.Equal(got, []string{"CNN Politics", "New York Times"}) {
		t.Errorf("outlets = %v, want the <source> name and the feed title", kremlin.Outlets)
	}
	for _, it := range kremlin.Items {
		if it.Outlet != nil && *it.Outlet == "New York Times" && (it.URL == nil || !strings.Contains(*it.URL, "utm_source=rss") || it.GUID == nil || *it.GUID != "digest-1") {
			t.Errorf("provenance lost: %+v", it)
		}
	}
	if s := storyWith(t, stories, "Warriors beat Spurs"); s.ID == kremlin.ID {
		t.Error("the sports item joined the Kremlin story")
	}
	// Again: nothing new.
	out.Reset()
	if err := run(context.Background(), []string{"ingest", "--db", db, dir}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "0 new, 0 updated") != 2 {
		t.Errorf("second ingest:\n%s", out.String())
	}
}
