package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	gatom "github.com/mmcdole/gofeed/atom"
	gjson "github.com/mmcdole/gofeed/json"
	"golang.org/x/net/html/charset"

	"github.com/newswire/newswire/internal/model"
)

// maxAuthorLen bounds a comment's author name, in bytes.
const maxAuthorLen = 256

// ParseComments reads a blog's comment feed: RSS 2.0 as WordPress serves it
// (/post/feed/), Atom as Blogger (/feeds/POSTID/comments/default) and
// WordPress (/post/feed/atom/) serve it, or a JSON Feed. It returns one
// comment per entry, in document order. The name (a file path or URL) is
// used in errors and, as in Parse, as a last base for relative links.
//
// For each comment, GUID is the entry's guid or Atom id, else its link;
// entries with neither are left out. InReplyTo is the entry's first
// thr:in-reply-to ref (RFC 4685; the extension is found by its namespace,
// whatever its prefix), "" if it has none. Author is the entry's author
// name (RSS author or dc:creator, Atom author, JSON Feed author), else the
// NAME of a WordPress title "By: NAME" or "Comment on POST by NAME", else
// "Anonymous". Body is HTMLBlocks of the fullest text the entry has: its
// content (content:encoded, Atom content, JSON content_html or
// content_text), else its description or summary; content that is plain
// text by its format (Atom type="text", JSON content_text) is split at
// blank lines without reading markup or references. Published is the entry's
// publication date, else its update date, else zero; URL is its link; Links
// lists the absolute http(s) targets of the body's <a href>s, relative ones
// resolved against the entry's link, without duplicates, in order. Number,
// Parent, ID, FirstSeen and Updated are left for the store.
//
// Input that Parse rejects (not a feed, empty, unreadable) gives Parse's
// error, which names the file and wraps model.ErrInvalid.
func ParseComments(name string, data []byte) (comments []model.Comment, err error) {
	defer func() {
		if r := recover(); r != nil {
			comments = nil
			err = fmt.Errorf("%s: internal error: panic: %v: %w", name, r, model.ErrInvalid)
		}
	}()
	if len(data) > MaxFeedSize {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit: %w", name, len(data), MaxFeedSize, model.ErrInvalid)
	}
	feed, fixed, err := readFeed(name, data)
	if err != nil {
		return nil, err
	}
	pf := convert(name, fixed, feed)
	entries := commentEntries(pf, feed)
	feedBase := firstBase(pf.SiteURL, pf.FeedURL, name)
	var threads *threadIndex // nil for JSON Feed, which has no threading
	if feed != nil && feed.FeedType != "json" {
		threads = newThreadIndex(ParseThreading(threadingInput(fixed)), feedBase)
	}

	for _, e := range entries {
		guid := e.guid
		if guid == "" {
			guid = e.link
		}
		if guid == "" {
			continue // no identity
		}
		c := model.Comment{
			GUID:      guid,
			URL:       e.link,
			Published: e.published,
			Author:    commentAuthor(e.item, e.title),
		}
		if t, ok := threads.match(e.guid, e.link); ok && len(t.InReplyTo) > 0 {
			c.InReplyTo = strings.TrimSpace(t.InReplyTo[0])
		}
		body, bodyHTML := entryBody(e)
		c.Body = body
		base := firstBase(e.link)
		if base == nil {
			base = feedBase
		}
		c.Links = absoluteLinks(htmlLinks(bodyHTML), base)
		comments = append(comments, c)
	}
	return comments, nil
}

// commentEntry is one entry of a comment feed: what Parse made of it and
// gofeed's item, for the fields Parse does not keep.
type commentEntry struct {
	guid, link, title string
	published         time.Time
	item              *gofeed.Item // gofeed's item
	textContent       bool         // item.Content is plain text (Atom type="text", JSON content_text)
}

// commentEntries pairs gofeed's items with what Parse's conversion of the
// same feed made of them: the items it accepted in order, and those it
// skipped for having neither title nor link (ParsedFeed.Skipped names
// their positions).
func commentEntries(pf *ParsedFeed, feed *gofeed.Feed) []commentEntry {
	textContent := contentIsText(feed)
	skipped := make(map[int]string, len(pf.Skipped))
	for _, err := range pf.Skipped {
		var ie *ItemError
		if errors.As(err, &ie) {
			skipped[ie.Index] = ie.GUID
		}
	}
	entries := make([]commentEntry, 0, len(feed.Items))
	k := 0
	for i, gi := range feed.Items {
		switch guid, isSkipped := skipped[i]; {
		case gi == nil:
		case isSkipped:
			entries = append(entries, commentEntry{
				guid:        guid,
				published:   firstTime(gi.PublishedParsed, gi.UpdatedParsed),
				item:        gi,
				textContent: textContent[i],
			})
		case k < len(pf.Items):
			it := &pf.Items[k]
			k++
			entries = append(entries, commentEntry{
				guid: it.GUID, link: it.URL, title: it.Title, published: it.Published,
				item: gi, textContent: textContent[i],
			})
		}
	}
	return entries
}

