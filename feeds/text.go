package feeds

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText turns a feed's text construct, which may be HTML or plain text,
// into one line of plain text: character references are decoded, tags and
// comments are stripped, the content of script, style and similar elements
// is dropped, control characters are removed, invalid UTF-8 becomes U+FFFD
// and runs of white space collapse to a single space. Block-level tags
// (p, br, li, ...) separate words; inline tags (b, a, span, ...) do not, so
// "<b>Fed</b> &amp; rates" becomes "Fed & rates".
//
// Text that only looks like markup is kept: "a < b" stays "a < b".
func PlainText(htmlOrText string) string {
	if htmlOrText == "" {
		return ""
	}
	if !strings.ContainsAny(htmlOrText, "<&") {
		return collapseSpace(htmlOrText)
	}
	var b strings.Builder
	b.Grow(len(htmlOrText))
	z := html.NewTokenizer(strings.NewReader(htmlOrText))
	skip := atom.Atom(0) // the raw-text element whose content is being dropped
	for {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF or a tokenizer error; either way the text so far is all
			// there is.
			return collapseSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				continue
			}
			if droppedContent[a] {
				skip = a
				continue
			}
			if blockTags[a] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skip != 0 {
				if a == skip {
					skip = 0
				}
				continue
			}
			if blockTags[a] {
				b.WriteByte(' ')
			}
		}
		// Comments and doctypes are dropped.
	}
}

// droppedContent lists elements whose content is not readable text.
var droppedContent = map[atom.Atom]bool{
	atom.Script:   true,
	atom.Style:    true,
	atom.Noscript: true,
	atom.Template: true,
	atom.Iframe:   true,
	atom.Object:   true,
	atom.Svg:      true,
	atom.Math:     true,
	atom.Textarea: true,
	atom.Select:   true,
}

// blockTags lists elements that separate words when text is flattened.
var blockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Br: true, atom.Caption: true, atom.Dd: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true,
	atom.H6: true, atom.Header: true, atom.Hr: true, atom.Img: true, atom.Li: true,
	atom.Main: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Table: true, atom.Td: true, atom.Th: true, atom.Tr: true,
	atom.Ul: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true,
}

// collapseSpace makes s valid UTF-8, drops control characters, byte order
// marks and soft hyphens, and collapses white space to single spaces,
// trimming both ends. Other format characters (ZWJ, ZWNJ, directional
// marks) carry meaning in some scripts and are kept.
func collapseSpace(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || r == '\uFEFF' || r == '\u00AD':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Truncate cuts s to at most maxBytes bytes without splitting a UTF-8
// sequence. When it has to cut, it prefers to end at a word boundary (white
// space) if one lies in the last fifth of the allowed length (or the last
// 20 bytes), and trims trailing white space. It returns s unchanged when it
// fits and "" when maxBytes is not positive.
func Truncate(s string, maxBytes int) string {
	if maxBytes <= 0 {
		return ""
	}
	if len(s) <= maxBytes {
		return s
	}
	cut := maxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := lastSpace(s[:cut+1]); i > 0 && i >= cut-wordWindow(cut) {
		// The byte at cut starts a rune (or is where the cut falls); a space
		// there ends the last whole word exactly at the limit.
		cut = i
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace)
}

// wordWindow is how far back from a cut of n bytes or runes Truncate and
// truncateRunes look for a word boundary: a fifth, at least 20.
func wordWindow(n int) int {
	return max(n/5, 20)
}

// lastSpace returns the byte index of the last white-space rune in s, or -1.
func lastSpace(s string) int {
	return strings.LastIndexFunc(s, unicode.IsSpace)
}

// truncateRunes cuts s to at most n runes, at a word boundary when one lies
// in the last fifth (or the last 20 runes), and marks the cut with an ellipsis (which is not
// counted in n).
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, count := 0, 0
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	if i := lastSpace(s[:cut]); i > 0 && utf8.RuneCountInString(s[i:cut]) <= wordWindow(n) {
		cut = i
	}
	return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
}
