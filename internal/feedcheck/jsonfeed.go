package feedcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// JSONFeedVersion is the version URL of JSON Feed 1.1.
const JSONFeedVersion = "https://jsonfeed.org/version/1.1"

// JSONFeed checks that file is a JSON Feed 1.1 document with wantEntries
// items, failing the test with every departure from the specification
// (https://jsonfeed.org/version/1.1) it finds: required members, member
// types, RFC 3339 dates, items with content_html or content_text, authors
// and hubs with their required members, and custom members named with a
// leading underscore. It returns what it read, as FeedparserParse would
// (Bozo is set when anything was wrong).
//
// It exists because Debian's feedparser (6.0) does not read JSON Feed.
func JSONFeed(t testing.TB, file string, wantEntries int) Result {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("jsonfeed: %v", err)
	}
	problems, r := CheckJSONFeed(data)
	for _, p := range problems {
		t.Errorf("jsonfeed %s: %s", filepath.Base(file), p)
	}
	if r.Entries != wantEntries {
		t.Errorf("jsonfeed %s: %d items, want %d", filepath.Base(file), r.Entries, wantEntries)
	}
	return r
}

// CheckJSONFeed validates a JSON Feed 1.1 document (see JSONFeed) and
// returns its problems, each a sentence naming the member at fault.
func CheckJSONFeed(data []byte) ([]string, Result) {
	var c jsonChecker
	var r Result
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		c.add("not a JSON object: %v", err)
		r.Bozo, r.Exception = true, err.Error()
		return c.problems, r
	}
	c.members("feed", top, jsonFeedMembers)
	r.Version = "json11"
	if v := c.str("feed", top, "version", true); v != JSONFeedVersion {
		c.add("feed: version is %q, want %q", v, JSONFeedVersion)
		r.Version = ""
	}
	r.Title = c.str("feed", top, "title", true)
	r.Subtitle = c.str("feed", top, "description", false)
	for _, k := range []string{"home_page_url", "feed_url", "next_url", "icon", "favicon", "user_comment", "language"} {
		c.str("feed", top, k, false)
	}
	if home := c.str("feed", top, "home_page_url", false); home != "" {
		r.Links = append(r.Links, Link{Rel: "alternate", Href: home})
	}
	if self := c.str("feed", top, "feed_url", false); self != "" {
		r.Links = append(r.Links, Link{Rel: "self", Href: self})
	}
	if next := c.str("feed", top, "next_url", false); next != "" {
		r.Links = append(r.Links, Link{Rel: "next", Href: next})
	}
	if raw, ok := top["expired"]; ok {
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			c.add("feed: expired is not a boolean")
		}
	}
	if names := c.authors("feed", top); len(names) > 0 {
		r.Author = names[0]
	}
	for i, hub := range c.objects("feed", top, "hubs") {
		where := fmt.Sprintf("hubs[%d]", i)
		c.members(where, hub, map[string]bool{"type": true, "url": true})
		c.str(where, hub, "type", true)
		c.str(where, hub, "url", true)
	}
	raw, ok := top["items"]
	if !ok {
		c.add("feed: items is missing")
	} else if json.Unmarshal(raw, new([]json.RawMessage)) != nil {
		c.add("feed: items is not an array")
	}
	ids := map[string]int{}
	for i, item := range c.objects("feed", top, "items") {
		where := fmt.Sprintf("items[%d]", i)
		c.members(where, item, jsonItemMembers)
		it := Item{
			ID:      c.str(where, item, "id", true),
			Title:   c.str(where, item, "title", false),
			Link:    c.str(where, item, "url", false),
			Summary: c.str(where, item, "summary", false),
		}
		if it.ID == "" {
			c.add("%s: id is empty", where)
		} else if j, dup := ids[it.ID]; dup {
			c.add("%s: id %q repeats items[%d]", where, it.ID, j)
		}
		ids[it.ID] = i
		for _, k := range []string{"external_url", "image", "banner_image", "language"} {
			c.str(where, item, k, false)
		}
		_, hasHTML := item["content_html"]
		_, hasText := item["content_text"]
		if !hasHTML && !hasText {
			c.add("%s: has neither content_html nor content_text", where)
		}
		if s := c.str(where, item, "content_html", false); hasHTML {
			it.Content = append(it.Content, s)
		}
		if s := c.str(where, item, "content_text", false); hasText && !hasHTML {
			it.Content = append(it.Content, s)
		}
		it.Published = c.date(where, item, "date_published")
		it.Updated = c.date(where, item, "date_modified")
		if names := c.authors(where, item); len(names) > 0 {
			it.Author = names[0]
		}
		if raw, ok := item["tags"]; ok {
			if err := json.Unmarshal(raw, &it.Tags); err != nil {
				c.add("%s: tags is not an array of strings", where)
			}
		}
		for j, a := range c.objects(where, item, "attachments") {
			aw := fmt.Sprintf("%s.attachments[%d]", where, j)
			c.members(aw, a, map[string]bool{"url": true, "mime_type": true, "title": true, "size_in_bytes": true, "duration_in_seconds": true})
			c.str(aw, a, "url", true)
			c.str(aw, a, "mime_type", true)
		}
		r.Items = append(r.Items, it)
	}
	r.Entries = len(r.Items)
	if len(c.problems) > 0 {
		r.Bozo, r.Exception = true, c.problems[0]
	}
	return c.problems, r
}

