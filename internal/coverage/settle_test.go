package coverage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/urlcanon"
	"github.com/newswire/newswire/store"
)

func (e *env) settle(t *testing.T) SettleReport {
	t.Helper()
	r, err := e.svc.Settle(context.Background(), e.db.ApplyRegroup)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A late item that belongs to a story joins it, and the story keeps its ID
// although the late item is older than the story's first item.
func TestSettleLateItemKeepsStoryID(t *testing.T) {
	e := newEnv(t)
	e.ingest(t,
		feedItem("cnn", "c1", "CNN", "Washington Post: Kushner proposed secret communication channel with Kremlin", "https://edition.cnn.com/2017/05/26/politics/kushner/index.html", day.Add(time.Hour)),
		feedItem("fox", "f1", "FOX News", "Jared Kushner wanted secret communications channel with Russia, new report alleges", "https://www.foxnews.com/politics/kushner-channel", day.Add(2*time.Hour)))
	if e.svc.Pending() {
		t.Fatal("items in order, yet a settle is pending")
	}
	before := e.stories(t)
	if len(before) != 1 {
		t.Fatalf("stories = %+v", before)
	}
	e.ingest(t, feedItem("nyt", "n1", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia with the Kremlin", "https://www.nytimes.com/2017/05/26/us/kushner-russia.html", day))
	if !e.svc.Pending() {
		t.Fatal("an item older than those stored arrived, but no settle is pending")
	}
	r := e.settle(t)
	if r.Items != 3 || e.svc.Pending() {
		t.Fatalf("settle = %+v, pending %v", r, e.svc.Pending())
	}
	after := e.stories(t)
	if len(after) != 1 || after[0].ID != before[0].ID || len(after[0].Members) != 3 {
		t.Fatalf("after settling: %+v, want story %s with 3 items", after, before[0].ID)
	}
	if r := e.settle(t); r.Items != 0 {
		t.Fatalf("second settle did work: %+v", r)
	}
}

// checkStories checks the stored stories hold n items between them, each
// once, with their sizes counted right, and that every merged story
// redirects to a live one.
func checkStories(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	for cursor := ""; ; {
		page, err := db.ListStories(ctx, 100, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Stories {
			if len(s.Members) == 0 {
				t.Errorf("live story %s has no items", s.ID)
			}
			for _, m := range s.Members {
				if seen[m.Item.ID] {
					t.Errorf("item %s in two stories", m.Item.ID)
				}
				seen[m.Item.ID] = true
			}
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(seen) != n {
		t.Errorf("%d items in live stories, want %d", len(seen), n)
	}
	aliases, err := db.StoryAliases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for from, to := range aliases {
		var moved *model.Moved
		if _, err := db.Story(ctx, from); !errors.As(err, &moved) {
			t.Errorf("merged story %s: %v, want a redirect", from, err)
		}
		if _, err := db.Story(ctx, to); err != nil {
			t.Errorf("story %s (target of %s): %v", to, from, err)
		}
	}
}

// uciItems reads the labelled UCI headlines as feed items (the first n by
// time), with each item's true story.
func uciItems(t *testing.T, n int) []model.Item {
	t.Helper()
	var items []model.Item
	seen := map[string]bool{}
	for _, r := range feedcheck.SharedCSV(t, "data/uci-news-dev.csv", "TIMESTAMP", "PUBLISHER", "URL", "TITLE") {
		ms, err := strconv.ParseInt(r["TIMESTAMP"], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		// Two rows of one outlet with one canonical link are one item,
		// whose headline is whichever came last: keep the first only, so
		// the items are the same whatever the order.
		canon, _ := urlcanon.Canonical(r["URL"])
		key := r["PUBLISHER"] + " " + canon
		if seen[key] {
			continue
		}
		seen[key] = true
		items = append(items, feedItem("uci:"+r["PUBLISHER"], r["URL"], r["PUBLISHER"],
			r["TITLE"], r["URL"], time.UnixMilli(ms).UTC()))
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Published.Before(items[j].Published) })
	return items[:min(n, len(items))]
}

// partition describes the stored stories as sets of item URLs, one line
// per story, sorted: equal partitions give equal strings.
func partition(t *testing.T, db *store.DB) string {
	t.Helper()
	var sets []string
	for cursor := ""; ; {
		page, err := db.ListStories(context.Background(), 200, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Stories {
			var urls []string
			for _, m := range s.Members {
				urls = append(urls, m.Item.URL)
			}
			sort.Strings(urls)
			sets = append(sets, strings.Join(urls, " "))
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	sort.Strings(sets)
	return strings.Join(sets, "\n")
}

// Real headlines ingested in batches in different orders into fresh
// databases give different stories as they arrive, and the same stories
// once settled.
func TestSettleMakesStoriesIndependentOfOrder(t *testing.T) {
	all := uciItems(t, 1000)
	items, later := all[:800], all[800:]
	const batch = 40
	var did SettleReport // summed over the runs
	run := func(order []int) (raw, settled string) {
		e := newEnv(t)
		shuffled := make([]model.Item, len(items))
		for i, j := range order {
			shuffled[i] = items[j]
		}
		for i := 0; i < len(shuffled); i += batch {
			e.ingest(t, shuffled[i:min(i+batch, len(shuffled))]...)
		}
		raw = partition(t, e.db)
		r := e.settle(t)
		if e.svc.Pending() {
			t.Fatal("pending after a settle")
		}
		did.Moved, did.Started, did.Folded = did.Moved+r.Moved, did.Started+r.Started, did.Folded+r.Folded
		checkStories(t, e.db, len(items))
		// The index the settle left behind names stories as the store
		// does: later items join them.
		settled = partition(t, e.db)
		for i := 0; i < len(later); i += batch {
			e.ingest(t, later[i:min(i+batch, len(later))]...)
		}
		checkStories(t, e.db, len(all))
		return raw, settled
	}
	inOrder := make([]int, len(items))
	for i := range inOrder {
		inOrder[i] = i
	}
	rawRef, ref := run(inOrder)
	rnd := rand.New(rand.NewPCG(3, 3))
	differed := 0
	for k := 0; k < 4; k++ {
		order := rnd.Perm(len(items))
		if k == 0 {
			order = make([]int, len(items))
			for i := range order {
				order[i] = len(items) - 1 - i
			}
		}
		raw, settled := run(order)
		if raw != rawRef {
			differed++
		}
		if settled != ref {
			t.Errorf("order %d: settled stories differ from those of time order:\n%s", k, diffLines(ref, settled))
		}
	}
	// The settles moved items, started stories and folded others (each
	// checked by checkStories): the test exercises every kind of change.
	if differed == 0 || did.Moved == 0 || did.Started == 0 || did.Folded == 0 {
		t.Fatalf("orders that changed the stories before settling: %d; settles: %+v", differed, did)
	}
	t.Logf("%d of 4 other orders gave other stories than time order before settling; settles: %+v", differed, did)
}

func diffLines(a, b string) string {
	in := map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		in[l] = true
	}
	var out []string
	for _, l := range strings.Split(b, "\n") {
		if !in[l] {
			out = append(out, "+ "+l)
		}
	}
	for i, l := range out {
		if len(l) > 300 {
			out[i] = l[:300] + "..."
		}
	}
	return fmt.Sprintf("%d stories not in the reference, e.g.\n%s", len(out), strings.Join(out[:min(3, len(out))], "\n"))
}

// A settle that cannot be stored leaves the store as it was, and the next
// settle does the work.
func TestSettleFailureChangesNothing(t *testing.T) {
	e := newEnv(t)
	items := uciItems(t, 200)
	for i := len(items) - 20; i >= 0; i -= 20 {
		e.ingest(t, items[i:i+20]...)
	}
	before := partition(t, e.db)
	_, err := e.svc.Settle(context.Background(), func(context.Context, *model.Regroup) error {
		return errors.New("disk full")
	})
	if err == nil || partition(t, e.db) != before || !e.svc.Pending() {
		t.Fatalf("failed settle: err %v, pending %v, stories changed %v", err, e.svc.Pending(), partition(t, e.db) != before)
	}
	// Ingest still works (the index is rebuilt), and the settle goes
	// through next time.
	e.ingest(t, feedItem("late", "l1", "Late", "Something else entirely happened today", "https://late.example/1", day))
	e.settle(t)
	checkStories(t, e.db, len(items)+1)
}
