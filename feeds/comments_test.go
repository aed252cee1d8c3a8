package feeds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/feedcheck"
	"github.com/newswire/newswire/internal/model"
)

func readCommentsFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "comments", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseCommentsFixtures(t *testing.T) {
	const wp = "https://blog.example/2017/05/post/"
	const bs = "https://example.blogspot.com/2019/03/a-post.html"
	const wpa = "https://wp.example/prefixes/"
	tests := []struct {
		file string
		want []model.Comment
	}{
		{"wordpress.rss", []model.Comment{
			{
				GUID: wp + "#comment-11", URL: wp + "#comment-11", Author: "Jane", Published: at("2017-05-09T18:01:02Z"),
				Body: []model.Block{
					pb("Great post."),
					pb("I disagree with the second point though, see this report (https://stats.example/report.pdf) and my older comment."),
				},
				Links: []string{"https://stats.example/report.pdf", "https://blog.example/2017/04/older/"},
			},
			{
				GUID: wp + "#comment-12", URL: wp + "#comment-12", Author: "Bob & Alice", Published: at("2017-05-09T19:30:00Z"),
				InReplyTo: wp + "#comment-11",
				Body: []model.Block{
					pb("In reply to Jane (" + wp + "#comment-11)."),
					qb("I disagree with the second point though"),
					pb("Which point?\nThe one about taxes?"),
				},
				Links: []string{wp + "#comment-11"},
			},
			{ // no dc:creator and an empty "By: " title; only a description
				GUID: wp + "#comment-13", URL: wp + "#comment-13", Author: "Anonymous", Published: at("2017-05-10T09:12:44Z"),
				Body: []model.Block{pb("Only a description, & no content.")},
			},
		}},
		{"blogger.atom", []model.Comment{
			{
				GUID: "tag:blogger.com,1999:blog-1.post-2", InReplyTo: "tag:blogger.com,1999:blog-1.post-100",
				URL: bs + "?showComment=1551456900000#c2", Author: "Carol", Published: at("2019-03-01T16:15:00Z"),
				Body:  []model.Block{pb("First line of the comment"), pb("Second paragraph, with a link (http://other.example/page).")},
				Links: []string{"http://other.example/page"},
			},
			{
				GUID: "tag:blogger.com,1999:blog-1.post-3", InReplyTo: "tag:blogger.com,1999:blog-1.post-100",
				URL: bs + "?showComment=1551459600000#c3", Author: "Anonymous", Published: at("2019-03-01T17:00:00Z"),
				Body: []model.Block{pb("Agreed.")},
			},
			{
				GUID: "tag:blogger.com,1999:blog-1.post-4", InReplyTo: "tag:blogger.com,1999:blog-1.post-2",
				URL: bs + "?showComment=1551549600000#c4", Author: "Blog Owner", Published: at("2019-03-02T18:00:00Z"),
				Body: []model.Block{pb("@Carol thanks & welcome")},
			},
		}},
		{"prefixes.atom", []model.Comment{
			{
				GUID: wpa + "#comment-5", InReplyTo: "https://wp.example/?p=7", URL: wpa + "#comment-5", Author: "Dana",
				Published: at("2020-01-01T09:00:00Z"),
				Body:      []model.Block{pb("Root comment, relative link (" + wpa + "#comment-1).")},
				Links:     []string{wpa + "#comment-1"},
			},
			{ // type="text" content is not read as HTML; the decoy thr: prefix is ignored
				GUID: wpa + "#comment-6", InReplyTo: wpa + "#comment-5", URL: wpa + "#comment-6", Author: "Eve",
				Published: at("2020-01-01T11:00:00Z"),
				Body:      []model.Block{pb("Plain text reply: 2 < 3 & <b> is not bold."), pb("Second paragraph.")},
			},
			// the entry with neither id nor link is left out, and its
			// in-reply-to is not given to the next one
			{
				GUID: wpa + "#comment-8", InReplyTo: wpa + "#comment-6", URL: wpa + "#comment-8", Author: "Frank",
				Published: at("2020-01-01T13:00:00Z"),
				Body:      []model.Block{pb("Only a summary.")},
			},
		}},
		{"comments.json", []model.Comment{
			{
				GUID: "https://micro.example/2021/06/post#c-1", URL: "https://micro.example/2021/06/post#c-1", Author: "Gil",
				Published: at("2021-06-01T12:00:00Z"),
				Body:      []model.Block{pb("Nice one! See elsewhere (https://elsewhere.example/)."), pb("click")},
				Links:     []string{"https://elsewhere.example/"},
			},
			{ // content_text is plain text; no title and no url
				GUID: "c-2", Author: "Hana", Published: at("2021-06-02T12:00:00Z"),
				Body: []model.Block{pb("Plain <b>text</b> reply."), pb("Two paragraphs &amp; an ampersand.")},
			},
			{
				GUID: "c-4", Author: "Anonymous",
				Body: []model.Block{pb("Only a summary, no content.")},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseComments(tt.file, readCommentsFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d comments, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], tt.want[i]) {
					t.Errorf("comment %d\n got  %+v\n want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseCommentsInline(t *testing.T) {
	const rssHead = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel><title>C</title><link>https://b.example/post/</link>`
	type want struct{ guid, inReplyTo, author, url string }
	tests := []struct {
		name string
		doc  string
		want []want
	}{
		{"an item with neither guid nor link is skipped, and threading is matched by GUID",
			rssHead + `<item><description>no identity</description><thr:in-reply-to ref="wrong-1"/></item>
<item><description>nothing at all</description></item>
<item><title>By: A</title><guid isPermaLink="false">c1</guid><description>one</description><thr:in-reply-to ref="post"/></item>
<item><title>By: B</title><guid isPermaLink="false">c2</guid><description>two</description><thr:in-reply-to ref="c1"/><thr:in-reply-to ref="c0"/></item>
</channel></rss>`,
			[]want{{"c1", "post", "A", ""}, {"c2", "c1", "B", ""}}},
		{"without a guid the link is the identity, and matches threading",
			rssHead + `<item><title>Comment on Post by Zoë</title><link>/post/#c7</link><description>x</description><thr:in-reply-to ref=" /post/#c6 "/></item>
<item><link>https://b.example/post/#c8</link><description>y</description></item>
</channel></rss>`,
			[]want{{"https://b.example/post/#c7", "/post/#c6", "Zoë", "https://b.example/post/#c7"},
				{"https://b.example/post/#c8", "", "Anonymous", "https://b.example/post/#c8"}}},
		{"entries sharing a GUID each keep their own threading",
			rssHead + `<item><guid>dup</guid><description>1</description><thr:in-reply-to ref="a"/></item>
<item><guid>dup</guid><description>2</description><thr:in-reply-to ref="b"/></item></channel></rss>`,
			[]want{{"dup", "a", "Anonymous", ""}, {"dup", "b", "Anonymous", ""}}},
		{"author element, email only, falls back to the title",
			rssHead + `<item><title>By: Title Name</title><guid>g</guid><author>who@b.example</author><description>x</description></item></channel></rss>`,
			[]want{{"g", "", "Title Name", ""}}},
		{"RSS author with a name",
			rssHead + `<item><guid>g</guid><author>who@b.example (Real Name)</author><description>x</description></item></channel></rss>`,
			[]want{{"g", "", "Real Name", ""}}},
		{"a truncated feed keeps its whole items and their threading",
			rssHead + `<item><guid>t1</guid><dc:creator>T</dc:creator><description>&lt;p&gt;one&lt;/p&gt;</description><thr:in-reply-to ref="post"/></item>
<item><guid>t2</guid><description>two</description><thr:in-reply-to ref="t1"/></item><item><guid>t3</guid><descr`,
			[]want{{"t1", "post", "T", ""}, {"t2", "t1", "Anonymous", ""}}},
		{"Atom with the threading namespace as the default namespace of the element",
			`<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>f</id>
<entry><id>e1</id><title>t</title><content type="html">&lt;p&gt;hi&lt;/p&gt;</content><in-reply-to xmlns="http://purl.org/syndication/thread/1.0" ref="p1"/></entry>
<entry><id>e2</id><title>t</title><content>x</content><in-reply-to ref="not-thr"/></entry></feed>`,
			[]want{{"e1", "p1", "Anonymous", ""}, {"e2", "", "Anonymous", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := ParseComments("inline.xml", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, c := range cs {
				got = append(got, want{c.GUID, c.InReplyTo, c.Author, c.URL})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseCommentsAtomContentTypes(t *testing.T) {
	doc := `<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><id>f</id>
<entry><id>text</id><title>t</title><content type="text">a &lt;b&gt; c</content></entry>
<entry><id>untyped-text</id><title>t</title><content>1 &lt; 2</content></entry>
<entry><id>untyped-html</id><title>t</title><content><![CDATA[<p>one</p><p>two</p>]]></content></entry>
<entry><id>html</id><title>t</title><content type="html">&lt;p&gt;a &amp;amp; b&lt;/p&gt;</content></entry>
<entry><id>xhtml</id><title>t</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x<br/>y</p><blockquote>z</blockquote></div></content></entry>
</feed>`
	want := map[string][]model.Block{
		"text":         {pb("a <b> c")},
		"untyped-text": {pb("1 < 2")},
		"untyped-html": {pb("one"), pb("two")},
		"html":         {pb("a & b")},
		"xhtml":        {pb("x\ny"), qb("z")},
	}
	cs, err := ParseComments("types.atom", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(want) {
		t.Fatalf("%d comments, want %d", len(cs), len(want))
	}
	for _, c := range cs {
		if !reflect.DeepEqual(c.Body, want[c.GUID]) {
			t.Errorf("%s: body %+v, want %+v", c.GUID, c.Body, want[c.GUID])
		}
	}
}

func TestParseCommentsWindows1251(t *testing.T) {
	// "коммент-1" and "коммент-2" in Windows-1251; ParseThreading's own
	// decoder does not know the encoding, so the feed is transcoded for it.
	c1 := "\xea\xee\xec\xec\xe5\xed\xf2-1"
	c2 := "\xea\xee\xec\xec\xe5\xed\xf2-2"
	doc := `<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0" xmlns:thr="http://purl.org/syndication/thread/1.0"><channel><title>x</title>
<item><title>By: ` + "\xc8\xe2\xe0\xed" + `</title><guid>` + c1 + `</guid><description>` + "\xef\xf0\xe8\xe2\xe5\xf2" + `</description></item>
<item><title>By: B</title><guid>` + c2 + `</guid><description>b</description><thr:in-reply-to ref="` + c1 + `"/></item>
</channel></rss>`
	cs, err := ParseComments("cp1251.xml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 {
		t.Fatalf("%d comments, want 2", len(cs))
	}
	if cs[0].Author != "Иван" || cs[0].GUID != "коммент-1" || len(cs[0].Body) != 1 || cs[0].Body[0].Text != "привет" {
		t.Errorf("comment 1: %+v", cs[0])
	}
	if cs[1].GUID != "коммент-2" || cs[1].InReplyTo != "коммент-1" {
		t.Errorf("comment 2: %+v", cs[1])
	}
}

func TestParseCommentsNotAFeed(t *testing.T) {
	for name, doc := range map[string]string{
		"page.html":  "<!DOCTYPE html><html><head><title>x</title></head><body><p>hi</p></body></html>",
		"empty.xml":  "",
		"hello.txt":  "hello",
		"binary.bin": "\x00\x01\x02\x03",
		"other.xml":  `<?xml version="1.0"?><note><to>x</to></note>`,
	} {
		cs, err := ParseComments(name, []byte(doc))
		if err == nil {
			t.Errorf("%s: no error, %d comments", name, len(cs))
			continue
		}
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not wrap ErrInvalid or name the file", name, err)
		}
	}
}

func TestParseCommentsEmptyFeed(t *testing.T) {
	cs, err := ParseComments("empty.rss", []byte(`<rss version="2.0"><channel><title>No comments yet</title></channel></rss>`))
	if err != nil || len(cs) != 0 {
		t.Errorf("got %v, %v; want no comments and no error", cs, err)
	}
}

// TestParseCommentsRoundTrip reads back the comment feed this package
// renders, in every format.
func TestParseCommentsRoundTrip(t *testing.T) {
	fx := fixture{"comments", commentsFeed}
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			feed := commentsFeed(f)
			cs, err := ParseComments(selfURL("comments", f), render(t, fx, f))
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != len(feed.Entries) {
				t.Fatalf("%d comments, want %d", len(cs), len(feed.Entries))
			}
			for i, e := range feed.Entries {
				c := cs[i]
				author := e.Author.Name
				if author == "" {
					author = "Anonymous"
				}
				inReplyTo := ""
				if f != JSON && e.InReplyTo != nil {
					inReplyTo = e.InReplyTo.Ref // JSON Feed has no threading
				}
				if c.GUID != e.ID || c.URL != e.URL || c.Author != author || c.InReplyTo != inReplyTo {
					t.Errorf("comment %d: %q %q %q %q, want %q %q %q %q", i,
						c.GUID, c.URL, c.Author, c.InReplyTo, e.ID, e.URL, author, inReplyTo)
				}
				if !e.Published.IsZero() && !c.Published.Equal(e.Published) {
					t.Errorf("comment %d: published %v, want %v", i, c.Published, e.Published)
				}
				if got := BlocksText(c.Body); got != e.ContentText {
					t.Errorf("comment %d: body\n%s\nwant\n%s", i, got, e.ContentText)
				}
			}
		})
	}
}

func FuzzParseComments(f *testing.F) {
	for _, name := range []string{"wordpress.rss", "blogger.atom", "prefixes.atom", "comments.json"} {
		f.Add(readCommentsFixture(f, name))
	}
	f.Add([]byte(`<rss><channel><item><guid>a</guid><thr:in-reply-to xmlns:thr="http://purl.org/syndication/thread/1.0" ref="b"/></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>By: x</title></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1","content_text":"x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseComments("fuzz.xml", data)
		if err != nil {
			if !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for i, c := range cs {
			if c.GUID == "" {
				t.Fatalf("comment %d has no GUID", i)
			}
			if c.Author == "" || !utf8.ValidString(c.Author) {
				t.Fatalf("comment %d: author %q", i, c.Author)
			}
			checkBlocks(t, "&#", c.Body) // the body may hold decoded "<"
			for _, l := range c.Links {
				if !isWebURL(l) {
					t.Fatalf("comment %d: link %q", i, l)
				}
			}
		}
	})
}

// TestParseCommentsCorpus reads every file of feedparser's test suite and
// gofeed's testdata as a comment feed: each gives comments with an
// identity and valid text, or an error wrapping ErrInvalid.
func TestParseCommentsCorpus(t *testing.T) {
	var roots []string
	if dir := feedcheck.FindShared(filepath.Join("corpora", "feedparser", "tests")); dir != "" {
		roots = append(roots, dir)
	} else if os.Getenv("CI") != "" {
		t.Error("no shared/corpora/feedparser/tests above the working directory")
	}
	if dir := gofeedTestdata(); dir != "" {
		roots = append(roots, dir)
	}
	if len(roots) == 0 {
		feedcheck.Missing(t, "no corpus to parse")
	}
	files, read, comments, rejected := 0, 0, 0, 0
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(d.Name(), ".go") {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			if testing.Short() && files%4 != 0 {
				return nil
			}
			got, err := ParseComments(p, data)
			if err != nil {
				if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), p) {
					t.Errorf("%s: error %v does not name the file or wrap ErrInvalid", p, err)
				}
				rejected++
				return nil
			}
			read++
			for _, c := range got {
				comments++
				if c.GUID == "" || !utf8.ValidString(c.Author) || c.Author == "" {
					t.Errorf("%s: comment %+v", p, c)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d files: %d read as comment feeds (%d comments), %d rejected", files, read, comments, rejected)
}
