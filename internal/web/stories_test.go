package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// noRedirect fetches url without following redirects.
func noRedirect(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// decode fetches url, expecting 200, and decodes its JSON body into v.
func decode(t *testing.T, url string, v any) {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
}

func TestMergedStoryRedirects(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	tests := map[string]string{
		"/stories/" + mergedStoryKey:                 "/stories/" + budgetStoryKey,
		"/api/stories/" + mergedStoryKey:             "/api/stories/" + budgetStoryKey,
		"/stories/" + mergedStoryKey + ".atom?a=b&c": "/stories/" + budgetStoryKey + ".atom?a=b&c",
	}
	for _, f := range feeds.Formats {
		tests["/stories/"+mergedStoryKey+"."+string(f)] = "/stories/" + budgetStoryKey + "." + string(f)
	}
	for from, to := range tests {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			resp, _ := noRedirect(t, method, ts.URL+from)
			if resp.StatusCode != http.StatusMovedPermanently {
				t.Errorf("%s %s: status %d, want 301", method, from, resp.StatusCode)
			}
			if got := resp.Header.Get("Location"); got != testBase+to {
				t.Errorf("%s %s: Location %q, want %q", method, from, got, testBase+to)
			}
		}
	}
	// Following the redirect gives the survivor's document.
	resp, _ := noRedirect(t, http.MethodGet, ts.URL+strings.TrimPrefix(tests["/stories/"+mergedStoryKey+".atom"], testBase))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("survivor: status %d", resp.StatusCode)
	}
}

func TestStoryNotFound(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for path, want := range map[string]string{
		"/stories/nope":                         `no such story "nope"`,
		"/stories/nope.atom":                    `no such story "nope"`,
		"/stories/nope.json":                    `no such story "nope"`,
		"/api/stories/nope":                     `no such story "nope"`,
		"/stories/" + budgetStoryKey + ".xml":   "unknown feed format",
		"/stories/" + mergedStoryKey + ".xml":   "unknown feed format",
		"/stories/" + budgetStoryKey + ".":      "unknown feed format",
		"/stories.xml":                          "unknown feed format",
		"/stories/" + budgetStoryKey + "/x":     "",
		"/api/stories/" + budgetStoryKey + "/x": "",
	} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, resp.StatusCode)
		}
		if !strings.Contains(body, want) {
			t.Errorf("GET %s: body %q, want it to contain %q", path, body, want)
		}
	}
}

func TestStoryConditionalGet(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for _, path := range []string{"/stories.atom", "/stories/" + budgetStoryKey + ".rss", "/stories/" + courtStoryKey, "/api/stories"} {
		first, body := get(t, ts.URL+path)
		etag, lastMod := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
		if etag == "" || lastMod == "" {
			t.Fatalf("%s: validators missing: %v", path, first.Header)
		}
		for _, h := range []map[string]string{{"If-None-Match": etag}, {"If-Modified-Since": lastMod}} {
			resp, got := fetch(t, http.MethodGet, ts.URL+path, h)
			if resp.StatusCode != http.StatusNotModified || got != "" {
				t.Errorf("%s with %v: status %d, body %d bytes; want 304 and none", path, h, resp.StatusCode, len(got))
			}
		}
		resp, got := fetch(t, http.MethodGet, ts.URL+path, map[string]string{"If-None-Match": `"stale"`})
		if resp.StatusCode != http.StatusOK || got != body {
			t.Errorf("%s with a stale ETag: status %d, want 200 with the body", path, resp.StatusCode)
		}
	}
	// The story changed last when ABC News joined it.
	resp, _ := get(t, ts.URL+"/stories/"+budgetStoryKey+".atom")
	if want := t0.Add(3 * time.Hour).Format(http.TimeFormat); resp.Header.Get("Last-Modified") != want {
		t.Errorf("Last-Modified %q, want %q", resp.Header.Get("Last-Modified"), want)
	}
}

