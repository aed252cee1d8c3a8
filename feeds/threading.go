package feeds

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
)

// The threading extensions are matched by namespace URI (render.go names
// them), never by the prefix a feed happens to bind them to.

// EntryThreading is what a feed says about one entry's comments, and about
// what the entry itself replies to (in a comment feed).
type EntryThreading struct {
	// GUID is the entry's RSS guid or Atom id, Link its alternate link:
	// what to match it with among the parsed items.
	GUID string
	Link string
	// CommentFeed is the feed of the entry's comments: wfw:commentRss,
	// or an Atom link rel="replies" to a feed.
	CommentFeed string
	// CommentPage is the HTML page of its comments: RSS <comments>, or a
	// rel="replies" link of type text/html.
	CommentPage string
	// Count is the number of comments the feed states (slash:comments,
	// thr:total, thr:count on the replies link); HasCount says whether
	// it stated one.
	Count    int
	HasCount bool
	// InReplyTo lists the thr:in-reply-to refs (IDs of the entries it
	// answers) and InReplyToHref the first one's href.
	InReplyTo     []string
	InReplyToHref string
}

// ParseThreading reads the threading metadata of every item or entry of a
// feed, in document order. It tolerates broken XML as far as it can read
// and returns what it found.
func ParseThreading(data []byte) []EntryThreading {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = rawCharsetReader
	var out []EntryThreading
	var cur *EntryThreading
	var path []xml.Name
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path = append(path, t.Name)
			text.Reset()
			if isEntry(t.Name) {
				out = append(out, EntryThreading{})
				cur = &out[len(out)-1]
				continue
			}
			if cur != nil {
				threadingStart(cur, t)
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			if isEntry(t.Name) {
				cur = nil
				continue
			}
			if cur != nil && len(path) > 0 && isEntry(path[len(path)-1]) {
				threadingEnd(cur, t.Name, strings.TrimSpace(text.String()))
			}
			text.Reset()
		}
	}
}

// isEntry reports whether an element is an RSS item or an Atom entry.
func isEntry(n xml.Name) bool {
	return (n.Local == "item" && (n.Space == "" || strings.Contains(n.Space, "rss") || strings.Contains(n.Space, "rdf"))) ||
		(n.Local == "entry" && (n.Space == nsAtom || n.Space == "" || strings.Contains(n.Space, "purl.org/atom")))
}

// threadingStart reads what an entry's child elements carry in attributes.
func threadingStart(cur *EntryThreading, t xml.StartElement) {
	switch {
	case t.Name.Space == nsThr && t.Name.Local == "in-reply-to":
		if ref := attr(t, "", "ref"); ref != "" {
			cur.InReplyTo = append(cur.InReplyTo, ref)
			if cur.InReplyToHref == "" {
				cur.InReplyToHref = attr(t, "", "href")
			}
		}
	case t.Name.Local == "link" && (t.Name.Space == nsAtom || t.Name.Space == ""):
		href := attr(t, "", "href")
		switch attr(t, "", "rel") {
		case "replies":
			typ := attr(t, "", "type")
			if strings.Contains(typ, "html") {
				cur.CommentPage = href
			} else if href != "" {
				cur.CommentFeed = href
			}
			if n, err := strconv.Atoi(strings.TrimSpace(attr(t, nsThr, "count"))); err == nil && n >= 0 {
				cur.Count, cur.HasCount = n, true
			}
		case "alternate", "":
			if href != "" && cur.Link == "" {
				cur.Link = href
			}
		}
	}
}

// threadingEnd reads what an entry's child elements carry as text.
func threadingEnd(cur *EntryThreading, n xml.Name, text string) {
	switch {
	case n.Space == nsWfw && n.Local == "commentRss":
		cur.CommentFeed = text
	case (n.Space == nsSlash && n.Local == "comments") || (n.Space == nsThr && n.Local == "total"):
		if c, err := strconv.Atoi(text); err == nil && c >= 0 {
			cur.Count, cur.HasCount = c, true
		}
	case n.Space == "" && n.Local == "comments":
		cur.CommentPage = text
	case (n.Space == "" && n.Local == "guid") || (n.Space == nsAtom && n.Local == "id"):
		cur.GUID = text
	case n.Space == "" && n.Local == "link" && text != "":
		cur.Link = text
	}
}

// attr returns the value of the attribute space:local, "" if absent.
func attr(t xml.StartElement, space, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}
