package feeds

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind says what a file holds, as far as Sniff can tell from its content.
type Kind int

// The kinds Sniff tells apart.
const (
	// KindUnknown is anything newswire cannot ingest: empty or binary data,
	// an HTML page, an XML document that is not a feed, JSON that is not a
	// JSON Feed.
	KindUnknown Kind = iota
	// KindFeed is an RSS (0.9x, 1.0/RDF, 2.0), Atom (0.3, 1.0) or JSON Feed
	// document.
	KindFeed
	// KindPostDump is plain text: a blog post dumped as text.
	KindPostDump
)

// String names the kind ("unknown", "feed", "post dump").
func (k Kind) String() string {
	switch k {
	case KindFeed:
		return "feed"
	case KindPostDump:
		return "post dump"
	default:
		return "unknown"
	}
}

// sniffLimit bounds how much of a file Sniff looks at.
const sniffLimit = 64 << 10

// Sniff tells a feed from a post dump by content, never by file name.
//
// It looks past a byte order mark (UTF-8, UTF-16 or UTF-32; UTF-16 and
// UTF-32 XML is also recognised without one), leading white space, the XML
// declaration, processing instructions, comments and a DOCTYPE (even an
// HTML one: the root element decides). A root
// element named rss, feed or RDF (with any namespace prefix) is a feed; a
// JSON object whose "version" names jsonfeed.org or that has "items" is a
// feed. An HTML page, any other XML or JSON document, empty input and binary
// data (NUL bytes, control characters, mostly invalid UTF-8) are
// KindUnknown. Other text is a post dump, even when its first line starts
// with "<" or "{", as long as that does not open a well-formed feed root
// element or JSON object.
func Sniff(data []byte) Kind {
	return sniff(data).kind
}

