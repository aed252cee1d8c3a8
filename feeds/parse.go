package feeds

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	gatom "github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/newswire/newswire/internal/model"
)

// MaxFeedSize bounds the size of a feed Parse accepts, in bytes.
const MaxFeedSize = 32 << 20

// SummaryLen is how many runes of an item's description (or content) Parse
// keeps as its summary; a longer text is cut at a word boundary and ends
// with "…".
const SummaryLen = 1000

// ParsedFeed is a feed read by Parse: the feed's own metadata and its items
// as model values.
type ParsedFeed struct {
	Title    string    // plain text
	SiteURL  string    // the site the feed belongs to (RSS <link>, Atom rel=alternate, JSON home_page_url)
	FeedURL  string    // the feed's own URL as it states it (atom:link rel=self, JSON feed_url)
	Language string    // as declared, e.g. "en-us"
	Updated  time.Time // the feed's update (or publication) date; zero if it has none
	// Items are the accepted items, in document order. Their SourceKey, ID,
	// CanonicalURL, FirstSeen and Updated are left for the caller; so is
	// Published when DateEstimated is set.
	Items []model.Item
	// Skipped holds one *ItemError per item that was rejected.
	Skipped []error
}

// ItemError says why Parse rejected an item. It wraps model.ErrInvalid.
type ItemError struct {
	Index int    // 0-based position of the item in the feed
	GUID  string // the item's GUID, if it has one
	Err   error
}

// Error describes the rejected item and why.
func (e *ItemError) Error() string {
	if e.GUID != "" {
		return fmt.Sprintf("item %d (guid %q): %v", e.Index, e.GUID, e.Err)
	}
	return fmt.Sprintf("item %d: %v", e.Index, e.Err)
}

// Unwrap returns the reason.
func (e *ItemError) Unwrap() error { return e.Err }

// Parse reads an RSS, RDF, Atom or JSON feed with gofeed and maps its items
// to model.Item. The name (a file path or URL) is used in errors and, when
// it is an absolute http(s) URL, as a last base for relative links.
//
// Input that is not a feed (Sniff's verdict), empty or binary input, and
// feeds gofeed cannot read give an error that wraps model.ErrInvalid and
// names the file; so does a panic inside gofeed, which Parse recovers.
// UTF-16 and UTF-32 feeds are transcoded first. When gofeed fails, Parse
// tries once more: a feed that is not valid UTF-8 and declares no other
// encoding (or one gofeed does not know) is read with the stray bytes taken
// as Windows-1252, and a feed cut short is read up to its last complete
// item, with the open elements closed.
//
// For each item, GUID and URL are kept as the feed has them (gofeed's
// re-encoding of Atom ids and hrefs is undone); only a relative link is
// resolved, against xml:base, the feed's site link, its self link or name.
// Title and Summary are plain text (see PlainText), the title cut to
// model.MaxTitleLen bytes and the summary to SummaryLen runes. Outlet and
// the Source fields come from the item's own <source> when it has one (RSS:
// title and feed URL; Atom: title, self and alternate links), the feed
// otherwise; an outlet without a title is named by its URL's host.
// Categories are plain text, without duplicates (ignoring case). Published is the item's publication date, else its update
// date; with neither, it is zero and DateEstimated is set. Items with
// neither a title nor a link are left out and reported in Skipped.
func Parse(name string, data []byte) (pf *ParsedFeed, err error) {
	defer func() {
		// parseGofeed recovers gofeed's panics; this is for our own.
		if r := recover(); r != nil {
			pf = nil
			err = fmt.Errorf("%s: internal error: panic: %v: %w", name, r, model.ErrInvalid)
		}
	}()
	if len(data) > MaxFeedSize {
		return nil, fmt.Errorf("%s: %d bytes, over the %d-byte limit: %w", name, len(data), MaxFeedSize, model.ErrInvalid)
	}
	feed, data, err := readFeed(name, data)
	if err != nil {
		return nil, err
	}
	return convert(name, data, feed), nil
}

