package dedup

import (
	"strings"
	"testing"
	"time"
)

// FuzzAssign feeds arbitrary headlines and summaries through clustering:
// it never panics, every decision names a story, and a new story is
// always the item's own.
func FuzzAssign(f *testing.F) {
	f.Add("Kushner Is Said to Have Discussed a Secret Channel to Talk to Russia", "CNN: Kushner proposed secret channel", "", int64(0))
	f.Add("Fed's Plosser: $1.8B 'taper' — 3.5% … ünïcödé", "", "summary words here and there", int64(3600))
	f.Add("", "", "", int64(-1))
	f.Fuzz(func(t *testing.T, a, b, summary string, dt int64) {
		c := New(Config{})
		titles := append(strings.Split(a, "\n"), b)
		for i, title := range titles {
			id := "s" + string(rune('a'+i%26))
			d := c.Assign(Input{NewStoryID: id, Outlet: "O", Title: title, Summary: summary,
				Time: t0.Add(time.Duration(dt) * time.Second)})
			if d.StoryID == "" || (d.New && d.StoryID != id) {
				t.Fatalf("decision %+v for %q", d, title)
			}
		}
		_ = Tokens(a + b + summary)
	})
}
