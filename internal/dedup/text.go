package dedup

import (
	"strings"
	"unicode"
)

// Tokens splits a headline or summary into normalised terms: lower case,
// apostrophes and possessives dropped, stop words removed, plurals and a
// few common suffixes folded, so that "Fed's officials" and "fed official"
// meet. Numbers are kept ("$1.8B" → "1.8b", "2014").
func Tokens(s string) []string {
	var out []string
	for _, w := range splitWords(s) {
		w = stem(w)
		if w == "" || stopWords[w] || (len(w) < 2 && !isDigit(w[0])) {
			continue
		}
		out = append(out, w)
	}
	return out
}

// splitWords yields lower-case words: letters and digits, with inner
// apostrophes and dots (in numbers) kept for stem to handle.
func splitWords(s string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0 && i+1 < len(runes) && unicode.IsLetter(runes[i+1]):
			b.WriteByte('\'')
		case r == '.' && b.Len() > 0 && i+1 < len(runes) && unicode.IsDigit(runes[i+1]) && i > 0 && unicode.IsDigit(runes[i-1]):
			b.WriteByte('.')
		default:
			flush()
		}
	}
	flush()
	return words
}

// stem folds possessives, contractions and common inflections.
func stem(w string) string {
	if i := strings.IndexByte(w, '\''); i >= 0 {
		w = w[:i] // "fed's" → "fed", "don't" → "don"
	}
	if len(w) <= 3 || isDigit(w[0]) {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// stopWords are function words and newsroom boilerplate that say nothing
// about which event a headline reports.
var stopWords = toSet(`a about above after again against all also am an and any are as at be
because been before being below between both but by can could did do does doing don down during
each few for from further had has have having he her here hers herself him himself his how i if
in into is it its itself just let me more most my myself no nor not now of off on once only or
other our ours out over own same she should so some such than that the their theirs them then
there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself
says said say report reports reported update updated news new video watch live photo photos
latest breaking today week day year could may might will one two first last amid via get gets got
make makes made take takes set sets see sees look looks show shows here's what's it's how's
vs per inc corp co ltd plc llc mr mrs ms dr`)

func toSet(words string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.Fields(words) {
		set[stem(w)] = true
		set[w] = true
	}
	return set
}