// readFeed reads data with gofeed: wide Unicode transcoded, a byte order
// mark dropped, the root element hoisted into the first 4 KiB, and on
// failure the encoding and then a truncated end repaired. It returns the
// feed and the bytes it was read from.
func readFeed(name string, data []byte) (*gofeed.Feed, []byte, error) {
	if wide, ok := decodeWideUnicode(data); ok {
		data = setDeclaredEncoding(wide, "utf-8")
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	s := sniff(data)
	if s.kind != KindFeed {
		return nil, nil, fmt.Errorf("%s: not a feed (%s): %w", name, s.reason, model.ErrInvalid)
	}
	if s.rootEnd > 3500 {
		// gofeed detects the format from the first 4 KiB only; move the root
		// element up, past long comments or a DOCTYPE.
		data = hoistRoot(data, s.root)
	}

	feed, err := parseGofeed(data)
	if err != nil {
		// Second chances, each at most once: the encoding, then a truncated
		// end. The error reported is gofeed's first.
		fixed, lastErr := data, err
		for _, repair := range []func([]byte, error) ([]byte, bool){repairEncoding, closeTruncated} {
			next, ok := repair(fixed, lastErr)
			if !ok {
				continue
			}
			f, err2 := parseGofeed(next)
			if err2 == nil {
				feed, data, err = f, next, nil
				break
			}
			fixed, lastErr = next, err2
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w: %w", name, err, model.ErrInvalid)
	}
	return feed, data, nil
}

// parseGofeed runs gofeed's universal parser, keeping the format-specific
// feed for the fields the universal one drops (RSS and Atom <source>).
// A panic inside gofeed comes back as an error.
func parseGofeed(data []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("gofeed panicked: %v", r)
		}
	}()
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err = p.Parse(bytes.NewReader(data))
	if err == nil && f == nil {
		err = errors.New("no feed")
	}
	return f, err
}

// convert maps a parsed feed to a ParsedFeed.
func convert(name string, data []byte, feed *gofeed.Feed) *ParsedFeed {
	var raw rawValues
	if feed.FeedType == "rss" || feed.FeedType == "atom" {
		raw = collectRawValues(data)
	}
	pf := &ParsedFeed{
		Title:    PlainText(feed.Title),
		FeedURL:  strings.TrimSpace(raw.restore(feed.FeedLink)),
		SiteURL:  strings.TrimSpace(raw.restore(feed.Link)),
		Language: collapseSpace(feed.Language),
		Updated:  firstTime(feed.UpdatedParsed, feed.PublishedParsed),
	}
	base := firstBase(pf.SiteURL, pf.FeedURL, name)
	pf.SiteURL = resolveLink(base, pf.SiteURL)

	var rssItems []*rss.Item
	var atomEntries []*gatom.Entry
	switch o := feed.OriginalFeed().(type) {
	case *rss.Feed:
		if len(o.Items) == len(feed.Items) {
			rssItems = o.Items
		}
	case *gatom.Feed:
		if len(o.Entries) == len(feed.Items) {
			atomEntries = o.Entries
		}
	}

	feedOutlet := pf.Title
	if feedOutlet == "" {
		feedOutlet = hostOf(pf.SiteURL, pf.FeedURL)
	}

	for i, gi := range feed.Items {
		if gi == nil {
			continue
		}
		var ri *rss.Item
		if rssItems != nil {
			ri = rssItems[i]
		}
		var ae *gatom.Entry
		if atomEntries != nil {
			ae = atomEntries[i]
		}
		it := model.Item{
			GUID:  strings.TrimSpace(raw.restore(gi.GUID)),
			Title: Truncate(PlainText(gi.Title), model.MaxTitleLen),
		}

		link := strings.TrimSpace(raw.restore(gi.Link))
		for _, l := range gi.Links {
			if link != "" {
				break
			}
			link = strings.TrimSpace(raw.restore(l))
		}
		if link == "" && ri != nil && ri.GUID != nil &&
			!strings.EqualFold(strings.TrimSpace(ri.GUID.IsPermalink), "false") && isWebURL(it.GUID) {
			link = it.GUID // <guid isPermaLink="true"> is the item's link
		}
		it.URL = resolveLink(base, link)

		summary := PlainText(gi.Description)
		if summary == "" {
			summary = PlainText(gi.Content)
		}
		it.Summary = truncateRunes(summary, SummaryLen)

		it.Published = firstTime(gi.PublishedParsed, gi.UpdatedParsed)
		it.DateEstimated = it.Published.IsZero()
		it.Categories = cleanCategories(gi.Categories)

		it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL = pf.Title, pf.FeedURL, pf.SiteURL
		it.Outlet = feedOutlet
		if title, feedURL, siteURL, ok := itemSource(ri, ae, raw); ok {
			it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL = title, feedURL, siteURL
			it.Outlet = title
			if it.Outlet == "" {
				it.Outlet = hostOf(siteURL, feedURL)
			}
			if it.Outlet == "" {
				it.Outlet = feedOutlet
			}
		}

		if it.Title == "" && it.URL == "" {
			pf.Skipped = append(pf.Skipped, &ItemError{Index: i, GUID: it.GUID,
				Err: fmt.Errorf("item has neither title nor link: %w", model.ErrInvalid)})
			continue
		}
		if err := it.Validate(); err != nil {
			pf.Skipped = append(pf.Skipped, &ItemError{Index: i, GUID: it.GUID, Err: err})
			continue
		}
		pf.Items = append(pf.Items, it)
	}
	return pf
}

