package main

import (
	"bytes"
	"context"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"
)

// TestIngestCorpora ingests every file of the feedparser test corpus and
// gofeed's testdata: nothing panics or hangs, and every file is either
// ingested or rejected with a reason naming it.
func TestIngestCorpora(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus ingest is long")
	}
	dirs := []string{feedcheck.SharedPath(t, "corpora/feedparser/tests")}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/mmcdole/gofeed").Output(); err == nil {
		dirs = append(dirs, filepath.Join(strings.TrimSpace(string(out)), "testdata"))
	}
	for _, dir := range dirs {
		files := 0
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				files++
			}
			return nil
		})
		db := filepath.Join(t.TempDir(), "corpus.db")
		var out, errb bytes.Buffer
		run(context.Background(), []string{"ingest", "--db", db, dir}, []string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb)
		lines := nonEmptyLines(out.String())
		feedsOK, posts, failed := 0, 0, 0
		for _, l := range lines {
			switch {
			case strings.HasPrefix(l, "error: "):
				failed++
				if !strings.Contains(l, dir) {
					t.Errorf("error does not name its file: %s", l)
				}
			case strings.Contains(l, ": feed "):
				feedsOK++
			default:
				posts++
			}
		}
		if len(lines) != files {
			t.Errorf("%s: %d files, %d report lines", dir, files, len(lines))
		}
		t.Logf("%s: %d files: %d feeds ingested, %d taken as post dumps, %d rejected with a reason",
			filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), files, feedsOK, posts, failed)
	}
}
