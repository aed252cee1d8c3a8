package postfile

import (
	"fmt"
	"strings"
	"testing"
)

// bigPost generates a WordPress-style dump with n comments by a few hundred
// readers (names with spaces, some prefixes of others), many with "@NAME:"
// mentions, some with vote counts.
func bigPost(n int) []byte {
	var b strings.Builder
	b.WriteString("A Generated Post With Many Comments\n\nThe body of the post.\n\nComments\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  %d. %s says:\n\n", i, bigAuthor(i))
		if i > 1 && i%4 == 0 {
			fmt.Fprintf(&b, "    @%s: replying to you.\n\n", bigAuthor(i-1))
		}
		fmt.Fprintf(&b, "    This is the considered opinion number %d of the reader.\n    It has two lines.\n", i)
		if i%3 == 0 {
			fmt.Fprintf(&b, "\n    %d\n", i%50)
		}
	}
	return []byte(b.String())
}

// bigAuthor names the author of generated comment i.
func bigAuthor(i int) string { return fmt.Sprintf("reader %d", (i*7)%311) }

func TestParse10k(t *testing.T) {
	const n = 10000
	p, err := Parse("big.txt", bigPost(n))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(p.Comments) != n {
		t.Fatalf("len(Comments) = %d, want %d", len(p.Comments), n)
	}
	for _, i := range []int{1, 2, 3, 4, 999, 1000, 5001, n} {
		c := p.Comments[i-1]
		paras := 1
		if i > 1 && i%4 == 0 {
			paras = 2
		}
		if c.Number != i || c.Author != bigAuthor(i) || len(c.Body) != paras {
			t.Errorf("comment %d = #%d %q with %d paragraphs", i, c.Number, c.Author, len(c.Body))
		}
		if hasVotes := c.Votes != nil; hasVotes != (i%3 == 0) || (hasVotes && *c.Votes != i%50) {
			t.Errorf("comment %d votes %v", i, c.Votes)
		}
	}
}

func BenchmarkParse10k(b *testing.B) {
	data := bigPost(10000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("big.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}
