package feedcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodAtom = `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>t</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>
  <author><name>a</name></author>
  <entry><title>e</title><id>urn:e</id><updated>2024-01-01T00:00:00Z</updated><content>c</content></entry>
</feed>
`

func TestJingAndXmllint(t *testing.T) {
	schema := SchemaPath(t)
	good := write(t, "good.atom", goodAtom)
	bad := write(t, "bad.atom", strings.Replace(goodAtom, "<id>urn:x</id>", "", 1))
	broken := write(t, "broken.atom", strings.Replace(goodAtom, "</feed>", "", 1))

	r := &recorder{TB: t}
	Jing(r, schema, good)
	Xmllint(r, good)
	if len(r.errs) > 0 {
		t.Errorf("valid Atom rejected: %q", r.errs)
	}
	r = &recorder{TB: t}
	Jing(r, schema, bad)
	if len(r.errs) == 0 {
		t.Error("jing accepted a feed without an id")
	}
	r = &recorder{TB: t}
	Xmllint(r, broken)
	if len(r.errs) == 0 {
		t.Error("xmllint accepted an unclosed document")
	}
}

func TestFeedparser(t *testing.T) {
	res := Feedparser(t, write(t, "good.atom", goodAtom), 1)
	if res.Version != "atom10" || res.Title != "t" || len(res.Items) != 1 || res.Items[0].ID != "urn:e" {
		t.Errorf("feedparser read %+v", res)
	}
	res = FeedparserParse(t, write(t, "broken.atom", strings.Replace(goodAtom, "</feed>", "", 1)))
	if !res.Bozo {
		t.Error("feedparser found an unclosed document well-formed")
	}
}

func TestCheckJSONFeed(t *testing.T) {
	good := `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[
		{"id":"1","content_html":"<p>x</p>","date_published":"2024-01-01T00:00:00Z","authors":[{"name":"a"}],"_ext":{"k":1}}]}`
	if problems, r := CheckJSONFeed([]byte(good)); len(problems) > 0 || r.Entries != 1 || r.Items[0].Author != "a" {
		t.Errorf("valid feed: %q, %+v", problems, r)
	}
	for name, doc := range map[string]string{
		"no items":      `{"version":"https://jsonfeed.org/version/1.1","title":"t"}`,
		"no title":      `{"version":"https://jsonfeed.org/version/1.1","items":[]}`,
		"old version":   `{"version":"https://jsonfeed.org/version/1","title":"t","items":[]}`,
		"no content":    `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1"}]}`,
		"no id":         `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"content_text":"x"}]}`,
		"bad date":      `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","content_text":"x","date_modified":"yesterday"}]}`,
		"unknown key":   `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","content_text":"x","banner_":"y"}]}`,
		"empty author":  `{"version":"https://jsonfeed.org/version/1.1","title":"t","authors":[{}],"items":[]}`,
		"duplicate ids": `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"1","content_text":"x"},{"id":"1","content_text":"y"}]}`,
		"not json":      `<rss/>`,
	} {
		if problems, r := CheckJSONFeed([]byte(doc)); len(problems) == 0 || !r.Bozo {
			t.Errorf("%s: accepted", name)
		}
	}
}
