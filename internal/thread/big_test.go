package thread

import (
	"fmt"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/postfile"
)

// bigAuthor names the author of generated comment i: a few hundred readers
// whose names have spaces and are prefixes of one another ("reader 3",
// "reader 31").
func bigAuthor(i int) string { return fmt.Sprintf("reader %d", (i*7)%311) }

// bigOpinion is the sentence only comment i says of its own accord.
func bigOpinion(i int) string {
	return fmt.Sprintf("This is the considered opinion number %d of the reader.", i)
}

// bigPost generates a WordPress-style dump with n comments; every fourth
// mentions the author of a recent earlier comment, every other one of those
// quoting that comment's own sentence. It returns the dump and the parent
// each comment must get.
func bigPost(n int) ([]byte, map[int]int) {
	var b strings.Builder
	b.WriteString("A Generated Post With Many Comments\n\nThe body of the post, long enough to quote.\n\nComments\n\n")
	parents := map[int]int{}
	latest := map[string]int{}
	for i := 1; i <= n; i++ {
		me := bigAuthor(i)
		fmt.Fprintf(&b, "  %d. %s says:\n\n", i, me)
		if t := bigTarget(i); t > 0 && bigAuthor(t) != me {
			if i%8 == 0 {
				fmt.Fprintf(&b, "    @%s:\n\n    %s\n\n", bigAuthor(t), bigOpinion(t))
				parents[i] = t
			} else {
				fmt.Fprintf(&b, "    @%s: that is not what I think, says reply %d.\n\n", bigAuthor(t), i)
				parents[i] = latest[bigAuthor(t)]
			}
		}
		if i%5 == 0 {
			b.WriteString("    The body of the post, long enough to quote.\n\n")
		}
		fmt.Fprintf(&b, "    %s\n    It has two lines.\n", bigOpinion(i))
		if i%3 == 0 {
			fmt.Fprintf(&b, "\n    %d\n", i%50)
		}
		latest[me] = i
	}
	return []byte(b.String()), parents
}

// bigTarget is the comment generated comment i replies to, or 0.
func bigTarget(i int) int {
	if i < 2 || i%4 != 0 {
		return 0
	}
	span := min(i-1, 50)
	return i - 1 - (i*13)%span
}

func TestResolve10k(t *testing.T) {
	const n = 10000
	data, parents := bigPost(n)
	p, err := postfile.Parse("big.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	Resolve(p)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Comments {
		if c.Parent != parents[c.Number] {
			t.Fatalf("comment %d (%s, %.40q): parent %d, want %d", c.Number, c.Author, c.Body[0].Text, c.Parent, parents[c.Number])
		}
	}
	for _, i := range []int{8, 16, 5000, n} {
		c := p.Comments[i-1]
		if len(c.Body) < 2 || c.Body[1].Kind != model.Quote || c.Body[1].QuotesComment != parents[i] {
			t.Errorf("comment %d: second block %+v, want a quote of %d", i, c.Body[1], parents[i])
		}
	}
	if c := p.Comments[4]; c.Body[0].Kind != model.Quote || c.Body[0].QuotesComment != 0 {
		t.Errorf("comment 5 first block %+v, want a quote of the post", c.Body[0])
	}
}

func BenchmarkResolve10k(b *testing.B) {
	data, _ := bigPost(10000)
	p, err := postfile.Parse("big.txt", data)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Resolve(p)
	}
}
