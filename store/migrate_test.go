package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestMigrationMovesStoryMembership builds a database as migrations up to
// 0006 left it (memberships in story_items), then opens it: every
// membership must be on its item, and the stories read back whole.
func TestMigrationMovesStoryMembership(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, "migrations/0006_drop_items_first_seen.sql",
		`INSERT INTO stories (id, key, title, first_seen, updated, size) VALUES
			('s1', 'oil-s1', 'Oil falls', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 2)`,
		`INSERT INTO items (id, title, outlet, first_seen, updated) VALUES
			('i1', 'Oil falls', 'Wire', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z'),
			('i2', 'Oil slides', 'Other', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z'),
			('i3', 'Unclustered', 'Post list', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO story_items (item_id, story_id, reason, score, added) VALUES
			('i1', 's1', 'first', 1, '2026-01-01T00:00:00.000000000Z'),
			('i2', 's1', 'same-event', 0.5, '2026-01-01T00:00:01.000000000Z')`,
	)

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

// TestMigrationFillsLinkKeys builds a database as migrations up to 0011
// left it, with items found by their links through the old text index,
// then opens it: each item's link key is filled, and the look-up by link
// finds it (and only for its own source).
func TestMigrationFillsLinkKeys(t *testing.T) {
	ctx := context.Background()
	path := oldDatabase(t, "migrations/0011_comment_feeds.sql",
		`INSERT INTO items (id, title, first_seen, updated, source_key, guid, canonical_url) VALUES
			('i1', 'Oil falls', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 'https://wire.example/feed', 'g1', 'https://wire.example/oil'),
			('i2', 'No link', '2026-01-01T00:00:00.000000000Z', '2026-01-01T00:00:00.000000000Z', 'https://wire.example/feed', 'g2', '')`,
	)
	db, err := Open(ctx, path, Options{Tagger: testTagger})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.SourceItemsByURL(ctx, "https://wire.example/feed", []string{"https://wire.example/oil", "https://wire.example/none"})
	if err != nil || len(got) != 1 || got["https://wire.example/oil"].Item.ID != "i1" {
		t.Fatalf("by link after migration: %+v, %v", got, err)
	}
	if other, _ := db.SourceItemsByURL(ctx, "https://other.example/feed", []string{"https://wire.example/oil"}); len(other) != 0 {
		t.Errorf("another source's item found: %+v", other)
	}
	var plan string
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM items i WHERE i.source_key = ?
		AND i.link_key <> 0 AND i.link_key IN (?, ?)`, "s", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan += detail + "\n"
	}
	rows.Close()
	if !strings.Contains(plan, "items_link_key") {
		t.Errorf("the look-up by link does not use its index:\n%s", plan)
	}
}

// oldDatabase builds a database as the migrations up to last left it, with
// the tag: settings of example.org and the statements run, and returns its
// path.
func oldDatabase(t *testing.T, last string, statements ...string) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	old := &DB{sql: raw, read: raw}
	if err := old.migrateThrough(ctx, last); err != nil {
		t.Fatal(err)
	}
	statements = append([]string{`INSERT INTO settings (key, value) VALUES ('tag_authority', 'example.org'), ('tag_date', '2026')`}, statements...)
	for _, q := range statements {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}
