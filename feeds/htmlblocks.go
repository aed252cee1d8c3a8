package feeds

import (
	"html"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/internal/model"
)

// HTMLBlocks turns a comment body, HTML (a WordPress content:encoded, a
// Blogger Atom content of type "html") or plain text, into blocks of plain
// text.
//
// Each paragraph becomes a model.Paragraph block: the content of a <p>,
// <div>, <li>, heading or other block-level element, and text separated by
// a blank line or by two <br>s. Each paragraph inside a <blockquote>, at any
// depth, becomes a model.Quote block. A single <br> is kept as "\n" in the
// block's text.
//
// Block text is plain: character references are decoded, tags and comments
// are dropped, the content of script, style, iframe, object, svg, template,
// noscript and similar elements is dropped, white space collapses to single
// spaces within each line, and invalid UTF-8 becomes U+FFFD. The text of a
// link is kept; when it is not the link's own URL and the href is an
// absolute http(s) URL, " (URL)" follows it. No other URL (javascript:,
// data:, relative) is kept. Empty blocks are left out.
//
// Input without markup (no "<" followed by a letter, "/", "!" or "?") is
// plain text: character references are decoded, paragraphs are separated
// by blank lines and the other line breaks are kept as "\n".
func HTMLBlocks(htmlOrText string) []model.Block {
	if !looksLikeHTML(htmlOrText) {
		return textBlocks(decodeText(htmlOrText))
	}
	var w blockWriter
	walkHTML(htmlOrText, func(z *xhtml.Tokenizer, tt xhtml.TokenType, a atom.Atom) {
		switch tt {
		case xhtml.TextToken:
			w.text(decodeText(string(z.Raw())))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			switch {
			case a == atom.Br:
				w.newline()
			case a == atom.A:
				w.closeLink()
				w.openLink(tagAttr(z, "href"))
			case a == atom.Blockquote:
				w.flush()
				if tt == xhtml.StartTagToken {
					w.quote++
				}
			case a == atom.Pre:
				w.flush()
				if tt == xhtml.StartTagToken {
					w.pre++
				}
			case a == atom.Img:
				w.line.WriteByte(' ')
			case isParagraphTag(a):
				w.flush()
			}
		case xhtml.EndTagToken:
			switch {
			case a == atom.Br: // "</br>" is read as <br> by browsers
				w.newline()
			case a == atom.A:
				w.closeLink()
			case a == atom.Blockquote:
				w.flush()
				w.quote = max(w.quote-1, 0)
			case a == atom.Pre:
				w.flush()
				w.pre = max(w.pre-1, 0)
			case isParagraphTag(a):
				w.flush()
			}
		}
	})
	w.closeLink()
	w.flush()
	return w.out
}

// textBlocks splits plain text into paragraphs at blank lines, keeping the
// other line breaks as "\n" and collapsing white space within each line.
// It reads no markup and no character references.
func textBlocks(text string) []model.Block {
	var w blockWriter
	w.lines = strings.Split(normalizeNewlines(text), "\n")
	w.flush()
	return w.out
}