// itemSource returns the title, feed URL and site URL of an item's own
// <source> element (RSS <source url="feed">title</source>, Atom
// <source><title/><link rel="self"/><link rel="alternate"/></source>).
func itemSource(ri *rss.Item, ae *gatom.Entry, raw rawValues) (title, feedURL, siteURL string, ok bool) {
	switch {
	case ri != nil && ri.Source != nil:
		title = PlainText(ri.Source.Title)
		feedURL = strings.TrimSpace(ri.Source.URL)
	case ae != nil && ae.Source != nil:
		title = PlainText(ae.Source.Title)
		for _, l := range ae.Source.Links {
			if l == nil {
				continue
			}
			href := strings.TrimSpace(raw.restore(l.Href))
			switch l.Rel {
			case "self":
				if feedURL == "" {
					feedURL = href
				}
			case "alternate", "":
				if siteURL == "" {
					siteURL = href
				}
			}
		}
	}
	return title, feedURL, siteURL, title != "" || feedURL != "" || siteURL != ""
}

// firstTime returns the first of ts that is set and not zero, in UTC.
func firstTime(ts ...*time.Time) time.Time {
	for _, t := range ts {
		if t != nil && !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

// cleanCategories makes categories plain text, drops empty ones and
// duplicates (ignoring case; the first spelling wins).
func cleanCategories(cats []string) []string {
	var out []string
	seen := make(map[string]bool, len(cats))
	for _, c := range cats {
		c = Truncate(PlainText(c), 256)
		key := strings.ToLower(c)
		if c == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

// firstBase returns the first of the candidates that is an absolute URL
// with a host, to resolve relative links against.
func firstBase(candidates ...string) *url.URL {
	for _, c := range candidates {
		if u, err := url.Parse(strings.TrimSpace(c)); err == nil && u.IsAbs() && u.Host != "" {
			return u
		}
	}
	return nil
}

// resolveLink resolves a relative link against base. An absolute link, one
// that does not parse, and any link when there is no base, come back
// unchanged.
func resolveLink(base *url.URL, link string) string {
	if link == "" || base == nil {
		return link
	}
	u, err := url.Parse(link)
	if err != nil || u.IsAbs() {
		return link
	}
	return base.ResolveReference(u).String()
}

// isWebURL reports whether s is an absolute http(s) URL.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// hostOf returns the host of the first candidate URL that has one, without
// a "www." prefix.
func hostOf(candidates ...string) string {
	for _, c := range candidates {
		if u, err := url.Parse(c); err == nil && u.Hostname() != "" {
			return strings.TrimPrefix(u.Hostname(), "www.")
		}
	}
	return ""
}

// hoistRoot drops what lies between the XML declaration and the root
// element (comments, a DOCTYPE), keeping the declaration.
func hoistRoot(data []byte, root int) []byte {
	if root <= 0 || root >= len(data) {
		return data
	}
	var out []byte
	if head := trimLeftSpace(data); bytes.HasPrefix(head, []byte("<?xml")) {
		if end := bytes.Index(head, []byte("?>")); end >= 0 && len(data)-len(head)+end+2 <= root {
			out = append(out, head[:end+2]...)
			out = append(out, '\n')
		}
	}
	return append(out, data[root:]...)
}

// repairEncoding returns data fixed for a second attempt after gofeed
// failed with err: stray bytes in a feed that is meant to be UTF-8 are read
// as Windows-1252, and a declared encoding gofeed does not know is replaced
// by UTF-8.
func repairEncoding(data []byte, err error) ([]byte, bool) {
	enc := declaredEncoding(data)
	switch {
	case strings.Contains(err.Error(), "invalid UTF-8"):
		if enc != "" && enc != "utf-8" && enc != "utf8" {
			return nil, false // gofeed transcoded it; the bytes are wrong, not the label
		}
		return windows1252Fallback(data), true
	case errors.Is(err, gofeed.ErrFeedTypeNotDetected) && enc != "" && enc != "utf-8":
		// the root was found by Sniff, so the label is what gofeed choked on
		return windows1252Fallback(setDeclaredEncoding(data, "utf-8")), true
	}
	return nil, false
}

// closeTruncated repairs a UTF-8 feed that gofeed found cut short (an
// unexpected EOF): it drops an unfinished tag at the end and any item or
// entry that was not closed, and closes the elements left open. Items that
// were complete are kept; a partial one is not guessed at.
func closeTruncated(data []byte, err error) ([]byte, bool) {
	if !strings.Contains(err.Error(), "unexpected EOF") {
		return nil, false
	}
	if enc := declaredEncoding(data); enc != "" && enc != "utf-8" && enc != "utf8" {
		return nil, false // offsets would be in the transcoded text
	}
	type open struct {
		name  xml.Name
		start int64
	}
	var stack []open
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	good := int64(0) // end of the last whole token
	for {
		start := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, open{t.Name, start})
		case xml.EndElement:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].name == t.Name {
					stack = stack[:i]
					break
				}
			}
		}
		good = d.InputOffset()
	}
	if len(stack) == 0 {
		return nil, false // nothing is open: not a truncation
	}
	for i, o := range stack {
		if local := strings.ToLower(o.name.Local); local == "item" || local == "entry" {
			good, stack = o.start, stack[:i]
			break
		}
	}
	if len(stack) == 0 {
		return nil, false
	}
	out := append([]byte(nil), data[:good]...)
	for i := len(stack) - 1; i >= 0; i-- {
		n := stack[i].name
		out = append(out, "</"...)
		if n.Space != "" {
			out = append(out, n.Space...)
			out = append(out, ':')
		}
		out = append(out, n.Local...)
		out = append(out, '>')
	}
	return out, true
}

