package urlcanon

import (
	"encoding/base64"
	"strings"
)

// Unwrap returns the target of a redirector or aggregator URL when the
// target is carried inside the URL, else raw unchanged and ok false.
// Nested redirectors are followed up to three levels; the target returned
// is the innermost one reached, as written (not canonicalised).
//
// Recognised: Google (google.<tld>/url?url=|q=, news.google.com/news/url,
// the AMP viewer google.<tld>/amp/s/..., and news.google.com/articles/...
// ids of the older kind that embed the link), AMP caches
// (*.cdn.ampproject.org/c/s/...), Facebook (l.facebook.com/l.php?u=, also
// lm., m., www. and l.instagram.com, l.messenger.com), Tumblr
// (t.umblr.com/redirect?z=), Reddit (out.reddit.com?url=), Slack
// (slack-redir.net/link?url=), Yahoo search (r.search.yahoo.com/.../RU=.../),
// Bing (bing.com/ck/a?u=a1<base64>), Skimlinks (go.redirectingat.com and
// go.skimresources.com ?url=), YouTube (/redirect?q=), LinkedIn
// (/redir/redirect?url=), VK (/away.php?to=), DuckDuckGo (/l/?uddg=),
// Steam (/linkfilter/?url=), and FeedPortal (*.feedsportal.com/.../l/<coded
// link>/story01.htm and share.feedsportal.com?u=). FeedBurner's
// feedproxy.google.com/~r/... links do not carry their target and are not
// unwrapped.
func Unwrap(raw string) (target string, ok bool) {
	cur := raw
	for i := 0; i < maxUnwrap; i++ {
		p, err := parse(cur)
		if err != nil {
			break
		}
		t, found := unwrapOnce(p)
		if !found {
			break
		}
		cur, ok = t, true
	}
	if !ok {
		return raw, false
	}
	return cur, true
}

// redirector names the query parameters that carry the target of a
// redirector at a host and path (nil path: any).
type redirector struct {
	path   []string
	params []string
}

// redirectors by normalised host (www. and m. already removed).
var redirectors = map[string][]redirector{
	"l.facebook.com":        {{[]string{"l.php"}, []string{"u"}}},
	"lm.facebook.com":       {{[]string{"l.php"}, []string{"u"}}},
	"facebook.com":          {{[]string{"l.php"}, []string{"u"}}},
	"l.messenger.com":       {{[]string{"l.php"}, []string{"u"}}},
	"l.instagram.com":       {{nil, []string{"u"}}},
	"t.umblr.com":           {{[]string{"redirect"}, []string{"z"}}},
	"out.reddit.com":        {{nil, []string{"url"}}},
	"slack-redir.net":       {{[]string{"link"}, []string{"url"}}},
	"go.redirectingat.com":  {{nil, []string{"url"}}},
	"go.skimresources.com":  {{nil, []string{"url"}}},
	"youtube.com":           {{[]string{"redirect"}, []string{"q"}}},
	"linkedin.com":          {{[]string{"redir", "redirect"}, []string{"url"}}},
	"vk.com":                {{[]string{"away.php"}, []string{"to"}}},
	"away.vk.com":           {{[]string{"away.php"}, []string{"to"}}},
	"duckduckgo.com":        {{[]string{"l"}, []string{"uddg"}}},
	"steamcommunity.com":    {{[]string{"linkfilter"}, []string{"url"}}},
	"share.feedsportal.com": {{nil, []string{"u"}}},
}

// unwrapOnce returns the target of p if p is a known redirector and its
// target is itself a URL that parse accepts.
func unwrapOnce(p *parts) (string, bool) {
	if p.port != "" {
		return "", false
	}
	h := p.host
	for _, r := range redirectors[h] {
		if r.path == nil || equalSegs(p.segs, r.path) {
			if t, ok := paramTarget(p, r.params...); ok {
				return t, true
			}
		}
	}
	switch {
	case isGoogle(h):
		return unwrapGoogle(p)
	case strings.HasSuffix(h, ".cdn.ampproject.org"):
		if len(p.segs) > 0 && (p.segs[0] == "c" || p.segs[0] == "v") {
			return ampTarget(p, p.segs[1:])
		}
	case h == "r.search.yahoo.com":
		for _, s := range p.segs {
			if strings.HasPrefix(s, "RU=") {
				t, _ := unescape(s[3:], false, false)
				return checked(t)
			}
		}
	case h == "bing.com":
		if equalSegs(p.segs, []string{"ck", "a"}) {
			for _, q := range p.params {
				if q.key != "u" {
					continue
				}
				v, _ := unescape(q.val, true, false)
				if t, ok := decodeBase64(strings.TrimPrefix(v, "a1")); ok && strings.HasPrefix(v, "a1") {
					if t, ok := checked(string(t)); ok {
						return t, true
					}
				}
			}
		}
	case strings.HasSuffix(h, ".feedsportal.com") || h == "feedsportal.com":
		for i, s := range p.segs {
			if s == "l" && i+1 < len(p.segs) {
				return checked(decodeFeedsportal(p.segs[i+1]))
			}
		}
	}
	return "", false
}