// contentIsText reports, for each item of a feed, whether its Content is
// plain text rather than HTML: an Atom content of type "text" or
// "text/plain", or of no type unless it holds markup (feeds that leave the
// type out of HTML content are common enough), and a JSON Feed item with
// content_text and no content_html.
func contentIsText(feed *gofeed.Feed) []bool {
	out := make([]bool, len(feed.Items))
	switch o := feed.OriginalFeed().(type) {
	case *gatom.Feed:
		if len(o.Entries) != len(feed.Items) {
			break
		}
		for i, e := range o.Entries {
			if e != nil && e.Content != nil {
				switch strings.ToLower(strings.TrimSpace(e.Content.Type)) {
				case "text", "text/plain":
					out[i] = true
				case "":
					out[i] = !looksLikeHTML(e.Content.Value)
				}
			}
		}
	case *gjson.Feed:
		if len(o.Items) != len(feed.Items) {
			break
		}
		for i, it := range o.Items {
			out[i] = it != nil && it.ContentHTML == "" && it.ContentText != ""
		}
	}
	return out
}

// threadingInput returns an XML feed ParseThreading can read: one in an
// encoding its decoder does not know is transcoded to UTF-8.
func threadingInput(data []byte) []byte {
	enc := declaredEncoding(data)
	if enc == "" {
		return data
	}
	if _, err := rawCharsetReader(enc, bytes.NewReader(nil)); err == nil {
		return data
	}
	e, _ := charset.Lookup(enc)
	if e == nil {
		return data
	}
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return data
	}
	return setDeclaredEncoding(out, "utf-8")
}

// threadIndex finds an entry's threading metadata by its GUID, or by its
// link for entries without one. Each EntryThreading is used once, in
// document order, so entries that share a GUID each get their own.
type threadIndex struct {
	all    []EntryThreading
	used   []bool
	byGUID map[string][]int
	byLink map[string][]int // entries without a GUID, by link as written and as resolved
}

func newThreadIndex(th []EntryThreading, base *url.URL) *threadIndex {
	x := &threadIndex{all: th, used: make([]bool, len(th)), byGUID: map[string][]int{}, byLink: map[string][]int{}}
	for j, t := range th {
		if g := strings.TrimSpace(t.GUID); g != "" {
			x.byGUID[g] = append(x.byGUID[g], j)
			continue
		}
		l := strings.TrimSpace(t.Link)
		if l == "" {
			continue
		}
		x.byLink[l] = append(x.byLink[l], j)
		if r := resolveLink(base, l); r != l {
			x.byLink[r] = append(x.byLink[r], j)
		}
	}
	return x
}

// match returns the threading metadata of the entry with this GUID and
// (resolved) link.
func (x *threadIndex) match(guid, link string) (EntryThreading, bool) {
	if x == nil {
		return EntryThreading{}, false
	}
	if guid != "" {
		if j, ok := x.take(x.byGUID[guid]); ok {
			return x.all[j], true
		}
	}
	if link != "" {
		if j, ok := x.take(x.byLink[link]); ok {
			return x.all[j], true
		}
	}
	return EntryThreading{}, false
}

// take marks the first unused entry of idx used and returns it.
func (x *threadIndex) take(idx []int) (int, bool) {
	for _, j := range idx {
		if !x.used[j] {
			x.used[j] = true
			return j, true
		}
	}
	return 0, false
}

// commentAuthor returns the name of an entry's author, else the NAME of a
// WordPress title ("By: NAME", "Comment on POST by NAME"), else
// "Anonymous".
func commentAuthor(gi *gofeed.Item, title string) string {
	if gi != nil {
		people := gi.Authors
		if len(people) == 0 && gi.Author != nil {
			people = []*gofeed.Person{gi.Author}
		}
		for _, p := range people {
			if p == nil {
				continue
			}
			if n := Truncate(personText(p.Name), maxAuthorLen); n != "" {
				return n
			}
		}
		if title == "" {
			title = PlainText(gi.Title)
		}
	}
	if n := Truncate(authorFromTitle(title), maxAuthorLen); n != "" {
		return n
	}
	return "Anonymous"
}

// personText makes a name plain text: character references are decoded
// unless the name also holds what reads as markup, which is then taken
// literally (a name is text, not HTML: `Mallory "<b>" O'Brien & co`).
func personText(name string) string {
	if !looksLikeHTML(name) {
		name = html.UnescapeString(name)
	}
	return collapseSpace(name)
}

// authorFromTitle reads the commenter's name from the titles WordPress
// gives comments: "By: NAME" in a post's comment feed, "Comment on POST by
// NAME" in the site's.
func authorFromTitle(title string) string {
	title = collapseSpace(title)
	if rest, ok := cutPrefixFold(title, "By:"); ok {
		return strings.TrimSpace(rest)
	}
	if rest, ok := cutPrefixFold(title, "Comment on "); ok {
		if i := strings.LastIndex(rest, " by "); i >= 0 {
			return strings.TrimSpace(rest[i+len(" by "):])
		}
	}
	return ""
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// entryBody returns an entry's body as blocks, with the HTML it was read
// from ("" for plain text), for its links.
func entryBody(e commentEntry) ([]model.Block, string) {
	gi := e.item
	if e.textContent {
		if b := textBlocks(gi.Content); len(b) > 0 {
			return b, ""
		}
	} else if b := HTMLBlocks(gi.Content); len(b) > 0 {
		return b, gi.Content
	}
	return HTMLBlocks(gi.Description), gi.Description
}

// absoluteLinks resolves hrefs against base and keeps the absolute http(s)
// ones, without duplicates, in order.
func absoluteLinks(hrefs []string, base *url.URL) []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil {
			continue
		}
		if !u.IsAbs() {
			if base == nil {
				continue
			}
			u = base.ResolveReference(u)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			continue
		}
		s := u.String()
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
