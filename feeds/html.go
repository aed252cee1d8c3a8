package feeds

import (
	"html"
	"regexp"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// BlocksHTML renders blocks as an HTML fragment: a <p> per paragraph and a
// <blockquote><p>…</p></blockquote> per quote, one block per line. Block
// text is plain text and is escaped exactly once; a "\n" inside a block
// becomes <br>, and bare http(s) URLs become links. Blocks holding only
// white space are dropped. Unknown kinds are rendered as paragraphs.
func BlocksHTML(blocks []model.Block) string {
	var b strings.Builder
	for _, blk := range blocks {
		text := normalizeNewlines(blk.Text)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if blk.Kind == model.Quote {
			b.WriteString("<blockquote><p>")
			writeInlineHTML(&b, text)
			b.WriteString("</p></blockquote>")
			continue
		}
		b.WriteString("<p>")
		writeInlineHTML(&b, text)
		b.WriteString("</p>")
	}
	return b.String()
}

// BlocksText renders blocks as plain text: blocks are separated by a blank
// line and every line of a quote is prefixed with "> ". Blocks holding
// only white space are dropped.
func BlocksText(blocks []model.Block) string {
	var b strings.Builder
	for _, blk := range blocks {
		text := strings.TrimRight(normalizeNewlines(blk.Text), "\n")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if blk.Kind == model.Quote {
			for i, line := range strings.Split(text, "\n") {
				if i > 0 {
					b.WriteByte('\n')
				}
				b.WriteString("> ")
				b.WriteString(line)
			}
			continue
		}
		b.WriteString(text)
	}
	return b.String()
}

// textHTML turns plain text (such as an Entry's ContentText) into HTML for
// formats whose content is always HTML: blank lines separate paragraphs.
func textHTML(text string) string {
	var blocks []model.Block
	for para := range strings.SplitSeq(normalizeNewlines(text), "\n\n") {
		blocks = append(blocks, model.Block{Kind: model.Paragraph, Text: strings.Trim(para, "\n")})
	}
	return BlocksHTML(blocks)
}

func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// urlRE finds candidate bare URLs in plain text; trimURL then drops the
// punctuation that usually follows a URL in prose.
var urlRE = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"]+`)

// writeInlineHTML writes plain text as escaped HTML, turning "\n" into
// <br> and bare URLs into links.
func writeInlineHTML(b *strings.Builder, text string) {
	last := 0
	for _, m := range urlRE.FindAllStringIndex(text, -1) {
		u := trimURL(text[m[0]:m[1]])
		if len(u) <= len("https://") || strings.HasSuffix(strings.ToLower(u), "://") {
			continue
		}
		writeEscapedLines(b, text[last:m[0]])
		esc := html.EscapeString(u)
		b.WriteString(`<a href="`)
		b.WriteString(esc)
		b.WriteString(`">`)
		b.WriteString(esc)
		b.WriteString(`</a>`)
		last = m[0] + len(u)
	}
	writeEscapedLines(b, text[last:])
}

func writeEscapedLines(b *strings.Builder, s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("<br>")
		}
		b.WriteString(html.EscapeString(line))
	}
}

// trimURL drops trailing punctuation from a URL found in prose, keeping
// closing brackets that balance an opening one inside the URL (as in
// Wikipedia links).
func trimURL(u string) string {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '*', '`':
			u = u[:len(u)-1]
			continue
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if strings.Count(u, string(open)) < strings.Count(u, string(c)) {
				u = u[:len(u)-1]
				continue
			}
		}
		return u
	}
	return u
}
