package web

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

const testBase = "https://news.example.org"

// newTestServer serves store over real HTTP.
func newTestServer(t *testing.T, store Store) *httptest.Server {
	t.Helper()
	srv := NewServer(Config{
		Store:     store,
		BaseURL:   testBase + "/",
		Tagger:    testTagger,
		Logger:    slog.New(slog.NewTextHandler(t.Output(), nil)),
		SiteTitle: "Test Wire",
	})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// fetch sends a request and returns the response with its body read. It
// asks for the plain (identity) representation unless header names an
// Accept-Encoding; the body is then returned as sent.
func fetch(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
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

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	return fetch(t, http.MethodGet, url, nil)
}

// documents lists every route with a sample path and its content type.
func documents() []struct{ path, contentType string } {
	docs := []struct{ path, contentType string }{
		{"/", htmlType},
		{"/posts/" + budgetSlug, htmlType},
		{"/posts/" + kushnerSlug, htmlType},
		{"/topics/budget", htmlType},
		{"/topics/courts", htmlType},
		{"/opml", opmlType},
		{"/api/posts", jsonType},
		{"/api/posts/" + budgetSlug, jsonType},
		{"/api/posts/" + kushnerSlug, jsonType},
		{"/stories", htmlType},
		{"/stories/" + budgetStoryKey, htmlType},
		{"/stories/" + courtStoryKey, htmlType},
		{"/api/stories", jsonType},
		{"/api/stories/" + budgetStoryKey, jsonType},
		{"/api/stories/" + courtStoryKey, jsonType},
	}
	for _, f := range feeds.Formats {
		for _, path := range []string{
			"/stories",
			"/stories/" + budgetStoryKey,
			"/stories/" + courtStoryKey,
			"/posts",
			"/posts/" + budgetSlug + "/comments",
			"/posts/" + kushnerSlug + "/comments", // no comments
			"/posts/" + budgetSlug + "/threads/1",
			"/posts/" + budgetSlug + "/threads/4", // a leaf reply
			"/topics/budget",
			"/topics/congress",
		} {
			docs = append(docs, struct{ path, contentType string }{path + "." + string(f), f.MediaType()})
		}
	}
	return docs
}

func TestEveryRouteAndFormat(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for _, d := range documents() {
		t.Run(d.path, func(t *testing.T) {
			resp, body := get(t, ts.URL+d.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET status %d, body %q", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != d.contentType {
				t.Errorf("Content-Type %q, want %q", got, d.contentType)
			}
			if resp.Header.Get("ETag") == "" || resp.Header.Get("Last-Modified") == "" || resp.Header.Get("Cache-Control") == "" {
				t.Errorf("missing validators: %v", resp.Header)
			}
			if body == "" {
				t.Fatal("empty body")
			}

			head, headBody := fetch(t, http.MethodHead, ts.URL+d.path, nil)
			if head.StatusCode != http.StatusOK || headBody != "" {
				t.Fatalf("HEAD status %d, body %q", head.StatusCode, headBody)
			}
			for _, h := range []string{"Content-Type", "ETag", "Last-Modified", "Content-Length"} {
				if head.Header.Get(h) != resp.Header.Get(h) {
					t.Errorf("HEAD %s %q, GET has %q", h, head.Header.Get(h), resp.Header.Get(h))
				}
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for _, path := range []string{
		"/posts/nope",
		"/posts/nope/comments.atom",
		"/posts/" + budgetSlug + "/comments.xml",
		"/posts/" + budgetSlug + "/comments",
		"/posts/" + budgetSlug + "/other.atom",
		"/posts/" + budgetSlug + ".atom",
		"/posts/" + budgetSlug + "/threads/99.atom",
		"/posts/" + budgetSlug + "/threads/abc.atom",
		"/posts/x/threads/abc.atom",
		"/posts/x/threads/1.atom",
		"/posts/" + budgetSlug + "/threads/01.atom",
		"/posts/" + budgetSlug + "/threads/-1.atom",
		"/posts/" + budgetSlug + "/threads/0.atom",
		"/posts/" + budgetSlug + "/threads/1.5.atom",
		"/posts/" + budgetSlug + "/threads/99", // the page of no thread
		"/posts/" + budgetSlug + "/threads/01",
		"/posts/" + budgetSlug + "/threads/99999999999999999999999.rss",
		"/topics/nope",
		"/topics/nope.atom",
		"/topics/budget.xml",
		"/topics/budget.",
		"/posts.xml",
		"/posts.ATOM",
		"/posts",
		"/comments.atom",
		"/favicon.ico",
		"/api/posts/nope",
		"/api/nothing",
	} {
		t.Run(path, func(t *testing.T) {
			resp, body := get(t, ts.URL+path)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404 (body %q)", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q, want text/plain", ct)
			}
			if strings.TrimSpace(body) == "" || len(body) > 200 {
				t.Errorf("want a short message, got %q", body)
			}
		})
	}
}

func TestNotFoundMessages(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for path, want := range map[string]string{
		"/posts/nope": `no such post "nope"`,
		"/posts/" + budgetSlug + "/threads/abc.atom":  `no such thread "abc"`,
		"/posts/" + budgetSlug + "/threads/99.atom":   "no such thread 99",
		"/posts/" + budgetSlug + "/comments.xml":      "unknown feed format",
		"/topics/nope.rss":                            `no such topic "nope"`,
		"/posts/" + budgetSlug + "/threads/12.nofeed": "unknown feed format",
	} {
		_, body := get(t, ts.URL+path)
		if !strings.Contains(body, want) {
			t.Errorf("GET %s: body %q, want it to contain %q", path, body, want)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	resp, _ := fetch(t, http.MethodPost, ts.URL+"/posts.atom", nil)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST status %d, want 405", resp.StatusCode)
	}
}

func TestConditionalGet(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	url := ts.URL + "/posts/" + budgetSlug + "/comments.atom"
	first, body := get(t, url)
	etag, lastMod := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `-atom"`) {
		t.Fatalf("ETag %q is not a quoted strong tag", etag)
	}
	// The comments feed changed last when comments 6 and 7 arrived.
	if want := t0.Add(6 * time.Minute).Format(http.TimeFormat); lastMod != want {
		t.Errorf("Last-Modified %q, want %q", lastMod, want)
	}
	if again, body2 := get(t, url); again.Header.Get("ETag") != etag || body2 != body {
		t.Error("rendering is not deterministic")
	}
	earlier := t0.Format(http.TimeFormat)
	later := t0.Add(time.Hour).Format(http.TimeFormat)

	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"etag", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		{"weak etag", map[string]string{"If-None-Match": "W/" + etag}, http.StatusNotModified},
		{"etag list", map[string]string{"If-None-Match": `"nope", ` + etag}, http.StatusNotModified},
		{"star", map[string]string{"If-None-Match": "*"}, http.StatusNotModified},
		{"stale etag", map[string]string{"If-None-Match": `"0123456789abcdef-atom"`}, http.StatusOK},
		{"ims equal", map[string]string{"If-Modified-Since": lastMod}, http.StatusNotModified},
		{"ims later", map[string]string{"If-Modified-Since": later}, http.StatusNotModified},
		{"ims earlier", map[string]string{"If-Modified-Since": earlier}, http.StatusOK},
		{"ims garbage", map[string]string{"If-Modified-Since": "yesterday"}, http.StatusOK},
		{"inm takes precedence", map[string]string{"If-None-Match": `"stale"`, "If-Modified-Since": lastMod}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, got := fetch(t, http.MethodGet, url, tt.header)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if resp.Header.Get("ETag") != etag || resp.Header.Get("Last-Modified") != lastMod {
				t.Errorf("validators changed: %v", resp.Header)
			}
			if tt.want == http.StatusNotModified && got != "" {
				t.Errorf("304 with a body: %q", got)
			}
			if tt.want == http.StatusOK && got != body {
				t.Error("200 without the full body")
			}
		})
	}
}

func TestConditionalGetEveryDocument(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	etags := map[string]string{}
	for _, d := range documents() {
		first, _ := get(t, ts.URL+d.path)
		etag := first.Header.Get("ETag")
		if other, dup := etags[etag]; dup {
			t.Errorf("%s and %s share ETag %s", d.path, other, etag)
		}
		etags[etag] = d.path
		resp, _ := fetch(t, http.MethodGet, ts.URL+d.path, map[string]string{"If-None-Match": etag})
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s: status %d with matching ETag, want 304", d.path, resp.StatusCode)
		}
	}
}