var jsonFeedMembers = map[string]bool{
	"version": true, "title": true, "home_page_url": true, "feed_url": true,
	"description": true, "user_comment": true, "next_url": true, "icon": true,
	"favicon": true, "authors": true, "author": true, "language": true,
	"expired": true, "hubs": true, "items": true,
}

var jsonItemMembers = map[string]bool{
	"id": true, "url": true, "external_url": true, "title": true,
	"content_html": true, "content_text": true, "summary": true, "image": true,
	"banner_image": true, "date_published": true, "date_modified": true,
	"authors": true, "author": true, "tags": true, "language": true,
	"attachments": true,
}

type jsonChecker struct{ problems []string }

func (c *jsonChecker) add(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// members reports keys that are neither known nor custom ("_" + letter).
func (c *jsonChecker) members(where string, obj map[string]json.RawMessage, known map[string]bool) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if known[k] {
			continue
		}
		if len(k) >= 2 && k[0] == '_' && isLetter(k[1]) {
			var ext map[string]json.RawMessage
			if json.Unmarshal(obj[k], &ext) != nil {
				c.add("%s: custom member %s is not an object", where, k)
			}
			continue
		}
		c.add("%s: unknown member %q (custom members must start with _ and a letter)", where, k)
	}
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// str returns a string member, reporting a missing required one or one of
// another type.
func (c *jsonChecker) str(where string, obj map[string]json.RawMessage, key string, required bool) string {
	raw, ok := obj[key]
	if !ok {
		if required {
			c.add("%s: %s is missing", where, key)
		}
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		c.add("%s: %s is not a string", where, key)
	}
	return s
}

func (c *jsonChecker) date(where string, obj map[string]json.RawMessage, key string) string {
	s := c.str(where, obj, key, false)
	if _, ok := obj[key]; ok {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			c.add("%s: %s %q is not an RFC 3339 date", where, key, s)
		}
	}
	return s
}

// objects returns an array-of-objects member, reporting one of another type.
func (c *jsonChecker) objects(where string, obj map[string]json.RawMessage, key string) []map[string]json.RawMessage {
	raw, ok := obj[key]
	if !ok {
		return nil
	}
	var out []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		c.add("%s: %s is not an array of objects", where, key)
		return nil
	}
	return out
}

// authors checks "authors" (and the deprecated "author") and returns names.
func (c *jsonChecker) authors(where string, obj map[string]json.RawMessage) []string {
	var names []string
	check := func(aw string, a map[string]json.RawMessage) {
		c.members(aw, a, map[string]bool{"name": true, "url": true, "avatar": true})
		name := c.str(aw, a, "name", false)
		if name == "" && c.str(aw, a, "url", false) == "" && c.str(aw, a, "avatar", false) == "" {
			c.add("%s: author has none of name, url, avatar", aw)
		}
		if name != "" {
			names = append(names, name)
		}
	}
	for i, a := range c.objects(where, obj, "authors") {
		check(fmt.Sprintf("%s.authors[%d]", where, i), a)
	}
	if raw, ok := obj["author"]; ok {
		var a map[string]json.RawMessage
		if json.Unmarshal(raw, &a) != nil {
			c.add("%s: author is not an object", where)
		} else {
			check(where+".author", a)
		}
	}
	return names
}

var (
	fpJSONOnce sync.Once
	fpJSON     bool
)

// FeedparserReadsJSON reports whether the installed feedparser reads JSON
// Feed (feedparser 6.1 and later do; Debian's 6.0 does not). It skips the
// test (fails it under CI) when feedparser itself is missing.
func FeedparserReadsJSON(t testing.TB) bool {
	t.Helper()
	requireFeedparser(t)
	fpJSONOnce.Do(func() {
		dir, err := os.MkdirTemp("", "feedcheck")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, "probe.json")
		doc := `{"version":"` + JSONFeedVersion + `","title":"probe","items":[{"id":"1","content_text":"x"}]}`
		if os.WriteFile(p, []byte(doc), 0o644) != nil {
			return
		}
		out, ok := run(t, Python, "-c", "import feedparser,sys; d=feedparser.parse(sys.argv[1]); print(len(d.entries), d.get('version', ''))", p)
		fpJSON = ok && strings.HasPrefix(strings.TrimSpace(out), "1 json")
	})
	return fpJSON
}
