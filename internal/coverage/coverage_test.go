package coverage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

var tagger = model.Tagger{Authority: "example.org", Date: "2026"}

type env struct {
	db  *store.DB
	svc *Service
	now time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{now: time.Date(2017, 5, 27, 12, 0, 0, 0, time.UTC)}
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "c.db"),
		store.Options{Tagger: tagger, Now: func() time.Time { return e.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	e.svc = New(Config{Store: db, Tagger: tagger, Now: func() time.Time { return e.now }})
	return e
}

func (e *env) ingest(t *testing.T, items ...model.Item) (model.IngestCounts, []error) {
	t.Helper()
	var counts model.IngestCounts
	rejected, err := e.svc.IngestItems(context.Background(), items, func(b *model.CoverageBatch) error {
		var err error
		counts, err = e.db.ApplyCoverage(context.Background(), b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts, rejected
}

func (e *env) stories(t *testing.T) []model.Story {
	t.Helper()
	page, err := e.db.ListStories(context.Background(), 100, "")
	if err != nil {
		t.Fatal(err)
	}
	return page.Stories
}

func feedItem(source, guid, outlet, title, url string, at time.Time) model.Item {
	return model.Item{SourceKey: source, GUID: guid, Outlet: outlet, Title: title, URL: url, Published: at}
}

var day = time.Date(2017, 5, 26, 20, 0, 0, 0, time.UTC)

func TestStoriesGrowAndKeepTheirID(t *testing.T) {
	e := newEnv(t)
	counts, _ := e.ingest(t,
		feedItem("nyt", "n1", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", "https://www.nytimes.com/2017/05/26/us/kushner-russia.html?utm_source=rss", day),
		feedItem("cnn", "c1", "CNN", "Washington Post: Kushner proposed secret communication channel with Kremlin", "https://edition.cnn.com/2017/05/26/politics/kushner/index.html", day.Add(time.Hour)))
	if counts != (model.IngestCounts{New: 2}) {
		t.Fatalf("counts = %+v", counts)
	}
	first := e.stories(t)
	if len(first) != 1 || len(first[0].Members) != 2 {
		t.Fatalf("stories = %+v", first)
	}
	e.now = e.now.Add(time.Hour)
	e.ingest(t, feedItem("fox", "f1", "FOX News", "Jared Kushner wanted secret communications channel with Russia, new report alleges", "https://www.foxnews.com/politics/kushner-channel", day.Add(2*time.Hour)))
	after := e.stories(t)
	if len(after) != 1 || after[0].ID != first[0].ID || len(after[0].Outlets) != 3 || !after[0].Updated.After(first[0].Updated) {
		t.Fatalf("after a new outlet: %+v (was %+v)", after, first)
	}
	// The same items again: nothing changes.
	counts, _ = e.ingest(t,
		feedItem("nyt", "n1", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", "https://www.nytimes.com/2017/05/26/us/kushner-russia.html?utm_source=rss", day))
	if counts != (model.IngestCounts{Unchanged: 1}) {
		t.Fatalf("re-ingest = %+v", counts)
	}
	// Provenance is kept: the original link, not the canonical one.
	for _, m := range after[0].Members {
		if m.Item.Outlet == "New York Times" && !strings.Contains(m.Item.URL, "utm_source=rss") {
			t.Errorf("original URL replaced: %q", m.Item.URL)
		}
	}
}

func TestSameArticleFromTwoFeeds(t *testing.T) {
	e := newEnv(t)
	e.ingest(t, feedItem("reuters", "r1", "Reuters", "Oil falls on weak China data", "http://www.reuters.com/article/oil-idUS123", day))
	e.ingest(t, feedItem("yahoo", "y9", "Yahoo News", "Crude slides", "https://reuters.com/article/oil-idUS123?utm_medium=yahoo#top", day.Add(time.Hour)))
	s := e.stories(t)
	if len(s) != 1 || len(s[0].Members) != 2 || s[0].Members[1].Reason != model.ReasonSameURL {
		t.Fatalf("stories = %+v", s)
	}
}

func TestReusedGUIDDoesNotOverwrite(t *testing.T) {
	e := newEnv(t)
	e.ingest(t, feedItem("blog", "same", "A Blog", "Warriors win the championship in game five", "https://blog.example/warriors", day))
	counts, _ := e.ingest(t, feedItem("blog", "same", "A Blog", "City council approves new transit budget", "https://blog.example/council", day.Add(time.Hour)))
	if counts.New != 1 {
		t.Fatalf("a reused GUID for another article: %+v, want it stored as new", counts)
	}
	if s := e.stories(t); len(s) != 2 {
		t.Fatalf("%d stories, want 2", len(s))
	}
}

func TestBadItems(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("word ", 2000)
	counts, rejected := e.ingest(t,
		model.Item{SourceKey: "x", Outlet: "X"},                                          // no title, no link
		model.Item{SourceKey: "x", Outlet: "X", URL: "/relative/path"},                   // link only, relative
		model.Item{SourceKey: "x", Outlet: "X", Title: "No date at all for this one"},    // no date
		model.Item{SourceKey: "x", Outlet: "X", Title: long, URL: "ht!tp://bad url"},     // huge title, bad URL
		model.Item{SourceKey: "x", Outlet: "X", Title: "Plain item with a normal title"}, // fine
	)
	if len(rejected) != 1 || !errors.Is(rejected[0], model.ErrInvalid) {
		t.Fatalf("rejected = %v, want the empty item", rejected)
	}
	if counts.New != 4 {
		t.Fatalf("counts = %+v", counts)
	}
	stories := e.stories(t)
	for _, s := range stories {
		for _, m := range s.Members {
			if len(m.Item.Title) > model.MaxTitleLen {
				t.Errorf("title of %d bytes stored", len(m.Item.Title))
			}
			if m.Item.Title == "No date at all for this one" && (!m.Item.DateEstimated || !m.Item.Published.Equal(e.now)) {
				t.Errorf("undated item: %+v", m.Item)
			}
		}
	}
	if len(stories) < 3 {
		t.Errorf("unrelated bad items merged into %d stories", len(stories))
	}
}

func TestRestartRebuildsIndex(t *testing.T) {
	e := newEnv(t)
	e.ingest(t, feedItem("nyt", "n1", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", "", day),
		feedItem("cnn", "c1", "CNN", "Washington Post: Kushner proposed secret communication channel with Kremlin", "", day))
	// A new service over the same store: it must rebuild its index.
	e.svc = New(Config{Store: e.db, Tagger: tagger, Now: func() time.Time { return e.now }})
	e.ingest(t, feedItem("usa", "u1", "USA Today", "Kushner, Russians discussed secret communication link, reports say", "", day))
	if s := e.stories(t); len(s) != 1 || len(s[0].Members) != 3 {
		t.Fatalf("after restart: %+v", s)
	}
}

func TestFailedCommitRebuildsIndex(t *testing.T) {
	e := newEnv(t)
	boom := errors.New("disk full")
	_, err := e.svc.IngestItems(context.Background(), []model.Item{feedItem("nyt", "n1", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", "", day)},
		func(*model.CoverageBatch) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	// The lost item must not be known to the index: a related item starts
	// its own story instead of joining a story the store never saw.
	counts, _ := e.ingest(t, feedItem("cnn", "c1", "CNN", "Washington Post: Kushner proposed secret communication channel with Kremlin", "", day))
	if counts.New != 1 {
		t.Fatalf("counts = %+v", counts)
	}
	if s := e.stories(t); len(s) != 1 || len(s[0].Members) != 1 {
		t.Fatalf("stories = %+v", s)
	}
}

func TestPostLinksToCitedStory(t *testing.T) {
	e := newEnv(t)
	p := &model.Post{Title: "Kushner and Other Senior Trump Officials Used WhatsApp to Conduct Official Business",
		Body: []model.Block{{Kind: model.Paragraph, Text: "Lock them up."}},
		Related: []model.RelatedItem{{Kind: model.RelatedCited, Outlet: "Washington Post",
			Title: "The Cybersecurity 202: Kushner’s WhatsApp habit raises security concerns"}}}
	_, err := e.svc.IngestPost(context.Background(), p, func(b *model.CoverageBatch) error {
		_, err := e.db.IngestPost(context.Background(), p, b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s := e.stories(t)
	if len(s) != 1 || len(s[0].Members) != 2 || s[0].Members[1].Reason != model.ReasonCitedBy || len(s[0].Posts) != 1 {
		t.Fatalf("stories = %+v", s)
	}
	got, err := e.db.Post(context.Background(), p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if got.StoryKey != s[0].Key || len(got.Related) != 1 || got.Related[0].StoryKey != s[0].Key {
		t.Fatalf("post story %q, related %+v; want %q", got.StoryKey, got.Related, s[0].Key)
	}
}

func TestMergedStoryRedirects(t *testing.T) {
	e := newEnv(t)
	cfg := Config{Store: e.db, Tagger: tagger, Now: func() time.Time { return e.now }}
	cfg.Dedup.JoinThreshold, cfg.Dedup.PairThreshold, cfg.Dedup.MergeThreshold = 0.2, 0.2, 0.2
	e.svc = New(cfg)
	e.ingest(t, feedItem("a", "1", "A", "Malaysia Airlines flight MH370 missing over sea", "", day))
	e.ingest(t, feedItem("b", "2", "B", "Search widens for missing jet in Gulf of Thailand", "", day.Add(time.Hour)))
	before := e.stories(t)
	if len(before) != 2 {
		t.Fatalf("setup: %d stories", len(before))
	}
	e.ingest(t, feedItem("c", "3", "C", "Malaysia Airlines MH370 search widens for missing jet in Gulf of Thailand", "", day.Add(2*time.Hour)))
	after := e.stories(t)
	if len(after) != 1 || len(after[0].Members) != 3 {
		t.Fatalf("after the bridging item: %+v", after)
	}
	// The older story's ID survives; the other redirects to it.
	older, newer := before[0], before[1] // the older is the one the first item started
	if older.Members[0].Item.Outlet != "A" {
		older, newer = newer, older
	}
	if after[0].ID != older.ID {
		t.Fatalf("survivor %s, want the older %s", after[0].ID, older.ID)
	}
	_, err := e.db.Story(context.Background(), newer.Key)
	var moved *model.Moved
	if !errors.As(err, &moved) || moved.To != older.Key {
		t.Fatalf("merged story: %v, want a move to %s", err, older.Key)
	}
	// A restarted service knows the merge too.
	e.svc = New(cfg)
	e.ingest(t, feedItem("d", "4", "D", "Search for missing jet widens in Gulf of Thailand", "", day.Add(3*time.Hour)))
	if s := e.stories(t); len(s) != 1 || len(s[0].Members) != 4 {
		t.Fatalf("after restart: %+v", s)
	}
}

func TestChangingGUIDsDoNotFlood(t *testing.T) {
	e := newEnv(t)
	for fetch := 0; fetch < 5; fetch++ {
		counts, _ := e.ingest(t,
			feedItem("flaky", fmt.Sprintf("guid-%d-a", fetch), "Flaky", "Oil falls on weak China data", "https://flaky.example/oil?utm_source=rss", day),
			feedItem("flaky", fmt.Sprintf("guid-%d-b", fetch), "Flaky", "Warriors beat Spurs in overtime", "https://flaky.example/warriors", day))
		want := model.IngestCounts{New: 2}
		if fetch > 0 {
			want = model.IngestCounts{Updated: 0, Unchanged: 2}
		}
		if counts != want {
			t.Fatalf("fetch %d: %+v, want %+v", fetch, counts, want)
		}
	}
}
