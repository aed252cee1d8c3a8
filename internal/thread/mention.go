package thread

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the "@NAME:" part looked up as a whole name. When it is not a
// known name but has at most maxClaimWords words, it names someone unknown;
// longer, it is taken as a name followed by more words.
const (
	maxMentionRunes = 100
	maxClaimWords   = 3
)

// nameIndex finds commenter names at the start of a mention.
type nameIndex struct {
	full    map[string]string   // folded full name → name as first seen
	byFirst map[string][]string // folded first word → names, longest first
}

// nameKey folds a name for lookups: lower case, white space collapsed.
func nameKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// firstWordKey folds the first word of s, trailing punctuation removed.
func firstWordKey(s string) string {
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		end = len(s)
	}
	w := strings.TrimRightFunc(s[:end], unicode.IsPunct)
	return strings.ToLower(w)
}

// add records a commenter name.
func (x *nameIndex) add(name string) {
	name = strings.TrimSpace(name)
	k := nameKey(name)
	if k == "" {
		return
	}
	if x.full == nil {
		x.full = map[string]string{}
		x.byFirst = map[string][]string{}
	}
	if _, ok := x.full[k]; ok {
		return
	}
	x.full[k] = name
	fk := firstWordKey(name)
	list := append(x.byFirst[fk], name)
	sort.SliceStable(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	x.byFirst[fk] = list
}

// match resolves the mention at the start of text, if any.
func (x *nameIndex) match(text string) (name, rest string, ok bool) {
	t := strings.TrimLeftFunc(text, unicode.IsSpace)
	body, found := strings.CutPrefix(t, "@")
	if !found || len(x.full) == 0 {
		return "", "", false
	}
	if i := strings.IndexByte(body, ':'); i > 0 && utf8.RuneCountInString(body[:i]) <= maxMentionRunes &&
		!strings.ContainsAny(body[:i], "\n@") {
		if n, ok := x.full[nameKey(body[:i])]; ok {
			return n, strings.TrimLeftFunc(body[i+1:], unicode.IsSpace), true
		}
		if len(strings.Fields(body[:i])) <= maxClaimWords {
			return "", "", false // "@Ann Mariette:" names someone unknown, not "Ann"
		}
	}
	for _, n := range x.byFirst[firstWordKey(body)] {
		after, ok := cutPrefixFold(body, n)
		if !ok || !wordBoundary(after) {
			continue
		}
		after = strings.TrimLeft(after, " \t")
		if strings.HasPrefix(after, ":") || strings.HasPrefix(after, ",") {
			after = after[1:]
		}
		return n, strings.TrimLeftFunc(after, unicode.IsSpace), true
	}
	return "", "", false
}

// wordBoundary reports whether s does not continue a word.
func wordBoundary(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s == "" || !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
}

// cutPrefixFold returns s without prefix, matched ignoring case. Bytes that
// are not valid UTF-8 must match exactly.
func cutPrefixFold(s, prefix string) (string, bool) {
	for prefix != "" {
		pr, psize := utf8.DecodeRuneInString(prefix)
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case size == 0:
			return s, false
		case pr == utf8.RuneError || r == utf8.RuneError:
			if s[:size] != prefix[:psize] {
				return s, false
			}
		case !equalFoldRune(r, pr):
			return s, false
		}
		s, prefix = s[size:], prefix[psize:]
	}
	return s, true
}

// equalFoldRune reports whether a and b are the same letter ignoring case.
func equalFoldRune(a, b rune) bool {
	return a == b || unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}