// windows1252Fallback keeps valid UTF-8 and reads each byte that is not
// part of a valid sequence as Windows-1252.
func windows1252Fallback(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			c := b[0]
			switch {
			case c >= 0xA0:
				r = rune(c)
			case c >= 0x80:
				r = cp1252[c-0x80]
			default:
				r = utf8.RuneError
			}
		}
		out = utf8.AppendRune(out, r)
		b = b[size:]
	}
	return out
}

// cp1252 maps Windows-1252 bytes 0x80-0x9F; undefined ones map to U+FFFD.
var cp1252 = [32]rune{
	'€', '\uFFFD', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\uFFFD', 'Ž', '\uFFFD',
	'\uFFFD', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\uFFFD', 'ž', 'Ÿ',
}

// rawValues maps the form gofeed gives a URL-like value (an Atom id or href
// it ran through net/url, percent-encoding non-ASCII characters and spaces
// and dropping an empty fragment) back to the one string in the document
// that has that form. A nil rawValues restores nothing.
type rawValues map[string][]string

// maxRawValue bounds the values collectRawValues records.
const maxRawValue = 4096

// collectRawValues records every short text and attribute value of an XML
// document under its net/url form.
func collectRawValues(data []byte) rawValues {
	m := rawValues{}
	add := func(v string) {
		v = strings.TrimSpace(v)
		if v == "" || len(v) > maxRawValue || strings.ContainsAny(v, "\n<>") {
			return
		}
		u, err := url.Parse(v)
		if err != nil {
			return
		}
		key := u.String()
		for _, have := range m[key] {
			if have == v {
				return
			}
		}
		m[key] = append(m[key], v)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = rawCharsetReader
	var text strings.Builder
	for {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			if text.Len() <= maxRawValue {
				text.Write(cd)
			}
			continue
		}
		add(text.String())
		text.Reset()
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				add(a.Value)
			}
		}
	}
	add(text.String())
	return m
}

// restore returns the document's own spelling of v, when exactly one value
// in the document has v's net/url form and it differs from v.
func (m rawValues) restore(v string) string {
	if m == nil || v == "" {
		return v
	}
	if raws := m[v]; len(raws) == 1 {
		return raws[0]
	}
	return v
}

// rawCharsetReader lets collectRawValues read UTF-8, ASCII, Latin-1 and
// Windows-1252 documents; for others it gives up (and nothing is restored).
func rawCharsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "latin1", "latin-1", "iso_8859-1", "windows-1252", "cp1252":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b)+len(b)/8)
		for _, c := range b {
			r := rune(c)
			if c >= 0x80 && c < 0xA0 {
				r = cp1252[c-0x80]
			}
			out = utf8.AppendRune(out, r)
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("charset %q not supported", label)
}
