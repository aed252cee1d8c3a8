package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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
	return walkPages(t, server, url, true)
}

// walkPages follows next links (and checks that prev-archive and
// fh:archive are there exactly when the feed is archived).
func walkPages(t *testing.T, server, url string, archived bool) ([]string, []*http.Response) {
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
		if (page.Archive != nil) != (archived && len(pages) > 0) {
			t.Errorf("%s: fh:archive %v on page %d", url, page.Archive != nil, len(pages))
		}
		for _, e := range page.Entries {
			ids = append(ids, e.ID)
		}
		pages = append(pages, resp)
		url = page.link("next")
		if prev := page.link("prev-archive"); archived && prev != url || !archived && prev != "" {
			t.Errorf("next %q and prev-archive %q", url, prev)
		}
		if url != "" {
			url = server + strings.TrimPrefix(url, testBase)
		}
	}
	return ids, pages
}

// A reader walking an archived comment feed sees every comment exactly
// once; full archive pages never change (not even when an archived
// comment gets a reply), and are cacheable for a year; the subscription
// document always shows the newest page size of comments.
func TestArchivedCommentFeed(t *testing.T) {
	st := busyStore(120)
	ts := newTestServer(t, st)
	url := ts.URL + "/posts/" + busySlug + "/comments.atom"
	ids, pages := walk(t, ts.URL, url)
	if len(pages) != 2 || len(ids) != 120 {
		t.Fatalf("%d pages, %d entries; want 2 pages (70, 50) and 120", len(pages), len(ids))
	}
	noRepeats(t, ids)
	if cc := pages[0].Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("subscription document: Cache-Control %q", cc)
	}
	for _, p := range pages[1:] {
		if cc := p.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("archive page: Cache-Control %q", cc)
		}
	}
	archive1 := pages[1].Header.Get("ETag")
	// The thread feed of comment 1 (itself and the 59 odd comments): the
	// subscription document holds them all (60 < 2·50).
	threadIDs, threadPages := walk(t, ts.URL, ts.URL+"/posts/"+busySlug+"/threads/1.atom")
	if len(threadIDs) != 60 || len(threadPages) != 1 {
		t.Errorf("thread: %d entries on %d pages, want 60 on 1", len(threadIDs), len(threadPages))
	}

	// New comments, one a reply to archived comment 2, change the
	// subscription document only.
	p := &st.posts[len(st.posts)-1]
	for n := 121; n <= 149; n++ {
		parent := 0
		if n == 121 {
			parent = 2
		}
		p.Comments = append(p.Comments, comment(p.ID, n, parent, "Late", nil, t0.Add(time.Duration(n)*time.Minute), para("One more.")))
	}
	ids2, pages2 := walk(t, ts.URL, url)
	if len(ids2) != 149 || len(pages2) != 2 || pages2[1].Header.Get("ETag") != archive1 ||
		pages2[0].Header.Get("ETag") == pages[0].Header.Get("ETag") {
		t.Errorf("after new comments: %d entries on %d pages, archive ETag %s (was %s)",
			len(ids2), len(pages2), pages2[1].Header.Get("ETag"), archive1)
	}
	// The 150th fills block 3: block 2 becomes an archive page, the
	// subscription document holds the newest 50, and page 1 is unchanged.
	p.Comments = append(p.Comments, comment(p.ID, 150, 0, "Late", nil, t0.Add(150*time.Minute), para("Full.")))
	ids3, pages3 := walk(t, ts.URL, url)
	if len(ids3) != 150 || len(pages3) != 3 || pages3[2].Header.Get("ETag") != archive1 {
		t.Errorf("at 150: %d entries on %d pages", len(ids3), len(pages3))
	}
	noRepeats(t, ids3)
	if resp, _ := get(t, url+"?archive=1"); resp.Header.Get("ETag") != archive1 {
		t.Error("archive page 1 changed")
	}
	for _, bad := range []string{"0", "4", "01", "x", "-1"} {
		if resp, _ := get(t, url+"?archive="+bad); resp.StatusCode != http.StatusNotFound {
			t.Errorf("?archive=%s: %d, want 404", bad, resp.StatusCode)
		}
	}
	// Page 2 links to page 3 before page 3 exists; until then, page 3 is
	// a temporary redirect to the subscription document.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(url + "?archive=3")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != testBase+"/posts/"+busySlug+"/comments.atom" {
		t.Errorf("?archive=3: %d to %q, want 302 to the subscription document", resp.StatusCode, resp.Header.Get("Location"))
	}
	// JSON Feed pages by next_url.
	_, body := get(t, ts.URL+"/posts/"+busySlug+"/comments.json")
	var jf struct {
		NextURL string `json:"next_url"`
		Items   []any  `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &jf); err != nil || len(jf.Items) != 50 || !strings.HasSuffix(jf.NextURL, "/comments.json?archive=2") {
		t.Errorf("JSON subscription document: %d items, next_url %q, %v", len(jf.Items), jf.NextURL, err)
	}
}

func noRepeats(t *testing.T, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("entry %s seen twice", id)
		}
		seen[id] = true
	}
}

// The posts and topic feeds are archived by arrival: a post that arrives
// later with an older date lands in the subscription document, a new
// comment on an archived post leaves its page alone, and the walk gives
// every post once. Links name first and last.
func TestArchivedPostFeeds(t *testing.T) {
	st := newFakeStore()
	addPosts(st, 110)
	addPost := func(i int, published, seen time.Time) { addBusyPost(st, i, published, seen) }
	ts := newTestServer(t, st)
	for path, n := range map[string]int{"/posts.atom": len(st.posts), "/topics/busy.atom": 110} {
		archived := path == "/posts.atom"
		ids, pages := walkPages(t, ts.URL, ts.URL+path, archived)
		if len(ids) != n || len(pages) != 2 {
			t.Fatalf("%s: %d entries on %d pages, want %d on 2", path, len(ids), len(pages), n)
		}
		noRepeats(t, ids)
		archive := pages[1].Header.Get("ETag")
		// An old-dated post arriving now, and a comment on post 1.
		addPost(111, t0, t0.Add(200*time.Hour))
		first := &st.posts[0]
		first.Comments = append(first.Comments, comment(first.ID, len(first.Comments)+100, 0, "Reader", nil, t0.Add(201*time.Hour), para("Hi.")))
		ids2, pages2 := walkPages(t, ts.URL, ts.URL+path, archived)
		if len(ids2) != n+1 || pages2[1].Header.Get("ETag") != archive {
			t.Errorf("%s: after a late post and a comment: %d entries, archive ETag %s (was %s)",
				path, len(ids2), pages2[1].Header.Get("ETag"), archive)
		}
		if !slices.Contains(ids2[:len(ids2)-50], testTagger.Post("post-111")) {
			t.Errorf("%s: the late post is not in the subscription document", path)
		}
		_, body := get(t, ts.URL+path)
		var page atomPage
		if err := xml.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		param := map[bool]string{true: "archive", false: "page"}[archived]
		if page.link("first") != testBase+path || page.link("last") != testBase+path+"?"+param+"=1" {
			t.Errorf("%s: first %q, last %q", path, page.link("first"), page.link("last"))
		}
		st.posts = st.posts[:len(st.posts)-1]
	}
}

// A story's feed is paged by when reports joined it: walking gives every
// report once, and its older pages are current views, not archives
// (re-clustering can move reports).
func TestPagedStoryFeed(t *testing.T) {
	st := newFakeStore()
	story := &st.stories[0]
	base := len(story.Members)
	addReports(story, 120)
	ts := newTestServer(t, st)
	url := ts.URL + "/stories/" + story.Key + ".atom"
	ids, pages := walkPages(t, ts.URL, url, false)
	if len(ids) != base+120 || len(pages) != 2 {
		t.Fatalf("%d entries on %d pages, want %d on 2", len(ids), len(pages), base+120)
	}
	noRepeats(t, ids)
	if cc := pages[1].Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Errorf("an older page of a paged feed: Cache-Control %q", cc)
	}
	if resp, _ := get(t, url+"?page=1"); resp.StatusCode != http.StatusOK {
		t.Errorf("?page=1: %d", resp.StatusCode)
	}
	if resp, _ := get(t, url+"?page=9"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("?page=9: %d, want 404", resp.StatusCode)
	}
}

// Archive documents pass the same validators as every feed.
func TestValidateArchivePages(t *testing.T) {
	st := busyStore(120)
	addPosts(st, 110)
	addReports(&st.stories[0], 120)
	ts := newTestServer(t, st)
	dir := t.TempDir()
	feedsOf := map[string]int{ // path → entries
		"/posts/" + busySlug + "/comments": 120,
		"/posts":                           len(st.posts),
		"/topics/busy":                     110,
		"/stories/" + st.stories[0].Key:    len(st.stories[0].Members),
	}
	for path, n := range feedsOf {
		l := newArchiveLayout(n, DefaultPageSize)
		param := "archive"
		if strings.HasPrefix(path, "/topics/") || strings.HasPrefix(path, "/stories/") {
			param = "page"
		}
		for _, k := range []int{l.current, 1} {
			query := ""
			if k != l.current {
				query = "?" + param + "=" + strconv.Itoa(k)
			}
			lo, hi := l.span(k)
			for _, f := range feeds.Formats {
				_, body := get(t, ts.URL+path+"."+string(f)+query)
				name := strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(path + query)
				file := filepath.Join(dir, name+"."+string(f))
				if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				validateFeed(t, f, path+"."+string(f)+query, file, hi-lo)
			}
		}
	}
}

// addPosts adds n posts filed under the topic "busy", one an hour.
func addPosts(st *fakeStore, n int) {
	for i := 1; i <= n; i++ {
		addBusyPost(st, i, t0.Add(time.Duration(i)*time.Hour), t0.Add(time.Duration(i)*time.Hour))
	}
}

// addBusyPost adds post i, filed under "busy", dated published and first
// seen at seen.
func addBusyPost(st *fakeStore, i int, published, seen time.Time) {
	slug := fmt.Sprintf("post-%03d", i)
	st.posts = append(st.posts, model.Post{ID: testTagger.Post(slug), Slug: slug, Title: fmt.Sprintf("Post %d", i),
		Published: published, DateFromDump: true, FirstSeen: seen, Updated: seen,
		Body: []model.Block{para("Body.")}, Topics: []model.Topic{{Slug: "busy", Name: "Busy"}}})
}

// addReports adds n reports from n outlets to story, one a minute.
func addReports(story *model.Story, n int) {
	for i := range n {
		story.Members = append(story.Members, model.StoryMember{Added: t0.Add(time.Duration(i+1) * time.Minute),
			Item: model.Item{ID: fmt.Sprintf("tag:example,2026:item/%03d", i), Title: fmt.Sprintf("Report %d", i),
				Outlet: fmt.Sprintf("Outlet %d", i), URL: fmt.Sprintf("https://outlet%d.example/r", i)}})
	}
}
