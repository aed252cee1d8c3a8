package thread

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/postfile"
)

const (
	bloggerSeed   = "000_7d95902a92babe24.txt"
	wordpressSeed = "004_6fa588ad377b4ea9.txt"
)

// resolvedSeed parses and resolves a seed dump; without the seeds it fails
// under CI and skips otherwise.
func resolvedSeed(t testing.TB, name string) *model.Post {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(feedcheck.SharedPath(t, "seeds"), name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := postfile.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	Resolve(p)
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate after Resolve: %v", err)
	}
	return p
}
