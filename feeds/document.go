// Package feeds renders newswire's documents as Atom 1.0, RSS 2.0 and JSON
// Feed 1.1, and adapts parsed feeds (gofeed) into model values.
//
// Rendering starts from gorilla/feeds' document structs and adds what they
// lack (threading, categories with labels, self links, provenance) through
// namespaced structs of our own. Text handed to the renderers is plain text
// unless a field's name says HTML; it is escaped exactly once.
package feeds

import (
	"time"
)

// Format is one of the syndication formats newswire serves.
type Format string

// The formats, named by the file extension they are served under.
const (
	Atom Format = "atom"
	RSS  Format = "rss"
	JSON Format = "json"
)

// Formats lists every format, in the order feeds are offered to readers.
var Formats = []Format{Atom, RSS, JSON}

// ParseFormat maps a file extension ("atom", "rss", "json") to its Format.
func ParseFormat(ext string) (Format, bool) {
	switch Format(ext) {
	case Atom, RSS, JSON:
		return Format(ext), true
	}
	return "", false
}

// MediaType is the Content-Type a format is served with.
func (f Format) MediaType() string {
	switch f {
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/octet-stream"
}

// Person is an author.
type Person struct {
	Name  string
	URI   string
	Email string
}

// Category is a topic an entry is filed under. Term is the machine value
// (a slug), Label the human one, Scheme an optional URI of the vocabulary.
type Category struct {
	Term   string
	Label  string
	Scheme string
}

// InReplyTo points a comment entry at what it replies to (RFC 4685).
type InReplyTo struct {
	Ref  string // ID of the parent entry (a comment or the post)
	Href string // URL of the parent's HTML page, if any
}

// Replies describes the replies to an entry: RFC 4685 link rel="replies"
// with thr:count in Atom; slash:comments, wfw:commentRss and comments in RSS.
type Replies struct {
	// Count is how many replies there are; a negative count is not
	// stated (a document that must not change as replies come, such as
	// an RFC 5005 archive page, links to the replies without counting).
	Count    int
	AtomHref string // Atom feed of the replies
	RSSHref  string // RSS feed of the replies (wfw:commentRss)
	HTMLHref string // HTML page showing them (RSS <comments>)
	// JSONHref is the JSON Feed of the replies; JSON Feed output falls
	// back on AtomHref, then RSSHref, when it is empty.
	JSONHref string
}

// Source is the provenance of an entry copied from another feed.
type Source struct {
	ID      string // the original feed's ID, if known
	Title   string // the original feed's (outlet's) title
	URL     string // the original site's URL
	FeedURL string // the original feed's URL
}

// Entry is one item of a feed.
type Entry struct {
	ID        string // stable ID (a tag: URI, or the original GUID)
	Title     string
	URL       string // alternate (HTML) link
	Author    Person
	Published time.Time
	Updated   time.Time
	// ContentHTML is trusted HTML built by this program (see BlocksHTML);
	// ContentText is the plain-text form. At least one is set.
	ContentHTML string
	ContentText string
	Summary     string // plain text
	Categories  []Category
	InReplyTo   *InReplyTo
	Replies     *Replies
	Source      *Source
}

// Link is an extra feed-level link, such as RFC 5005 paging.
type Link struct {
	Rel  string
	Href string
	Type string
}

// Feed is a document to render, independent of format.
type Feed struct {
	ID       string // stable ID of the feed (a tag: URI)
	Title    string
	Subtitle string
	// SelfURL is the absolute URL of the document being rendered, in the
	// format being rendered; HTMLURL the page it is the feed of.
	SelfURL    string
	HTMLURL    string
	Updated    time.Time
	Author     Person
	Categories []Category
	Links      []Link
	Entries    []Entry
	// Archive marks an archive document of an RFC 5005 archived feed
	// (fh:archive in Atom and RSS): its entries never change.
	Archive bool
}

// statedCount is a replies count as rendered: nil (not stated) when
// negative.
func statedCount(n int) *int {
	if n < 0 {
		return nil
	}
	return &n
}
