package postfile

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/model"
)

// Limits on what passes for a headline and an outlet name.
const (
	minTitleWords   = 3
	maxTitleWords   = 25
	maxSourceWords  = 30
	maxOutletWords  = 5
	maxOutletRunes  = 40
	maxParenRunes   = 80
	sourceLookahead = 3
)

// notOutlets are words that make an "X: ..." or "(X)" label something other
// than a publication.
var notOutlets = map[string]bool{
	"update": true, "updated": true, "editor": true, "note": true, "photo": true,
	"photos": true, "credit": true, "caption": true, "image": true, "via": true,
	"h/t": true, "hat": true, "edit": true, "correction": true, "disclaimer": true,
	"warning": true, "ps": true, "p.s.": true, "read": true, "link": true,
	"links": true, "source": true, "sources": true, "quote": true, "report": true,
	"breaking": true, "exclusive": true, "opinion": true, "analysis": true,
	"video": true, "watch": true, "live": true, "op-ed": true, "editorial": true,
	"paywall": true, "pdf": true, "emphasis": true, "sic": true, "ibid": true,
	"lol": true, "imho": true, "ret": true, "ret.": true, "part": true, "here": true,
	"map": true, "chart": true, "audio": true, "transcript": true, "archive": true,
	"satire": true, "us": true, "uk": true, "eu": true, "un": true, "bottom": true,
}

// outletConnectors may appear in lower case inside an outlet's name.
var outletConnectors = map[string]bool{
	"of": true, "the": true, "and": true, "de": true, "for": true, "on": true,
	"in": true, "&": true, "a": true, "la": true, "el": true, "al": true,
}

// findSources returns the "Outlet: Headline" paragraphs the post summarises:
// the first such paragraph before each "Read more" line or, when there is
// no "Read more", among the first few paragraphs.
func findSources(body []model.Block) []model.RelatedItem {
	var out []model.RelatedItem
	var cand *model.RelatedItem
	readMore := false
	for _, b := range body {
		if isReadMore(b.Text) {
			readMore = true
			if cand != nil {
				out = append(out, *cand)
			}
			cand = nil
			continue
		}
		if cand == nil {
			if it, ok := sourceHeadline(b.Text); ok {
				cand = &it
			}
		}
	}
	if readMore {
		return out
	}
	for i := 0; i < len(body) && i < sourceLookahead; i++ {
		if it, ok := sourceHeadline(body[i].Text); ok {
			return []model.RelatedItem{it}
		}
	}
	return nil
}

// isReadMore reports whether t is a "Read more ...." line.
func isReadMore(t string) bool {
	return hasPrefixFold(t, "read more") && wordCount(t) <= 6 && !strings.Contains(t, "\n")
}

// sourceHeadline parses a short one-line "Outlet: Headline" paragraph.
func sourceHeadline(t string) (model.RelatedItem, bool) {
	if strings.Contains(t, "\n") || strings.Contains(strings.ToLower(t), "credit:") {
		return model.RelatedItem{}, false
	}
	outlet, title, ok := strings.Cut(t, ": ")
	outlet, title = strings.TrimSpace(outlet), strings.TrimSpace(title)
	if !ok || !outletLike(outlet) {
		return model.RelatedItem{}, false
	}
	if n := wordCount(title); n < minTitleWords || n > maxSourceWords || strings.HasSuffix(title, ":") {
		return model.RelatedItem{}, false
	}
	return model.RelatedItem{Kind: model.RelatedSource, Outlet: outlet, Title: title}, true
}

// outletLike reports whether s can be the name of a publication: one to five
// capitalised words without sentence punctuation.
func outletLike(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > maxOutletWords || utf8.RuneCountInString(s) > maxOutletRunes {
		return false
	}
	if !startsUpper(s) || strings.HasSuffix(s, ".") || isPartyTag(s) {
		return false
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		if notOutlets[lw] {
			return false
		}
		if !outletWord(w) && !outletConnectors[lw] {
			return false
		}
	}
	return true
}

// outletWord reports whether w is a capitalised word or a number made of
// letters, digits and a little punctuation.
func outletWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("&'’.-!", r) {
			return false
		}
	}
	return true
}

// isPartyTag reports whether s is a party/state tag such as "D-Md." or "R".
func isPartyTag(s string) bool {
	if len(s) == 1 {
		return strings.Contains("DRI", s)
	}
	return len(s) >= 3 && strings.IndexByte("DRI", s[0]) >= 0 && s[1] == '-'
}

