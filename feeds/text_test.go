package feeds

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"  lots \n\t of   space  ", "lots of space"},
		{"<b>Fed</b> &amp; rates", "Fed & rates"},
		{"Fed &amp;amp; rates", "Fed &amp; rates"}, // decoded once
		{"AT&T and R&D", "AT&T and R&D"},
		{"a < b and c > d", "a < b and c > d"},
		{"&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"}, // text that shows a tag stays text
		{"<p>One.</p><p>Two.</p>", "One. Two."},
		{"line<br>break<br/>here", "line break here"},
		{"<ul><li>a</li><li>b</li></ul>", "a b"},
		{"x<script>var a = '<b>';</script>y", "xy"},
		{"x<style>p { color: red }</style>y", "xy"},
		{"<!-- comment -->text", "text"},
		{"caf&eacute; &#8217;s &#x201C;q&#x201D; &nbsp;end", "café ’s “q” end"},
		{"<a href=\"x\">link</a>ed", "linked"},
		{"soft\u00ADhyphen\uFEFF and\x00 nul", "softhyphen and nul"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"ZWJ 👨\u200D👩 kept", "ZWJ 👨\u200D👩 kept"},
		{"<div>unclosed <b>tags", "unclosed tags"},
		{"<", "<"},
		{"&", "&"},
	}
	for _, tc := range tests {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exact", 5, "exact"},
		{"anything", 0, ""},
		{"anything", -1, ""},
		{"hello world", 8, "hello"},
		{"hello world foo", 14, "hello world"},
		{"hello world", 6, "hello"}, // the space is exactly at the limit
		{"hello   world", 7, "hello"},
		{strings.Repeat("a", 30) + " " + strings.Repeat("b", 30), 55, strings.Repeat("a", 30) + " " + strings.Repeat("b", 24)}, // no space in the window
		{"ééééé", 5, "éé"}, // never splits a rune
		{"日本語のテキスト", 7, "日本"},
		{"abcdef", 3, "abc"},
		{"x", 1, "x"},
	}
	for _, tc := range tests {
		got := Truncate(tc.in, tc.max)
		if len(got) > max(tc.max, 0) || !utf8.ValidString(got) || !strings.HasPrefix(tc.in, got) {
			t.Errorf("Truncate(%q, %d) = %q: too long, invalid or not a prefix", tc.in, tc.max, got)
		}
		if got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

func TestTruncateWords(t *testing.T) {
	s := strings.Repeat("word ", 500) // 2,500 bytes
	got := Truncate(s, 2000)
	if len(got) > 2000 || !strings.HasSuffix(got, "word") || len(got) < 1990 {
		t.Errorf("Truncate cut to %d bytes ending %q", len(got), got[len(got)-10:])
	}
	long := strings.Repeat("é", 5000)
	if got := Truncate(long, 2001); len(got) != 2000 || !utf8.ValidString(got) {
		t.Errorf("Truncate of runes: %d bytes, valid=%v", len(got), utf8.ValidString(got))
	}
}

func TestTruncateRunes(t *testing.T) {
	if got := truncateRunes("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
	if got := truncateRunes("one two three four five", 12); got != "one two…" {
		t.Errorf("got %q", got)
	}
	if got := truncateRunes("ééééééééééé", 4); got != "éééé…" {
		t.Errorf("got %q", got)
	}
	if got := truncateRunes("x", 0); got != "" {
		t.Errorf("got %q", got)
	}
}
