package postfile

import (
	"strconv"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// Comment-marker limits: a marker names a person, not a sentence.
const (
	maxMarkerWords = 8
	maxMarkerRunes = 100
)

// style is the comment-marker convention a dump uses.
type style int

const (
	styleNone     style = iota
	styleNumbered       // "  N. NAME says:"
	styleBlogger        // "NAME said..."
)

// marker is one comment-marker line.
type marker struct {
	idx    int // index into the comment region's lines
	number int // printed number (numbered style) or 0
	author string
}

// findComments returns where the post text ends and where the comment
// region begins (after a "Comments" heading, or at the first marker).
func findComments(lines []line, from int) (postEnd, commentStart int) {
	for i := from; i < len(lines); i++ {
		t := lines[i].text
		if t == "" {
			continue
		}
		if isCommentsHeading(t) && blankAt(lines, i-1) && (blankAt(lines, i+1) || numberedAt(lines, i+1)) {
			return i, i + 1
		}
		if _, _, ok := numberedMarker(t); ok {
			return i, i
		}
		if bloggerMarkerAt(lines, i) {
			return i, i
		}
	}
	return len(lines), len(lines)
}

// numberedAt reports whether line i is a numbered comment marker.
func numberedAt(lines []line, i int) bool {
	if i >= len(lines) {
		return false
	}
	_, _, ok := numberedMarker(lines[i].text)
	return ok
}

// isCommentsHeading reports whether t is a heading such as "Comments",
// "5 comments:", "38 Responses" or "12 Responses to “Title”".
func isCommentsHeading(t string) bool {
	if len(t) > 200 {
		return false
	}
	s := strings.TrimSuffix(strings.TrimSpace(t), ":")
	f := strings.Fields(s)
	if len(f) == 0 {
		return false
	}
	if _, err := strconv.Atoi(f[0]); err == nil {
		f = f[1:]
	}
	if len(f) == 0 {
		return false
	}
	switch strings.ToLower(f[0]) {
	case "comment", "comments", "response", "responses", "reply", "replies":
	default:
		return false
	}
	return len(f) == 1 || (len(f) > 2 && (strings.EqualFold(f[1], "to") || strings.EqualFold(f[1], "on")))
}

// numberedMarker parses a WordPress marker "N. NAME says:".
func numberedMarker(t string) (int, string, bool) {
	i := 0
	for i < len(t) && i < 10 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 || t[0] == '0' || i+1 >= len(t) || t[i] != '.' || t[i+1] != ' ' {
		return 0, "", false
	}
	rest, ok := cutSuffixFold(t[i+2:], " says:")
	if !ok {
		return 0, "", false
	}
	name := strings.TrimSpace(rest)
	if !markerNameOK(name) {
		return 0, "", false
	}
	n, err := strconv.Atoi(t[:i])
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, name, true
}

// pronouns are last words that make "X said..." a sentence, not a marker.
var pronouns = map[string]bool{
	"he": true, "she": true, "they": true, "i": true, "you": true, "we": true,
	"it": true, "who": true, "someone": true, "somebody": true, "everyone": true,
	"and": true, "then": true, "also": true, "had": true, "has": true, "have": true,
	"just": true, "once": true, "never": true, "always": true, "as": true, "what": true,
	"that": true, "which": true, "officials": true, "people": true,
}

// sentenceStarts are first words that make "X said..." a sentence.
var sentenceStarts = map[string]bool{
	"the": true, "a": true, "an": true, "this": true, "that": true, "these": true,
	"those": true, "his": true, "her": true, "their": true, "my": true, "our": true,
	"your": true, "its": true, "and": true, "but": true, "so": true, "then": true,
	"which": true, "what": true, "when": true, "who": true, "as": true, "if": true,
}

// nameParticles may appear in lower case inside a longer name.
var nameParticles = map[string]bool{
	"de": true, "van": true, "von": true, "der": true, "den": true, "da": true,
	"di": true, "du": true, "le": true, "la": true, "del": true, "bin": true, "al": true,
}

// bloggerMarker parses a Blogger marker "NAME said...". Since such a line
// could also be a short sentence, NAME must look like a display name: no
// sentence opening or pronoun at the end, and beyond two words, capitalised
// words (or particles such as "de") only.
func bloggerMarker(t string) (string, bool) {
	rest, ok := cutSuffixFold(t, " said...")
	if !ok {
		rest, ok = cutSuffixFold(t, " said…")
	}
	if !ok {
		return "", false
	}
	name := strings.TrimSpace(rest)
	if !markerNameOK(name) || strings.ContainsAny(name, "\"“”") {
		return "", false
	}
	return name, displayName(strings.Fields(name))
}

// displayName applies bloggerMarker's checks to the words of a name.
func displayName(words []string) bool {
	if sentenceStarts[strings.ToLower(words[0])] || pronouns[strings.ToLower(words[len(words)-1])] {
		return false
	}
	if len(words) <= 2 {
		return true
	}
	for _, w := range words {
		if !startsUpper(w) && !nameParticles[w] && !startsDigit(w) {
			return false
		}
	}
	return true
}

// bloggerMarkerAt reports whether line i is a Blogger marker that starts a
// block of its own.
func bloggerMarkerAt(lines []line, i int) bool {
	if !blankAt(lines, i-1) {
		return false
	}
	_, ok := bloggerMarker(lines[i].text)
	return ok
}

// markerNameOK reports whether name is short enough to be a commenter.
func markerNameOK(name string) bool {
	if name == "" || len([]rune(name)) > maxMarkerRunes || wordCount(name) > maxMarkerWords {
		return false
	}
	return !strings.HasSuffix(name, ",") && !strings.HasSuffix(name, ":")
}

// cutSuffixFold returns s without suffix, matched ignoring ASCII case.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s, false
	}
	return s[:len(s)-len(suffix)], true
}

