package dedup

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

var t0 = time.Date(2017, 5, 27, 12, 0, 0, 0, time.UTC)

func in(id, outlet, title string, at time.Duration) Input {
	return Input{NewStoryID: "story-" + id, SourceKey: outlet, Outlet: outlet, Title: title, Time: t0.Add(at)}
}

func TestLayers(t *testing.T) {
	wire := "WASHINGTON (AP) — Jared Kushner and Russia's ambassador discussed setting up a secret communications channel with the Kremlin, officials said on Friday"
	tests := []struct {
		name   string
		first  Input
		second Input
		reason model.Reason // "" means: a new story
	}{
		{"same canonical URL",
			Input{NewStoryID: "a", CanonicalURL: "https://nyt.com/x", Title: "Kushner channel", Outlet: "NYT"},
			Input{NewStoryID: "b", CanonicalURL: "https://nyt.com/x", Title: "Totally different words", Outlet: "Aggregator"},
			model.ReasonSameURL},
		{"same GUID, same source",
			Input{NewStoryID: "a", SourceKey: "feed1", GUID: "g1", Title: "Kushner channel"},
			Input{NewStoryID: "b", SourceKey: "feed1", GUID: "g1", Title: "Kushner channel, updated"},
			model.ReasonSameGUID},
		{"same GUID, other source is no match",
			Input{NewStoryID: "a", SourceKey: "feed1", GUID: "g1", Title: "Kushner channel"},
			Input{NewStoryID: "b", SourceKey: "feed2", GUID: "g1", Title: "Lakers win the title"},
			""},
		{"same outlet, same headline",
			Input{NewStoryID: "a", Outlet: "CNN", Title: "Kushner ‘proposed’  secret channel"},
			Input{NewStoryID: "b", Outlet: "cnn", Title: "kushner 'proposed' secret channel"},
			model.ReasonSameTitle},
		{"syndicated wire copy",
			Input{NewStoryID: "a", Outlet: "Star Tribune", Title: "Kushner sought channel", Summary: wire},
			Input{NewStoryID: "b", Outlet: "Seattle Times", Title: "Kushner sought channel to Kremlin", Summary: wire},
			model.ReasonSyndicated},
		{"same event, other words",
			in("a", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", 0),
			in("b", "FOX News", "Jared Kushner wanted secret communications channel with Russia, new report alleges", time.Hour),
			model.ReasonSameEvent},
		{"same words, outside the window",
			in("a", "New York Times", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", 0),
			in("b", "FOX News", "Jared Kushner wanted secret communications channel with Russia, new report alleges", 30*24*time.Hour),
			""},
		{"one shared word is not an event",
			in("a", "CNN", "Kushner proposed secret communication channel with Kremlin", 0),
			in("b", "Politico", "Lawyer says Kushner has no recollection of undisclosed contacts", time.Hour),
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{})
			d1 := c.Assign(tt.first)
			if !d1.New || d1.Reason != model.ReasonFirst || d1.StoryID != tt.first.NewStoryID {
				t.Fatalf("first = %+v", d1)
			}
			d2 := c.Assign(tt.second)
			if tt.reason == "" {
				if !d2.New || d2.StoryID != tt.second.NewStoryID {
					t.Fatalf("second = %+v, want a new story", d2)
				}
				return
			}
			if d2.New || d2.StoryID != d1.StoryID || d2.Reason != tt.reason {
				t.Fatalf("second = %+v, want story %s by %s", d2, d1.StoryID, tt.reason)
			}
		})
	}
}

func TestMergeKeepsOlderID(t *testing.T) {
	c := New(Config{JoinThreshold: 0.2, MergeThreshold: 0.2})
	a := c.Assign(in("a", "A", "Malaysia Airlines flight MH370 missing over sea", 0))
	b := c.Assign(in("b", "B", "Search widens for missing jet in Gulf of Thailand", time.Hour))
	if !a.New || !b.New {
		t.Fatalf("setup: %+v %+v", a, b)
	}
	// An item that ties both stories together merges them into the older.
	d := c.Assign(in("c", "C", "Malaysia Airlines MH370 search widens for missing jet in Gulf of Thailand", 2*time.Hour))
	if d.StoryID != "story-a" || len(d.Merged) != 1 || d.Merged[0] != "story-b" {
		t.Fatalf("bridge = %+v, want story-a absorbing story-b", d)
	}
	if c.Resolve("story-b") != "story-a" || c.Resolve("story-a") != "story-a" || c.Stories() != 1 {
		t.Fatalf("after merge: b→%s, %d stories", c.Resolve("story-b"), c.Stories())
	}
	// Later items about either side land in the survivor.
	if d := c.Assign(in("d", "D", "Search for missing jet widens in Gulf of Thailand", 3*time.Hour)); d.StoryID != "story-a" {
		t.Fatalf("after merge: %+v", d)
	}
}

