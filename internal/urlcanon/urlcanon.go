// Package urlcanon turns article links into canonical strings for story
// deduplication: two links to the same article, from different feeds or
// outlets, canonicalise to the same string, and links to different articles
// do not.
//
// Canonical applies, in order:
//
//   - clean-up of feed artefacts: surrounding white space and embedded
//     tabs and newlines are dropped, numeric character references (&#39;)
//     are decoded, `\?` is read as `?` (the UCI News Aggregator quirk),
//     other backslashes before the query become slashes (as browsers do),
//     and `&amp;` in the path and query is read as `&`;
//   - redirector unwrapping (see Unwrap), up to three levels;
//   - the scheme becomes https (http and https name the same article);
//   - the host is lower-cased, its trailing dots, user information and
//     default port (80 or 443) are removed, an internationalised name is
//     written in Punycode (xn--), and the prefixes www., m., amp. and
//     mobile. are removed as long as a dot remains;
//   - the path's percent-encoding is normalised (unreserved characters
//     decoded, other escapes in upper-case hex, everything else encoded),
//     dot segments are resolved, empty segments (duplicate and trailing
//     slashes) removed, ";jsessionid=" path parameters dropped, and a
//     final index.html, index.php (and similar), "amp" segment or ".amp"
//     suffix removed;
//   - tracking parameters are removed from the query (see the list in
//     params.go), the rest keep their values but are sorted by key (a
//     stable sort: repeated keys keep their order), "k=" is written "k",
//     and a space is written "+";
//   - the fragment is removed, except a "#!" (hash-bang) fragment, which
//     names the content on script-driven sites and is kept normalised.
//
// The output of Canonical is always an absolute https URL that net/url
// parses, and Canonical(Canonical(u)) == Canonical(u).
package urlcanon

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrBadURL is wrapped by every error of Canonical: the input is not an
// absolute http or https URL that can be canonicalised.
var ErrBadURL = errors.New("not an absolute http(s) URL")

// maxUnwrap is how many nested redirectors are unwrapped.
const maxUnwrap = 3

// parts is a parsed URL with every component normalised except the query,
// whose parameters are normalised but not yet filtered.
type parts struct {
	host   string   // lower case, Punycode, prefixes and trailing dots removed
	port   string   // decimal without leading zeros; "" for none or default
	segs   []string // path segments, percent-normalised, no empty or dot ones
	params []param  // query parameters in their original order
	frag   string   // content of a "#!" fragment after the "!", or ""
}

// param is one query parameter, key and value percent-normalised.
type param struct {
	key, val string
}

// Canonical returns the canonical form of raw, or an error wrapping
// ErrBadURL for relative, malformed and non-http(s) URLs. A redirector URL
// is replaced by its target first (see Unwrap); nesting deeper than three
// redirectors is an error.
func Canonical(raw string) (string, error) {
	p, err := parse(raw)
	if err != nil {
		return "", err
	}
	for depth := 0; ; depth++ {
		target, ok := unwrapOnce(p)
		if !ok {
			break
		}
		if depth == maxUnwrap {
			return "", badURL(raw, "more than 3 nested redirectors")
		}
		if p, err = parse(target); err != nil {
			return "", err // unreachable: unwrapOnce checks its target
		}
	}
	return p.render(), nil
}

// badURL returns an error wrapping ErrBadURL.
func badURL(raw, why string) error {
	if len(raw) > 80 {
		raw = raw[:77] + "..."
	}
	return fmt.Errorf("urlcanon: %w: %q: %s", ErrBadURL, raw, why)
}