// findMarkers lists the comment markers of the comment region, in the
// convention of the first one found.
func findMarkers(lines []line) []marker {
	st := styleNone
	var out []marker
	for i := range lines {
		t := lines[i].text
		if t == "" {
			continue
		}
		if st != styleBlogger {
			if n, name, ok := numberedMarker(t); ok {
				st = styleNumbered
				out = append(out, marker{idx: i, number: n, author: name})
				continue
			}
		}
		if st != styleNumbered && bloggerMarkerAt(lines, i) {
			name, _ := bloggerMarker(t)
			st = styleBlogger
			out = append(out, marker{idx: i, author: name})
		}
	}
	return out
}

// parseComments parses the comment region.
func parseComments(name string, lines []line) ([]model.Comment, error) {
	marks := findMarkers(lines)
	if len(marks) == 0 {
		return nil, nil
	}
	out := make([]model.Comment, 0, len(marks))
	prev := 0
	for k, m := range marks {
		end := len(lines)
		if k+1 < len(marks) {
			end = marks[k+1].idx
		}
		num := m.number
		if num == 0 {
			num = k + 1
		}
		if num <= prev {
			return nil, invalid(name, lines[m.idx].num, "comment %d follows comment %d: numbers must increase", num, prev)
		}
		prev = num
		c, err := buildComment(name, num, m.author, lines[m.idx].num, lines[m.idx+1:end])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// buildComment assembles one comment from the lines after its marker.
func buildComment(name string, num int, author string, lineNum int, body []line) (model.Comment, error) {
	paras := paragraphs(body)
	if len(paras) == 0 {
		return model.Comment{}, invalid(name, lineNum, "comment %d has no body", num)
	}
	c := model.Comment{Number: num, Author: author, Line: lineNum}
	if n := len(paras); n > 1 {
		if v, ok := voteCount(paras[n-1]); ok {
			c.Votes = &v
			paras = paras[:n-1]
		}
	}
	c.Body = make([]model.Block, len(paras))
	seen := map[string]bool{}
	for i, p := range paras {
		c.Body[i] = model.Block{Kind: model.Paragraph, Text: p}
		c.Links = appendURLs(c.Links, seen, p)
	}
	return c, nil
}

// voteCount parses a paragraph consisting of nothing but an integer.
func voteCount(p string) (int, bool) {
	if len(p) == 0 || len(p) > 10 {
		return 0, false
	}
	for i := 0; i < len(p); i++ {
		if (p[i] < '0' || p[i] > '9') && !(i == 0 && (p[i] == '-' || p[i] == '+') && len(p) > 1) {
			return 0, false
		}
	}
	v, err := strconv.Atoi(p)
	return v, err == nil
}

// paragraphs groups lines into blank-line separated paragraphs, joining the
// lines of one paragraph with "\n".
func paragraphs(lines []line) []string {
	var out []string
	var cur []string
	for _, l := range lines {
		if l.text == "" {
			if len(cur) > 0 {
				out = append(out, strings.Join(cur, "\n"))
				cur = cur[:0]
			}
			continue
		}
		cur = append(cur, l.text)
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, "\n"))
	}
	return out
}