// sniffResult is what sniff found, with a reason for errors and, for XML
// feeds, where the root element starts and its start tag ends.
type sniffResult struct {
	kind    Kind
	reason  string
	root    int // offset of the root element's "<" in the data sniffed, or -1
	rootEnd int // offset just past the root element's start tag, or -1
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func sniff(data []byte) sniffResult {
	res := sniffResult{kind: KindUnknown, root: -1, rootEnd: -1}
	sample, truncated := data, false
	if len(sample) > sniffLimit {
		sample, truncated = sample[:sniffLimit], true
	}
	offset := 0 // offset of sample[0] in data, when data is not transcoded
	if wide, ok := decodeWideUnicode(sample); ok {
		sample, offset = wide, -1
	}
	if bytes.HasPrefix(sample, utf8BOM) {
		sample = sample[len(utf8BOM):]
		if offset >= 0 {
			offset += len(utf8BOM)
		}
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		res.reason = "binary data (NUL bytes)"
		return res
	}
	rest := trimLeftSpace(sample)
	if len(rest) == 0 {
		res.reason = "empty"
		return res
	}
	switch rest[0] {
	case '<':
		if r, ok := sniffMarkup(sample, truncated); ok {
			if r.root >= 0 && offset >= 0 {
				r.root += offset
				r.rootEnd += offset
			} else {
				r.root, r.rootEnd = -1, -1
			}
			return r
		}
	case '{', '[':
		whole := sample // all there is, or all that is transcoded
		if offset >= 0 {
			whole = data[offset:]
		}
		if r, ok := sniffJSON(trimLeftSpace(whole)); ok {
			return r
		}
	}
	return sniffText(sample, truncated)
}

// sniffMarkup classifies data that starts with "<". It reports ok=false
// when the data is not markup after all and should be judged as text.
func sniffMarkup(sample []byte, truncated bool) (sniffResult, bool) {
	res := sniffResult{kind: KindUnknown, root: -1, rootEnd: -1}
	pos := len(sample) - len(trimLeftSpace(sample))
	prolog := false      // an XML declaration, PI, comment or DOCTYPE came first
	htmlDoctype := false // <!DOCTYPE html ...>; the root element decides
	for range 1000 {
		pos += len(sample[pos:]) - len(trimLeftSpace(sample[pos:]))
		b := sample[pos:]
		switch {
		case len(b) == 0:
			res.reason = "XML without a root element"
			if htmlDoctype {
				res.reason = "HTML page"
			}
			return res, true
		case bytes.HasPrefix(b, []byte("<?")):
			end := bytes.Index(b, []byte("?>"))
			if end < 0 {
				res.reason = "unterminated XML declaration or processing instruction"
				return res, true
			}
			pos += end + 2
		case bytes.HasPrefix(b, []byte("<!--")):
			end := bytes.Index(b[4:], []byte("-->"))
			if end < 0 {
				res.reason = "unterminated comment before the root element"
				return res, true
			}
			pos += 4 + end + 3
		case hasPrefixFold(b, "<!doctype"):
			htmlDoctype = htmlDoctype || strings.EqualFold(doctypeName(b[len("<!doctype"):]), "html")
			end := doctypeEnd(b)
			if end < 0 {
				res.reason = "unterminated DOCTYPE"
				return res, true
			}
			pos += end
		case len(b) > 1 && isNameStart(b[1]):
			name, end := startTag(b)
			local := strings.ToLower(name)
			if i := strings.LastIndexByte(local, ':'); i >= 0 {
				local = local[i+1:]
			}
			valid := end > 0 || (end < 0 && truncated && len(b) > 4000)
			switch {
			case valid && (local == "rss" || local == "feed" || local == "rdf"):
				res.kind, res.reason = KindFeed, "<"+name+"> root element"
				res.root = pos
				if end > 0 {
					res.rootEnd = pos + end
				} else {
					res.rootEnd = len(sample)
				}
				return res, true
			case htmlDoctype || !strings.Contains(name, ":") && htmlRoots[local]:
				res.reason = "HTML page"
				return res, true
			case prolog:
				res.reason = "XML document with root <" + name + ">"
				return res, true
			case valid && !truncated && bytes.HasSuffix(bytes.TrimRightFunc(sample, unicode.IsSpace), []byte("</"+name+">")):
				res.reason = "XML document with root <" + name + ">"
				return res, true
			}
			return res, false // "<b>Breaking</b> news ...": text
		default:
			if prolog {
				res.reason = "text after the XML prolog"
				if htmlDoctype {
					res.reason = "HTML page"
				}
				return res, true
			}
			return res, false // "<3 ..." or "<<< ...": text
		}
		prolog = true
	}
	res.reason = "too many comments or processing instructions before the root element"
	return res, true
}

// htmlRoots are elements that open an HTML page.
var htmlRoots = map[string]bool{"html": true, "head": true, "body": true}

// startTag reads the start tag at the beginning of b ("<name attr='v' ...>")
// and returns the element's name and the offset just past the tag. The
// offset is 0 when the tag is not well formed and -1 when b ends inside it.
func startTag(b []byte) (name string, end int) {
	i := 1
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	name = string(b[1:i])
	for {
		j := i
		for j < len(b) && isSpaceByte(b[j]) {
			j++
		}
		switch {
		case j >= len(b):
			return name, -1
		case b[j] == '>':
			return name, j + 1
		case b[j] == '/':
			if j+1 >= len(b) {
				return name, -1
			}
			if b[j+1] == '>' {
				return name, j + 2
			}
			return name, 0
		case j == i || !isNameStart(b[j]):
			return name, 0 // attributes need white space before them
		}
		// attribute: name = "value"
		for j < len(b) && isNameByte(b[j]) {
			j++
		}
		for j < len(b) && isSpaceByte(b[j]) {
			j++
		}
		if j >= len(b) {
			return name, -1
		}
		if b[j] != '=' {
			return name, 0
		}
		j++
		for j < len(b) && isSpaceByte(b[j]) {
			j++
		}
		if j >= len(b) {
			return name, -1
		}
		q := b[j]
		if q != '"' && q != '\'' {
			return name, 0
		}
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return name, -1
		}
		i = j + 1 + k + 1
	}
}

// doctypeName returns the name a DOCTYPE declares (b starts after
// "<!DOCTYPE").
func doctypeName(b []byte) string {
	b = trimLeftSpace(b)
	i := 0
	for i < len(b) && isNameByte(b[i]) {
		i++
	}
	return string(b[:i])
}

// doctypeEnd returns the offset just past the DOCTYPE declaration at the
// start of b, skipping an internal subset and quoted strings, or -1.
func doctypeEnd(b []byte) int {
	depth := 0
	var quote byte
	for i := 2; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			if depth > 0 {
				depth--
			}
		case c == '>' && depth == 0:
			return i + 1
		}
	}
	return -1
}