// jsonFeedDoc is what the tests read from a JSON Feed.
type jsonFeedDoc struct {
	NextURL string `json:"next_url"`
	Items   []struct {
		ID          string `json:"id"`
		URL         string `json:"url"`
		Title       string `json:"title"`
		ContentHTML string `json:"content_html"`
		ContentText string `json:"content_text"`
		Published   string `json:"date_published"`
		Modified    string `json:"date_modified"`
		Authors     []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"items"`
}

func TestStoriesFeed(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	var feed jsonFeedDoc
	decode(t, ts.URL+"/stories.json", &feed)
	var ids []string
	for _, it := range feed.Items {
		ids = append(ids, it.ID)
	}
	if want := []string{budgetStoryID, courtStoryID}; !slices.Equal(ids, want) {
		t.Fatalf("entries %v, want the stories newest activity first %v", ids, want)
	}
	budget := feed.Items[0]
	if budget.URL != testBase+"/stories/"+budgetStoryKey || budget.Title != budgetStoryTitle {
		t.Errorf("entry url %q, title %q", budget.URL, budget.Title)
	}
	if budget.Published != "2025-03-01T12:10:00Z" || budget.Modified != "2025-03-01T15:00:00Z" {
		t.Errorf("entry dates %s, %s: want first seen and updated", budget.Published, budget.Modified)
	}
	if want := "Covered by: New York Times, CNN, USA Today, FOX News, ABC News"; !strings.Contains(budget.ContentText, want) {
		t.Errorf("content_text lacks %q:\n%s", want, budget.ContentText)
	}
	for _, want := range []string{
		`<p>Covered by: <a href="https://www.nytimes.example/2025/03/01/us/senate-budget.html">New York Times</a>, <a href="https://cnn.example/budget">CNN</a>, <a href="https://usatoday.example/budget">USA Today</a>, FOX News, <a href="https://abc.example/budget">ABC News</a></p>`,
		`<a href="https://cnn.example/budget">Senate narrowly passes budget</a> — <em>CNN</em> (1 March 2025)`,
		`Senate Republicans pass budget — <em>FOX News</em>`,
		`(about 1 March 2025)`, // USA Today's date is an estimate
		"Discussed in:",
		`<a href="` + testBase + `/posts/` + budgetSlug + `">Senate passes the budget</a>`,
	} {
		if !strings.Contains(budget.ContentHTML, want) {
			t.Errorf("content_html lacks %q:\n%s", want, budget.ContentHTML)
		}
	}
	if strings.Contains(budget.ContentHTML, "senate passes the budget|") {
		t.Error("the post's own item is listed as a report")
	}
	if len(budget.Authors) != 0 && budget.Authors[0].Name != "Test Wire" {
		t.Errorf("a story covered by five outlets credited to %v", budget.Authors)
	}
	if court := feed.Items[1]; len(court.Authors) == 0 || court.Authors[0].Name != "Reuters" {
		t.Errorf("single-source story authors %v, want Reuters", court.Authors)
	}
	_, atom := get(t, ts.URL+"/stories.atom")
	if want := "<id>" + testTagger.Feed("/stories") + "</id>"; !strings.Contains(atom, want) {
		t.Errorf("stories feed lacks %s", want)
	}
}

// atomDoc is what the tests read from an Atom feed.
type atomDoc struct {
	ID    string     `xml:"id"`
	Links []atomHref `xml:"link"`
	Entry []struct {
		ID     string     `xml:"id"`
		Links  []atomHref `xml:"link"`
		Source *struct {
			Title string     `xml:"title"`
			Links []atomHref `xml:"link"`
		} `xml:"source"`
	} `xml:"entry"`
}

type atomHref struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

// href is the href of the link with rel among links, or "".
func href(links []atomHref, rel string) string {
	for _, l := range links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func readAtom(t *testing.T, url string) atomDoc {
	t.Helper()
	_, body := get(t, url)
	var doc atomDoc
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("%s: %v\n%s", url, err, body)
	}
	return doc
}

func TestSingleSourceProvenance(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	doc := readAtom(t, ts.URL+"/stories.atom")
	if len(doc.Entry) != 2 {
		t.Fatalf("%d entries, want 2", len(doc.Entry))
	}
	if src := doc.Entry[0].Source; src != nil {
		t.Errorf("a story covered by five outlets has a source: %+v", src)
	}
	src := doc.Entry[1].Source
	if src == nil || src.Title != "Reuters World" || href(src.Links, "self") != reutersFeed || href(src.Links, "alternate") != "https://reuters.example/" {
		t.Errorf("single-source story atom:source = %+v", src)
	}
	_, rss := get(t, ts.URL+"/stories.rss")
	if want := `<source url="` + reutersFeed + `">Reuters World</source>`; strings.Count(rss, want) != 1 {
		t.Errorf("RSS stories feed should carry %s once:\n%s", want, rss)
	}
}

func TestStoryFeed(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	story := newFakeStore().stories[0]
	path := "/stories/" + budgetStoryKey
	var feed jsonFeedDoc
	decode(t, ts.URL+path+".json", &feed)
	byID := map[string]int{}
	var ids []string
	for i, it := range feed.Items {
		byID[it.ID] = i
		ids = append(ids, it.ID)
	}
	// Newest first: ABC joined last, then the post, FOX, USA Today, CNN, NYT.
	order := []int{4, 5, 3, 2, 1, 0}
	var want []string
	for _, i := range order {
		want = append(want, story.Members[i].Item.ID)
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("entries %v\nwant the member item IDs newest first %v", ids, want)
	}
	item := func(i int) int { return byID[story.Members[i].Item.ID] }
	for i, wantURL := range map[int]string{
		0: story.Members[0].Item.URL,         // the original article
		1: "https://cnn.example/budget",      // its GUID is its URL
		3: testBase + path,                   // no address: the story page
		5: testBase + "/posts/" + budgetSlug, // the post's own item
	} {
		if got := feed.Items[item(i)].URL; got != wantURL {
			t.Errorf("member %d url %q, want %q", i, got, wantURL)
		}
	}
	for i, want := range map[int][]string{
		0: {"Joined this story: first report", "Original ID: nyt-2025-budget", "The Senate approved the budget"},
		2: {"Joined this story: same wire text", "From USA Today, about 1 March 2025"},
		4: {"Joined this story: same event", hostileText},
		5: {"A post on Test Wire discussing this story"},
	} {
		for _, w := range want {
			if text := feed.Items[item(i)].ContentText; !strings.Contains(text, w) {
				t.Errorf("member %d content_text lacks %q:\n%s", i, w, text)
			}
		}
	}
	if html := feed.Items[item(4)].ContentHTML; strings.Contains(html, "<script>") {
		t.Errorf("hostile summary not escaped: %s", html)
	}
	if a := feed.Items[item(0)].Authors; len(a) == 0 || a[0].Name != "New York Times" {
		t.Errorf("NYT item authors %v", a)
	}
	if a := feed.Items[item(5)].Authors; len(a) == 0 || a[0].Name != "Jane Roe" {
		t.Errorf("post item authors %v, want the post's author", a)
	}

	doc := readAtom(t, ts.URL+path+".atom")
	if doc.ID != testTagger.Feed(path) {
		t.Errorf("feed ID %q, want %q", doc.ID, testTagger.Feed(path))
	}
	for _, e := range doc.Entry {
		if !strings.HasPrefix(e.ID, "tag:") {
			t.Errorf("entry ID %q is not the item's tag URI", e.ID)
		}
	}
	if src := doc.Entry[len(doc.Entry)-1].Source; src == nil || src.Title != "NYT > Politics" {
		t.Errorf("NYT entry provenance %+v", src)
	}
}

func TestStoriesFeedPaging(t *testing.T) {
	store := &fakeStore{}
	for i := range storiesFeedSize + 1 {
		id := fmt.Sprintf("tag:news.example.org,2025:story/%03d", i)
		store.stories = append(store.stories, model.Story{
			ID: id, Key: fmt.Sprintf("story-%03d", i), Title: fmt.Sprintf("Story %d", i),
			FirstSeen: t0, Updated: t0.Add(time.Duration(-i) * time.Minute),
		})
	}
	ts := newTestServer(t, store)
	first := readAtom(t, ts.URL+"/stories.atom")
	next := href(first.Links, "next")
	if len(first.Entry) != storiesFeedSize || !strings.HasPrefix(next, testBase+"/stories.atom?after=") {
		t.Fatalf("first page: %d entries, next %q", len(first.Entry), next)
	}
	second := readAtom(t, ts.URL+strings.TrimPrefix(next, testBase))
	if len(second.Entry) != 1 || second.Entry[0].ID != store.stories[storiesFeedSize].ID || href(second.Links, "next") != "" {
		t.Errorf("second page: %+v", second)
	}
	if self := href(second.Links, "self"); self != next {
		t.Errorf("second page self %q, want %q", self, next)
	}
	for _, page := range []atomDoc{first, second} {
		if href(page.Links, "first") != testBase+"/stories.atom" || href(page.Links, "last") != next {
			t.Errorf("first %q, last %q; want the first page and %q", href(page.Links, "first"), href(page.Links, "last"), next)
		}
	}
	var feed jsonFeedDoc
	decode(t, ts.URL+"/stories.json", &feed)
	if !strings.HasPrefix(feed.NextURL, testBase+"/stories.json?after=") {
		t.Errorf("JSON Feed next_url %q", feed.NextURL)
	}
	if resp, _ := get(t, ts.URL+"/stories.rss?after=nope"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad cursor: status %d, want 400", resp.StatusCode)
	}
}

func TestAPIStories(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	var list struct {
		Stories []map[string]any `json:"stories"`
		Next    *string          `json:"next"`
	}
	decode(t, ts.URL+"/api/stories", &list)
	if len(list.Stories) != 2 || list.Next != nil {
		t.Fatalf("%d stories, next %v; want 2 and null", len(list.Stories), list.Next)
	}
	story := list.Stories[0]
	wantKeys := []string{"feeds", "first_seen", "id", "items", "key", "outlets", "posts", "title", "updated", "url"}
	if keys := slices.Sorted(maps.Keys(story)); !slices.Equal(keys, wantKeys) {
		t.Errorf("story keys %v, want %v", keys, wantKeys)
	}
	if story["id"] != budgetStoryID || story["key"] != budgetStoryKey || story["url"] != testBase+"/stories/"+budgetStoryKey {
		t.Errorf("story id %v, key %v, url %v", story["id"], story["key"], story["url"])
	}
	wantFeeds := map[string]any{
		"atom": testBase + "/stories/" + budgetStoryKey + ".atom",
		"rss":  testBase + "/stories/" + budgetStoryKey + ".rss",
		"json": testBase + "/stories/" + budgetStoryKey + ".json",
	}
	if got := story["feeds"].(map[string]any); !maps.Equal(got, wantFeeds) {
		t.Errorf("feeds %v, want %v", got, wantFeeds)
	}
	items := story["items"].([]any)
	if len(items) != 6 {
		t.Fatalf("%d items, want 6", len(items))
	}
	wantItemKeys := []string{"guid", "id", "outlet", "published", "reason", "score", "title", "url"}
	for _, it := range items {
		if keys := slices.Sorted(maps.Keys(it.(map[string]any))); !slices.Equal(keys, wantItemKeys) {
			t.Errorf("item keys %v, want %v", keys, wantItemKeys)
		}
	}
	nyt, usa, fox, self := items[0].(map[string]any), items[2].(map[string]any), items[3].(map[string]any), items[5].(map[string]any)
	if nyt["guid"] != "nyt-2025-budget" || nyt["reason"] != "first" || nyt["score"] != 1.0 || nyt["outlet"] != "New York Times" {
		t.Errorf("NYT item %v", nyt)
	}
	if usa["published"] != nil {
		t.Errorf("an estimated date is published as %v, want null", usa["published"])
	}
	if fox["url"] != nil || fox["guid"] != nil {
		t.Errorf("item without URL or GUID %v, want nulls", fox)
	}
	if self["url"] != testBase+"/posts/"+budgetSlug || self["guid"] != nil || self["outlet"] != nil {
		t.Errorf("the post's own item %v", self)
	}
	posts := story["posts"].([]any)
	wantPost := map[string]any{"slug": budgetSlug, "title": "Senate passes the budget", "url": testBase + "/posts/" + budgetSlug}
	if len(posts) != 1 || !maps.Equal(posts[0].(map[string]any), wantPost) {
		t.Errorf("posts %v, want [%v]", posts, wantPost)
	}

	var one map[string]any
	decode(t, ts.URL+"/api/stories/"+courtStoryKey, &one)
	if keys := slices.Sorted(maps.Keys(one)); !slices.Equal(keys, wantKeys) || one["key"] != courtStoryKey {
		t.Errorf("one story: keys %v, key %v", keys, one["key"])
	}
	if posts := one["posts"].([]any); len(posts) != 0 {
		t.Errorf("posts %v, want an empty list", posts)
	}
}

func TestAPIStoriesPaging(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	type page struct {
		Stories []struct {
			Key string `json:"key"`
		} `json:"stories"`
		Next *string `json:"next"`
	}
	var first page
	decode(t, ts.URL+"/api/stories?limit=1", &first)
	if len(first.Stories) != 1 || first.Stories[0].Key != budgetStoryKey || first.Next == nil {
		t.Fatalf("first page %+v, want the budget story and a next page", first)
	}
	next, err := url.Parse(*first.Next)
	if err != nil || !strings.HasPrefix(*first.Next, testBase+"/api/stories?") || next.Query().Get("limit") != "1" || next.Query().Get("after") == "" {
		t.Fatalf("next %q, want /api/stories with limit=1 and after", *first.Next)
	}
	var second page
	decode(t, ts.URL+strings.TrimPrefix(*first.Next, testBase), &second)
	if len(second.Stories) != 1 || second.Stories[0].Key != courtStoryKey || second.Next != nil {
		t.Errorf("second page %+v, want the court story and no next page", second)
	}
	var big page
	decode(t, ts.URL+"/api/stories?limit=100000", &big)
	if len(big.Stories) != 2 {
		t.Errorf("limit over the maximum: %d stories", len(big.Stories))
	}
	for _, q := range []string{"?after=nope", "?limit=0", "?limit=-3", "?limit=ten", "?limit="} {
		resp, body := get(t, ts.URL+"/api/stories"+q)
		if resp.StatusCode != http.StatusBadRequest || strings.TrimSpace(body) == "" {
			t.Errorf("GET /api/stories%s: status %d, body %q; want 400 with a message", q, resp.StatusCode, body)
		}
	}
}

func TestStoryPages(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	storyURL := testBase + "/stories/" + budgetStoryKey
	tests := []pageCase{
		{
			path: "/stories/" + budgetStoryKey, feed: "/stories/" + budgetStoryKey,
			want: []string{
				"<h1>Senate Passes Budget in 51-49 Vote</h1>", "Covered by 5 outlets",
				`<a href="https://cnn.example/budget">CNN</a>`, "same wire text", "first report",
				`<a href="` + testBase + `/posts/` + budgetSlug + `">Senate passes the budget</a>`,
				"Discussed in", testBase + "/api/stories/" + budgetStoryKey,
			},
			not: []string{`<a href="` + storyURL + `">Senate Republicans`, "senate passes the budget|"},
		},
		{
			path: "/stories", feed: "/stories",
			want: []string{`href="` + storyURL + `"`, "5 outlets: New York Times, CNN, USA Today, FOX News, ABC News", "1 outlet: Reuters"},
		},
		{
			path: "/", feed: "/posts",
			want: []string{`<section id="stories">`, `href="` + storyURL + `"`, "5 outlets", testBase + "/stories.atom"},
		},
	}
	checkPages(t, ts, tests)
}

func TestPostGroupsRelatedByStory(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	storyURL := testBase + "/stories/" + budgetStoryKey
	courtURL := testBase + "/stories/" + courtStoryKey
	_, page := get(t, ts.URL+"/posts/"+budgetSlug)
	about := `This post is about: <a href="` + storyURL + `">` + budgetStoryTitle + `</a>`
	if !strings.Contains(page, about) {
		t.Errorf("post page lacks %q", about)
	}
	budgetHead := `Story: <a href="` + storyURL + `">`
	courtHead := `Story: <a href="` + courtURL + `">`
	if strings.Count(page, budgetHead) != 1 || strings.Count(page, courtHead) != 1 {
		t.Errorf("each story should head its items once")
	}
	// The budget story's two items sit under its heading, before the court
	// story's; the item in no story comes last, as other coverage.
	i, j, k := strings.Index(page, budgetHead), strings.Index(page, "Budget winners and losers"), strings.Index(page, courtHead)
	other := strings.Index(page, "Other coverage")
	weekly := strings.Index(page, "What the budget means")
	if i < 0 || !(i < j && j < k && k < other && other < weekly) {
		t.Errorf("related items not grouped by story (positions %d %d %d %d %d)", i, j, k, other, weekly)
	}

	var post map[string]any
	decode(t, ts.URL+"/api/posts/"+budgetSlug, &post)
	wantStory := map[string]any{"key": budgetStoryKey, "title": budgetStoryTitle, "url": storyURL}
	if got, _ := post["story"].(map[string]any); !maps.Equal(got, wantStory) {
		t.Errorf("post story %v, want %v", post["story"], wantStory)
	}
	var stories []any
	for _, rel := range post["related"].([]any) {
		rel := rel.(map[string]any)
		if _, ok := rel["story"]; !ok {
			t.Errorf("related item %v has no story field", rel)
		}
		if rel["kind"] == string(model.RelatedSelf) {
			t.Errorf("the post's own item is listed as related: %v", rel)
		}
		stories = append(stories, rel["story"])
	}
	if want := []any{budgetStoryKey, nil, courtStoryKey, budgetStoryKey}; !slices.Equal(stories, want) {
		t.Errorf("related stories %v, want %v", stories, want)
	}
	var keys []any
	for _, s := range post["related_stories"].([]any) {
		keys = append(keys, s.(map[string]any)["key"])
	}
	if want := []any{budgetStoryKey, courtStoryKey}; !slices.Equal(keys, want) {
		t.Errorf("related_stories %v, want %v", keys, want)
	}

	var kushner map[string]any
	decode(t, ts.URL+"/api/posts/"+kushnerSlug, &kushner)
	if v, ok := kushner["story"]; !ok || v != nil {
		t.Errorf("post without a story: story = %v, want null", v)
	}
}

func TestEmptyStoreStories(t *testing.T) {
	ts := newTestServer(t, &fakeStore{})
	for _, path := range []string{"/stories", "/stories.atom", "/stories.rss", "/stories.json"} {
		if resp, body := get(t, ts.URL+path); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, body %q", path, resp.StatusCode, body)
		}
	}
	_, body := get(t, ts.URL+"/api/stories")
	if strings.Join(strings.Fields(body), "") != `{"stories":[],"next":null}` {
		t.Errorf("empty story list = %s", body)
	}
}

func TestMovedStatus(t *testing.T) {
	moved := fmt.Errorf("read story: %w", &model.Moved{What: "story", From: "a", To: "b"})
	if got := statusOf(moved); got != http.StatusMovedPermanently {
		t.Errorf("statusOf(moved) = %d, want 301", got)
	}
	s := testServer()
	for path, want := range map[string]string{
		"/stories/a":          "/stories/b",
		"/stories/a.json":     "/stories/b.json",
		"/api/stories/a":      "/api/stories/b",
		"/something/else":     "/stories/b", // no segment names the old key
		"/stories/a.atom?x=1": "/stories/b.atom?x=1",
	} {
		r := httptestRequest(t, path)
		if got := s.movedURL(r, movedTo(moved)); got != testBase+want {
			t.Errorf("movedURL(%s) = %q, want %q", path, got, testBase+want)
		}
	}
}

// httptestRequest is a GET request for path.
func httptestRequest(t *testing.T, path string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, testBase+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTopicFeedShowsEachStoryOnce: a topic feed carries its posts and, once
// each, the stories with an item filed under the topic.
func TestTopicFeedShowsEachStoryOnce(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	_, body := get(t, ts.URL+"/topics/budget.atom")
	if n := strings.Count(body, "<id>"+budgetStoryID+"</id>"); n != 1 {
		t.Errorf("the budget story appears %d times in the topic feed, want once:\n%s", n, body)
	}
	if !strings.Contains(body, "Covered by:") {
		t.Errorf("the story entry lacks its outlets")
	}
	if strings.Contains(body, courtStoryTitle) {
		t.Errorf("a story with no item in the topic is in its feed")
	}
	if !strings.Contains(body, "<entry>") || !strings.Contains(body, "/posts/"+budgetSlug) {
		t.Errorf("the topic's posts are gone from its feed")
	}
}

// /opml/stories lists every story's feed, a page at a time, each page but
// the last including the next.
func TestOPMLStoriesPages(t *testing.T) {
	store := &fakeStore{}
	n := opmlStoriesPageSize + 7
	for i := range n {
		store.stories = append(store.stories, model.Story{
			ID: fmt.Sprintf("tag:news.example.org,2025:story/%04d", i), Key: fmt.Sprintf("story-%04d", i),
			Title: fmt.Sprintf("Story %d", i), FirstSeen: t0, Updated: t0.Add(time.Duration(-i) * time.Minute),
		})
	}
	ts := newTestServer(t, store)
	seen := map[string]bool{}
	url, pages := ts.URL+"/opml/stories", 0
	for url != "" && pages < 5 {
		pages++
		_, body := get(t, url)
		var doc opmlFile
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatal(err)
		}
		url = ""
		for _, o := range doc.Outlines {
			switch {
			case o.Type == "include":
				url = ts.URL + strings.TrimPrefix(o.URL, testBase)
			case seen[o.XMLURL]:
				t.Errorf("%s listed twice", o.XMLURL)
			default:
				seen[o.XMLURL] = true
			}
		}
	}
	if pages != 2 || len(seen) != n {
		t.Errorf("%d pages listing %d story feeds, want 2 pages and %d", pages, len(seen), n)
	}
}
