package feeds

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/feedcheck"
	"github.com/newswire/newswire/internal/model"
)

// readParseFixture reads testdata/parse/name.
func readParseFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "parse", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// checkParsed checks what must hold for every successful parse.
func checkParsed(t testing.TB, name string, pf *ParsedFeed) {
	t.Helper()
	for i, it := range pf.Items {
		if strings.TrimSpace(it.Title) == "" && strings.TrimSpace(it.URL) == "" {
			t.Errorf("%s: item %d has neither title nor URL", name, i)
		}
		if len(it.Title) > model.MaxTitleLen {
			t.Errorf("%s: item %d title is %d bytes", name, i, len(it.Title))
		}
		if err := it.Validate(); err != nil {
			t.Errorf("%s: item %d: %v", name, i, err)
		}
		for _, s := range []string{it.Title, it.Summary, it.Outlet, it.SourceTitle} {
			if !utf8.ValidString(s) {
				t.Errorf("%s: item %d: invalid UTF-8 in %q", name, i, s)
			}
		}
		if it.DateEstimated != it.Published.IsZero() {
			t.Errorf("%s: item %d: DateEstimated=%v with Published=%v", name, i, it.DateEstimated, it.Published)
		}
	}
	for _, err := range pf.Skipped {
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: skipped item error %v does not wrap ErrInvalid", name, err)
		}
		var ie *ItemError
		if !errors.As(err, &ie) {
			t.Errorf("%s: skipped item error %v is not an *ItemError", name, err)
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// wantItem compares the fields of it that want sets (a zero field in want
// is not compared, except DateEstimated, which always is).
func wantItem(t *testing.T, it, want model.Item) {
	t.Helper()
	check := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("GUID", it.GUID, want.GUID)
	check("URL", it.URL, want.URL)
	check("Title", it.Title, want.Title)
	check("Summary", it.Summary, want.Summary)
	check("Outlet", it.Outlet, want.Outlet)
	check("SourceTitle", it.SourceTitle, want.SourceTitle)
	check("SourceFeedURL", it.SourceFeedURL, want.SourceFeedURL)
	check("SourceSiteURL", it.SourceSiteURL, want.SourceSiteURL)
	if !want.Published.IsZero() && !it.Published.Equal(want.Published) {
		t.Errorf("Published = %v, want %v", it.Published, want.Published)
	}
	if it.DateEstimated != want.DateEstimated {
		t.Errorf("DateEstimated = %v, want %v", it.DateEstimated, want.DateEstimated)
	}
	if want.Categories != nil && !slices.Equal(it.Categories, want.Categories) {
		t.Errorf("Categories = %q, want %q", it.Categories, want.Categories)
	}
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

func TestParse(t *testing.T) {
	longTitle := strings.Repeat("Ünïcödé ", 1250) // 10,000 characters, 15,000 bytes
	longComment := "<!-- " + strings.Repeat("padding ", 700) + "-->\n"

	tests := []struct {
		name    string
		file    string // in testdata/parse, or
		data    string
		wantErr string // substring of an error that must wrap ErrInvalid
		check   func(t *testing.T, pf *ParsedFeed)
	}{
		{name: "RSS 2.0 with <source url>", file: "rss2_source.xml", check: func(t *testing.T, pf *ParsedFeed) {
			if pf.Title != "Wire & Co. Aggregator" || pf.SiteURL != "https://wire.example/" ||
				pf.FeedURL != "https://wire.example/feed.rss" || pf.Language != "en-us" ||
				!pf.Updated.Equal(mustTime("2017-05-27T14:00:00Z")) {
				t.Errorf("feed = %q %q %q %q %v", pf.Title, pf.SiteURL, pf.FeedURL, pf.Language, pf.Updated)
			}
			if len(pf.Items) != 3 {
				t.Fatalf("%d items, want 3", len(pf.Items))
			}
			wantItem(t, pf.Items[0], model.Item{
				GUID:          "urn:example:fed-rates-1",
				URL:           "https://news.example.com/2017/05/27/fed-rates.html?utm=rss&x=1",
				Title:         "Fed & rates",
				Summary:       "The Fed held rates. Markets rose.",
				Outlet:        "Example News",
				SourceTitle:   "Example News",
				SourceFeedURL: "https://news.example.com/rss.xml",
				Published:     mustTime("2017-05-27T11:04:05Z"),
				Categories:    []string{"Economy", "Fed"},
			})
			if pf.Items[0].SourceSiteURL != "" {
				t.Errorf("SourceSiteURL = %q, want none (RSS <source> has only the feed URL)", pf.Items[0].SourceSiteURL)
			}
			wantItem(t, pf.Items[1], model.Item{
				GUID:          "https://wire.example/local/second",
				URL:           "https://wire.example/local/second", // relative <link> resolved
				Title:         "Second story, no source",
				Outlet:        "Wire & Co. Aggregator",
				SourceTitle:   "Wire & Co. Aggregator",
				SourceFeedURL: "https://wire.example/feed.rss",
				SourceSiteURL: "https://wire.example/",
				DateEstimated: true, // "not a date at all"
			})
			wantItem(t, pf.Items[2], model.Item{
				URL:           "https://news.example.com/permalink-only", // from <guid>
				Summary:       "Only a permalink guid.",
				DateEstimated: true,
			})
			if len(pf.Skipped) != 1 {
				t.Fatalf("Skipped = %v, want 1", pf.Skipped)
			}
			var ie *ItemError
			if !errors.As(pf.Skipped[0], &ie) || ie.Index != 2 || ie.GUID != "orphan-1" ||
				!strings.Contains(ie.Error(), "neither title nor link") {
				t.Errorf("Skipped[0] = %v", pf.Skipped[0])
			}
		}},
		{name: "Atom with <source>, IRIs kept byte-exact", file: "atom_source.xml", check: func(t *testing.T, pf *ParsedFeed) {
			if pf.Title != "Planet Nachrichten" || pf.Language != "de" || pf.FeedURL != "https://planet.example.org/atom.xml" {
				t.Errorf("feed = %q %q %q", pf.Title, pf.Language, pf.FeedURL)
			}
			if len(pf.Items) != 2 {
				t.Fatalf("%d items, want 2", len(pf.Items))
			}
			wantItem(t, pf.Items[0], model.Item{
				GUID:          "https://www.zeitung.example/artikel/grüne woche",
				URL:           "https://www.zeitung.example/wirtschaft/grüne-woche#",
				Title:         "Grüne Woche eröffnet",
				Summary:       "Die Messe beginnt.",
				Outlet:        "Die Zeitung",
				SourceTitle:   "Die Zeitung",
				SourceFeedURL: "https://www.zeitung.example/feed.atom",
				SourceSiteURL: "https://www.zeitung.example/",
				Published:     mustTime("2024-02-29T07:15:00Z"),
				Categories:    []string{"Wirtschaft", "berlin"},
			})
			wantItem(t, pf.Items[1], model.Item{
				GUID:          "urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6",
				Title:         "Only updated",
				Summary:       "Plain content used as the summary.",
				Outlet:        "Planet Nachrichten",
				SourceSiteURL: "https://planet.example.org/",
				Published:     mustTime("2024-03-01T09:00:00Z"), // <updated> stands in
			})
		}},
		{name: "JSON Feed 1.1", file: "jsonfeed11.json", check: func(t *testing.T, pf *ParsedFeed) {
			if pf.Title != "JSON Wire" || pf.SiteURL != "https://json.example/" || pf.Language != "en" {
				t.Errorf("feed = %q %q %q", pf.Title, pf.SiteURL, pf.Language)
			}
			if len(pf.Items) != 2 || len(pf.Skipped) != 1 {
				t.Fatalf("%d items, %d skipped; want 2, 1", len(pf.Items), len(pf.Skipped))
			}
			wantItem(t, pf.Items[0], model.Item{
				GUID:       "1234", // a number, coerced
				URL:        "https://json.example/posts/first",
				Title:      "First & foremost",
				Summary:    "Hello world",
				Outlet:     "JSON Wire",
				Published:  mustTime("2024-05-01T14:00:00Z"),
				Categories: []string{"Politics", "Elections"},
			})
			wantItem(t, pf.Items[1], model.Item{
				GUID:      "2",
				URL:       "https://elsewhere.example/story",
				Summary:   "No title, an external URL only.",
				Published: mustTime("2024-05-02T10:00:00Z"),
			})
		}},
		{name: "RSS 1.0 (RDF)", file: "rss10.rdf", check: func(t *testing.T, pf *ParsedFeed) {
			if pf.Title != "RDF Site" || pf.Language != "en" || len(pf.Items) != 2 {
				t.Fatalf("feed = %q %q, %d items", pf.Title, pf.Language, len(pf.Items))
			}
			wantItem(t, pf.Items[0], model.Item{URL: "http://rdf.example/1", Title: "RDF item one",
				Published: mustTime("2003-12-13T18:30:02Z"), Categories: []string{"Science"}})
			wantItem(t, pf.Items[1], model.Item{URL: "http://rdf.example/2", DateEstimated: true})
		}},
		{name: "Atom 0.3", file: "atom03.xml", check: func(t *testing.T, pf *ParsedFeed) {
			if pf.Title != "Atom 0.3 Weblog" || pf.SiteURL != "http://atom03.example/" || len(pf.Items) != 1 {
				t.Fatalf("feed = %q %q, %d items", pf.Title, pf.SiteURL, len(pf.Items))
			}
			wantItem(t, pf.Items[0], model.Item{
				GUID: "tag:atom03.example,2004:1", URL: "http://atom03.example/2004/01/01/entry",
				Title: "Old-style entry", Summary: "An entry in Atom 0.3.",
				Published: mustTime("2004-01-01T01:00:00Z"), // <issued>, not <modified>
			})
		}},
		{name: "xml:base", file: "xmlbase.xml", check: func(t *testing.T, pf *ParsedFeed) {
			if len(pf.Items) != 2 {
				t.Fatalf("%d items, want 2", len(pf.Items))
			}
			wantItem(t, pf.Items[0], model.Item{URL: "http://base.example/blog/2024/post-1", DateEstimated: true})
			wantItem(t, pf.Items[1], model.Item{URL: "http://other.example/y/post-2", DateEstimated: true})
		}},
		{name: "relative link against the self link", data: `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<atom:link rel="self" href="https://f.example/feeds/main.xml"/>
<item><title>t</title><link>story/1</link></item></channel></rss>`, check: func(t *testing.T, pf *ParsedFeed) {
			wantItem(t, pf.Items[0], model.Item{URL: "https://f.example/feeds/story/1", Outlet: "f.example", DateEstimated: true})
		}},
		{name: "relative link without a base is kept", data: `<rss version="2.0"><channel><title>T</title>
<item><title>t</title><link>story/1?a=b c</link></item></channel></rss>`, check: func(t *testing.T, pf *ParsedFeed) {
			wantItem(t, pf.Items[0], model.Item{URL: "story/1?a=b c", DateEstimated: true})
		}},
		{name: "absolute links are kept byte-exact", data: `<rss version="2.0"><channel><title>T</title><link>https://t.example/</link>
<item><title>t</title><link>  HTTPS://Example.COM/a/../b?q=%7e&amp;r=é#  </link><guid isPermaLink="false">  Id With  Spaces </guid></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				wantItem(t, pf.Items[0], model.Item{URL: "HTTPS://Example.COM/a/../b?q=%7e&r=é#", GUID: "Id With  Spaces", DateEstimated: true})
			}},
		{name: "HTML in titles", data: `<rss version="2.0"><channel><title>T</title>
<item><title>&lt;b&gt;Fed&lt;/b&gt; &amp;amp; rates</title><link>https://x.example/1</link></item>
<item><title><![CDATA[<b>Fed</b> &amp; rates]]></title><link>https://x.example/2</link></item>
<item><title>Fed &#8217;s   &#x201C;rates&#x201D;
  rise</title><link>https://x.example/3</link></item>
</channel></rss>`, check: func(t *testing.T, pf *ParsedFeed) {
			for i, want := range []string{"Fed & rates", "Fed & rates", "Fed ’s “rates” rise"} {
				if pf.Items[i].Title != want {
					t.Errorf("item %d title = %q, want %q", i, pf.Items[i].Title, want)
				}
			}
		}},
		{name: "CDATA", data: `<rss version="2.0"><channel><title><![CDATA[Q&A Daily]]></title>
<item><title><![CDATA[Q&A: <i>rates</i> < 5%]]></title><link><![CDATA[https://x.example/q?a=1&b=2]]></link>
<description><![CDATA[<p>First.</p><style>p{}</style><p>Second &amp; last.</p>]]></description></item>
</channel></rss>`, check: func(t *testing.T, pf *ParsedFeed) {
			wantItem(t, pf.Items[0], model.Item{Title: "Q&A: rates < 5%", URL: "https://x.example/q?a=1&b=2",
				Summary: "First. Second & last.", Outlet: "Q&A Daily", DateEstimated: true})
		}},
		{name: "10,000-character title is cut", data: `<rss version="2.0"><channel><title>T</title>
<item><title>` + longTitle + `</title><link>https://x.example/long</link></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				if len(pf.Items) != 1 {
					t.Fatalf("%d items, %v skipped", len(pf.Items), pf.Skipped)
				}
				title := pf.Items[0].Title
				if len(title) > model.MaxTitleLen || len(title) < model.MaxTitleLen-100 ||
					!utf8.ValidString(title) || !strings.HasPrefix(longTitle, title) {
					t.Errorf("title cut to %d bytes: %q...", len(title), title[:40])
				}
			}},
		{name: "long summary is cut at a word", data: `<rss version="2.0"><channel><title>T</title>
<item><title>t</title><description>` + strings.Repeat("word ", 1000) + `</description></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				s := pf.Items[0].Summary
				if n := utf8.RuneCountInString(s); n > SummaryLen+1 || n < SummaryLen-10 || !strings.HasSuffix(s, "word…") {
					t.Errorf("summary of %d runes ends %q", n, s[len(s)-20:])
				}
			}},
		{name: "dates: published, else updated, else estimated", data: `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>
<item><title>a</title><pubDate>Mon, 06 Jan 2025 10:00:00 -0500</pubDate></item>
<item><title>b</title><dc:date>2025-01-07T10:00:00Z</dc:date></item>
<item><title>c</title><pubDate></pubDate></item>
</channel></rss>`, check: func(t *testing.T, pf *ParsedFeed) {
			wantItem(t, pf.Items[0], model.Item{Published: mustTime("2025-01-06T15:00:00Z")})
			wantItem(t, pf.Items[1], model.Item{Published: mustTime("2025-01-07T10:00:00Z")})
			wantItem(t, pf.Items[2], model.Item{DateEstimated: true})
		}},
		{name: "duplicate categories", data: `<rss version="2.0"><channel><title>T</title>
<item><title>t</title><category>News</category><category> news </category><category>NEWS</category>
<category></category><category>World &amp; Nation</category><category>News</category></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				wantItem(t, pf.Items[0], model.Item{Categories: []string{"News", "World & Nation"}, DateEstimated: true})
			}},
		{name: "zero items", data: `<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Title != "Empty" || len(pf.Items) != 0 || len(pf.Skipped) != 0 {
					t.Errorf("got %q, %d items, %d skipped", pf.Title, len(pf.Items), len(pf.Skipped))
				}
			}},
		{name: "all items rejected", data: `<rss version="2.0"><channel><title>T</title>
<item><description>x</description></item><item><guid>g2</guid></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				if len(pf.Items) != 0 || len(pf.Skipped) != 2 {
					t.Errorf("%d items, %d skipped", len(pf.Items), len(pf.Skipped))
				}
			}},
		{name: "root past gofeed's 4 KiB window", data: `<?xml version="1.0" encoding="utf-8"?>` + "\n" + longComment +
			`<rss version="2.0"><channel><title>Late</title><item><title>t</title></item></channel></rss>`,
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Title != "Late" || len(pf.Items) != 1 {
					t.Errorf("got %q, %d items", pf.Title, len(pf.Items))
				}
			}},
		{name: "UTF-16 with a BOM", data: string(utf16LE(`<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Grüße</title><item><title>Straße</title></item></channel></rss>`)),
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Title != "Grüße" || len(pf.Items) != 1 || pf.Items[0].Title != "Straße" {
					t.Errorf("got %q, %v", pf.Title, pf.Items)
				}
			}},
		{name: "undeclared Latin-1 read as Windows-1252", data: "<rss version=\"2.0\"><channel><title>Caf\xe9 \x93news\x94</title><item><title>na\xefve</title></item></channel></rss>",
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Title != "Café “news”" || pf.Items[0].Title != "naïve" {
					t.Errorf("got %q, %q", pf.Title, pf.Items[0].Title)
				}
			}},
		{name: "declared ISO-8859-1", data: "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Caf\xe9</title><entry><title>t</title><link href=\"http://x.example/caf\xe9\"/></entry></feed>",
			check: func(t *testing.T, pf *ParsedFeed) {
				if pf.Title != "Café" || pf.Items[0].URL != "http://x.example/café" {
					t.Errorf("got %q, %q", pf.Title, pf.Items[0].URL)
				}
			}},
		{name: "HTML page", file: "html_page.html", wantErr: "HTML page"},
		{name: "empty input", data: "", wantErr: "empty"},
		{name: "white space only", data: " \n\t\r\n", wantErr: "empty"},
		{name: "binary input", data: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", wantErr: "binary"},
		{name: "post dump", data: "Saturday, May 27, 2017\n\nA headline\n\nSome text.\n", wantErr: "not a feed"},
		{name: "JSON that is not a feed", data: `{"name": "x", "count": 2}`, wantErr: "JSON object without"},
		{name: "OPML", data: `<?xml version="1.0"?><opml version="2.0"><body/></opml>`, wantErr: "not a feed"},
		{name: "truncated feed keeps its whole items", data: `<rss version="2.0"><channel><title>T</title>
<item><title>whole</title></item><item><title>cut sh`, check: func(t *testing.T, pf *ParsedFeed) {
			if len(pf.Items) != 1 || pf.Items[0].Title != "whole" {
				t.Errorf("items = %+v", pf.Items)
			}
		}},
		{name: "truncated end tag", data: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel><title>T</title></channel><item><title>i</title><link>http://x.example/</link></item></rdf:RD`,
			check: func(t *testing.T, pf *ParsedFeed) {
				if len(pf.Items) != 1 || pf.Items[0].Title != "i" {
					t.Errorf("items = %+v", pf.Items)
				}
			}},
		{name: "XML syntax error", data: `<rss version="2.0"><channel><title><![CDATX[T]]></title></channel></rss>`, wantErr: "XML syntax error"},
		{name: "malformed JSON Feed", data: `{"version": "https://jsonfeed.org/version/1", "items": [{"title": }]}`, wantErr: "invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := []byte(tc.data)
			name := "inline.xml"
			if tc.file != "" {
				data, name = readParseFixture(t, tc.file), tc.file
			}
			pf, err := Parse(name, data)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse = %d items, want error %q", len(pf.Items), tc.wantErr)
				}
				if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), name) {
					t.Errorf("error %q: want it to wrap ErrInvalid, contain %q and name %s", err, tc.wantErr, name)
				}
				if pf != nil {
					t.Errorf("Parse returned a feed with its error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkParsed(t, name, pf)
			if tc.check != nil {
				tc.check(t, pf)
			}
		})
	}
}

