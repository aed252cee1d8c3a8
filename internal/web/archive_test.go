package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

const busySlug = "a-busy-post"

// busyStore is the fake store plus a post with n comments, in one thread
// under comment 1 for the odd ones.
func busyStore(n int) *fakeStore {
	st := newFakeStore()
	id := testTagger.Post(busySlug)
	p := model.Post{ID: id, Slug: busySlug, Title: "A busy post", Published: t0, DateFromDump: true,
		FirstSeen: t0, Updated: t0, Body: []model.Block{para("Many comments.")}}
	for i := 1; i <= n; i++ {
		parent := 0
		if i > 1 && i%2 == 1 {
			parent = 1
		}
		p.Comments = append(p.Comments, comment(id, i, parent, fmt.Sprintf("Reader %d", i), nil,
			t0.Add(time.Duration(i)*time.Minute), para(fmt.Sprintf("Comment number %d.", i))))
	}
	st.posts = append(st.posts, p)
	return st
}

type atomPage struct {
	Archive *struct{} `xml:"http://purl.org/syndication/history/1.0 archive"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID string `xml:"id"`
	} `xml:"entry"`
}

func (p atomPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// walk follows prev-archive links from the subscription document at url
// and returns every entry ID in walking order, and the pages' responses.
// Links name the site's base URL; they are followed on the test server.
func walk(t *testing.T, server, url string) ([]string, []*http.Response) {
	t.Helper()
	var ids []string
	var pages []*http.Response
	for url != "" && len(pages) < 20 {
		resp, body := get(t, url)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", url, resp.StatusCode)
		}
		var page atomPage
		if err := xml.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if (page.Archive != nil) != (len(pages) > 0) {
			t.Errorf("%s: fh:archive %v on page %d", url, page.Archive != nil, len(pages))
		}
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
		pages = append(pages, resp)
		url = page.link("prev-archive")
		if next := page.link("next"); next != url {
			t.Errorf("next %q and prev-archive %q differ", next, url)
		}
		if url != "" {
			url = server + strings.TrimPrefix(url, testBase)
		}
	}
	return ids, pages
}

// A reader walking an archived comment feed sees every comment exactly
// once; full archive pages never change, and are cacheable for a year.
func TestArchivedCommentFeed(t *testing.T) {
	st := busyStore(120)
	ts := newTestServer(t, st)
	url := ts.URL + "/posts/" + busySlug + "/comments.atom"
	ids, pages := walk(t, ts.URL, url)
	if len(pages) != 3 || len(ids) != 120 {
		t.Fatalf("%d pages, %d entries; want 3 pages (20, 50, 50) and 120", len(pages), len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("entry %s seen twice", id)
		}
		seen[id] = true
	}
	if cc := pages[0].Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("subscription document: Cache-Control %q", cc)
	}
	for _, p := range pages[1:] {
		if cc := p.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("archive page: Cache-Control %q", cc)
		}
	}
	archive2 := pages[1].Header.Get("ETag")
	// The thread feed of comment 1 (itself and the 59 odd comments) pages too.
	threadIDs, threadPages := walk(t, ts.URL, ts.URL+"/posts/"+busySlug+"/threads/1.atom")
	if len(threadIDs) != 60 || len(threadPages) != 2 {
		t.Errorf("thread: %d entries on %d pages, want 60 on 2", len(threadIDs), len(threadPages))
	}

	// A new comment changes the subscription document only.
	p := &st.posts[len(st.posts)-1]
	p.Comments = append(p.Comments, comment(p.ID, 121, 0, "Late", nil, t0.Add(121*time.Minute), para("One more.")))
	ids2, pages2 := walk(t, ts.URL, url)
	if len(ids2) != 121 || pages2[1].Header.Get("ETag") != archive2 || pages2[0].Header.Get("ETag") == pages[0].Header.Get("ETag") {
		t.Errorf("after a new comment: %d entries, archive ETag %s (was %s)", len(ids2), pages2[1].Header.Get("ETag"), archive2)
	}
	if resp, _ := get(t, url+"?archive=2"); resp.Header.Get("ETag") != archive2 {
		t.Error("archive page 2 changed")
	}
	for _, bad := range []string{"0", "3", "01", "x", "-1"} {
		if resp, _ := get(t, url+"?archive="+bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("?archive=%s: %d, want 404", bad, resp.StatusCode)
		}
	}
	// JSON Feed pages by next_url.
	_, body := get(t, ts.URL+"/posts/"+busySlug+"/comments.json")
	var jf struct {
		NextURL string `json:"next_url"`
		Items   []any  `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &jf); err != nil || len(jf.Items) != 21 || !strings.HasSuffix(jf.NextURL, "/comments.json?archive=2") {
		t.Errorf("JSON subscription document: %d items, next_url %q, %v", len(jf.Items), jf.NextURL, err)
	}
}

// Archive documents pass the same validators as every feed.
func TestValidateArchivePages(t *testing.T) {
	ts := newTestServer(t, busyStore(120))
	dir := t.TempDir()
	for _, f := range feeds.Formats {
		for query, entries := range map[string]int{"": 20, "?archive=1": 50} {
			_, body := get(t, ts.URL+"/posts/"+busySlug+"/comments."+string(f)+query)
			file := filepath.Join(dir, "comments"+strings.TrimPrefix(query, "?archive=")+"."+string(f))
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			validateFeed(t, f, string(f)+query, file, entries)
		}
	}
}