// appendMentions appends the "Title (Outlet)" and "Title (Month D, YYYY)"
// mentions in blocks to dst.
func appendMentions(dst []model.RelatedItem, blocks []model.Block) []model.RelatedItem {
	for _, b := range blocks {
		dst = appendTextMentions(dst, b.Text)
	}
	return dst
}

// appendTextMentions scans one paragraph for parenthesised outlets and dates.
func appendTextMentions(dst []model.RelatedItem, s string) []model.RelatedItem {
	for off := 0; off < len(s); {
		i := strings.IndexByte(s[off:], '(')
		if i < 0 {
			break
		}
		open := off + i
		j := strings.IndexByte(s[open+1:], ')')
		if j < 0 {
			break
		}
		inner := s[open+1 : open+1+j]
		off = open + 1
		if strings.IndexByte(inner, '(') >= 0 || utf8.RuneCountInString(inner) > maxParenRunes {
			continue
		}
		if it, ok := mention(s[:open], strings.TrimSpace(inner)); ok {
			dst = append(dst, it)
		}
	}
	return dst
}

// mention builds a related item from the text before a parenthesis and what
// the parenthesis holds, if they form a headline mention.
func mention(before, inner string) (model.RelatedItem, bool) {
	it := model.RelatedItem{Kind: model.RelatedMention}
	if d, ok := parseDate(inner); ok {
		it.Published = d
	} else if outletLike(inner) {
		it.Outlet = inner
	} else {
		return it, false
	}
	it.Title = titleBefore(before)
	n := wordCount(it.Title)
	if n < minTitleWords || n > maxTitleWords || !headlineStart(it.Title) {
		return it, false
	}
	return it, true
}

// headlineStart reports whether s opens like a headline: a capital, a digit
// or an opening quote mark.
func headlineStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune("\"“‘'", r)
}

// titleBefore returns the sentence that ends s: the text after the last
// sentence boundary ("....", "...", "…", ". ", "? ", "! ", a line break),
// not counting abbreviations such as "U.S." or "Amb.".
func titleBefore(s string) string {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if s == "" {
		return ""
	}
	_, lastSize := utf8.DecodeLastRuneInString(s)
	for i := len(s) - lastSize - 1; i >= 0; i-- {
		if end, ok := boundaryAt(s, i); ok {
			return strings.TrimSpace(s[end:])
		}
	}
	return strings.TrimSpace(s)
}

// boundaryAt reports whether a sentence ends at byte i of s, and where the
// next sentence starts.
func boundaryAt(s string, i int) (int, bool) {
	c := s[i]
	switch {
	case c == '\n':
		return i + 1, true
	case strings.HasPrefix(s[i:], "…"):
		return i + len("…"), true
	case c != '.' && c != '?' && c != '!':
		return 0, false
	}
	if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\n' && !(c == '.' && s[i+1] == '.') {
		return 0, false
	}
	if c != '.' {
		return i + 1, true
	}
	if i+1 < len(s) && s[i+1] == '.' {
		return 0, false // inside a run of dots; its last dot decides
	}
	if i > 0 && s[i-1] == '.' {
		return i + 1, true // end of "..." or "...."
	}
	if isAbbreviation(s[:i]) {
		return 0, false
	}
	return i + 1, true
}

// abbreviations are words whose trailing period does not end a sentence.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "jr": true,
	"sr": true, "amb": true, "gen": true, "sen": true, "rep": true, "gov": true,
	"lt": true, "col": true, "sgt": true, "capt": true, "adm": true, "prof": true,
	"inc": true, "co": true, "corp": true, "ltd": true, "vs": true, "no": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "aug": true, "sep": true,
	"sept": true, "oct": true, "nov": true, "dec": true, "mt": true, "ft": true,
	"pres": true, "dept": true, "approx": true, "est": true, "fig": true,
}

// isAbbreviation reports whether the word that ends s (just before a
// period) is an abbreviation: an initial, a dotted acronym such as "U.S",
// or a known short form.
func isAbbreviation(s string) bool {
	j := len(s)
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		j -= size
	}
	w := s[j:]
	if w == "" {
		return false
	}
	return utf8.RuneCountInString(w) == 1 || strings.Contains(w, ".") || abbreviations[strings.ToLower(w)]
}
