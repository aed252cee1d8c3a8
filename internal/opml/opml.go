// Package opml reads and writes feed subscription lists in the Outline
// Processor Markup Language (OPML 1.0 and 2.0).
//
// [Parse] is deliberately lenient about the many dialects found in the
// wild (attribute case variants, missing type attributes, arbitrary
// nesting, legacy encodings) but strict about what it returns: every
// [Outline] it yields has an absolute http or https feed URL, and every
// entry it drops is reported.
package opml

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// ErrInvalid is wrapped by every error Parse returns for input that is
// not a well-formed OPML document.
var ErrInvalid = errors.New("invalid OPML")

// ErrSkipped is wrapped by every entry of the skipped list returned by
// Parse: an outline that looked like a subscription but was dropped.
var ErrSkipped = errors.New("outline skipped")

// Outline is one subscription read from or written to OPML.
type Outline struct {
	URL     string // xmlUrl (required for a subscription)
	Title   string // title, else text
	HTMLURL string // htmlUrl
	// Topic is the text (else title) of the innermost enclosing category
	// outline, or else the first path element of the outline's category
	// attribute.
	Topic string
}

// SkipError describes an outline that Parse dropped. It wraps ErrSkipped.
type SkipError struct {
	Name   string // input name given to Parse
	Line   int    // line of the end of the outline's start tag
	Column int    // column of the end of the outline's start tag
	URL    string // the offending xmlUrl, possibly empty
	Title  string // the outline's title or text, possibly empty
	Reason string // why it was skipped
}

// Error implements error.
func (e *SkipError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: skipped outline", e.Name, e.Line, e.Column)
	if e.Title != "" {
		s += fmt.Sprintf(" %q", e.Title)
	}
	if e.URL != "" {
		s += fmt.Sprintf(" (xmlUrl %q)", e.URL)
	}
	return s + ": " + e.Reason
}

// Unwrap returns ErrSkipped.
func (e *SkipError) Unwrap() error { return ErrSkipped }

// frame is one open element while walking the document.
type frame struct {
	outline bool   // element is an <outline>
	feed    bool   // outline carries an xmlUrl (or a feed type)
	label   string // category label for non-feed outlines
}

