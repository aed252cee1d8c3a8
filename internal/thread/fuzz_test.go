package thread

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/postfile"
)

// synthPost builds a post from arbitrary bytes: the first line is the post
// body, each further line "author\tparagraph|paragraph..." is a comment.
func synthPost(data []byte) *model.Post {
	lines := strings.Split(string(data), "\n")
	p := &model.Post{Title: "T", Body: []model.Block{{Kind: model.Paragraph, Text: lines[0]}}}
	for i, l := range lines[1:] {
		author, text, _ := strings.Cut(l, "\t")
		c := model.Comment{Number: i + 1, Author: author}
		for _, para := range strings.Split(text, "|") {
			c.Body = append(c.Body, model.Block{Kind: model.Paragraph, Text: para})
		}
		p.Comments = append(p.Comments, c)
	}
	return p
}

// checkResolved checks that parents and quoted comments are earlier ones.
func checkResolved(t *testing.T, p *model.Post) {
	t.Helper()
	seen := map[int]bool{}
	for _, c := range p.Comments {
		if c.Parent != 0 && (!seen[c.Parent] || c.Parent >= c.Number) {
			t.Fatalf("comment %d: parent %d is not an earlier comment", c.Number, c.Parent)
		}
		for _, b := range c.Body {
			if b.QuotesComment != 0 && (!seen[b.QuotesComment] || b.Kind != model.Quote) {
				t.Fatalf("comment %d: block %+v quotes no earlier comment", c.Number, b)
			}
		}
		seen[c.Number] = true
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func FuzzResolve(f *testing.F) {
	if dir := feedcheck.FindShared("seeds"); dir != "" {
		for _, name := range []string{bloggerSeed, wordpressSeed} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("The post says a long thing here.\nAnn\tHello there my friends|yes\nBob\t@Ann: Hello there my friends\nAnn\t@Bob, @Ann|The post says a long"))
	f.Add([]byte("\n\t@\n@\t@@:\n \t@ :"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := postfile.Parse("fuzz.txt", data); err == nil {
			Resolve(p)
			checkResolved(t, p)
		}
		p := synthPost(data)
		Resolve(p)
		checkResolved(t, p)
	})
}

func FuzzParseMention(f *testing.F) {
	f.Add("@Daryl and his brother Darryl: Stephen Moore", "Daryl|Daryl and his brother Darryl|de stijl")
	f.Add("@de stijl:", "de stijl|de")
	f.Add("@İstanbul: x", "i̇stanbul|İ")
	f.Add("@: x", "|:")
	f.Fuzz(func(t *testing.T, text, names string) {
		list := strings.Split(names, "|")
		name, rest, ok := parseMention(text, list)
		if !ok {
			if name != "" || rest != "" {
				t.Fatalf("no match but %q, %q", name, rest)
			}
			return
		}
		found := false
		for _, n := range list {
			found = found || strings.TrimSpace(n) == name
		}
		if !found || name == "" {
			t.Fatalf("name %q not among %q", name, list)
		}
		if !strings.HasSuffix(text, rest) || len(rest) >= len(text) {
			t.Fatalf("rest %q is not what follows the mention in %q", rest, text)
		}
	})
}
