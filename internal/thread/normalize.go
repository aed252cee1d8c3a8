package thread

import (
	"strings"
	"unicode"
)

// minKeyLen is the shortest normalised sentence worth indexing.
const minKeyLen = 12

// normalize folds text for quotation matching: lower case, typographic
// quotes, apostrophes, dashes and ellipses made plain, runs of dots cut to
// three, white space collapsed, and quote marks and stray punctuation
// stripped from both ends.
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, dots := false, 0
	for _, r := range s {
		r = foldRune(r)
		switch {
		case r == '…':
			dots = writeDots(&b, &space, dots, 3)
			continue
		case r == '.':
			dots = writeDots(&b, &space, dots, 1)
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			dots = 0
			continue
		}
		dots = 0
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.TrimFunc(b.String(), isEdge)
}

// writeDots writes up to n dots, keeping any run at three at most.
func writeDots(b *strings.Builder, space *bool, dots, n int) int {
	if *space {
		b.WriteByte(' ')
		*space = false
	}
	for ; n > 0 && dots < 3; n-- {
		b.WriteByte('.')
		dots++
	}
	return dots + n
}

// foldRune maps typographic quotes and dashes to plain ones.
func foldRune(r rune) rune {
	switch r {
	case '‘', '’', '‚', '‛', '′', '`', '´':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '–', '—', '‒', '―', '−':
		return '-'
	}
	return r
}

// isEdge reports whether r is stripped from the ends of normalised text.
func isEdge(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// sentences splits normalised text at ". ", "? " and "! " and returns the
// pieces long enough to index, edges stripped.
func sentences(nt string, limit int) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(nt) && len(out) < limit; i++ {
		if (nt[i] == '.' || nt[i] == '?' || nt[i] == '!') && nt[i+1] == ' ' {
			out = appendKey(out, nt[start:i+1])
			start = i + 2
		}
	}
	if len(out) < limit && start > 0 {
		out = appendKey(out, nt[start:])
	}
	return out
}

// appendKey appends the stripped piece when it is long enough.
func appendKey(keys []string, piece string) []string {
	piece = strings.TrimFunc(piece, isEdge)
	if len(piece) < minKeyLen {
		return keys
	}
	return append(keys, piece)
}

// wordCount counts the words of normalised text.
func wordCount(nt string) int {
	if nt == "" {
		return 0
	}
	return strings.Count(nt, " ") + 1
}
