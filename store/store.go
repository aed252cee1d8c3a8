// Package store keeps newswire's data in SQLite (modernc.org/sqlite, pure
// Go). Schema migrations are embedded SQL files applied in order at Open;
// the database runs in WAL mode with foreign keys on. Every exported method
// takes a context and is its own transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// timeLayout stores times as fixed-width UTC text so they sort as strings.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Options configures a DB.
type Options struct {
	// Tagger mints IDs for new posts, comments and items. It is recorded
	// when the database is created; an existing database keeps the tagger
	// it was created with (see DB.Tagger), so IDs never change.
	Tagger model.Tagger
	// Now is the clock; nil means time.Now. Every stored "now" comes from it.
	Now func() time.Time
}

// DB is a newswire database. Writes go through one connection that takes
// the write lock when its transaction begins (so writers queue instead of
// failing to upgrade a read lock); reads use a pool of their own and, in
// WAL mode, never wait for a writer.
type DB struct {
	sql    *sql.DB // writes (one connection)
	read   *sql.DB // reads
	tagger model.Tagger
	now    func() time.Time
	// taggerChanged: Options.Tagger differed from the recorded one.
	taggerChanged bool
	// gen numbers changes (see Generation).
	gen generations
}

// Open opens (creating if needed) the database file at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("open database: empty path: %w", model.ErrInvalid)
	}
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-262144)")       // up to 256 MiB of pages per connection
	q.Add("_pragma", "wal_autocheckpoint(65536)") // checkpoint every 256 MiB of WAL, not 4
	read, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	q.Set("_txlock", "immediate")
	write, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		read.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	db := &DB{sql: write, read: read, tagger: opts.Tagger, now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.pinTagger(ctx, opts.Tagger); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.sql.Close())
}

// migrate applies, in name order, each embedded migration not yet recorded
// in schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error { return db.migrateThrough(ctx, "") }

// migrateThrough applies the migrations up to and including last ("" for
// all): tests use it to build a database as an older version left it.
func (db *DB) migrateThrough(ctx context.Context, last string) error {
	if _, err := db.sql.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if last != "" && name > last {
			break
		}
		if err := db.applyMigration(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) applyMigration(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		body, err := fs.ReadFile(migrationFS, name)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		if hook := migrationHooks[name]; hook != nil {
			if err := hook(ctx, tx); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES (?)`, name)
		return err
	})
}

// write runs fn in a transaction and, once it is committed, counts a
// change touching scopes (see Generation); none, no change.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error, scopes ...string) error {
	if err := db.inTx(ctx, fn); err != nil {
		return err
	}
	if len(scopes) > 0 {
		db.gen.touch(scopes...)
	}
	return nil
}

// inTx runs fn in a transaction, committing if it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// notFound wraps model.ErrNotFound for a missing record.
func notFound(what, key string) error {
	return fmt.Errorf("%s %q: %w", what, key, model.ErrNotFound)
}

// isNoRows reports whether err is sql.ErrNoRows.
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
