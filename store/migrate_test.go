package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestMigrationMovesStoryMembership builds a database as migrations up to
// 0006 left it (memberships in story_items), then opens it: every
// membership must be on its item, and the stories read back whole.
func TestMigrationMovesStoryMembership(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{sql: raw, read: raw}
	if err := old.migrateThrough(ctx, "migrations/0006_drop_items_first_seen.sql"); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO settings (key, value) VALUES ('tag_authority', 'example.org'), ('tag_date', '2026')`,
		`INSERT INTO stories (id, key, title, first_seen, updated, size) VALUES
			('s1', 'oil-s1', 'Oil falls', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 2)`,
		`INSERT INTO items (id, title, outlet, first_seen, updated) VALUES
			('i1', 'Oil falls', 'Wire', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z'),
			('i2', 'Oil slides', 'Other', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z'),
			('i3', 'Unclustered', 'Post list', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO story_items (item_id, story_id, reason, score, added) VALUES
			('i1', 's1', 'first', 1, '2026-01-01T00:00:00.000000000Z'),
			('i2', 's1', 'same-event', 0.5, '2026-01-01T00:00:01.000000000Z')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path, Options{Tagger: testTagger})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Story(ctx, "oil-s1")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Members) != 2 || s.Members[1].Reason != "same-event" || s.Members[1].Score != 0.5 {
		t.Fatalf("story after migration: %+v", s.Members)
	}
	stored, err := db.StoredItems(ctx, []string{"i1", "i3"})
	if err != nil || stored["i1"].StoryID != "s1" || stored["i3"].StoryID != "" {
		t.Fatalf("items after migration: %+v, %v", stored, err)
	}
	if db.Tagger().Authority != "example.org" {
		t.Errorf("recorded tagger lost: %+v", db.Tagger())
	}
}
