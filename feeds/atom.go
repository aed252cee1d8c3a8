package feeds

import (
	"io"

	gfeeds "github.com/gorilla/feeds"
)

// The Atom document embeds gorilla/feeds' structs and adds what they lack.
// encoding/xml lets a field of the wrapper shadow an embedded field with
// the same element name, so the wrappers replace gorilla's single link,
// bare-string category, string source and entry list with richer ones.

// atomFeed is an Atom 1.0 feed document.
type atomFeed struct {
	gfeeds.AtomFeed
	XmlnsThr   string         `xml:"xmlns:thr,attr,omitempty"`
	XmlnsFH    string         `xml:"xmlns:fh,attr,omitempty"`
	Archive    *struct{}      `xml:"fh:archive"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Entries    []*atomEntry   `xml:"entry"`
}

// atomEntry is an Atom entry with categories, links and RFC 4685
// threading and an atom:source.
type atomEntry struct {
	gfeeds.AtomEntry
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	InReplyTo  *thrInReplyTo  `xml:"thr:in-reply-to"`
	Source     *atomSource    `xml:"source"`
}

// atomLink is gorilla's link plus RFC 4685's thr:count.
type atomLink struct {
	gfeeds.AtomLink
	ThrCount *int `xml:"thr:count,attr,omitempty"`
}

// atomCategory is an atom:category with all of its attributes.
type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
	Label  string `xml:"label,attr,omitempty"`
}

// atomSource is the atom:source of an entry copied from another feed.
type atomSource struct {
	ID    string     `xml:"id,omitempty"`
	Title string     `xml:"title,omitempty"`
	Links []atomLink `xml:"link"`
}

// thrInReplyTo is RFC 4685's thr:in-reply-to, used in Atom and RSS alike.
type thrInReplyTo struct {
	Ref  string `xml:"ref,attr"`
	Href string `xml:"href,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

// RenderAtom writes feed to w as an Atom 1.0 document (RFC 4287), with
// RFC 4685 threading. See Render for how missing values are filled in.
//
// Atom requires an author on the feed unless every entry has one; when the
// Feed has no Author and some entry lacks one, the feed's title stands in.
func RenderAtom(w io.Writer, feed *Feed) error {
	return writeXML(w, buildAtom(prepare(feed)))
}

func buildAtom(d *doc) *atomFeed {
	af := &atomFeed{AtomFeed: gfeeds.AtomFeed{
		Xmlns:    nsAtom,
		Title:    d.Title,
		Id:       d.id,
		Updated:  rfc3339(d.updated),
		Subtitle: d.Subtitle,
	}}
	af.Author = atomAuthor(d.Author)
	if af.Author == nil {
		for _, e := range d.entries {
			if personName(e.Author) == "" {
				af.Author = atomAuthor(Person{Name: firstNonEmpty(d.Title, "newswire")})
				break
			}
		}
	}
	af.Links = appendAtomLink(af.Links, "self", "application/atom+xml", d.SelfURL)
	af.Links = appendAtomLink(af.Links, "alternate", "text/html", d.HTMLURL)
	for _, l := range d.Links {
		af.Links = appendAtomLink(af.Links, l.Rel, l.Type, l.Href)
	}
	af.Categories = atomCategories(d.Categories)
	if d.Archive {
		af.XmlnsFH, af.Archive = nsFH, &struct{}{}
	}
	af.Entries = make([]*atomEntry, 0, len(d.entries))
	for i := range d.entries {
		ae := buildAtomEntry(d, &d.entries[i])
		if ae.InReplyTo != nil || hasThrCount(ae.Links) {
			af.XmlnsThr = nsThr
		}
		af.Entries = append(af.Entries, ae)
	}
	return af
}

func buildAtomEntry(d *doc, e *entry) *atomEntry {
	ae := &atomEntry{AtomEntry: gfeeds.AtomEntry{
		Title:   e.Title,
		Id:      e.id,
		Updated: rfc3339(e.updatedOr(d.updated)),
		Author:  atomAuthor(e.Author),
	}}
	if e.dated() {
		ae.Published = rfc3339(e.published)
	}
	if e.html != "" {
		ae.Content = &gfeeds.AtomContent{Type: "html", Content: e.html}
	} else {
		ae.Content = &gfeeds.AtomContent{Type: "text", Content: e.text}
	}
	if e.Summary != "" {
		ae.Summary = &gfeeds.AtomSummary{Type: "text", Content: e.Summary}
	}
	ae.Links = appendAtomLink(ae.Links, "alternate", "text/html", e.URL)
	if r := e.Replies; r != nil {
		count := statedCount(r.Count)
		switch {
		case r.AtomHref != "":
			ae.Links = append(ae.Links, atomLink{
				AtomLink: gfeeds.AtomLink{Rel: "replies", Type: "application/atom+xml", Href: r.AtomHref},
				ThrCount: count,
			})
		case r.HTMLHref != "":
			ae.Links = append(ae.Links, atomLink{
				AtomLink: gfeeds.AtomLink{Rel: "replies", Type: "text/html", Href: r.HTMLHref},
				ThrCount: count,
			})
		}
	}
	ae.Categories = atomCategories(e.Categories)
	if irt := e.InReplyTo; irt != nil && irt.Ref != "" {
		ae.InReplyTo = &thrInReplyTo{Ref: irt.Ref, Href: irt.Href}
		if irt.Href != "" {
			ae.InReplyTo.Type = "text/html"
		}
	}
	if s := e.Source; s != nil {
		src := &atomSource{ID: s.ID, Title: s.Title}
		src.Links = appendAtomLink(src.Links, "self", "", s.FeedURL)
		src.Links = appendAtomLink(src.Links, "alternate", "text/html", s.URL)
		if src.ID != "" || src.Title != "" || len(src.Links) > 0 {
			ae.Source = src
		}
	}
	return ae
}

// atomAuthor is p as an atom:author, or nil when p has no name.
func atomAuthor(p Person) *gfeeds.AtomAuthor {
	name := personName(p)
	if name == "" {
		return nil
	}
	a := &gfeeds.AtomAuthor{AtomPerson: gfeeds.AtomPerson{Name: name, Uri: p.URI}}
	if validEmail(p.Email) {
		a.Email = p.Email
	}
	return a
}

func appendAtomLink(links []atomLink, rel, typ, href string) []atomLink {
	if href == "" {
		return links
	}
	return append(links, atomLink{AtomLink: gfeeds.AtomLink{Rel: rel, Type: typ, Href: href}})
}

func atomCategories(cs []Category) []atomCategory {
	var out []atomCategory
	for _, c := range cs {
		if catTerm(c) == "" {
			continue
		}
		out = append(out, atomCategory{Term: catTerm(c), Label: catLabel(c), Scheme: c.Scheme})
	}
	return out
}

func hasThrCount(links []atomLink) bool {
	for _, l := range links {
		if l.ThrCount != nil {
			return true
		}
	}
	return false
}
