package web

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// Helpers over parsed HTML (golang.org/x/net/html), shared by the page
// tests.

// getPage fetches path from ts, which must answer 200 with HTML, and
// parses it.
func getPage(t *testing.T, ts *httptest.Server, path string) *html.Node {
	t.Helper()
	resp, body := get(t, ts.URL+path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, body %q", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != htmlType {
		t.Fatalf("GET %s: Content-Type %q", path, ct)
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

// findAll lists the elements below n (n included) that match.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	if n.Type == html.ElementNode && match(n) {
		out = append([]*html.Node{n}, out...)
	}
	return out
}

func elements(n *html.Node, a atom.Atom) []*html.Node {
	return findAll(n, func(d *html.Node) bool { return d.DataAtom == a })
}

func first(n *html.Node, a atom.Atom) *html.Node {
	if all := elements(n, a); len(all) > 0 {
		return all[0]
	}
	return nil
}

// byID is the element with the given id, or nil.
func byID(n *html.Node, id string) *html.Node {
	if all := findAll(n, func(d *html.Node) bool { return attr(d, "id") == id }); len(all) > 0 {
		return all[0]
	}
	return nil
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// comments maps the id of every comment (article.comment) on a page to
// the id of the comment it is nested under: the article heading the
// <li> whose <ol class="comments"> holds it ("" for a comment at the top
// level, "?" for a comment outside that structure).
func comments(doc *html.Node) map[string]string {
	out := map[string]string{}
	for _, a := range findAll(doc, func(d *html.Node) bool { return d.DataAtom == atom.Article && hasClass(d, "comment") }) {
		out[attr(a, "id")] = nestedUnder(a)
	}
	return out
}

func nestedUnder(a *html.Node) string {
	li := a.Parent
	if li == nil || li.DataAtom != atom.Li || li.Parent == nil || li.Parent.DataAtom != atom.Ol || !hasClass(li.Parent, "comments") {
		return "?"
	}
	outer := li.Parent.Parent
	if outer == nil || outer.DataAtom != atom.Li {
		return ""
	}
	for c := outer.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Article && hasClass(c, "comment") {
			return attr(c, "id")
		}
	}
	return "?"
}

// link is an <a> or <link> as the tests compare them.
type link struct{ rel, typ, href, title string }

func links(n *html.Node, a atom.Atom) []link {
	var out []link
	for _, e := range elements(n, a) {
		out = append(out, link{attr(e, "rel"), attr(e, "type"), attr(e, "href"), attr(e, "title")})
	}
	return out
}

// pageFeeds is a page and the feeds it corresponds to.
type pageFeeds struct {
	path  string
	title string   // part of its <title>
	feeds []string // feed paths, without extension
}

func allPages() []pageFeeds {
	budget := "/posts/" + budgetSlug
	return []pageFeeds{
		{"/", "Test Wire", []string{"/posts", "/stories"}},
		{budget, "Senate passes the budget", []string{budget + "/comments"}},
		{"/posts/" + kushnerSlug, "Kushner’s deal", []string{"/posts/" + kushnerSlug + "/comments"}},
		{budget + "/threads/1", "Thread of comment 1 by Kylopod", []string{budget + "/threads/1"}},
		{budget + "/threads/3", "Thread of comment 3 by An Interested Party", []string{budget + "/threads/3"}},
		{budget + "/threads/7", "Thread of comment 7 by Loner", []string{budget + "/threads/7"}},
		{"/topics/budget", "Budget", []string{"/topics/budget"}},
		{"/stories", "Stories", []string{"/stories"}},
		{"/stories/" + budgetStoryKey, budgetStoryTitle, []string{"/stories/" + budgetStoryKey}},
	}
}

