package feeds

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	gfeeds "github.com/gorilla/feeds"
)

// The RSS document embeds gorilla/feeds' channel and item structs and adds,
// in their namespaces, what RSS 2.0 itself cannot say: atom:link (self and
// paging), dc:creator, slash:comments, wfw:commentRss and thr:in-reply-to.
// gorilla's root (RssFeedXml) cannot hold our channel, so the root is ours.

// rssDoc is the <rss> root with the namespace declarations.
type rssDoc struct {
	XMLName    xml.Name    `xml:"rss"`
	Version    string      `xml:"version,attr"`
	XmlnsAtom  string      `xml:"xmlns:atom,attr"`
	XmlnsDC    string      `xml:"xmlns:dc,attr,omitempty"`
	XmlnsSlash string      `xml:"xmlns:slash,attr,omitempty"`
	XmlnsWfw   string      `xml:"xmlns:wfw,attr,omitempty"`
	XmlnsThr   string      `xml:"xmlns:thr,attr,omitempty"`
	XmlnsFH    string      `xml:"xmlns:fh,attr,omitempty"`
	Channel    *rssChannel `xml:"channel"`
}

// rssChannel is gorilla's channel with atom:links, categories with a
// domain, and our items.
type rssChannel struct {
	gfeeds.RssFeed
	AtomLinks  []rssAtomLink `xml:"atom:link"`
	Archive    *struct{}     `xml:"fh:archive"`
	Categories []rssCategory `xml:"category"`
	Items      []*rssItem    `xml:"item"`
}

// rssItem is gorilla's item with the extension elements. Link shadows
// gorilla's to be omitted when empty; Source shadows gorilla's bare string.
type rssItem struct {
	gfeeds.RssItem
	Link          string        `xml:"link,omitempty"`
	Creator       string        `xml:"dc:creator,omitempty"`
	Categories    []rssCategory `xml:"category"`
	SlashComments *int          `xml:"slash:comments,omitempty"`
	CommentRSS    string        `xml:"wfw:commentRss,omitempty"`
	InReplyTo     *thrInReplyTo `xml:"thr:in-reply-to"`
	Source        *rssSource    `xml:"source"`
}

// rssAtomLink is an atom:link inside an RSS channel.
type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

// rssCategory is an RSS category: its label as text, its scheme as domain.
type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Value  string `xml:",chardata"`
}

// rssSource is RSS's <source url="feed URL">title</source>.
type rssSource struct {
	URL   string `xml:"url,attr"`
	Title string `xml:",chardata"`
}

// RenderRSS writes feed to w as an RSS 2.0 document. See Render for how
// missing values are filled in.
//
// Item descriptions are HTML (ContentHTML, or ContentText turned into
// paragraphs) escaped once by the XML encoder. Author names go in
// dc:creator; <author> is written only when the author has an email
// address. A guid is a permalink only when it is the item's http(s) link.
func RenderRSS(w io.Writer, feed *Feed) error {
	return writeXML(w, buildRSS(prepare(feed)))
}

func buildRSS(d *doc) *rssDoc {
	ch := &rssChannel{RssFeed: gfeeds.RssFeed{
		Title:         d.Title,
		Link:          firstNonEmpty(d.HTMLURL, d.SelfURL),
		Description:   firstNonEmpty(d.Subtitle, d.Title, d.HTMLURL, "newswire"),
		PubDate:       rfc822(d.updated),
		LastBuildDate: rfc822(d.updated),
	}}
	if validEmail(d.Author.Email) {
		ch.ManagingEditor = rssPerson(d.Author)
	}
	if d.SelfURL != "" {
		ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Rel: "self", Type: "application/rss+xml", Href: d.SelfURL})
	}
	for _, l := range d.Links {
		if l.Href != "" {
			ch.AtomLinks = append(ch.AtomLinks, rssAtomLink{Rel: l.Rel, Type: l.Type, Href: l.Href})
		}
	}
	ch.Categories = rssCategories(d.Categories)

	rd := &rssDoc{Version: "2.0", XmlnsAtom: nsAtom, Channel: ch}
	if d.Archive {
		rd.XmlnsFH, ch.Archive = nsFH, &struct{}{}
	}
	ch.Items = make([]*rssItem, 0, len(d.entries))
	for i := range d.entries {
		it := buildRSSItem(&d.entries[i])
		if it.Creator != "" {
			rd.XmlnsDC = nsDC
		}
		if it.SlashComments != nil {
			rd.XmlnsSlash = nsSlash
		}
		if it.CommentRSS != "" {
			rd.XmlnsWfw = nsWfw
		}
		if it.InReplyTo != nil {
			rd.XmlnsThr = nsThr
		}
		ch.Items = append(ch.Items, it)
	}
	return rd
}

func buildRSSItem(e *entry) *rssItem {
	it := &rssItem{
		RssItem: gfeeds.RssItem{
			Title:       e.Title,
			Description: e.contentHTML(),
			PubDate:     rfc822(e.published),
			Guid:        &gfeeds.RssGuid{Id: e.id, IsPermaLink: "false"},
		},
		Link:       e.URL,
		Creator:    personName(e.Author),
		Categories: rssCategories(e.Categories),
	}
	if isHTTPURL(e.id) && e.id == e.URL {
		it.Guid.IsPermaLink = "true"
	}
	if validEmail(e.Author.Email) {
		it.Author = rssPerson(e.Author)
	}
	if r := e.Replies; r != nil {
		it.SlashComments = statedCount(r.Count)
		it.CommentRSS = r.RSSHref
		it.Comments = r.HTMLHref
	}
	if irt := e.InReplyTo; irt != nil && irt.Ref != "" {
		it.InReplyTo = &thrInReplyTo{Ref: irt.Ref, Href: irt.Href}
		if irt.Href != "" {
			it.InReplyTo.Type = "text/html"
		}
	}
	if s := e.Source; s != nil {
		if u := firstNonEmpty(s.FeedURL, s.URL); u != "" {
			it.Source = &rssSource{URL: u, Title: firstNonEmpty(s.Title, u)}
		}
	}
	return it
}

// rssPerson formats p as RSS wants an author: "email (Name)".
func rssPerson(p Person) string {
	name := strings.TrimSpace(p.Name)
	if name == "" || name == p.Email {
		return p.Email
	}
	return fmt.Sprintf("%s (%s)", p.Email, name)
}

func rssCategories(cs []Category) []rssCategory {
	var out []rssCategory
	for _, c := range cs {
		if catLabel(c) == "" {
			continue
		}
		out = append(out, rssCategory{Domain: c.Scheme, Value: catLabel(c)})
	}
	return out
}