// TestParseNameAsBase checks that a URL given as the name is the last base
// for relative links.
func TestParseNameAsBase(t *testing.T) {
	pf, err := Parse("https://n.example/dir/feed.xml", []byte(`<rss version="2.0"><channel><title>T</title>
<item><title>t</title><link>../story</link></item></channel></rss>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := pf.Items[0].URL; got != "https://n.example/story" {
		t.Errorf("URL = %q", got)
	}
}

// TestRawValues checks the undoing of net/url's re-encoding.
func TestRawValues(t *testing.T) {
	m := collectRawValues([]byte(`<feed><id>http://a.example/x y</id><link href="http://a.example/é#"/>
<a>http://b.example/p q</a><b>http://b.example/p%20q</b></feed>`))
	for in, want := range map[string]string{
		"http://a.example/x%20y":  "http://a.example/x y",
		"http://a.example/%C3%A9": "http://a.example/é#",
		"http://b.example/p%20q":  "http://b.example/p%20q", // ambiguous: both spellings occur
		"http://c.example/":       "http://c.example/",
		"":                        "",
	} {
		if got := m.restore(in); got != want {
			t.Errorf("restore(%q) = %q, want %q", in, got, want)
		}
	}
	var none rawValues
	if got := none.restore("x"); got != "x" {
		t.Errorf("nil restore = %q", got)
	}
}

// gofeedTestdata returns gofeed's testdata directory in the module cache,
// or "".
func gofeedTestdata() string {
	var caches []string
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		caches = append(caches, strings.TrimSpace(string(out)))
	}
	if home, err := os.UserHomeDir(); err == nil {
		caches = append(caches, filepath.Join(home, "go", "pkg", "mod"))
	}
	for _, c := range caches {
		dir := filepath.Join(c, "github.com", "mmcdole", "gofeed@v1.4.2", "testdata")
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return ""
}

// corpusStats tallies a corpus run for one directory.
type corpusStats struct {
	files, ok, empty, items, skipped, errs, gofeedPanics int
	slowest                                              time.Duration
}

// perFileDeadline bounds one Parse in the corpus test.
const perFileDeadline = 5 * time.Second

// TestParseCorpus parses every file of feedparser's test suite and gofeed's
// testdata: Parse must return in time, without panicking, with either a
// feed or an error wrapping ErrInvalid, and every item it returns must be
// valid. Under -short only every fourth file is read.
func TestParseCorpus(t *testing.T) {
	type corpusFile struct{ path, group string }
	var files []corpusFile
	add := func(root, label string) {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Name() == "LICENSE" || strings.HasSuffix(d.Name(), ".go") {
				return nil
			}
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			group := label
			if rel != "." {
				parts := strings.Split(filepath.ToSlash(rel), "/")
				if len(parts) > 2 {
					parts = parts[:2]
				}
				group += "/" + strings.Join(parts, "/")
			}
			if label == "gofeed" && filepath.Ext(p) == ".json" && !strings.Contains(rel, "json") {
				group += " (expected .json)" // gofeed's expected results, not feeds
			}
			files = append(files, corpusFile{p, group})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	corpus := feedcheck.FindShared(filepath.Join("corpora", "feedparser", "tests"))
	if corpus != "" {
		add(corpus, "feedparser")
	} else if os.Getenv("CI") != "" {
		t.Error("no shared/corpora/feedparser/tests above the working directory")
	} else {
		t.Log("no shared/corpora/feedparser/tests above the working directory; skipping that part")
	}
	if dir := gofeedTestdata(); dir != "" {
		add(dir, "gofeed")
	} else {
		t.Log("gofeed testdata not found in the module cache; skipping that part")
	}
	if len(files) == 0 {
		feedcheck.Missing(t, "no corpus to parse")
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	if testing.Short() {
		var subset []corpusFile
		for i := 0; i < len(files); i += 4 {
			subset = append(subset, files[i])
		}
		files = subset
	}

	type result struct {
		file    corpusFile
		pf      *ParsedFeed
		err     error
		elapsed time.Duration
		hung    bool
	}
	jobs := make(chan corpusFile)
	results := make(chan result)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				data, err := os.ReadFile(f.path)
				if err != nil {
					results <- result{file: f, err: err}
					continue
				}
				done := make(chan result, 1)
				start := time.Now()
				go func() {
					pf, err := Parse(f.path, data)
					done <- result{file: f, pf: pf, err: err, elapsed: time.Since(start)}
				}()
				select {
				case r := <-done:
					results <- r
				case <-time.After(perFileDeadline):
					results <- result{file: f, hung: true, elapsed: perFileDeadline}
				}
			}
		}()
	}
	go func() {
		for _, f := range files {
			jobs <- f
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()

	stats := map[string]*corpusStats{}
	total := &corpusStats{}
	errKinds := map[string]int{}
	start := time.Now()
	for r := range results {
		st := stats[r.file.group]
		if st == nil {
			st = &corpusStats{}
			stats[r.file.group] = st
		}
		for _, s := range []*corpusStats{st, total} {
			s.files++
			s.slowest = max(s.slowest, r.elapsed)
		}
		switch {
		case r.hung:
			t.Errorf("%s: Parse did not return within %v", r.file.path, perFileDeadline)
		case r.err != nil && r.pf != nil:
			t.Errorf("%s: Parse returned both a feed and %v", r.file.path, r.err)
		case r.err != nil:
			if !errors.Is(r.err, model.ErrInvalid) {
				t.Errorf("%s: error does not wrap ErrInvalid: %v", r.file.path, r.err)
			}
			if strings.Contains(r.err.Error(), "internal error") {
				t.Errorf("%s: %v", r.file.path, r.err)
			}
			for _, s := range []*corpusStats{st, total} {
				s.errs++
				if strings.Contains(r.err.Error(), "gofeed panicked") {
					s.gofeedPanics++
				}
			}
			errKinds[errorKind(r.file.path, r.err)]++
		case r.pf == nil:
			t.Errorf("%s: Parse returned neither a feed nor an error", r.file.path)
		default:
			checkParsed(t, r.file.path, r.pf)
			for _, s := range []*corpusStats{st, total} {
				s.ok++
				s.items += len(r.pf.Items)
				s.skipped += len(r.pf.Skipped)
				if len(r.pf.Items) == 0 {
					s.empty++
				}
			}
		}
	}
	groups := make([]string, 0, len(stats))
	for g := range stats {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	var b strings.Builder
	row := func(name string, s *corpusStats) {
		fmt.Fprintf(&b, "%-44s %6d %6d %6d %6d %6d %6d %6d %8s\n", name, s.files, s.ok, s.empty, s.items, s.skipped, s.errs, s.gofeedPanics, s.slowest.Round(time.Millisecond))
	}
	fmt.Fprintf(&b, "%-44s %6s %6s %6s %6s %6s %6s %6s %8s\n", "directory", "files", "ok", "0items", "items", "skip", "errors", "panics", "slowest")
	for _, g := range groups {
		row(g, stats[g])
	}
	row("TOTAL", total)
	t.Logf("corpus (%v, short=%v):\n%s", time.Since(start).Round(time.Millisecond), testing.Short(), b.String())
	kinds := make([]string, 0, len(errKinds))
	for k, n := range errKinds {
		kinds = append(kinds, fmt.Sprintf("%5d  %s", n, k))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(kinds)))
	t.Logf("errors by kind:\n%s", strings.Join(kinds, "\n"))
}

// errorKind reduces a Parse error to its kind, without the file name or
// line numbers.
func errorKind(name string, err error) string {
	s := strings.TrimPrefix(err.Error(), name+": ")
	s = strings.TrimSuffix(s, ": "+model.ErrInvalid.Error())
	if i := strings.Index(s, " on line "); i >= 0 {
		if j := strings.Index(s[i:], ":"); j >= 0 {
			s = s[:i] + s[i+j:]
		}
	}
	if len(s) > 70 {
		s = s[:70]
	}
	return s
}

// FuzzParse checks that Parse never panics (outside gofeed, whose panics it
// turns into errors), returns a feed or an error wrapping ErrInvalid, and
// only returns items with a title or URL and a title within MaxTitleLen.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "parse", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"",
		`<rss><channel><item><title>x</title></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="a b"/><source><title>s</title></source></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":1,"url":"/x"}]}`,
		`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><item><title>t</title></item></rdf:RDF>`,
		"\xff\xfe<\x00r\x00s\x00s\x00>\x00",
		"Saturday\n\n<b>post</b>",
	} {
		f.Add([]byte(s))
	}
	if root := feedcheck.FindShared(filepath.Join("corpora", "feedparser", "tests")); root != "" {
		n := 0
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if n%40 == 0 {
					if data, err := os.ReadFile(p); err == nil {
						f.Add(data)
					}
				}
				n++
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := Parse("fuzz.xml", data)
		if err != nil {
			if pf != nil {
				t.Fatalf("feed and error %v", err)
			}
			if !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatal(err)
			}
			return
		}
		if pf == nil {
			t.Fatal("neither feed nor error")
		}
		for i, it := range pf.Items {
			if strings.TrimSpace(it.Title) == "" && strings.TrimSpace(it.URL) == "" {
				t.Fatalf("item %d has neither title nor URL", i)
			}
			if len(it.Title) > model.MaxTitleLen {
				t.Fatalf("item %d title is %d bytes", i, len(it.Title))
			}
			if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary) {
				t.Fatalf("item %d: invalid UTF-8", i)
			}
		}
	})
}
