package feeds

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// The round-trip tests read our own output back: with gofeed, as a Go
// reader would, and with encoding/xml's namespace-aware decoder, which
// checks that the prefixed elements and attributes land in the right
// namespaces.

func TestRoundTripGofeed(t *testing.T) {
	for _, fx := range fixtures {
		for _, f := range Formats {
			t.Run(fx.name+"."+string(f), func(t *testing.T) {
				feed := fx.feed(f)
				d := prepare(feed)
				got, err := gofeed.NewParser().Parse(bytes.NewReader(render(t, fx, f)))
				if err != nil {
					t.Fatalf("gofeed: %v", err)
				}
				if got.Title != feed.Title {
					t.Errorf("feed title %q, want %q", got.Title, feed.Title)
				}
				if f != RSS && got.FeedLink != feed.SelfURL {
					t.Errorf("feed self link %q, want %q", got.FeedLink, feed.SelfURL)
				}
				if len(got.Items) != len(d.entries) {
					t.Fatalf("%d items, want %d", len(got.Items), len(d.entries))
				}
				for i, e := range d.entries {
					checkGofeedItem(t, f, got.Items[i], &e, d)
				}
			})
		}
	}
}

func checkGofeedItem(t *testing.T, f Format, it *gofeed.Item, e *entry, d *doc) {
	t.Helper()
	if it.GUID != e.id {
		t.Errorf("%s: id %q, want %q", e.id, it.GUID, e.id)
	}
	if it.Title != e.Title {
		t.Errorf("%s: title %q, want %q", e.id, it.Title, e.Title)
	}
	if e.URL != "" && it.Link != e.URL {
		t.Errorf("%s: link %q, want %q", e.id, it.Link, e.URL)
	}
	var labels []string
	for _, c := range e.Categories {
		labels = append(labels, catLabel(c))
	}
	if !slices.Equal(it.Categories, labels) {
		t.Errorf("%s: categories %q, want %q", e.id, it.Categories, labels)
	}
	if name := personName(e.Author); name != "" {
		if len(it.Authors) == 0 || it.Authors[0].Name != name {
			t.Errorf("%s: authors %+v, want %q", e.id, it.Authors, name)
		}
	}
	wantPublished := e.published
	if f == Atom && !e.dated() {
		wantPublished = d.updated // gofeed reads a missing published as updated
	}
	checkTime(t, e.id+" published", it.PublishedParsed, wantPublished)
	switch f {
	case Atom:
		checkTime(t, e.id+" updated", it.UpdatedParsed, e.updatedOr(d.updated))
	case JSON:
		checkTime(t, e.id+" updated", it.UpdatedParsed, e.updated)
	}
	content := it.Content
	if f == RSS {
		content = it.Description
	}
	if content == "" {
		t.Errorf("%s: no content", e.id)
	}
	if e.id == hostileID {
		if text, tags := htmlText(t, content); text != hostileText {
			t.Errorf("%s: hostile comment reads\n%q\nwant\n%q", f, text, hostileText)
		} else if slices.ContainsFunc(tags, func(s string) bool { return s != "p" && s != "br" && s != "a" }) {
			t.Errorf("%s: hostile comment has markup %q", f, tags)
		}
	}
}

func checkTime(t *testing.T, what string, got *time.Time, want time.Time) {
	t.Helper()
	switch {
	case want.IsZero() && got != nil:
		t.Errorf("%s: %v, want none", what, *got)
	case !want.IsZero() && (got == nil || !got.Equal(want)):
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

// htmlText is what a browser shows of an HTML fragment, with <br> as "\n",
// and the names of the elements in it.
func htmlText(t *testing.T, fragment string) (string, []string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	var tags []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String(), tags
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			tags = append(tags, string(name))
			if string(name) == "br" {
				b.WriteByte('\n')
			}
		}
	}
}

// Namespace-aware views of our XML, for decoding with encoding/xml.

type xLink struct {
	Href  string `xml:"href,attr"`
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr"`
	Count string `xml:"http://purl.org/syndication/thread/1.0 count,attr"`
}

type xCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr"`
	Scheme string `xml:"scheme,attr"`
}

type xInReplyTo struct {
	Ref  string `xml:"ref,attr"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr"`
}

type xPerson struct {
	Name string `xml:"http://www.w3.org/2005/Atom name"`
}