// Every page is an HTML5 document without scripts that names the feeds it
// corresponds to in every format, twice: as <link rel="alternate"> with an
// absolute URL for autodiscovery, and as a subscribe link in the page.
func TestPagesHeadAndSubscribeLinks(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	for _, pg := range allPages() {
		t.Run(pg.path, func(t *testing.T) {
			doc := getPage(t, ts, pg.path)
			if doc.FirstChild == nil || doc.FirstChild.Type != html.DoctypeNode || doc.FirstChild.Data != "html" {
				t.Error("no <!DOCTYPE html>")
			}
			root := first(doc, atom.Html)
			if attr(root, "lang") == "" {
				t.Error("<html> has no lang")
			}
			head := first(doc, atom.Head)
			metas := elements(head, atom.Meta)
			if !slices.ContainsFunc(metas, func(m *html.Node) bool { return strings.EqualFold(attr(m, "charset"), "utf-8") }) {
				t.Error(`no <meta charset="utf-8">`)
			}
			if !slices.ContainsFunc(metas, func(m *html.Node) bool {
				return attr(m, "name") == "viewport" && strings.Contains(attr(m, "content"), "width=device-width")
			}) {
				t.Error("no viewport <meta>")
			}
			if title := first(head, atom.Title); title == nil || !strings.Contains(textOf(title), pg.title) {
				t.Errorf("<title> does not name %q", pg.title)
			}
			if h1 := elements(doc, atom.H1); len(h1) != 1 {
				t.Errorf("%d <h1>, want 1", len(h1))
			}
			if s := elements(doc, atom.Script); len(s) > 0 {
				t.Errorf("%d <script> elements; pages need no JavaScript", len(s))
			}
			seen := map[string]bool{}
			for _, e := range findAll(doc, func(*html.Node) bool { return true }) {
				for _, a := range e.Attr {
					if strings.HasPrefix(a.Key, "on") {
						t.Errorf("<%s %s=…>: an event handler", e.Data, a.Key)
					}
				}
				if id := attr(e, "id"); id != "" {
					if seen[id] {
						t.Errorf("id %q twice", id)
					}
					seen[id] = true
				}
			}

			var alternates []link
			for _, l := range links(head, atom.Link) {
				if l.rel == "alternate" {
					alternates = append(alternates, l)
				}
			}
			var want []link
			for _, path := range pg.feeds {
				for _, f := range feeds.Formats {
					want = append(want, link{rel: "alternate", typ: bareType(f), href: testBase + path + "." + string(f)})
				}
			}
			titles := map[string]bool{}
			for i := range alternates {
				l := &alternates[i]
				if titles[l.title] || l.title == "" {
					t.Errorf("alternate %s: title %q empty or not unique", l.href, l.title)
				}
				titles[l.title] = true
				if f, _ := feeds.ParseFormat(l.href[strings.LastIndexByte(l.href, '.')+1:]); !strings.HasSuffix(l.title, "("+formatName(f)+")") {
					t.Errorf("alternate %s: title %q does not name its format", l.href, l.title)
				}
				l.title = ""
			}
			if !slices.Equal(alternates, want) {
				t.Errorf("autodiscovery links\n%v\nwant\n%v", alternates, want)
			}

			body := links(first(doc, atom.Body), atom.A)
			for _, w := range want {
				if !slices.ContainsFunc(body, func(a link) bool { return a.href == w.href && a.typ == w.typ }) {
					t.Errorf("no subscribe link <a href=%q type=%q>", w.href, w.typ)
				}
			}
		})
	}
}