func TestAPIPost(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	_, body := get(t, ts.URL+"/api/posts/"+budgetSlug)
	var post map[string]any
	if err := json.Unmarshal([]byte(body), &post); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"id", "slug", "title", "author", "published", "date_from_dump", "topics", "related", "body", "sections", "comments"} {
		if _, ok := post[key]; !ok {
			t.Errorf("post has no %q", key)
		}
	}
	comments := post["comments"].([]any)
	if len(comments) != 7 {
		t.Fatalf("%d comments, want 7", len(comments))
	}
	wantKeys := []string{"author", "body", "feeds", "first_seen", "id", "links", "number", "parent", "updated", "votes"}
	byNumber := map[float64]map[string]any{}
	for _, c := range comments {
		c := c.(map[string]any)
		if keys := slices.Sorted(maps.Keys(c)); !slices.Equal(keys, wantKeys) {
			t.Errorf("comment keys %v, want exactly %v", keys, wantKeys)
		}
		byNumber[c["number"].(float64)] = c
	}
	if v, ok := byNumber[1]["parent"]; !ok || v != nil {
		t.Errorf("root comment parent = %v, want null", v)
	}
	if v := byNumber[3]["parent"]; v != 1.0 {
		t.Errorf("comment 3 parent = %v, want 1", v)
	}
	if v, ok := byNumber[2]["votes"]; !ok || v != nil {
		t.Errorf("comment 2 votes = %v, want null", v)
	}
	if v := byNumber[1]["votes"]; v != 5.0 {
		t.Errorf("comment 1 votes = %v, want 5", v)
	}
	if v := byNumber[4]["votes"]; v != 0.0 {
		t.Errorf("comment 4 votes = %v, want 0", v)
	}
	body3 := byNumber[3]["body"].([]any)
	block := body3[0].(map[string]any)
	if keys := slices.Sorted(maps.Keys(block)); !slices.Equal(keys, []string{"kind", "text"}) || block["kind"] != "quote" {
		t.Errorf("block = %v, want {kind: quote, text}", block)
	}
	if byNumber[5]["body"].([]any)[0].(map[string]any)["text"] != hostileText {
		t.Error("the API must return text as stored")
	}
	wantFeeds := map[string]any{
		"atom": testBase + "/posts/" + budgetSlug + "/threads/3.atom",
		"rss":  testBase + "/posts/" + budgetSlug + "/threads/3.rss",
		"json": testBase + "/posts/" + budgetSlug + "/threads/3.json",
	}
	if got := byNumber[3]["feeds"].(map[string]any); !maps.Equal(got, wantFeeds) {
		t.Errorf("feeds = %v, want %v", got, wantFeeds)
	}
	related := post["related"].([]any)[1].(map[string]any)
	if related["url"] != nil || related["published"] != nil || related["outlet"] != "Weekly News" {
		t.Errorf("related without URL = %v, want null url and published", related)
	}
}