// sniffJSON classifies data that starts with "{" or "[". It reports
// ok=false when the data is not JSON after all and should be judged as text.
func sniffJSON(b []byte) (sniffResult, bool) {
	res := sniffResult{kind: KindUnknown, root: -1, rootEnd: -1}
	if b[0] == '[' {
		if json.Valid(b) {
			res.reason = "JSON array"
			return res, true
		}
		return res, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // the "{"
		return res, false
	}
	members := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, ok := tok.(string)
		if !ok {
			break
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if members == 0 {
				// Perhaps "{Update} ..." text; but a JSON Feed cut short
				// after its version is still a (broken) feed.
				break
			}
			res.reason = "malformed JSON"
			return res, true
		}
		members++
		switch key {
		case "version":
			var v string
			if json.Unmarshal(raw, &v) == nil && strings.Contains(v, "jsonfeed.org") {
				res.kind, res.reason = KindFeed, "JSON Feed "+v
				return res, true
			}
		case "items":
			if len(raw) > 0 && raw[0] == '[' {
				res.kind, res.reason = KindFeed, `JSON object with "items"`
				return res, true
			}
		}
	}
	if members == 0 {
		return res, false
	}
	res.reason = `JSON object without "items" or a jsonfeed.org "version"`
	return res, true
}

// sniffText judges data that is not markup or JSON: text (a post dump) or
// binary. The sample may end inside a UTF-8 sequence when truncated.
func sniffText(sample []byte, truncated bool) sniffResult {
	res := sniffResult{kind: KindUnknown, root: -1, rootEnd: -1}
	var invalid, control, text, total int
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		total++
		switch {
		case r == utf8.RuneError && size == 1:
			if truncated && len(sample)-i < utf8.UTFMax && !utf8.FullRune(sample[i:]) {
				i = len(sample)
				continue
			}
			invalid++
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' && r != '\v',
			r == 0x7F:
			control++
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			text++
		}
		i += size
	}
	switch {
	case control*100 > total:
		res.reason = "binary data (control characters)"
	case invalid*3 > total:
		res.reason = "binary data (mostly invalid UTF-8)"
	case text == 0:
		res.reason = "no text"
	default:
		res.kind, res.reason = KindPostDump, "plain text (a post dump)"
	}
	return res
}

// decodeWideUnicode converts UTF-16 or UTF-32 data to UTF-8. It recognises
// the encodings by byte order mark, or without one when the data starts
// with "<" (XML) or "{" (JSON) in that encoding. It reports false, and
// returns nil, for anything else.
func decodeWideUnicode(b []byte) ([]byte, bool) {
	ascii := func(c byte) bool { return c == '<' || c == '{' }
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return decodeUTF32(b[4:], true), true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return decodeUTF32(b[4:], false), true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], true), true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return decodeUTF16(b[2:], false), true
	case len(b) < 4:
		return nil, false
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && ascii(b[3]):
		return decodeUTF32(b, true), true
	case ascii(b[0]) && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return decodeUTF32(b, false), true
	case b[0] == 0 && ascii(b[1]) && b[2] == 0 && b[3] != 0:
		return decodeUTF16(b, true), true
	case ascii(b[0]) && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return decodeUTF16(b, false), true
	}
	return nil, false
}

func decodeUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(u)+len(u)/2)
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

func decodeUTF32(b []byte, bigEndian bool) []byte {
	out := make([]byte, 0, len(b)/4)
	for i := 0; i+4 <= len(b); i += 4 {
		var r uint32
		if bigEndian {
			r = uint32(b[i])<<24 | uint32(b[i+1])<<16 | uint32(b[i+2])<<8 | uint32(b[i+3])
		} else {
			r = uint32(b[i+3])<<24 | uint32(b[i+2])<<16 | uint32(b[i+1])<<8 | uint32(b[i])
		}
		if r > unicode.MaxRune {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, rune(r)) // surrogates become U+FFFD
	}
	return out
}

// xmlDecl matches an XML declaration and captures its encoding.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']`)

// declaredEncoding returns the encoding an XML declaration names, lower
// case, or "" when there is none.
func declaredEncoding(b []byte) string {
	b = bytes.TrimPrefix(b, utf8BOM)
	if len(b) > 512 {
		b = b[:512]
	}
	m := xmlDecl.FindSubmatch(b)
	if m == nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(string(m[1])))
}

// setDeclaredEncoding rewrites the encoding an XML declaration names, if it
// names one, to enc.
func setDeclaredEncoding(b []byte, enc string) []byte {
	head := b
	if len(head) > 512 {
		head = head[:512]
	}
	loc := xmlDecl.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[2]]...)
	out = append(out, enc...)
	return append(out, b[loc[3]:]...)
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpaceByte(b[0]) {
		b = b[1:]
	}
	return b
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.' || c == ':'
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}
