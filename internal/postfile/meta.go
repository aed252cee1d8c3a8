package postfile

import (
	"strings"
	"unicode"

	"github.com/newswire/newswire/internal/model"
)

// markMeta finds the topics ("FILED UNDER:"), author ("About <Name>") and
// author bio among the post's lines, records them in p and reports which
// lines they occupy so they stay out of the body.
func markMeta(lines []line, p *model.Post) []bool {
	meta := make([]bool, len(lines))
	filed := -1
	for i, l := range lines {
		if rest, ok := cutPrefixFold(l.text, "FILED UNDER:"); ok {
			meta[i] = true
			addTopics(p, rest)
			if filed < 0 {
				filed = i
			}
		}
	}
	for i, l := range lines {
		name, ok := aboutName(l.text)
		if !ok || i == 0 {
			continue
		}
		prevIsName := strings.Join(strings.Fields(lines[i-1].text), " ") == name
		if !prevIsName && i-1 != filed {
			continue
		}
		p.Author = name
		meta[i] = true
		if prevIsName {
			meta[i-1] = true
		}
		p.AuthorBio = takeBio(lines, i+1, meta)
		break
	}
	return meta
}

// addTopics adds the comma-separated topic names in list to p, skipping
// empty entries and slugs already present.
func addTopics(p *model.Post, list string) {
	for _, part := range strings.Split(list, ",") {
		name := strings.Join(strings.Fields(part), " ")
		if name == "" {
			continue
		}
		slug := model.Slugify(name, "topic")
		dup := false
		for _, t := range p.Topics {
			dup = dup || t.Slug == slug
		}
		if !dup {
			p.Topics = append(p.Topics, model.Topic{Name: name, Slug: slug})
		}
	}
}

// aboutName parses an "About <Name>" line.
func aboutName(t string) (string, bool) {
	rest, ok := strings.CutPrefix(t, "About ")
	if !ok {
		return "", false
	}
	name := strings.Join(strings.Fields(rest), " ")
	return name, nameLike(name)
}

// nameLike reports whether s looks like a person's name: one to five words,
// capitalised, without sentence punctuation at the end.
func nameLike(s string) bool {
	n := wordCount(s)
	if n == 0 || n > 5 || len(s) > 60 || !startsUpper(s) {
		return false
	}
	last := rune(s[len(s)-1])
	return !strings.ContainsRune(".!?:;,", last) && !strings.ContainsFunc(s, unicode.IsDigit)
}

// takeBio returns the paragraph starting at or after line i (skipping blank
// lines first) and marks its lines as meta.
func takeBio(lines []line, i int, meta []bool) string {
	if i < len(lines) && lines[i].text == "" {
		i = nextNonBlank(lines, i)
		if i < 0 {
			return ""
		}
	}
	var parts []string
	for ; i < len(lines) && lines[i].text != "" && !meta[i]; i++ {
		meta[i] = true
		parts = append(parts, lines[i].text)
	}
	return strings.Join(parts, "\n")
}
