package postfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"

	"github.com/newswire/newswire/internal/model"
)

func FuzzParse(f *testing.F) {
	if dir := feedcheck.FindShared("seeds"); dir != "" {
		for _, name := range []string{bloggerSeed, wordpressSeed} {
			if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				f.Add(data)
			}
		}
	}
	for _, tc := range badInputs {
		f.Add([]byte(tc.data))
	}
	f.Add([]byte("T\n\nBody (Reuters).\n\nMore News On X\n\nA -- B\nhttps://x\n\nAnon said...\n\n1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("fuzz.txt", data)
		if err != nil {
			if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "fuzz.txt") {
				t.Fatalf("bad error %q", err)
			}
			return
		}
		checkPostInvariants(t, p)
	})
}

// checkPostInvariants checks what every parsed post must satisfy.
func checkPostInvariants(t *testing.T, p *model.Post) {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	prev := 0
	for _, c := range p.Comments {
		if c.Number <= prev || len(c.Body) == 0 || c.Line <= 0 || c.Parent != 0 {
			t.Fatalf("comment %+v after %d", c, prev)
		}
		prev = c.Number
	}
	for _, it := range p.Related {
		if it.Title == "" {
			t.Fatalf("related item with no title: %+v", it)
		}
	}
}
