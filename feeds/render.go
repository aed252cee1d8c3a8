package feeds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// Namespaces used by the XML renderers. They are declared on the root
// element and the elements and attributes that use them are written with
// these fixed prefixes.
const (
	nsAtom  = "http://www.w3.org/2005/Atom"
	nsThr   = "http://purl.org/syndication/thread/1.0"  // RFC 4685
	nsFH    = "http://purl.org/syndication/history/1.0" // RFC 5005
	nsDC    = "http://purl.org/dc/elements/1.1/"
	nsSlash = "http://purl.org/rss/1.0/modules/slash/"
	nsWfw   = "http://wellformedweb.org/CommentAPI/"
)

// Epoch is the date rendered when neither a feed nor any of its entries
// carries one. Renderers never consult the clock, so that the same Feed
// always renders to the same bytes.
var Epoch = time.Unix(0, 0).UTC()

// Render writes feed to w in format f. The output is deterministic: the
// same Feed always renders to the same bytes.
//
// Dates are rendered in UTC, truncated to the second. An entry with a zero
// Updated uses its Published and vice versa; an entry with neither is
// undated: it gets the feed's date where a date is required (Atom updated)
// and none elsewhere. A feed with a zero Updated uses its newest entry's
// date, or Epoch when no entry is dated.
//
// An entry without an ID gets its URL, or else a name derived from the
// feed's ID and the entry's title, date and content. An entry with neither
// ContentHTML nor ContentText uses its Summary, or else its Title, as text.
func Render(w io.Writer, f Format, feed *Feed) error {
	switch f {
	case Atom:
		return RenderAtom(w, feed)
	case RSS:
		return RenderRSS(w, feed)
	case JSON:
		return RenderJSON(w, feed)
	}
	return fmt.Errorf("feeds: unknown format %q", string(f))
}

// writeXML writes the XML declaration and v, indented by two spaces and
// ending in a newline. Nothing is written if v cannot be marshalled.
func writeXML(w io.Writer, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// doc is a Feed with every defaulted value worked out once, shared by the
// three renderers.
type doc struct {
	*Feed
	id      string
	updated time.Time // never zero
	entries []entry
}

// entry is an Entry with its defaults worked out.
type entry struct {
	*Entry
	id        string
	published time.Time // zero when undated
	updated   time.Time // zero when undated
	html      string    // ContentHTML
	text      string    // ContentText, or the fallback text when there is no content
}

// dated reports whether the entry carries a date of its own.
func (e *entry) dated() bool { return !e.updated.IsZero() }

// updatedOr is the entry's updated date, or def when it is undated.
func (e *entry) updatedOr(def time.Time) time.Time {
	if e.dated() {
		return e.updated
	}
	return def
}

// contentHTML is the entry's content as HTML, converting text if need be.
func (e *entry) contentHTML() string {
	if e.html != "" {
		return e.html
	}
	return textHTML(e.text)
}

func prepare(f *Feed) *doc {
	if f == nil {
		f = &Feed{}
	}
	d := &doc{Feed: f, id: firstNonEmpty(f.ID, f.SelfURL, f.HTMLURL)}
	if d.id == "" {
		d.id = "urn:newswire:feed:" + digest(f.Title, f.Subtitle)
	}
	var newest time.Time
	d.entries = make([]entry, len(f.Entries))
	for i := range f.Entries {
		e := &f.Entries[i]
		pe := entry{Entry: e, published: utc(e.Published), updated: utc(e.Updated), html: e.ContentHTML, text: e.ContentText}
		if pe.updated.IsZero() {
			pe.updated = pe.published
		}
		if pe.published.IsZero() {
			pe.published = pe.updated
		}
		if pe.html == "" && pe.text == "" {
			pe.text = firstNonEmpty(e.Summary, e.Title)
		}
		pe.id = firstNonEmpty(e.ID, e.URL)
		if pe.id == "" {
			pe.id = "urn:newswire:entry:" + digest(d.id, e.Title, pe.published.Format(time.RFC3339), e.ContentHTML, e.ContentText)
		}
		if pe.updated.After(newest) {
			newest = pe.updated
		}
		d.entries[i] = pe
	}
	d.updated = utc(f.Updated)
	if d.updated.IsZero() {
		d.updated = newest
	}
	if d.updated.IsZero() {
		d.updated = Epoch
	}
	return d
}

// utc normalises a time for rendering: UTC, whole seconds.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

func rfc3339(t time.Time) string { return t.Format(time.RFC3339) }

// rfc822 formats t the way RSS 2.0 wants it, with a numeric zone
// ("Mon, 02 Jan 2006 15:04:05 +0000"); "" for a zero time.
func rfc822(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC1123Z)
}

// digest is a short stable hash of parts, for IDs that must be made up.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil)[:10])
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// personName is the name to show for p: its Name, or else its Email.
func personName(p Person) string {
	return strings.TrimSpace(firstNonEmpty(p.Name, p.Email))
}

// validEmail reports whether s looks enough like an address to be
// rendered as one (Atom's grammar wants ".+@.+").
func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n")
}

// catTerm and catLabel are a category's machine and human names, each
// falling back on the other.
func catTerm(c Category) string  { return firstNonEmpty(c.Term, c.Label) }
func catLabel(c Category) string { return firstNonEmpty(c.Label, c.Term) }

// isHTTPURL reports whether s is an absolute http or https URL.
func isHTTPURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}
