package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

// childEnv, when set, makes the test binary run newswire with the
// arguments it holds (separated by newlines) instead of the tests.
const childEnv = "NEWSWIRE_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		err := run(context.Background(), strings.Split(args, "\n"), nil, os.Stdout, os.Stderr)
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKillMidIngest kills an ingest of a 10,000-comment post at several
// moments: the database must hold the whole post or none of it.
func TestKillMidIngest(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(dump, bigDump(10000), 0o644); err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for i, delay := range []time.Duration{20, 60, 120, 200, 300, 450, 700} {
		db := filepath.Join(dir, "kill"+string(rune('a'+i))+".db")
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+strings.Join([]string{"ingest", "--db", db, dump}, "\n"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		outcomes[checkWholeOrNothing(t, db)]++
	}
	t.Logf("outcomes after kill: %v", outcomes)
}

// checkWholeOrNothing opens db after a kill and reports "none" (no
// database, or no post), or "whole" (the post with all its comments); a
// partial post fails the test.
func checkWholeOrNothing(t *testing.T, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return "none"
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{Tagger: model.Tagger{Authority: "x.example", Date: "2026"}})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	posts, err := db.ListPosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(posts) == 0:
		return "none"
	case len(posts) == 1 && posts[0].CommentCount == 10000:
		return "whole"
	}
	t.Errorf("partial ingest after kill: %d posts, first with %d comments", len(posts), posts[0].CommentCount)
	return "partial"
}
