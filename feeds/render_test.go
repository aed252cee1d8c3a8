package feeds

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

// render renders a fixture in format f, failing the test on error.
func render(t testing.TB, fx fixture, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, f, fx.feed(f)); err != nil {
		t.Fatalf("Render(%s, %s): %v", fx.name, f, err)
	}
	return buf.Bytes()
}

func goldenPath(name string, f Format) string {
	return filepath.Join("testdata", "golden", name+"."+string(f))
}

func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		for _, f := range Formats {
			t.Run(fx.name+"."+string(f), func(t *testing.T) {
				got := render(t, fx, f)
				path := goldenPath(fx.name, f)
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./feeds/ -run TestGolden -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from golden file %s (rerun with -update if intended):\n%s", fx.name, path, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}

func TestRenderDeterministic(t *testing.T) {
	for _, fx := range fixtures {
		for _, f := range Formats {
			a, b := render(t, fx, f), render(t, fx, f)
			if !bytes.Equal(a, b) {
				t.Errorf("%s.%s: two renders differ", fx.name, f)
			}
		}
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, Format("html"), &Feed{}); err == nil {
		t.Fatal("Render with an unknown format: no error")
	}
	if buf.Len() != 0 {
		t.Errorf("Render with an unknown format wrote %q", buf.String())
	}
}

func TestRenderNilFeed(t *testing.T) {
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Render(&buf, f, nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestNoRandomIDs checks that gorilla's random urn:uuid IDs never appear:
// every ID is the entry's own or derived from stable data.
func TestNoRandomIDs(t *testing.T) {
	for _, fx := range fixtures {
		for _, f := range Formats {
			if out := render(t, fx, f); bytes.Contains(out, []byte("urn:uuid:")) {
				t.Errorf("%s.%s contains a urn:uuid ID", fx.name, f)
			}
		}
	}
}

func TestDates(t *testing.T) {
	feed := &Feed{Title: "t", Entries: []Entry{
		{ID: "a", Title: "published only", Published: at("2024-01-02T03:04:05Z")},
		{ID: "b", Title: "updated only", Updated: at("2024-01-03T03:04:05.9+02:00")},
		{ID: "c", Title: "undated"},
	}}
	d := prepare(feed)
	if want := at("2024-01-03T01:04:05Z"); !d.updated.Equal(want) || d.updated.Location() != time.UTC {
		t.Errorf("feed updated = %v, want newest entry %v in UTC", d.updated, want)
	}
	e := d.entries
	if !e[0].updated.Equal(e[0].published) || !e[1].published.Equal(e[1].updated) {
		t.Errorf("Published/Updated do not stand in for each other: %+v", e[:2])
	}
	if e[1].updated.Nanosecond() != 0 {
		t.Errorf("dates not truncated to the second: %v", e[1].updated)
	}
	if e[2].dated() {
		t.Errorf("undated entry has dates: %+v", e[2])
	}
	if d := prepare(&Feed{Entries: []Entry{{ID: "x"}}}); !d.updated.Equal(Epoch) {
		t.Errorf("all-zero feed updated = %v, want Epoch", d.updated)
	}

	var buf bytes.Buffer
	if err := RenderAtom(&buf, &Feed{ID: "x", Title: "t"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<updated>1970-01-01T00:00:00Z</updated>") {
		t.Errorf("empty feed is not dated at the epoch:\n%s", buf.String())
	}
	buf.Reset()
	if err := RenderRSS(&buf, feed); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<lastBuildDate>Wed, 03 Jan 2024 01:04:05 +0000</lastBuildDate>") ||
		!strings.Contains(buf.String(), "<pubDate>Tue, 02 Jan 2024 03:04:05 +0000</pubDate>") {
		t.Errorf("RSS dates are not RFC 1123Z in UTC:\n%s", buf.String())
	}
}

func TestFallbackIDs(t *testing.T) {
	feed := sparseFeed(JSON)
	d := prepare(feed)
	if !strings.HasPrefix(d.id, "urn:newswire:feed:") {
		t.Errorf("feed ID = %q", d.id)
	}
	if d.entries[0].id == d.entries[1].id || !strings.HasPrefix(d.entries[0].id, "urn:newswire:entry:") {
		t.Errorf("entry IDs = %q, %q", d.entries[0].id, d.entries[1].id)
	}
	if id := prepare(&Feed{Entries: []Entry{{URL: "https://x.example/1"}}}).entries[0].id; id != "https://x.example/1" {
		t.Errorf("entry without ID: got %q, want its URL", id)
	}
	if got := prepare(sparseFeed(JSON)).entries[0].id; got != d.entries[0].id {
		t.Errorf("fallback ID not stable: %q then %q", d.entries[0].id, got)
	}
}