// The comments of a post are nested: each reply in the list under the
// comment it answers, which its "in reply to" link names; every comment
// has a permalink and its thread feed, and those with replies a link to
// their thread's page.
func TestPostPageNestsComments(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	doc := getPage(t, ts, "/posts/"+budgetSlug)
	want := map[string]string{
		"comment-1": "", "comment-2": "", "comment-5": "", "comment-7": "",
		"comment-3": "comment-1", "comment-4": "comment-3", "comment-6": "comment-2",
	}
	if got := comments(doc); !maps.Equal(got, want) {
		t.Fatalf("comments nested as\n%v\nwant\n%v", got, want)
	}
	checkComments(t, doc, "/posts/"+budgetSlug, want, map[string]int{"comment-1": 2, "comment-2": 1, "comment-3": 1}, "")

	// The index lists the threads (roots with replies) with their pages.
	var threads []string
	for _, a := range findAll(getPage(t, ts, "/"), func(d *html.Node) bool { return d.DataAtom == atom.A && hasClass(d, "thread") }) {
		threads = append(threads, attr(a, "href"))
	}
	thread := testBase + "/posts/" + budgetSlug + "/threads/"
	if w := []string{thread + "1", thread + "2"}; !slices.Equal(threads, w) {
		t.Errorf("index links threads %v, want %v", threads, w)
	}
}

// checkComments checks the comments of the page at path: nested as want
// says, each with a permalink to itself, a reply link to the comment it
// is nested under, its thread feed, and a link to its thread's page when
// below (the replies at any depth) names it. The root of a thread page
// that starts below a root comment replies to outside (an anchor on the
// post's page), "" otherwise.
func checkComments(t *testing.T, doc *html.Node, path string, want map[string]string, below map[string]int, outside string) {
	t.Helper()
	post, _, _ := strings.Cut(path, "/threads/")
	for id, parent := range want {
		a := byID(doc, id)
		n := strings.TrimPrefix(id, "comment-")
		var permalink, replyTo, thread []string
		var feedLinks int
		for _, e := range elements(a, atom.A) {
			switch {
			case hasClass(e, "permalink"):
				permalink = append(permalink, attr(e, "href"))
			case hasClass(e, "reply-to"):
				replyTo = append(replyTo, attr(e, "href"))
			case hasClass(e, "thread"):
				thread = append(thread, attr(e, "href")+" "+textOf(e.Parent))
			case strings.HasPrefix(attr(e, "href"), testBase+post+"/threads/"+n+"."):
				feedLinks++
			}
		}
		if !slices.Equal(permalink, []string{"#" + id}) {
			t.Errorf("%s: permalinks %v", id, permalink)
		}
		if feedLinks != len(feeds.Formats) {
			t.Errorf("%s: %d links to its thread feed", id, feedLinks)
		}
		switch {
		case parent != "":
			if !slices.Equal(replyTo, []string{"#" + parent}) {
				t.Errorf("%s: reply links %v, want #%s", id, replyTo, parent)
			}
		case outside != "":
			if w := testBase + post + "#" + outside; !slices.Equal(replyTo, []string{w}) {
				t.Errorf("%s: reply links %v, want %s", id, replyTo, w)
			}
		default:
			if len(replyTo) > 0 {
				t.Errorf("%s: a top-level comment with reply links %v", id, replyTo)
			}
		}
		if k, ok := below[id]; ok {
			page := testBase + post + "/threads/" + n
			if len(thread) != 1 || !strings.HasPrefix(thread[0], page+" ") || !strings.Contains(thread[0], "("+strconv.Itoa(k)+" repl") {
				t.Errorf("%s: thread links %q, want %s with %d replies", id, thread, page, k)
			}
		} else if len(thread) > 0 {
			t.Errorf("%s: thread links %q, want none", id, thread)
		}
	}
}

