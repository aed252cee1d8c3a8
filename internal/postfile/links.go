package postfile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// indexURL returns the index of the first "http://" or "https://" in s, or -1.
func indexURL(s string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], "http")
		if i < 0 {
			return -1
		}
		j := off + i
		if strings.HasPrefix(s[j:], "http://") || strings.HasPrefix(s[j:], "https://") {
			return j
		}
		off = j + 4
	}
}

// urlEnd returns the length of the URL at the start of s: up to white space,
// angle brackets or quote marks.
func urlEnd(s string) int {
	for i, r := range s {
		if unicode.IsSpace(r) || strings.ContainsRune("<>\"“”‘’«»", r) || r == utf8.RuneError {
			return i
		}
	}
	return len(s)
}

// trimURL drops trailing punctuation that ends the sentence rather than the
// URL, keeping closing brackets that balance an opening one in the URL.
func trimURL(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'*", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"),
			last == ']' && strings.Count(u, "[") < strings.Count(u, "]"),
			last == '}' && strings.Count(u, "{") < strings.Count(u, "}"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// nextURL finds the first URL in s and returns it (or "") and the text
// after it.
func nextURL(s string) (string, string, bool) {
	i := indexURL(s)
	if i < 0 {
		return "", "", false
	}
	s = s[i:]
	n := urlEnd(s)
	u := trimURL(s[:n])
	if j := strings.Index(u, "://"); j < 0 || len(u) <= j+3 {
		u = ""
	}
	return u, s[n:], true
}

// firstURL returns the first URL in s, or "".
func firstURL(s string) string {
	for {
		u, rest, ok := nextURL(s)
		if !ok || u != "" {
			return u
		}
		s = rest
	}
}

// appendURLs appends the URLs of s not yet in seen to dst.
func appendURLs(dst []string, seen map[string]bool, s string) []string {
	for {
		u, rest, ok := nextURL(s)
		if !ok {
			return dst
		}
		if u != "" && !seen[u] {
			seen[u] = true
			dst = append(dst, u)
		}
		s = rest
	}
}

// isURLLine reports whether t is nothing but a URL.
func isURLLine(t string) bool {
	return indexURL(t) == 0 && urlEnd(t) == len(t)
}
