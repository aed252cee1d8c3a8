package urlcanon

import (
	"strings"
	"unicode"
)

// PathWords returns the lower-case words of the URL path (the slug words),
// a text signal for deduplication:
//
//	"https://x.com/2014/03/10/fed-plosser-taper-123.html" → ["fed" "plosser" "taper"]
//
// Redirectors are unwrapped first. The path is percent-decoded and split
// at every character that is not a letter or digit. Dropped: numbers, words
// of one letter, file extensions and very common path words (news, story,
// article, index, html, www, ..., also followed by digits as in NEWS02),
// month names in date paths
// (/2014/mar/10/), and id-like tokens (mixed letters and digits such as
// "idUKBREA060NG20140311", or hexadecimal runs such as UUID parts).
//
// If some segments have two or more words left (the slug), only those
// segments count, so that section names (/business/money/) do not dilute
// the slug. Each word is returned once, in order of first appearance; the
// result is nil for an unparsable URL or a path without words.
func PathWords(raw string) []string {
	if t, ok := Unwrap(raw); ok {
		raw = t
	}
	p, err := parse(raw)
	if err != nil {
		return nil
	}
	dated := false
	for _, s := range p.segs {
		if isYear(s) {
			dated = true
		}
	}
	perSeg := make([][]string, len(p.segs))
	slug := false
	for i, s := range p.segs {
		d, _ := unescape(s, false, false)
		d = strings.ToLower(d)
		if dated && months[d] {
			continue
		}
		for _, w := range strings.FieldsFunc(d, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if keepWord(w) {
				perSeg[i] = append(perSeg[i], w)
			}
		}
		if len(perSeg[i]) >= 2 {
			slug = true
		}
	}
	var words []string
	seen := map[string]bool{}
	for _, ws := range perSeg {
		if slug && len(ws) < 2 {
			continue
		}
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	return words
}

// commonPathWords carry no topic: page types, file extensions, site
// furniture.
var commonPathWords = setOf(
	"news", "story", "stories", "article", "articles", "index", "html", "htm",
	"shtml", "xhtml", "php", "asp", "aspx", "jsp", "cfm", "cgi", "dll", "www",
	"default", "amp", "page", "pages", "content", "contents", "view",
	"detail", "details", "item", "items", "post", "posts", "blog", "blogs",
	"entry", "entries", "archive", "archives", "node", "print", "mobile",
	"section", "sections", "category", "categories", "tag", "tags", "topic",
	"topics", "feed", "feeds", "rss", "xml", "json", "id", "com",
)

// months are month names and abbreviations, dropped from dated paths.
var months = setOf(
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept",
	"oct", "nov", "dec", "january", "february", "march", "april", "june",
	"july", "august", "september", "october", "november", "december",
)

// isYear reports whether a path segment is a year such as 2014.
func isYear(s string) bool {
	return len(s) == 4 && isDigits(s) && (s[:2] == "19" || s[:2] == "20")
}

// keepWord reports whether a lower-case token is a content word.
func keepWord(w string) bool {
	letters, digits, changes := 0, 0, 0
	hex := true
	prevDigit := false
	for i, r := range w {
		isD := unicode.IsDigit(r)
		if isD {
			digits++
		} else {
			letters++
		}
		if i > 0 && isD != prevDigit {
			changes++
		}
		prevDigit = isD
		if !(isD || 'a' <= r && r <= 'f') {
			hex = false
		}
	}
	switch {
	case letters == 0: // a number or date
		return false
	case letters+digits < 2:
		return false
	case commonPathWords[w] || commonPathWords[strings.TrimRight(w, "0123456789")]:
		return false // also section codes such as news02
	case digits > 0 && (letters+digits >= 8 || digits >= 4 || changes >= 3):
		return false // id-like: idukbrea060ng20140311, article1193635
	case digits > 0 && hex && letters+digits >= 4:
		return false // hexadecimal: 8c5c0e2f, a1ab
	case letters+digits > 30:
		return false // run-together ids and base64
	}
	return true
}