type xAtomFeed struct {
	XMLName    xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Authors    []xPerson   `xml:"http://www.w3.org/2005/Atom author"`
	Links      []xLink     `xml:"http://www.w3.org/2005/Atom link"`
	Categories []xCategory `xml:"http://www.w3.org/2005/Atom category"`
	Entries    []struct {
		ID      string    `xml:"http://www.w3.org/2005/Atom id"`
		Authors []xPerson `xml:"http://www.w3.org/2005/Atom author"`
		Content []struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"http://www.w3.org/2005/Atom content"`
		Links      []xLink      `xml:"http://www.w3.org/2005/Atom link"`
		Categories []xCategory  `xml:"http://www.w3.org/2005/Atom category"`
		InReplyTo  []xInReplyTo `xml:"http://purl.org/syndication/thread/1.0 in-reply-to"`
		Source     *struct {
			ID    string  `xml:"http://www.w3.org/2005/Atom id"`
			Title string  `xml:"http://www.w3.org/2005/Atom title"`
			Links []xLink `xml:"http://www.w3.org/2005/Atom link"`
		} `xml:"http://www.w3.org/2005/Atom source"`
	} `xml:"http://www.w3.org/2005/Atom entry"`
}

func TestAtomExtensions(t *testing.T) {
	for _, fx := range fixtures {
		feed := fx.feed(Atom)
		d := prepare(feed)
		var x xAtomFeed
		if err := xml.Unmarshal(render(t, fx, Atom), &x); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if !hasXLink(x.Links, "self", "application/atom+xml", feed.SelfURL) && feed.SelfURL != "" {
			t.Errorf("%s: no self link in %+v", fx.name, x.Links)
		}
		if !hasXLink(x.Links, "alternate", "text/html", feed.HTMLURL) && feed.HTMLURL != "" {
			t.Errorf("%s: no alternate link in %+v", fx.name, x.Links)
		}
		for _, l := range feed.Links {
			if !hasXLink(x.Links, l.Rel, l.Type, l.Href) {
				t.Errorf("%s: no %s link in %+v", fx.name, l.Rel, x.Links)
			}
		}
		if want := atomCategoriesOf(feed.Categories); !slices.Equal(x.Categories, want) {
			t.Errorf("%s: feed categories %+v, want %+v", fx.name, x.Categories, want)
		}
		if len(x.Entries) != len(d.entries) {
			t.Fatalf("%s: %d entries, want %d", fx.name, len(x.Entries), len(d.entries))
		}
		allAuthored := true
		for i, e := range d.entries {
			xe := x.Entries[i]
			allAuthored = allAuthored && len(xe.Authors) > 0
			// Schematron rules of RFC 4287 that jing -c does not check.
			if len(xe.Content) != 1 && !hasXLink(xe.Links, "alternate", "", "") {
				t.Errorf("%s: neither content nor alternate link", e.id)
			}
			if len(xe.Content) == 1 {
				if wantType := map[bool]string{true: "html", false: "text"}[e.html != ""]; xe.Content[0].Type != wantType {
					t.Errorf("%s: content type %q, want %q", e.id, xe.Content[0].Type, wantType)
				}
			}
			if want := atomCategoriesOf(e.Categories); !slices.Equal(xe.Categories, want) {
				t.Errorf("%s: categories %+v, want %+v", e.id, xe.Categories, want)
			}
			for _, c := range xe.Categories {
				if c.Term == "" || c.Label == "" {
					t.Errorf("%s: category without term or label: %+v", e.id, c)
				}
			}
			if irt := e.InReplyTo; irt != nil {
				want := []xInReplyTo{{Ref: irt.Ref, Href: irt.Href}}
				if irt.Href != "" {
					want[0].Type = "text/html"
				}
				if !slices.Equal(xe.InReplyTo, want) {
					t.Errorf("%s: thr:in-reply-to %+v, want %+v", e.id, xe.InReplyTo, want)
				}
			} else if len(xe.InReplyTo) > 0 {
				t.Errorf("%s: unexpected thr:in-reply-to", e.id)
			}
			if r := e.Replies; r != nil {
				var found bool
				for _, l := range xe.Links {
					if l.Rel == "replies" {
						found = l.Count == strconv.Itoa(r.Count) && l.Href == firstNonEmpty(r.AtomHref, r.HTMLHref)
					}
				}
				if !found {
					t.Errorf("%s: no replies link with thr:count=%d in %+v", e.id, r.Count, xe.Links)
				}
			}
			if s := e.Source; s != nil {
				if xe.Source == nil || xe.Source.ID != s.ID || xe.Source.Title != s.Title ||
					!hasXLink(xe.Source.Links, "self", "", s.FeedURL) || !hasXLink(xe.Source.Links, "alternate", "", s.URL) {
					t.Errorf("%s: source %+v, want %+v", e.id, xe.Source, s)
				}
			}
		}
		if !allAuthored && len(x.Authors) == 0 {
			t.Errorf("%s: feed has no author but not every entry has one", fx.name)
		}
	}
}

func atomCategoriesOf(cs []Category) []xCategory {
	var out []xCategory
	for _, c := range cs {
		out = append(out, xCategory{Term: catTerm(c), Label: catLabel(c), Scheme: c.Scheme})
	}
	return out
}

// hasXLink looks for a link; an empty typ or href matches any.
func hasXLink(links []xLink, rel, typ, href string) bool {
	return slices.ContainsFunc(links, func(l xLink) bool {
		return l.Rel == rel && (typ == "" || l.Type == typ) && (href == "" || l.Href == href)
	})
}

type xRSS struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		// Namespaced fields come first: an unqualified tag matches an
		// element of that name in any namespace.
		AtomLinks   []xLink `xml:"http://www.w3.org/2005/Atom link"`
		Link        string  `xml:"link"`
		Description string  `xml:"description"`
		PubDate     string  `xml:"pubDate"`
		BuildDate   string  `xml:"lastBuildDate"`
		Categories  []struct {
			Domain string `xml:"domain,attr"`
			Value  string `xml:",chardata"`
		} `xml:"category"`
		Items []struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			Guid  struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				Value       string `xml:",chardata"`
			} `xml:"guid"`
			PubDate       string       `xml:"pubDate"`
			Author        string       `xml:"author"`
			Creator       string       `xml:"http://purl.org/dc/elements/1.1/ creator"`
			SlashComments string       `xml:"http://purl.org/rss/1.0/modules/slash/ comments"`
			Comments      string       `xml:"comments"`
			CommentRSS    string       `xml:"http://wellformedweb.org/CommentAPI/ commentRss"`
			InReplyTo     []xInReplyTo `xml:"http://purl.org/syndication/thread/1.0 in-reply-to"`
			Categories    []struct {
				Domain string `xml:"domain,attr"`
				Value  string `xml:",chardata"`
			} `xml:"category"`
			Source *struct {
				URL   string `xml:"url,attr"`
				Value string `xml:",chardata"`
			} `xml:"source"`
		} `xml:"item"`
	} `xml:"channel"`
}

func TestRSSExtensions(t *testing.T) {
	for _, fx := range fixtures {
		feed := fx.feed(RSS)
		d := prepare(feed)
		var x xRSS
		if err := xml.Unmarshal(render(t, fx, RSS), &x); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		ch := x.Channel
		if x.Version != "2.0" || ch.Description == "" {
			t.Errorf("%s: version %q, description %q", fx.name, x.Version, ch.Description)
		}
		if feed.SelfURL != "" && !hasXLink(ch.AtomLinks, "self", "application/rss+xml", feed.SelfURL) {
			t.Errorf("%s: no atom:link rel=self in %+v", fx.name, ch.AtomLinks)
		}
		for _, l := range feed.Links {
			if !hasXLink(ch.AtomLinks, l.Rel, l.Type, l.Href) {
				t.Errorf("%s: no atom:link rel=%s in %+v", fx.name, l.Rel, ch.AtomLinks)
			}
		}
		if _, err := time.Parse(time.RFC1123Z, ch.BuildDate); err != nil {
			t.Errorf("%s: lastBuildDate: %v", fx.name, err)
		}
		if len(ch.Items) != len(d.entries) {
			t.Fatalf("%s: %d items, want %d", fx.name, len(ch.Items), len(d.entries))
		}
		for i, e := range d.entries {
			it := ch.Items[i]
			wantPerma := "false"
			if e.id == e.URL && isHTTPURL(e.id) {
				wantPerma = "true"
			}
			if it.Guid.Value != e.id || it.Guid.IsPermaLink != wantPerma {
				t.Errorf("%s: guid %+v, want %s isPermaLink=%s", e.id, it.Guid, e.id, wantPerma)
			}
			if it.Creator != personName(e.Author) {
				t.Errorf("%s: dc:creator %q, want %q", e.id, it.Creator, personName(e.Author))
			}
			if it.Author != "" && !strings.Contains(it.Author, "@") {
				t.Errorf("%s: author %q is not an email address", e.id, it.Author)
			}
			if e.dated() {
				if p, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil || !p.Equal(e.published) {
					t.Errorf("%s: pubDate %q, want %v", e.id, it.PubDate, e.published)
				}
			}
			for j, c := range it.Categories {
				if j >= len(e.Categories) || c.Value != catLabel(e.Categories[j]) || c.Domain != e.Categories[j].Scheme {
					t.Errorf("%s: category %+v, want %+v", e.id, c, e.Categories)
				}
			}
			if len(it.Categories) != len(e.Categories) {
				t.Errorf("%s: %d categories, want %d", e.id, len(it.Categories), len(e.Categories))
			}
			if r := e.Replies; r != nil {
				if it.SlashComments != strconv.Itoa(r.Count) || it.CommentRSS != r.RSSHref || it.Comments != r.HTMLHref {
					t.Errorf("%s: slash:comments %q, wfw:commentRss %q, comments %q; want %+v", e.id, it.SlashComments, it.CommentRSS, it.Comments, r)
				}
			}
			if irt := e.InReplyTo; irt != nil && (len(it.InReplyTo) != 1 || it.InReplyTo[0].Ref != irt.Ref || it.InReplyTo[0].Href != irt.Href) {
				t.Errorf("%s: thr:in-reply-to %+v, want %+v", e.id, it.InReplyTo, irt)
			}
			if s := e.Source; s != nil && (it.Source == nil || it.Source.URL != s.FeedURL || it.Source.Value != s.Title) {
				t.Errorf("%s: source %+v, want %+v", e.id, it.Source, s)
			}
		}
	}
}

func TestJSONItems(t *testing.T) {
	for _, fx := range fixtures {
		feed := fx.feed(JSON)
		var x struct {
			Version string `json:"version"`
			NextURL string `json:"next_url"`
			Items   []struct {
				ID          string  `json:"id"`
				ContentHTML *string `json:"content_html"`
				ContentText *string `json:"content_text"`
				Ext         *struct {
					InReplyTo      string `json:"in_reply_to"`
					InReplyToURL   string `json:"in_reply_to_url"`
					RepliesCount   *int   `json:"replies_count"`
					RepliesFeedURL string `json:"replies_feed_url"`
					Categories     []struct {
						Term  string `json:"term"`
						Label string `json:"label"`
					} `json:"categories"`
					Source *struct {
						Title   string `json:"title"`
						FeedURL string `json:"feed_url"`
					} `json:"source"`
				} `json:"_newswire"`
			} `json:"items"`
		}
		out := render(t, fx, JSON)
		if !bytes.Contains(out, []byte(`"`+JSONExtensionKey+`": {`)) {
			t.Errorf("%s: no %s extension object", fx.name, JSONExtensionKey)
		}
		if err := json.Unmarshal(out, &x); err != nil {
			t.Fatalf("%s: %v", fx.name, err)
		}
		if x.Version != "https://jsonfeed.org/version/1.1" {
			t.Errorf("%s: version %q", fx.name, x.Version)
		}
		for _, l := range feed.Links {
			if l.Rel == "next" && x.NextURL != l.Href {
				t.Errorf("%s: next_url %q, want %q", fx.name, x.NextURL, l.Href)
			}
		}
		for i, e := range feed.Entries {
			it := x.Items[i]
			if it.ContentHTML == nil && it.ContentText == nil {
				t.Errorf("%s: item %s has neither content_html nor content_text", fx.name, it.ID)
			}
			if e.InReplyTo != nil && (it.Ext == nil || it.Ext.InReplyTo != e.InReplyTo.Ref || it.Ext.InReplyToURL != e.InReplyTo.Href) {
				t.Errorf("%s: in_reply_to of %s lost", fx.name, it.ID)
			}
			if e.Replies != nil && (it.Ext == nil || it.Ext.RepliesCount == nil || *it.Ext.RepliesCount != e.Replies.Count) {
				t.Errorf("%s: replies_count of %s lost", fx.name, it.ID)
			}
			if len(e.Categories) > 0 && (it.Ext == nil || len(it.Ext.Categories) != len(e.Categories) || it.Ext.Categories[0].Term != e.Categories[0].Term) {
				t.Errorf("%s: categories of %s lost", fx.name, it.ID)
			}
			if e.Source != nil && (it.Ext == nil || it.Ext.Source == nil || it.Ext.Source.FeedURL != e.Source.FeedURL) {
				t.Errorf("%s: source of %s lost", fx.name, it.ID)
			}
		}
	}
}