func TestAPIPosts(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	_, body := get(t, ts.URL+"/api/posts")
	var list struct {
		Posts []map[string]any `json:"posts"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var slugs []string
	for _, p := range list.Posts {
		slugs = append(slugs, p["slug"].(string))
		wantKeys := []string{"author", "comment_count", "date_from_dump", "feeds", "id", "published", "slug", "title", "topics", "url"}
		if keys := slices.Sorted(maps.Keys(p)); !slices.Equal(keys, wantKeys) {
			t.Errorf("post keys %v, want %v", keys, wantKeys)
		}
	}
	if want := []string{kushnerSlug, budgetSlug, quietSlug}; !slices.Equal(slugs, want) {
		t.Errorf("posts %v, want newest first %v", slugs, want)
	}
	if n := list.Posts[1]["comment_count"]; n != 7.0 {
		t.Errorf("comment_count %v, want 7", n)
	}
}

// jsonFeedItems fetches a JSON Feed and returns its items' IDs in order.
func jsonFeedItems(t *testing.T, url string) []string {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	var feed struct {
		Version string `json:"version"`
		Items   []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range feed.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func commentIDs(numbers ...int) []string {
	var ids []string
	for _, n := range numbers {
		ids = append(ids, testTagger.Comment(testTagger.Post(budgetSlug), n))
	}
	return ids
}

func TestThreadFeeds(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for n, want := range map[int][]int{
		1: {4, 3, 1}, // root, its reply, and the reply to the reply
		2: {6, 2},
		3: {4, 3}, // a thread can start below the root
		4: {4},
		7: {7},
	} {
		url := ts.URL + "/posts/" + budgetSlug + "/threads/" + itoa(n) + ".json"
		if got := jsonFeedItems(t, url); !slices.Equal(got, commentIDs(want...)) {
			t.Errorf("thread %d: items %v, want comments %v", n, got, want)
		}
	}
}

func TestCommentsFeedOrder(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	got := jsonFeedItems(t, ts.URL+"/posts/"+budgetSlug+"/comments.json")
	// 6 and 7 were first seen at the same time: the higher number first.
	if want := commentIDs(7, 6, 5, 4, 3, 2, 1); !slices.Equal(got, want) {
		t.Errorf("items %v, want %v", got, want)
	}
	if got := jsonFeedItems(t, ts.URL+"/posts/"+kushnerSlug+"/comments.json"); len(got) != 0 {
		t.Errorf("post without comments has items %v", got)
	}
}

func TestFeedIDsAndSelfLinks(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	path := "/posts/" + budgetSlug + "/comments"
	_, atom := get(t, ts.URL+path+".atom")
	if want := "<id>" + testTagger.Feed(path) + "</id>"; !strings.Contains(atom, want) {
		t.Errorf("Atom feed lacks %s", want)
	}
	for _, f := range feeds.Formats {
		_, body := get(t, ts.URL+path+"."+string(f))
		if self := testBase + path + "." + string(f); !strings.Contains(body, self) {
			t.Errorf("%s feed does not name its self URL %s", f, self)
		}
	}
}

func TestFeedsEscapeHostileComment(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	url := ts.URL + "/posts/" + budgetSlug + "/comments."
	// In XML, text and HTML content are escaped, so no raw markup remains.
	for _, f := range []feeds.Format{feeds.Atom, feeds.RSS} {
		_, body := get(t, url+string(f))
		if strings.Contains(body, "<script>") || strings.Contains(body, "<b>Mallory") {
			t.Errorf("%s comments feed carries raw markup from a comment", f)
		}
	}
	// In JSON Feed, titles and content_text are plain text; content_html
	// must have the comment's text escaped once.
	_, body := get(t, url+"json")
	var feed struct {
		Items []struct {
			ID          string `json:"id"`
			ContentHTML string `json:"content_html"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	for _, it := range feed.Items {
		if strings.Contains(it.ContentHTML, "<script>") {
			t.Errorf("item %s: content_html carries raw markup: %s", it.ID, it.ContentHTML)
		}
		if it.ID == commentIDs(5)[0] && !strings.Contains(it.ContentHTML, "&lt;script&gt;") {
			t.Errorf("hostile comment not escaped once: %s", it.ContentHTML)
		}
	}
}

// opmlFile is what the tests read from /opml.
type opmlFile struct {
	XMLName  xml.Name `xml:"opml"`
	Version  string   `xml:"version,attr"`
	Title    string   `xml:"head>title"`
	Outlines []struct {
		Type    string `xml:"type,attr"`
		Text    string `xml:"text,attr"`
		XMLURL  string `xml:"xmlUrl,attr"`
		HTMLURL string `xml:"htmlUrl,attr"`
		URL     string `xml:"url,attr"`
	} `xml:"body>outline"`
}

func TestOPML(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	resp, body := get(t, ts.URL+"/opml")
	if ct := resp.Header.Get("Content-Type"); ct != "text/x-opml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var doc opmlFile
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("OPML does not parse: %v\n%s", err, body)
	}
	if doc.Version != "2.0" || doc.Title == "" {
		t.Errorf("version %q, title %q", doc.Version, doc.Title)
	}
	var got, includes []string
	for _, o := range doc.Outlines {
		if o.Type == "include" && o.URL != "" && o.Text != "" {
			includes = append(includes, o.URL)
			continue
		}
		if o.Type != "rss" || o.Text == "" || o.HTMLURL == "" {
			t.Errorf("incomplete outline %+v", o)
		}
		if strings.Contains(o.XMLURL, "/threads/") {
			t.Errorf("thread feed %s in OPML", o.XMLURL)
		}
		got = append(got, strings.TrimPrefix(o.XMLURL, testBase))
	}
	want := []string{
		"/posts.atom",
		"/stories.atom", // once: single stories' feeds are not listed
		"/posts/" + kushnerSlug + "/comments.atom",
		"/posts/" + budgetSlug + "/comments.atom",
		"/posts/" + quietSlug + "/comments.atom",
		"/topics/budget.atom",
		"/topics/congress.atom",
		"/topics/courts.atom",
	}
	if !slices.Equal(got, want) {
		t.Errorf("OPML feeds\n%v\nwant\n%v", got, want)
	}
	// The documents it includes list every other feed: every comment's
	// thread feed on the posts with comments, and every story's feed.
	wantIncludes := []string{testBase + "/opml/posts/" + budgetSlug, testBase + "/opml/stories"}
	if !slices.Equal(includes, wantIncludes) {
		t.Fatalf("includes %v, want %v", includes, wantIncludes)
	}
	st := newFakeStore()
	for _, u := range includes {
		_, body := get(t, ts.URL+strings.TrimPrefix(u, testBase))
		var inc opmlFile
		if err := xml.Unmarshal([]byte(body), &inc); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		var feeds []string
		for _, o := range inc.Outlines {
			feeds = append(feeds, strings.TrimPrefix(o.XMLURL, testBase))
		}
		var want []string
		if strings.HasSuffix(u, "/stories") {
			for _, story := range st.stories {
				want = append(want, "/stories/"+story.Key+".atom")
			}
		} else {
			for _, c := range st.posts[0].Comments {
				want = append(want, "/posts/"+budgetSlug+"/threads/"+strconv.Itoa(c.Number)+".atom")
			}
		}
		slices.Sort(feeds)
		slices.Sort(want)
		if !slices.Equal(feeds, want) {
			t.Errorf("%s lists %v, want %v", u, feeds, want)
		}
	}
}