// Parse reads an OPML 1.0 or 2.0 document from r and returns its
// subscriptions in document order. name identifies the input in errors.
//
// An outline is a subscription when it has a non-empty xmlUrl attribute
// (matched case-insensitively, so xmlURL and xmlurl work too) and its
// type is "rss", "atom" or absent. Outlines without xmlUrl are categories
// and may nest to any depth; a subscription's Topic is the label of its
// innermost labelled category ancestor, else the first path element of
// its category attribute. Duplicate URLs (compared with scheme and host
// case-folded) are merged into the first occurrence: the first non-empty
// Title, HTMLURL and Topic win.
//
// Outlines that look like subscriptions but cannot be used (feed URL not
// absolute http(s), feed type without xmlUrl, unknown type) are dropped
// and reported in skipped, each a *SkipError wrapping ErrSkipped. An
// htmlUrl that is not absolute http(s) is silently dropped.
//
// A document without subscriptions yields an empty list and no error.
// Input that is not well-formed XML, whose root element is not <opml>, or
// that uses an unsupported encoding yields an error that names the input
// and wraps ErrInvalid. UTF-8 (with or without a byte order mark), UTF-16
// with a byte order mark, ISO-8859-1 and Windows-1252 are supported.
// Anything after the closing </opml> tag is ignored. Errors reading r are
// returned wrapped, not as ErrInvalid.
func Parse(name string, r io.Reader) (subs []Outline, skipped []error, err error) {
	in, fromUTF16, err := prepareInput(r)
	if err != nil {
		return nil, nil, fmt.Errorf("opml: reading %s: %w", name, err)
	}
	d := xml.NewDecoder(in)
	d.Strict = true
	d.Entity = xml.HTMLEntity // tolerate &nbsp; &eacute; etc. in titles
	d.CharsetReader = charsetReader(fromUTF16)

	invalid := func(format string, args ...any) error {
		line, col := d.InputPos()
		return fmt.Errorf("opml: %s:%d:%d: %w: %s", name, line, col, ErrInvalid, fmt.Sprintf(format, args...))
	}

	subs = []Outline{}
	index := map[string]int{} // dedup key → index in subs
	var stack []frame
	sawRoot := false
	inBody := 0 // depth of an open <body> directly under the root, or 0

	for {
		tok, terr := d.Token()
		if terr == io.EOF {
			break
		}
		if terr != nil {
			var se *xml.SyntaxError
			switch {
			case errors.As(terr, &se):
				return nil, nil, fmt.Errorf("opml: %s:%d: %w: %s", name, se.Line, ErrInvalid, se.Msg)
			case errors.Is(terr, errCharset):
				return nil, nil, invalid("%v", terr)
			case strings.HasPrefix(terr.Error(), "xml: "):
				// Other decoder complaints (XML version, unbalanced tags).
				return nil, nil, invalid("%s", strings.TrimPrefix(terr.Error(), "xml: "))
			default:
				return nil, nil, fmt.Errorf("opml: reading %s: %w", name, terr)
			}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !sawRoot {
				if !strings.EqualFold(t.Name.Local, "opml") {
					return nil, nil, invalid("root element is <%s>, not <opml>", t.Name.Local)
				}
				sawRoot = true
				stack = append(stack, frame{})
				continue
			}
			if len(stack) == 1 && inBody == 0 && strings.EqualFold(t.Name.Local, "body") {
				inBody = 2
			}
			if inBody == 0 || t.Name.Local != "outline" {
				stack = append(stack, frame{})
				continue
			}
			f := frame{outline: true}
			o, skip := readOutline(t, stack)
			switch {
			case skip != "":
				f.feed = true
				line, col := d.InputPos()
				skipped = append(skipped, &SkipError{
					Name: name, Line: line, Column: col,
					URL: o.URL, Title: o.Title, Reason: skip,
				})
			case o.URL == "":
				f.label = o.Title // a category; o.Title holds text/title
			default:
				f.feed = true
				k := dedupKey(o.URL)
				if i, ok := index[k]; ok {
					p := &subs[i]
					if p.Title == "" {
						p.Title = o.Title
					}
					if p.HTMLURL == "" {
						p.HTMLURL = o.HTMLURL
					}
					if p.Topic == "" {
						p.Topic = o.Topic
					}
				} else {
					index[k] = len(subs)
					subs = append(subs, o)
				}
			}
			stack = append(stack, f)
		case xml.EndElement:
			if len(stack) == 0 {
				continue // unreachable in strict mode
			}
			if len(stack) == inBody {
				inBody = 0
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				// Root closed; ignore whatever follows.
				return subs, skipped, nil
			}
		}
	}
	if !sawRoot {
		return nil, nil, invalid("no root element")
	}
	return nil, nil, invalid("unexpected end of document")
}

// readOutline interprets one <outline> start tag. It returns the outline
// with URL set if it is a usable subscription, with URL empty and Title
// holding the category label (text, else title) if it is a category, or a non-empty skip
// reason if it looks like a subscription but cannot be used.
func readOutline(t xml.StartElement, stack []frame) (o Outline, skip string) {
	var typ, text, title, xmlURL, htmlURL, category string
	var hasXMLURL bool
	for _, a := range t.Attr {
		v := strings.TrimSpace(a.Value)
		switch strings.ToLower(a.Name.Local) {
		case "type":
			typ = strings.ToLower(v)
		case "text":
			text = v
		case "title":
			title = v
		case "xmlurl":
			xmlURL, hasXMLURL = v, true
		case "htmlurl":
			htmlURL = v
		case "category":
			category = v
		}
	}
	if title == "" {
		title = text
	}
	o.Title = title
	isFeedType := typ == "rss" || typ == "atom"
	if !hasXMLURL && !isFeedType {
		// A category (or a link/include outline, treated as one), labelled
		// by its text, else its title.
		if text != "" {
			o.Title = text
		}
		return o, ""
	}
	o.URL = xmlURL
	switch {
	case typ != "" && !isFeedType:
		return o, fmt.Sprintf("unsupported outline type %q", typ)
	case xmlURL == "":
		return o, "missing xmlUrl"
	}
	if reason := checkURL(xmlURL); reason != "" {
		return o, reason
	}
	if checkURL(htmlURL) == "" {
		o.HTMLURL = htmlURL
	}
	for i := len(stack) - 1; i >= 0 && o.Topic == ""; i-- {
		if f := stack[i]; f.outline && !f.feed {
			o.Topic = f.label
		}
	}
	if o.Topic == "" {
		o.Topic = categoryTopic(category)
	}
	return o, ""
}

