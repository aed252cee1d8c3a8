package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/feedcheck"
)

// TestValidateStoryFeeds runs the story feeds through the outside tools
// of internal/feedcheck (jing with the Atom grammar, xmllint, feedparser
// and a JSON Feed check). A missing tool skips its subtest, or fails it
// when CI is set.
func TestValidateStoryFeeds(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	dir := t.TempDir()
	for path, entries := range map[string]int{"/stories": 2, "/stories/" + budgetStoryKey: 6, "/stories/" + courtStoryKey: 2} {
		for _, f := range feeds.Formats {
			_, body := get(t, ts.URL+path+"."+string(f))
			file := filepath.Join(dir, strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")+"."+string(f))
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			validateFeed(t, f, path+"."+string(f), file, entries)
		}
	}
}

// validateFeed checks the feed document in file, of format f, with the
// outside tools, each as a subtest of name: jing with the Atom grammar and
// xmllint for Atom, xmllint for RSS, feedparser's entry count for both,
// and the JSON Feed checks for JSON.
func validateFeed(t *testing.T, f feeds.Format, name, file string, entries int) {
	t.Helper()
	switch f {
	case feeds.Atom:
		t.Run(name+"/jing", func(t *testing.T) { feedcheck.Jing(t, feedcheck.SchemaPath(t), file) })
		fallthrough
	case feeds.RSS:
		t.Run(name+"/xmllint", func(t *testing.T) { feedcheck.Xmllint(t, file) })
		t.Run(name+"/feedparser", func(t *testing.T) { feedcheck.Feedparser(t, file, entries) })
	case feeds.JSON:
		t.Run(name+"/jsonfeed", func(t *testing.T) { feedcheck.JSONFeed(t, file, entries) })
	}
}