// A thread's page shows its root and every reply below it, nested, and
// nothing else; its links lead to the post's page for what is not on it.
func TestThreadPage(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	post := "/posts/" + budgetSlug
	for _, tt := range []struct {
		n       int
		want    map[string]string
		below   map[string]int // comments linking to their thread's page
		outside string         // what the root replies to, on the post's page
	}{
		{1, map[string]string{"comment-1": "", "comment-3": "comment-1", "comment-4": "comment-3"}, map[string]int{"comment-3": 1}, ""},
		{3, map[string]string{"comment-3": "", "comment-4": "comment-3"}, nil, "comment-1"},
		{2, map[string]string{"comment-2": "", "comment-6": "comment-2"}, nil, ""},
		{4, map[string]string{"comment-4": ""}, nil, "comment-3"},
	} {
		path := post + "/threads/" + strconv.Itoa(tt.n)
		t.Run(path, func(t *testing.T) {
			doc := getPage(t, ts, path)
			if got := comments(doc); !maps.Equal(got, tt.want) {
				t.Fatalf("comments nested as\n%v\nwant\n%v", got, tt.want)
			}
			checkComments(t, doc, path, tt.want, tt.below, tt.outside)
			var toPost bool
			for _, a := range elements(doc, atom.A) {
				toPost = toPost || attr(a, "href") == testBase+post
			}
			if !toPost {
				t.Error("no link to the post's page")
			}
		})
	}
	// Comment 3 quotes comment 1, which is not on thread 3's page.
	doc := getPage(t, ts, post+"/threads/3")
	quote := first(byID(doc, "comment-3"), atom.Blockquote)
	if cite := attr(quote, "cite"); cite != testBase+post+"#comment-1" {
		t.Errorf("quote of a comment on another page cites %q", cite)
	}
}

func TestThreadPageErrors(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	post := "/posts/" + budgetSlug
	for path, want := range map[string]string{
		post + "/threads/99":        "no such thread 99",
		post + "/threads/01":        `no such thread "01"`,
		post + "/threads/0":         `no such thread "0"`,
		post + "/threads/x":         `no such thread "x"`,
		"/posts/nope/threads/1":     `no such post "nope"`,
		post + "/threads/1.html":    "unknown feed format",
		post + "/threads/1/":        "",
		post + "/threads/1/replies": "",
	} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, want) {
			t.Errorf("GET %s: %d %q, want 404 with %q", path, resp.StatusCode, body, want)
		}
	}
	// A page answers conditional requests like every document, and is not
	// content a WebSub hub delivers.
	srv := NewServer(Config{Store: newFakeStore(), BaseURL: testBase, Tagger: testTagger})
	ts2 := httptest.NewServer(srv.Handler())
	defer ts2.Close()
	firstResp, _ := get(t, ts2.URL+post+"/threads/1")
	resp, _ := fetch(t, http.MethodGet, ts2.URL+post+"/threads/1", map[string]string{"If-None-Match": firstResp.Header.Get("ETag")})
	if firstResp.Header.Get("ETag") == "" || resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET: ETag %q, status %d", firstResp.Header.Get("ETag"), resp.StatusCode)
	}
	if _, _, _, err := srv.Content(context.Background(), testBase+post+"/threads/1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Content of a thread page: %v, want ErrNotFound", err)
	}
}

// Every link on every page that stays on the site leads to a document,
// and every fragment (permalinks, reply links, quotes) to an element of
// the page it names.
func TestPageLinksResolve(t *testing.T) {
	ts := newTestServer(t, newFakeStore())
	docs := map[string]*html.Node{}
	page := func(path string) *html.Node {
		if doc, ok := docs[path]; ok {
			return doc
		}
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", path, resp.StatusCode)
		}
		var doc *html.Node
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			doc, _ = html.Parse(strings.NewReader(body))
		}
		docs[path] = doc
		return doc
	}
	checked := 0
	for _, pg := range allPages() {
		doc := page(pg.path)
		for _, e := range findAll(doc, func(d *html.Node) bool { return d.DataAtom == atom.A || d.DataAtom == atom.Link }) {
			href := attr(e, "href")
			path, fragment, _ := strings.Cut(href, "#")
			switch {
			case path == "":
				path = pg.path
			case strings.HasPrefix(path, testBase+"/"):
				path = strings.TrimPrefix(path, testBase)
			default:
				continue // elsewhere
			}
			checked++
			target := page(path)
			if fragment != "" && (target == nil || byID(target, fragment) == nil) {
				t.Errorf("%s: link %q: no element %q on %s", pg.path, href, fragment, path)
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d links checked", checked)
	}
}
