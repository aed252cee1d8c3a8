package thread

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/postfile"
)

const (
	bloggerSeed   = "000_7d95902a92babe24.txt"
	wordpressSeed = "004_6fa588ad377b4ea9.txt"
)

// findSeedDir walks up from the package directory looking for shared/seeds
// (the shared material checked out beside the repository). It returns "" if
// there is none.
func findSeedDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared", "seeds")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// resolvedSeed parses and resolves a seed dump; without the seeds it fails
// under CI and skips otherwise.
func resolvedSeed(t testing.TB, name string) *model.Post {
	t.Helper()
	dir := findSeedDir()
	if dir == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("shared/seeds not found beside the repository")
		}
		t.Skip("shared/seeds not found beside the repository")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
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