// unwrapGoogle handles google.<tld> and news.google.<tld>.
func unwrapGoogle(p *parts) (string, bool) {
	segs := p.segs
	switch {
	case equalSegs(segs, []string{"url"}) || equalSegs(segs, []string{"news", "url"}):
		return paramTarget(p, "url", "q", "u")
	case len(segs) > 0 && segs[0] == "amp":
		return ampTarget(p, segs[1:])
	case strings.HasPrefix(p.host, "news.google.") && len(segs) >= 2 && segs[len(segs)-2] == "articles":
		return googleNewsArticle(segs[len(segs)-1])
	}
	return "", false
}

// ampTarget rebuilds the page behind an AMP viewer or cache path:
// s/<host>/<path> for https, <host>/<path> for http.
func ampTarget(p *parts, segs []string) (string, bool) {
	scheme := "http://"
	if len(segs) > 0 && segs[0] == "s" {
		scheme, segs = "https://", segs[1:]
	}
	if len(segs) == 0 || !strings.Contains(segs[0], ".") {
		return "", false
	}
	t := scheme + strings.Join(segs, "/")
	if len(p.params) > 0 {
		var b strings.Builder
		for i, q := range p.params {
			if i == 0 {
				b.WriteByte('?')
			} else {
				b.WriteByte('&')
			}
			b.WriteString(q.key)
			b.WriteByte('=')
			b.WriteString(q.val)
		}
		t += b.String()
	}
	return checked(t)
}

// googleNewsArticle decodes a news.google.com/articles/<id> id of the
// older kind: URL-safe base64 of a protocol buffer whose field 4 is the
// article link. Newer ids are opaque and yield ok false.
func googleNewsArticle(id string) (string, bool) {
	b, ok := decodeBase64(id)
	if !ok {
		return "", false
	}
	for len(b) > 0 {
		tag, n := uvarint(b)
		if n <= 0 {
			return "", false
		}
		b = b[n:]
		switch tag & 7 {
		case 0:
			if _, n = uvarint(b); n <= 0 {
				return "", false
			}
			b = b[n:]
		case 2:
			l, n := uvarint(b)
			if n <= 0 || l > uint64(len(b)-n) {
				return "", false
			}
			field := b[n : n+int(l)]
			b = b[n+int(l):]
			if tag>>3 == 4 {
				return checked(string(field))
			}
		default:
			return "", false
		}
	}
	return "", false
}

// uvarint decodes a protocol-buffer varint; n <= 0 on error.
func uvarint(b []byte) (uint64, int) {
	var x uint64
	for i := 0; i < len(b) && i < 10; i++ {
		x |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return x, i + 1
		}
	}
	return 0, 0
}

// decodeBase64 decodes URL-safe or standard base64, padded or not.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if s == "" {
		return nil, false
	}
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}

// feedsportalCodes are FeedPortal's escapes: "0" and a letter.
var feedsportalCodes = map[byte]string{
	'A': "0", 'B': ".", 'C': "/", 'D': "?", 'E': "-", 'F': "=", 'G': "&",
	'H': ",", 'I': "_", 'J': "%", 'K': "+", 'L': "http://", 'M': "https://",
	'N': ".com", 'O': ".co.uk", 'P': ";", 'Q': "|", 'R': ":", 'S': "www.",
	'T': "#", 'U': "$", 'V': "~", 'W': "!", 'X': "(", 'Y': ")", 'Z': "Z",
}

// decodeFeedsportal decodes the link segment of a FeedPortal URL.
func decodeFeedsportal(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '0' && i+1 < len(s) {
			if r, ok := feedsportalCodes[s[i+1]]; ok {
				b.WriteString(r)
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// paramTarget returns the first value of the named parameters, tried in
// order, that is an absolute http(s) URL.
func paramTarget(p *parts, names ...string) (string, bool) {
	for _, name := range names {
		for _, q := range p.params {
			if k, _ := unescape(q.key, true, false); k != name {
				continue
			}
			v, _ := unescape(q.val, true, false)
			if t, ok := checked(v); ok {
				return t, true
			}
		}
	}
	return "", false
}

// checked returns t if it is an absolute http(s) URL that parse accepts.
func checked(t string) (string, bool) {
	t = strings.TrimSpace(t)
	low := strings.ToLower(t)
	if !strings.HasPrefix(low, "http://") && !strings.HasPrefix(low, "https://") {
		return "", false
	}
	if _, err := parse(t); err != nil {
		return "", false
	}
	return t, true
}

// isGoogle reports whether h is google.<tld> or a subdomain of it, with
// <tld> one or two short labels (com, de, co.uk, com.au).
func isGoogle(h string) bool {
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l != "google" {
			continue
		}
		tld := labels[i+1:]
		if len(tld) == 0 || len(tld) > 2 {
			return false
		}
		for _, t := range tld {
			if len(t) < 2 || len(t) > 3 {
				return false
			}
		}
		return true
	}
	return false
}

// equalSegs reports whether two paths are the same.
func equalSegs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