// decodeText returns the text of raw HTML text (without tags): character
// references decoded, newlines normalised to "\n", invalid UTF-8 replaced
// and the characters collapseSpace would drop (controls, byte order marks,
// soft hyphens) removed. Where a removal brings a literal "<" next to a
// letter, "/", "!" or "?", a space is put between them: the tokenizer did
// not read them as markup, and the text must not read so either. A "<"
// written as a character reference is the author's and is left alone.
func decodeText(raw string) string {
	raw = normalizeNewlines(strings.ToValidUTF8(raw, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(raw))
	literalLT := false // b ends with a "<" that was not a character reference
	write := func(s string, literal bool) {
		for _, r := range s {
			if !unicode.IsSpace(r) && (unicode.IsControl(r) || r == '\uFEFF' || r == '\u00AD') {
				continue
			}
			if literalLT && r < utf8.RuneSelf && markupAfterLT(byte(r)) {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			literalLT = literal && r == '<'
		}
	}
	for raw != "" {
		i := strings.IndexByte(raw, '&')
		if i < 0 {
			write(raw, true)
			break
		}
		write(raw[:i], true)
		// A reference is "&", name or number characters and an optional
		// ";"; decoded alone it gives what it gives in context.
		j := i + 1
		for j < len(raw) && (raw[j] == '#' || ('0' <= raw[j] && raw[j] <= '9') ||
			('a' <= raw[j] && raw[j] <= 'z') || ('A' <= raw[j] && raw[j] <= 'Z')) {
			j++
		}
		if j < len(raw) && raw[j] == ';' {
			j++
		}
		write(html.UnescapeString(raw[i:j]), false)
		raw = raw[j:]
	}
	return b.String()
}

// markupAfterLT reports whether c after "<" makes markup.
func markupAfterLT(c byte) bool {
	return c == '/' || c == '!' || c == '?' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// looksLikeHTML reports whether s holds anything the HTML tokenizer would
// read as markup: "<" followed by a letter (a tag), "/" (an end tag), "!"
// (a comment or doctype) or "?" (a bogus comment).
func looksLikeHTML(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		if markupAfterLT(s[i+1]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// blockWriter collects the blocks of HTMLBlocks and textBlocks.
type blockWriter struct {
	out   []model.Block
	lines []string        // the finished lines of the current paragraph
	line  strings.Builder // the line being written
	quote int             // depth of <blockquote>s
	pre   int             // depth of <pre>s
	nl    int             // newlines in the text since its last non-space character
	link  *openLink       // the <a> being read
}

// openLink is an <a> whose end has not been seen yet.
type openLink struct {
	href   string
	text   strings.Builder
	broken bool // a paragraph ended inside it
}

// text writes the text of an HTML text token. Outside <pre>, a newline is
// white space, but a blank line ends the paragraph; inside, every newline
// ends a line.
func (w *blockWriter) text(s string) {
	if w.link != nil {
		w.link.text.WriteString(s)
	}
	// A literal "<" that ends one text and a letter that starts the next
	// (as in "<<b>script") must not meet: they would read as a tag.
	if line := w.line.String(); s != "" && markupAfterLT(s[0]) && strings.HasSuffix(line, "<") {
		w.line.WriteByte(' ')
	}
	if w.pre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.newline()
			}
			w.line.WriteString(part)
		}
		return
	}
	for {
		part, rest, more := strings.Cut(s, "\n")
		if strings.TrimFunc(part, unicode.IsSpace) != "" {
			if w.nl >= 2 {
				w.newline()
				w.lines = append(w.lines, "") // a blank line separates paragraphs
			}
			w.nl = 0
		}
		w.line.WriteString(part)
		if !more {
			return
		}
		w.line.WriteByte(' ')
		w.nl++
		s = rest
	}
}

// newline ends the current line (a <br>).
func (w *blockWriter) newline() {
	w.lines = append(w.lines, w.line.String())
	w.line.Reset()
	w.nl = 0
}

// flush ends the current paragraph: its lines, cleaned, become blocks, one
// per run of non-empty lines.
func (w *blockWriter) flush() {
	if w.line.Len() > 0 {
		w.lines = append(w.lines, w.line.String())
		w.line.Reset()
	}
	w.nl = 0
	if w.link != nil {
		w.link.broken = true
	}
	kind := model.Paragraph
	if w.quote > 0 {
		kind = model.Quote
	}
	var para []string
	emit := func() {
		if len(para) > 0 {
			w.out = append(w.out, model.Block{Kind: kind, Text: strings.Join(para, "\n")})
			para = para[:0]
		}
	}
	for _, l := range w.lines {
		if l = collapseSpace(l); l == "" {
			emit()
			continue
		}
		para = append(para, l)
	}
	emit()
	w.lines = w.lines[:0]
}

// openLink starts reading the text of an <a>.
func (w *blockWriter) openLink(href string) {
	w.link = &openLink{href: href}
}

// closeLink ends the open <a>, if any, writing " (URL)" after its text
// when linkSuffix says so.
func (w *blockWriter) closeLink() {
	l := w.link
	w.link = nil
	if l == nil || l.broken {
		return
	}
	if u := linkSuffix(collapseSpace(l.text.String()), l.href); u != "" {
		w.line.WriteString(" (")
		w.line.WriteString(u)
		w.line.WriteString(")")
		w.nl = 0
	}
}

// linkSuffix returns the URL to show after a link's text: the href when it
// is an absolute http(s) URL that the text does not already show and the
// text is not an "@name" reply mention, "" when there is nothing to add. The URL is returned in net/url's form, without
// user info, and only if it holds no white space, quotes or angle brackets.
func linkSuffix(text, href string) string {
	if text == "" {
		return "" // an image link, say: there is no text to explain
	}
	if strings.HasPrefix(strings.TrimSpace(text), "@") {
		return "" // "@Jane" linking to Jane's comment: the thread shows it
	}
	href = strings.TrimSpace(href)
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.User = nil
	s := u.String()
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`\\", r)
	}) {
		return ""
	}
	if showsLink(text, href) || showsLink(text, s) {
		return ""
	}
	return s
}

// showsLink reports whether a link's text already shows its URL: the same
// URL give or take the scheme, "www." and a final slash, a shortened form
// ending in an ellipsis, or a text that contains the URL.
func showsLink(text, link string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		s = strings.TrimPrefix(s, "http://")
		s = strings.TrimPrefix(s, "https://")
		s = strings.TrimPrefix(s, "www.")
		return strings.TrimRight(s, "/")
	}
	t, l := norm(text), norm(link)
	if t == l || strings.Contains(strings.ToLower(text), strings.ToLower(link)) {
		return true
	}
	for _, ell := range []string{"…", "..."} {
		if short, ok := strings.CutSuffix(t, ell); ok && len(short) >= 4 && strings.HasPrefix(l, short) {
			return true
		}
	}
	return false
}

// htmlLinks returns the href of every <a> of an HTML fragment, outside the
// content HTMLBlocks drops, in document order. Plain text has none.
func htmlLinks(htmlOrText string) []string {
	if !looksLikeHTML(htmlOrText) {
		return nil
	}
	var out []string
	walkHTML(htmlOrText, func(z *xhtml.Tokenizer, tt xhtml.TokenType, a atom.Atom) {
		if a == atom.A && (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken) {
			if href := strings.TrimSpace(tagAttr(z, "href")); href != "" {
				out = append(out, href)
			}
		}
	})
	return out
}

// walkHTML tokenizes an HTML fragment and calls visit for each text, start,
// self-closing and end tag token, except those inside elements whose
// content is dropped (see blockDropped). Comments and doctypes are not
// visited. For tags, a is the tag's atom (0 for an unknown tag); visit may
// read the tag's attributes from z.
func walkHTML(s string, visit func(z *xhtml.Tokenizer, tt xhtml.TokenType, a atom.Atom)) {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	skip, depth := atom.Atom(0), 0 // the element whose content is dropped, and how deep in it we are
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return // io.EOF or a tokenizer error: the rest is lost either way
		case xhtml.TextToken:
			if skip == 0 {
				visit(z, tt, 0)
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				if a == skip && tt == xhtml.StartTagToken {
					depth++
				}
				continue
			}
			// The tokenizer reads the content of a raw-text element as text
			// even after a self-closing start tag ("<script/>").
			if blockDropped[a] && (tt == xhtml.StartTagToken || rawTextTags[a]) {
				skip, depth = a, 1
				continue
			}
			visit(z, tt, a)
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				if a == skip {
					if depth--; depth == 0 {
						skip = 0
					}
				}
				continue
			}
			visit(z, tt, a)
		}
	}
}

// tagAttr returns the value of the current tag's attribute key ("" if it
// has none). Call it at most once per tag: it consumes the attributes.
func tagAttr(z *xhtml.Tokenizer, key string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == key {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

// blockDropped lists the elements whose content HTMLBlocks drops: code,
// styles, embedded documents and media, form controls and the raw-text
// elements (whose content the tokenizer would otherwise pass on verbatim,
// markup and all).
var blockDropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Applet: true,
	atom.Svg: true, atom.Math: true, atom.Canvas: true, atom.Video: true, atom.Audio: true,
	atom.Textarea: true, atom.Select: true, atom.Button: true,
	atom.Title: true, atom.Head: true, atom.Xmp: true, atom.Noembed: true,
	atom.Noframes: true, atom.Plaintext: true,
}

// rawTextTags lists the elements the tokenizer reads as raw text or RCDATA.
var rawTextTags = map[atom.Atom]bool{
	atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Noscript: true,
	atom.Plaintext: true, atom.Script: true, atom.Style: true, atom.Textarea: true,
	atom.Title: true, atom.Xmp: true,
}

// isParagraphTag reports whether an element starts and ends a paragraph:
// the block-level elements, except <br> and <img> (handled apart) and
// <blockquote> and <pre> (which also change how text is read).
func isParagraphTag(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Img:
		return false
	case atom.Details, atom.Summary, atom.Center, atom.Fieldset, atom.Legend,
		atom.Form, atom.Body, atom.Html, atom.Dialog, atom.Hgroup, atom.Menu:
		return true
	}
	return blockTags[a]
}
