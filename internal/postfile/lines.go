package postfile

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// line is one line of a dump: its 1-based number and its text with
// surrounding white space removed, tabs turned into spaces and stray
// control characters dropped.
type line struct {
	num  int
	text string
}

var utf8BOM = []byte("\xef\xbb\xbf")

// splitLines validates data and splits it into lines. It accepts LF, CRLF
// and lone CR line ends and a leading byte-order mark.
func splitLines(name string, data []byte) ([]line, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid(name, 0, "empty file")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, invalid(name, lineAt(data, i), "NUL byte: binary content")
	}
	if !utf8.Valid(data) {
		return nil, invalid(name, lineAt(data, firstInvalidUTF8(data)), "invalid UTF-8")
	}
	if looksBinary(data) {
		return nil, invalid(name, 0, "binary content (control characters)")
	}
	out := make([]line, 0, bytes.Count(data, []byte{'\n'})+1)
	num := 1
	for start := 0; ; num++ {
		end := len(data)
		if i := bytes.IndexAny(data[start:], "\r\n"); i >= 0 {
			end = start + i
		}
		out = append(out, line{num: num, text: cleanLine(data[start:end])})
		if end >= len(data) {
			break
		}
		if data[end] == '\r' && end+1 < len(data) && data[end+1] == '\n' {
			end++
		}
		start = end + 1
	}
	return out, nil
}

// lineAt returns the 1-based line number of byte offset off, counting line
// ends the way splitLines does.
func lineAt(data []byte, off int) int {
	n := 1
	for i := 0; i < off && i < len(data); i++ {
		switch data[i] {
		case '\n':
			n++
		case '\r':
			if i+1 >= len(data) || data[i+1] != '\n' {
				n++
			}
		}
	}
	return n
}

// firstInvalidUTF8 returns the offset of the first byte that is not part of
// a valid UTF-8 sequence.
func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// isStrayControl reports whether b is a control byte that has no place in a
// text dump (tabs, line ends and form feeds are fine).
func isStrayControl(b byte) bool {
	switch b {
	case '\t', '\n', '\r', '\f', '\v':
		return false
	}
	return b < 0x20 || b == 0x7f
}

// looksBinary reports whether data has too many control characters to be
// text: more than 64 of them, or more than one byte in twenty.
func looksBinary(data []byte) bool {
	n := 0
	for _, b := range data {
		if isStrayControl(b) {
			n++
		}
	}
	return n > 64 || n*20 > len(data)
}

// cleanLine turns raw line bytes into trimmed text.
func cleanLine(b []byte) string {
	dirty := false
	for _, c := range b {
		if c == '\t' || c == '\f' || c == '\v' || isStrayControl(c) {
			dirty = true
			break
		}
	}
	s := string(b)
	if dirty {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\t' || r == '\f' || r == '\v':
				return ' '
			case r < 0x20 || r == 0x7f:
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// nextNonBlank returns the index of the first non-blank line at or after i,
// or -1.
func nextNonBlank(lines []line, i int) int {
	for ; i < len(lines); i++ {
		if lines[i].text != "" {
			return i
		}
	}
	return -1
}

// blankAt reports whether index i is outside lines or a blank line.
func blankAt(lines []line, i int) bool {
	return i < 0 || i >= len(lines) || lines[i].text == ""
}