// checkURL returns "" if s is an absolute http or https URL with a host,
// and otherwise a reason why it is not.
func checkURL(s string) string {
	if s == "" {
		return "empty URL"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "malformed URL: " + strings.TrimPrefix(err.Error(), "parse ")
	}
	switch {
	case u.Scheme == "":
		return "relative URL (need absolute http or https)"
	case !strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https"):
		return fmt.Sprintf("unsupported URL scheme %q (need http or https)", u.Scheme)
	case u.Opaque != "" || u.Host == "":
		return "URL has no host"
	}
	return ""
}

// dedupKey returns the key under which duplicate feed URLs are merged:
// the URL with its scheme and host lower-cased.
func dedupKey(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	return u.String()
}

// categoryTopic returns the first path element of the first entry of an
// OPML 2.0 category attribute ("/Tech/Go,/News" → "Tech").
func categoryTopic(category string) string {
	first, _, _ := strings.Cut(category, ",")
	for _, p := range strings.Split(first, "/") {
		if p = strings.TrimSpace(p); p != "" {
			return p
		}
	}
	return ""
}

// Write writes subs as an OPML 2.0 document. The head carries title and,
// unless created is zero, dateCreated in RFC 822 form. Subscriptions
// without a Topic are written at the top level of the body, in the given
// order; the rest are grouped under one category outline per Topic,
// topics sorted, subscriptions within a topic in the given order. Each
// subscription is written as
//
//	<outline type="rss" text="…" title="…" xmlUrl="…" htmlUrl="…"/>
//
// with text and title both set to Title and htmlUrl omitted when empty.
// Write fails if any subscription has an empty URL.
func Write(w io.Writer, title string, created time.Time, subs []Outline) error {
	for i, s := range subs {
		if strings.TrimSpace(s.URL) == "" {
			return fmt.Errorf("opml: write: subscription %d (%q) has no URL", i, s.Title)
		}
	}
	var top []Outline
	byTopic := map[string][]Outline{}
	var topics []string
	for _, s := range subs {
		if s.Topic == "" {
			top = append(top, s)
			continue
		}
		if _, ok := byTopic[s.Topic]; !ok {
			topics = append(topics, s.Topic)
		}
		byTopic[s.Topic] = append(byTopic[s.Topic], s)
	}
	sort.Strings(topics)

	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	bw.WriteString("<opml version=\"2.0\">\n  <head>\n    <title>")
	xml.EscapeText(bw, []byte(title))
	bw.WriteString("</title>\n")
	if !created.IsZero() {
		bw.WriteString("    <dateCreated>")
		bw.WriteString(created.Format(time.RFC1123Z))
		bw.WriteString("</dateCreated>\n")
	}
	bw.WriteString("  </head>\n  <body>\n")
	for _, s := range top {
		writeFeed(bw, "    ", s)
	}
	for _, t := range topics {
		bw.WriteString("    <outline")
		writeAttr(bw, "text", t)
		writeAttr(bw, "title", t)
		bw.WriteString(">\n")
		for _, s := range byTopic[t] {
			writeFeed(bw, "      ", s)
		}
		bw.WriteString("    </outline>\n")
	}
	bw.WriteString("  </body>\n</opml>\n")
	return bw.Flush()
}

func writeFeed(bw *bufio.Writer, indent string, s Outline) {
	bw.WriteString(indent)
	bw.WriteString(`<outline type="rss"`)
	writeAttr(bw, "text", s.Title)
	writeAttr(bw, "title", s.Title)
	writeAttr(bw, "xmlUrl", s.URL)
	if s.HTMLURL != "" {
		writeAttr(bw, "htmlUrl", s.HTMLURL)
	}
	bw.WriteString("/>\n")
}

// writeAttr writes ` name="value"`. xml.EscapeText escapes quotes and
// whitespace control characters and replaces characters XML cannot
// represent with U+FFFD, so the output is always well-formed.
func writeAttr(bw *bufio.Writer, name, value string) {
	bw.WriteString(" ")
	bw.WriteString(name)
	bw.WriteString(`="`)
	xml.EscapeText(bw, []byte(value))
	bw.WriteString(`"`)
}

// WriteSources writes the feeds among sources (not the comment feeds found
// while polling them) as an OPML 2.0 subscription list, dated by the
// latest one added.
func WriteSources(w io.Writer, title string, sources []model.Source) error {
	var subs []Outline
	var created time.Time
	for _, s := range sources {
		if s.Kind == model.SourceComments {
			continue
		}
		subs = append(subs, Outline{URL: s.URL, Title: s.Title, HTMLURL: s.HTMLURL, Topic: s.Topic})
		if s.Added.After(created) {
			created = s.Added
		}
	}
	return Write(w, title, created, subs)
}
