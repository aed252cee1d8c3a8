package feeds

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"
)

// The validation tests run the rendered fixtures through outside tools
// (internal/feedcheck): jing with the Atom RELAX NG grammar, xmllint, and
// Python's feedparser as a reader would. A missing tool skips its subtest,
// or fails it when CI is set.

// writeFixture renders fx in format f into dir and returns the file's path.
func writeFixture(t *testing.T, dir string, fx fixture, f Format) string {
	t.Helper()
	path := filepath.Join(dir, fx.name+"."+string(f))
	if err := os.WriteFile(path, render(t, fx, f), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidateAtom(t *testing.T) {
	dir := t.TempDir()
	for _, fx := range fixtures {
		path := writeFixture(t, dir, fx, Atom)
		n := len(fx.feed(Atom).Entries)
		t.Run(fx.name+"/xmllint", func(t *testing.T) { feedcheck.Xmllint(t, path) })
		t.Run(fx.name+"/jing", func(t *testing.T) {
			feedcheck.Jing(t, feedcheck.SchemaPath(t), path)
		})
		t.Run(fx.name+"/feedparser", func(t *testing.T) {
			r := feedcheck.Feedparser(t, path, n)
			checkFeedparser(t, fx, Atom, r)
		})
	}
}

func TestValidateRSS(t *testing.T) {
	dir := t.TempDir()
	for _, fx := range fixtures {
		path := writeFixture(t, dir, fx, RSS)
		n := len(fx.feed(RSS).Entries)
		t.Run(fx.name+"/xmllint", func(t *testing.T) { feedcheck.Xmllint(t, path) })
		t.Run(fx.name+"/feedparser", func(t *testing.T) {
			r := feedcheck.Feedparser(t, path, n)
			checkFeedparser(t, fx, RSS, r)
		})
	}
}

func TestValidateJSON(t *testing.T) {
	dir := t.TempDir()
	for _, fx := range fixtures {
		path := writeFixture(t, dir, fx, JSON)
		n := len(fx.feed(JSON).Entries)
		t.Run(fx.name+"/jsonfeed", func(t *testing.T) {
			r := feedcheck.JSONFeed(t, path, n)
			checkFeedparser(t, fx, JSON, r)
		})
		t.Run(fx.name+"/feedparser", func(t *testing.T) {
			if !feedcheck.FeedparserReadsJSON(t) {
				t.Skip("this feedparser does not read JSON Feed; checked by feedcheck.JSONFeed instead")
			}
			r := feedcheck.Feedparser(t, path, n)
			checkFeedparser(t, fx, JSON, r)
		})
	}
}

// checkFeedparser compares what a reader got with the fixture: IDs and
// titles as plain text, and the hostile comment shown as characters.
func checkFeedparser(t *testing.T, fx fixture, f Format, r feedcheck.Result) {
	t.Helper()
	feed := fx.feed(f)
	d := prepare(feed)
	if r.Title != feed.Title {
		t.Errorf("feed title %q, want %q", r.Title, feed.Title)
	}
	if feed.SelfURL != "" && !hasLink(r.Links, "self", feed.SelfURL) {
		t.Errorf("no self link %s in %+v", feed.SelfURL, r.Links)
	}
	if len(r.Items) != len(d.entries) {
		return // counted by the caller
	}
	for i, e := range d.entries {
		it := r.Items[i]
		if it.ID != e.id {
			t.Errorf("entry %d: id %q, want %q", i, it.ID, e.id)
		}
		if it.Title != e.Title {
			t.Errorf("entry %d: title %q, want %q", i, it.Title, e.Title)
		}
		if e.URL != "" && it.Link != e.URL { // feedparser makes up links from http IDs
			t.Errorf("entry %d: link %q, want %q", i, it.Link, e.URL)
		}
		// feedparser appends " (email)" to Atom authors with an address.
		if want := personName(e.Author); want != "" && !strings.HasPrefix(it.Author, want) {
			t.Errorf("entry %d: author %q, want %q", i, it.Author, want)
		}
		if len(it.Content) == 0 && it.Summary == "" {
			t.Errorf("entry %d: no content", i)
		}
		if e.id == hostileID {
			checkHostile(t, f, firstNonEmpty(append(it.Content, it.Summary)...))
		}
	}
}

var liveScript = regexp.MustCompile(`(?i)<\s*script`)

// checkHostile checks the hostile comment's content as a reader got it
// (after one XML or JSON decode): HTML that shows the comment's characters
// and contains no markup of its own making.
func checkHostile(t *testing.T, f Format, value string) {
	t.Helper()
	if !strings.Contains(value, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("%s: hostile comment's <script> is not shown as characters: %q", f, value)
	}
	if liveScript.MatchString(value) {
		t.Errorf("%s: hostile comment has a live <script> tag: %q", f, value)
	}
	// The comment's own "&amp;" is five characters: escaped once it is
	// "&amp;amp;"; escaped twice it would be "&amp;amp;amp;". Its bare "&"
	// (in "AT&T") must be escaped exactly once.
	for _, bad := range []string{"&amp;amp;amp;", "AT&amp;amp;T", "&amp;lt;", "&amp;#"} {
		if strings.Contains(value, bad) {
			t.Errorf("%s: hostile comment double-escaped (%q): %q", f, bad, value)
		}
	}
	text := html.UnescapeString(stripTags(value))
	for _, want := range []string{"<script>alert(1)</script>", "I wrote &amp; on purpose", "AT&T", `"hi"`, "'bye'", "Naïve café — 東京 ✓ 😀", "q=a&b=<c> done."} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: hostile comment does not read %q after one HTML decode: %q", f, want, text)
		}
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagRE.ReplaceAllString(s, "") }

func hasLink(links []feedcheck.Link, rel, href string) bool {
	for _, l := range links {
		if l.Rel == rel && l.Href == href {
			return true
		}
	}
	return false
}