func TestRestoreRebuildsState(t *testing.T) {
	items := []Input{
		in("a", "NYT", "Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", 0),
		in("b", "CNN", "Washington Post: Kushner proposed secret communication channel with Kremlin", time.Hour),
		in("c", "ESPN", "Warriors beat Spurs in overtime thriller", 2*time.Hour),
	}
	live := New(Config{})
	var stories []string
	for _, it := range items {
		stories = append(stories, live.Assign(it).StoryID)
	}
	restored := New(Config{})
	for i, it := range items {
		restored.Restore(it, stories[i])
	}
	next := in("d", "USA Today", "Kushner, Russians discussed secret communication link, reports say", 3*time.Hour)
	if a, b := live.Assign(next), restored.Assign(next); a.StoryID != b.StoryID || a.Reason != b.Reason {
		t.Fatalf("live %+v, restored %+v", a, b)
	}
}

func TestNoTitleNoCrash(t *testing.T) {
	c := New(Config{})
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		d := c.Assign(Input{NewStoryID: fmt.Sprint(i), Time: t0})
		seen[d.StoryID] = true
	}
	// Items with nothing to compare never merge into one story.
	if len(seen) != 50 {
		t.Fatalf("50 empty items made %d stories", len(seen))
	}
}

func TestScore(t *testing.T) {
	s := Score([]string{"x", "x", "y", "y"}, []string{"a", "a", "b", "b"})
	if s.BCubedF1 != 1 || s.PairF1 != 1 {
		t.Errorf("perfect = %+v", s)
	}
	s = Score([]string{"x", "x", "x", "x"}, []string{"a", "a", "b", "b"})
	if s.BCubedPrecision != 0.5 || s.BCubedRecall != 1 || s.PairPrecision != 2.0/6 {
		t.Errorf("one cluster = %+v", s)
	}
	s = Score([]string{"w", "x", "y", "z"}, []string{"a", "a", "b", "b"})
	if s.BCubedPrecision != 1 || s.BCubedRecall != 0.5 || s.PairRecall != 0 {
		t.Errorf("singletons = %+v", s)
	}
}

func TestTokens(t *testing.T) {
	got := fmt.Sprint(Tokens("Fed's Officials Say Weak Data Caused By Weather; Stocks fall 1.8% to $1.8B"))
	want := "[fed official weak data caused weather stock fall 1.8 1.8b]"
	if got != want {
		t.Errorf("Tokens = %s, want %s", got, want)
	}
}

// TestOrderIndependence: well-separated stories come out the same whatever
// the order the items arrive in.
func TestOrderIndependence(t *testing.T) {
	stories := [][]string{
		{"Malaysia Airlines flight MH370 missing over South China Sea", "Search for missing Malaysia Airlines jet MH370 widens",
			"MH370: families wait for news of missing Malaysia Airlines plane", "Missing Malaysia Airlines MH370 search expands to Indian Ocean"},
		{"Snowden tells SXSW crowd encryption can stop NSA spying", "Edward Snowden at SXSW: encryption is the answer to NSA surveillance",
			"Snowden urges tech firms at SXSW to adopt encryption against NSA"},
		{"GM recall probe led by legal heavyweight Valukas", "GM hires Valukas to lead internal ignition recall probe",
			"General Motors recall: Valukas to investigate ignition switch delay"},
		{"Colorado raises $2M in first month of marijuana taxes", "Colorado collects $3.5 million from first month of marijuana sales taxes",
			"Marijuana taxes bring Colorado millions in first month"},
	}
	var items []Input
	var truth []string
	for s, titles := range stories {
		for i, title := range titles {
			items = append(items, in(fmt.Sprintf("%d-%d", s, i), fmt.Sprintf("Outlet %d", i), title, time.Duration(s*10+i)*time.Minute))
			truth = append(truth, fmt.Sprint(s))
		}
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	for run := 0; run < 50; run++ {
		order := rnd.Perm(len(items))
		c := New(Config{})
		pred := make([]string, len(items))
		for _, i := range order {
			pred[i] = c.Assign(items[i]).StoryID
		}
		for i := range pred {
			pred[i] = c.Resolve(pred[i])
		}
		if s := Score(pred, truth); s.BCubedF1 != 1 {
			t.Fatalf("order %v: %+v", order, s)
		}
	}
}
