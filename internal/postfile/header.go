package postfile

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/model"
)

// maxTitleRunes bounds what can pass for a title line.
const maxTitleRunes = 300

// parseHeader reads the optional date line and the title, and returns the
// index of the first line after them.
func parseHeader(name string, lines []line, p *model.Post) (int, error) {
	i := nextNonBlank(lines, 0)
	if i >= 0 {
		if d, ok := parseDate(lines[i].text); ok {
			p.Published, p.DateFromDump = d, true
			i = nextNonBlank(lines, i+1)
		}
	}
	if i < 0 {
		return 0, invalid(name, 0, "no recognisable title")
	}
	if !titleLike(lines[i].text) {
		return 0, invalid(name, lines[i].num, "no recognisable title")
	}
	p.Title = strings.Join(strings.Fields(lines[i].text), " ")
	rest := i + 1
	if !p.DateFromDump {
		if j := nextNonBlank(lines, rest); j >= 0 {
			if d, ok := parseDate(lines[j].text); ok {
				p.Published, p.DateFromDump = d, true
				rest = j + 1
			}
		}
	}
	return rest, nil
}

// titleLike reports whether t can be a post title: a line of reasonable
// length with at least one letter that is not some other structural line.
func titleLike(t string) bool {
	if utf8.RuneCountInString(t) > maxTitleRunes || !strings.ContainsFunc(t, unicode.IsLetter) {
		return false
	}
	if isCommentsHeading(t) || hasPrefixFold(t, "FILED UNDER:") || isURLLine(t) {
		return false
	}
	if _, _, ok := numberedMarker(t); ok {
		return false
	}
	_, ok := bloggerMarker(t)
	return !ok
}

// dateLayouts are the date-line shapes parseDate accepts.
var dateLayouts = []string{
	"Monday, January 2, 2006",
	"Monday, January 2 2006",
	"Monday January 2, 2006",
	"Mon, January 2, 2006",
	"Monday, Jan 2, 2006",
	"Mon, Jan 2, 2006",
	"Mon Jan 2, 2006",
	"January 2, 2006",
	"January 2 2006",
	"Jan 2, 2006",
	"Jan 2 2006",
	"Jan. 2, 2006",
	"2006-01-02",
	"2006/01/02",
	"2 January 2006",
	"2 January, 2006",
	"2 Jan 2006",
	"Monday, 2 January 2006",
	"Monday 2 January 2006",
	"Mon, 2 Jan 2006",
}

// parseDate parses a date line such as "Saturday, May 27, 2017",
// "May 27, 2017" or "2017-05-27" as midnight UTC of that day.
func parseDate(s string) (time.Time, bool) {
	if len(s) > 40 || len(s) < 8 || !strings.ContainsFunc(s, unicode.IsDigit) {
		return time.Time{}, false
	}
	s = strings.TrimRight(strings.Join(strings.Fields(s), " "), ".:")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// hasPrefixFold reports whether s begins with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	_, ok := cutPrefixFold(s, prefix)
	return ok
}

// cutPrefixFold returns s without prefix, matched ignoring case.
func cutPrefixFold(s, prefix string) (string, bool) {
	for _, pr := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !equalFoldRune(r, pr) {
			return s, false
		}
		s = s[size:]
	}
	return s, true
}

// equalFoldRune reports whether a and b are the same letter ignoring case.
func equalFoldRune(a, b rune) bool {
	return a == b || unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

// wordCount counts the white-space separated words of s.
func wordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

// startsUpper reports whether s begins with an upper-case letter.
func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// startsDigit reports whether s begins with a decimal digit.
func startsDigit(s string) bool {
	return s != "" && s[0] >= '0' && s[0] <= '9'
}