// autodiscovery is the start of the <link> naming the feed at path in
// format f (its title, which follows, names the feed and the format).
func autodiscovery(path string, f feeds.Format) string {
	mediaType, _, _ := strings.Cut(f.MediaType(), ";")
	return `<link rel="alternate" type="` + mediaType + `" href="` + testBase + path + "." + string(f) + `" title="`
}

func TestHTMLPages(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	threadFeed := func(n string) string { return testBase + "/posts/" + budgetSlug + "/threads/" + n + ".atom" }
	tests := []pageCase{
		{
			path: "/", feed: "/posts",
			want: []string{
				"<!DOCTYPE html>", `href="` + testBase + `/posts/` + budgetSlug + `"`, "7 comments",
				`href="` + testBase + `/topics/courts"`, "Courts &amp; Law",
				threadFeed("1"), threadFeed("2"), // roots with replies
			},
			not: []string{threadFeed("7"), threadFeed("3")}, // a root without replies; a reply
		},
		{
			path: "/posts/" + budgetSlug, feed: "/posts/" + budgetSlug + "/comments",
			want: []string{
				"<h1>Senate passes the budget</h1>", "published <time", "Update #1",
				`id="comment-1"`, `id="comment-7"`, `href="#comment-1"`, "<blockquote",
				"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tom &amp;amp; Jerry", "&lt;b&gt;Mallory&lt;/b&gt;",
				"5 votes", threadFeed("5"), `href="https://daily.example.com/budget"`, "Weekly News",
				`href="` + testBase + `/topics/budget"`, testBase + "/topics/budget.atom",
			},
			not: []string{"<script>", "<b>Mallory"},
		},
		{
			path: "/posts/" + kushnerSlug, feed: "/posts/" + kushnerSlug + "/comments",
			want: []string{"first seen <time", "Kushner’s deal", "0 comments"},
		},
		{
			path: "/topics/budget", feed: "/topics/budget",
			want: []string{"<h1>Budget</h1>", "Senate passes the budget", "A quiet day"},
			not:  []string{"Kushner"},
		},
	}
	checkPages(t, ts, tests)
}

