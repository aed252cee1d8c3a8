package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/newswire/newswire/internal/model"
)

// Tagger is the ID minter the database uses: the one recorded when the
// database was created, whatever Options.Tagger later says, so that IDs
// never change under readers.
func (db *DB) Tagger() model.Tagger { return db.tagger }

// TaggerChanged reports whether Options.Tagger differed from the one the
// database was created with (the recorded one is used).
func (db *DB) TaggerChanged() bool { return db.taggerChanged }

// pinTagger records opts' tagger in a new database, or loads the recorded
// one from an existing database.
func (db *DB) pinTagger(ctx context.Context, want model.Tagger) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stored, found, err := readTagger(ctx, tx)
		if err != nil {
			return err
		}
		if found {
			db.tagger = stored
			db.taggerChanged = stored != want
			return nil
		}
		if want.Authority == "" || want.Date == "" {
			return fmt.Errorf("tag authority and date must be set: %w", model.ErrInvalid)
		}
		db.tagger = want
		for k, v := range map[string]string{"tag_authority": want.Authority, "tag_date": want.Date} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, k, v); err != nil {
				return fmt.Errorf("record %s: %w", k, err)
			}
		}
		return nil
	})
}

func readTagger(ctx context.Context, tx *sql.Tx) (model.Tagger, bool, error) {
	var t model.Tagger
	rows, err := tx.QueryContext(ctx, `SELECT key, value FROM settings WHERE key IN ('tag_authority', 'tag_date')`)
	if err != nil {
		return t, false, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return t, false, fmt.Errorf("read settings: %w", err)
		}
		if k == "tag_authority" {
			t.Authority = v
		} else {
			t.Date = v
		}
	}
	return t, t.Authority != "" && t.Date != "", rows.Err()
}