// render writes p as its canonical string, dropping tracking parameters.
func (p *parts) render() string {
	var b strings.Builder
	b.Grow(len(p.host) + 64)
	b.WriteString("https://")
	b.WriteString(p.host)
	if p.port != "" {
		b.WriteByte(':')
		b.WriteString(p.port)
	}
	for _, s := range p.segs {
		b.WriteByte('/')
		b.WriteString(s)
	}
	kept := make([]param, 0, len(p.params))
	for _, q := range p.params {
		if !isTracking(p.host, q) {
			kept = append(kept, q)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	for i, q := range kept {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(q.key)
		if q.val != "" {
			b.WriteByte('=')
			b.WriteString(q.val)
		}
	}
	if p.frag != "" {
		b.WriteString("#!")
		b.WriteString(p.frag)
	}
	return b.String()
}

// parse splits and normalises raw; it does not unwrap redirectors.
func parse(raw string) (*parts, error) {
	s := clean(raw)
	if s == "" {
		return nil, badURL(raw, "empty")
	}
	scheme, rest, ok := splitScheme(s)
	if !ok {
		return nil, badURL(raw, "no scheme (relative URL)")
	}
	if scheme != "http" && scheme != "https" {
		return nil, badURL(raw, "scheme "+scheme+" is not http or https")
	}
	// Split off the fragment and the query; before the query a backslash
	// is a slash, as in browsers.
	rest, frag, hasFrag := strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	rest = strings.ReplaceAll(rest, `\`, "/")
	if !strings.HasPrefix(rest, "//") {
		return nil, badURL(raw, "no // after the scheme")
	}
	rest = strings.TrimLeft(rest, "/")
	auth, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		auth, path = rest[:i], rest[i:]
	}
	p := &parts{}
	var err error
	if p.host, p.port, err = parseAuthority(auth); err != nil {
		return nil, badURL(raw, err.Error())
	}
	p.segs = parsePath(path)
	p.params = parseQuery(query)
	if hasFrag && strings.HasPrefix(frag, "!") {
		p.frag = normEscapes(frag[1:], fragAllowed, false)
	}
	return p, nil
}

// clean removes feed and transcription artefacts: surrounding white space
// and control characters, embedded tabs and newlines, numeric character
// references, and the backslash of `\?`.
func clean(s string) string {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f || unicode.IsSpace(r) })
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	// One pass suffices for idempotence: the output never holds a '#'
	// (except in "#!"), so never a reference.
	if strings.Contains(s, "&#") {
		s = decodeNumericRefs(s)
	}
	return strings.ReplaceAll(s, `\?`, "?")
}

// decodeNumericRefs replaces HTML numeric character references such as
// &#39; and &#x27; by the character, leaving malformed ones alone.
func decodeNumericRefs(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "&#")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexByte(s, ';')
		if j < 3 || j > 10 {
			b.WriteString("&#")
			s = s[2:]
			continue
		}
		num, base := s[2:j], 10
		if num[0] == 'x' || num[0] == 'X' {
			num, base = num[1:], 16
		}
		n, err := strconv.ParseUint(num, base, 32)
		if err != nil || n < 0x20 || n == 0x7f || n > unicode.MaxRune || !utf8.ValidRune(rune(n)) {
			b.WriteString("&#")
			s = s[2:]
			continue
		}
		b.WriteRune(rune(n))
		s = s[j+1:]
	}
}

// splitScheme returns the lower-cased scheme of s and what follows its
// colon; ok is false if s has no scheme.
func splitScheme(s string) (scheme, rest string, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", "", false
			}
		case c == ':':
			if i == 0 {
				return "", "", false
			}
			return strings.ToLower(s[:i]), s[i+1:], true
		default:
			return "", "", false
		}
	}
	return "", "", false
}

// hostPrefixes are removed from the front of a host name (mobile, AMP and
// www variants of the same site).
var hostPrefixes = []string{"www.", "m.", "amp.", "mobile."}

// parseAuthority normalises userinfo@host:port into host and port.
func parseAuthority(auth string) (host, port string, err error) {
	if i := strings.LastIndexByte(auth, '@'); i >= 0 {
		auth = auth[i+1:]
	}
	if strings.HasPrefix(auth, "[") {
		end := strings.IndexByte(auth, ']')
		if end < 0 {
			return "", "", errors.New("unclosed [ in host")
		}
		addr, err := netip.ParseAddr(auth[1:end])
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return "", "", errors.New("bad IPv6 address")
		}
		host = "[" + addr.String() + "]"
		auth = auth[end+1:]
		if auth != "" && auth[0] != ':' {
			return "", "", errors.New("junk after IPv6 address")
		}
	} else {
		h := auth
		if i := strings.LastIndexByte(auth, ':'); i >= 0 {
			h = auth[:i]
		}
		auth = auth[len(h):]
		if host, err = normHost(h); err != nil {
			return "", "", err
		}
	}
	if port, err = normPort(strings.TrimPrefix(auth, ":")); err != nil {
		return "", "", err
	}
	return host, port, nil
}

// normPort drops leading zeros and the default ports 80 and 443.
func normPort(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", errors.New("bad port")
		}
		if n = n*10 + int(s[i]-'0'); n > 65535 {
			return "", errors.New("port out of range")
		}
	}
	if n == 80 || n == 443 {
		return "", nil
	}
	return strconv.Itoa(n), nil
}

// normHost percent-decodes, lower-cases and checks a host name, writes
// non-ASCII labels in Punycode, and removes trailing dots and the
// prefixes www., m., amp. and mobile..
func normHost(h string) (string, error) {
	if strings.IndexByte(h, '%') >= 0 {
		d, ok := unescape(h, false, true)
		if !ok {
			return "", errors.New("bad escape in host")
		}
		h = d
	}
	if !utf8.ValidString(h) {
		return "", errors.New("host is not UTF-8")
	}
	h = strings.ToLower(h)
	for i := 0; i < len(h); i++ {
		if h[i] >= utf8.RuneSelf {
			// Full-width ASCII (U+FF01-FF5E) is ASCII, and ideographic
			// full stops separate labels, as in IDNA.
			h = strings.Map(func(r rune) rune {
				if 0xff01 <= r && r <= 0xff5e {
					return r - 0xfee0
				}
				return r
			}, h)
			h = fullStops.Replace(h)
			break
		}
	}
	h = strings.TrimRight(h, ".")
	if h == "" {
		return "", errors.New("empty host")
	}
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l == "" {
			return "", errors.New("empty label in host")
		}
		ascii := true
		for j := 0; j < len(l); j++ {
			c := l[j]
			if c >= utf8.RuneSelf {
				ascii = false
				continue
			}
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("bad character %q in host", c)
			}
		}
		if ascii {
			continue
		}
		for _, r := range l {
			if r < utf8.RuneSelf {
				continue
			}
			if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError || !unicode.IsGraphic(r) {
				return "", fmt.Errorf("bad character %q in host", r)
			}
		}
		enc, ok := punycode(l)
		if !ok {
			return "", errors.New("cannot encode host label")
		}
		labels[i] = "xn--" + enc
	}
	h = strings.Join(labels, ".")
	for again := true; again; {
		again = false
		for _, pre := range hostPrefixes {
			if strings.HasPrefix(h, pre) && strings.Contains(h[len(pre):], ".") {
				h, again = h[len(pre):], true
			}
		}
	}
	return h, nil
}

// fullStops maps the ideographic full stops to '.'.
var fullStops = strings.NewReplacer("\u3002", ".", "\uff61", ".")

// parsePath splits a path into normalised segments.
func parsePath(path string) []string {
	if path == "" || path == "/" {
		return nil
	}
	var segs []string
	for _, s := range strings.Split(path, "/") {
		if s == "" {
			continue
		}
		s = normEscapes(s, pathAllowed, false)
		// "&amp;" is an HTML-escaping artefact of feeds. Replacing it
		// after normalisation keeps Canonical idempotent: "&%61mp;"
		// becomes "&amp;" here and then "&", never "&amp;" in the output.
		s = collapseAmp(s)
		if i := indexFold(s, ";jsessionid="); i >= 0 {
			s = s[:i]
		}
		switch s {
		case "", ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, s)
		}
	}
	// Drop the default document and AMP markers at the end.
	for len(segs) > 0 {
		last := segs[len(segs)-1]
		switch {
		case last == "amp" || indexFiles[strings.ToLower(last)]:
			segs = segs[:len(segs)-1]
			continue
		case strings.HasSuffix(last, ".amp.html"):
			last = strings.TrimSuffix(last, ".amp.html") + ".html"
		case strings.HasSuffix(last, ".amp"):
			last = strings.TrimSuffix(last, ".amp")
		default:
			return segs
		}
		if last == "" || last == "." || last == ".." || last == ".html" {
			segs = segs[:len(segs)-1]
		} else {
			segs[len(segs)-1] = last
		}
	}
	return segs
}

// indexFiles are default documents dropped from the end of a path.
var indexFiles = map[string]bool{
	"index.html": true, "index.htm": true, "index.shtml": true,
	"index.php": true, "index.asp": true, "index.aspx": true, "index.jsp": true,
}

// collapseAmp reads "&amp;" as "&", repeatedly: "&amp;amp;" is "&" too.
func collapseAmp(s string) string {
	if indexFold(s, "&amp;") < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		b.WriteByte(s[i])
		if s[i] == '&' {
			i++
			for i+4 <= len(s) && strings.EqualFold(s[i:i+4], "amp;") {
				i += 4
			}
			continue
		}
		i++
	}
	return b.String()
}

// indexFold is strings.Index ignoring ASCII case; sub must start with a
// byte that has no case ('&', ';').
func indexFold(s, sub string) int {
	for off := 0; ; {
		i := strings.IndexByte(s[off:], sub[0])
		if i < 0 {
			return -1
		}
		i += off
		if i+len(sub) > len(s) {
			return -1
		}
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
		off = i + 1
	}
}

// parseQuery splits a query into normalised parameters, reading `&amp;`
// as `&` and dropping empty ones.
func parseQuery(q string) []param {
	if q == "" {
		return nil
	}
	q = collapseAmp(q)
	var ps []param
	for _, kv := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(kv, "=")
		k = normEscapes(k, keyAllowed, true)
		v = normEscapes(v, valAllowed, true)
		if k == "" && v == "" {
			continue
		}
		ps = append(ps, param{k, v})
	}
	return ps
}

// Character classes for normEscapes, indexed by byte.
var (
	pathAllowed  = charClass(unreserved + "!$&'()*+,;=:@")
	keyAllowed   = charClass(unreserved + "!$'()*+,:@/?") // no & = ; #
	valAllowed   = charClass(unreserved + "!$'()*+,;=:@/?")
	fragAllowed  = charClass(unreserved + "!$&'()*+,;=:@/?")
	isUnreserved = charClass(unreserved)
)

const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// charClass returns a byte set.
func charClass(chars string) *[256]bool {
	var c [256]bool
	for i := 0; i < len(chars); i++ {
		c[chars[i]] = true
	}
	return &c
}

const upperHex = "0123456789ABCDEF"

// normEscapes normalises percent-encoding: escapes of unreserved characters
// are decoded, other escapes get upper-case hex, a '%' not starting an
// escape becomes %25, and bytes outside allowed are escaped. With
// plusSpace (query components) a space is written '+'.
func normEscapes(s string, allowed *[256]bool, plusSpace bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' || !allowed[c] {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			d := unhex(s[i+1])<<4 | unhex(s[i+2])
			i += 2
			switch {
			case isUnreserved[d]:
				b.WriteByte(d)
			case d == ' ' && plusSpace:
				b.WriteByte('+')
			default:
				b.WriteByte('%')
				b.WriteByte(upperHex[d>>4])
				b.WriteByte(upperHex[d&15])
			}
			continue
		}
		switch {
		case c == ' ' && plusSpace:
			b.WriteByte('+')
		case c != '%' && allowed[c]:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// unescape decodes percent-escapes (and '+' as space with plusSpace). With
// strict, a malformed escape makes ok false; otherwise it is kept as is.
func unescape(s string, plusSpace, strict bool) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && (!plusSpace || strings.IndexByte(s, '+') < 0) {
		return s, true
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		case c == '%' && strict:
			return "", false
		case c == '+' && plusSpace:
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}