func TestServerErrors(t *testing.T) {
	tests := []struct {
		name  string
		store *fakeStore
		path  string
		want  int
	}{
		{"store failure", &fakeStore{err: errors.New("disk on fire at /var/lib/secret")}, "/posts.atom", http.StatusInternalServerError},
		{"store failure on a page", &fakeStore{err: errors.New("secret")}, "/posts/" + budgetSlug, http.StatusInternalServerError},
		{"invalid input", &fakeStore{err: fmt.Errorf("slug %q: %w", "secret", model.ErrInvalid)}, "/posts/x", http.StatusBadRequest},
		{"panic", &fakeStore{panic: true}, "/posts.atom", http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, tt.store)
			resp, body := get(t, ts.URL+tt.path)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if strings.Contains(body, "secret") || strings.Contains(body, "exploded") {
				t.Errorf("internal detail leaked: %q", body)
			}
		})
	}
}

func TestEmptyStore(t *testing.T) {
	ts := newTestServer(t, &fakeStore{})
	for _, path := range []string{"/", "/posts.atom", "/posts.rss", "/posts.json", "/opml", "/api/posts"} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: status %d, body %q", path, resp.StatusCode, body)
		}
	}
	_, body := get(t, ts.URL+"/api/posts")
	if strings.Join(strings.Fields(body), "") != `{"posts":[]}` {
		t.Errorf("empty post list = %s, want an empty array", body)
	}
}

// pageCase is an HTML page that must hold want (and the autodiscovery
// links of feed, in every format) and must not hold not.
type pageCase struct {
	path, feed string
	want, not  []string
}

func checkPages(t *testing.T, ts *httptest.Server, tests []pageCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, body := get(t, ts.URL+tt.path)
			for _, f := range feeds.Formats {
				tt.want = append(tt.want, autodiscovery(tt.feed, f))
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(body, s) {
					t.Errorf("page contains %q", s)
				}
			}
		})
	}
}
