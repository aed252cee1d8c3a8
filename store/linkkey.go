package store

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
)

// linkKey is the 64-bit key under which an item is found by its source and
// canonical URL (items.link_key); 0 for an item without a canonical URL.
func linkKey(source, canonicalURL string) int64 {
	if canonicalURL == "" {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(canonicalURL))
	k := int64(h.Sum64())
	if k == 0 {
		k = 1 // 0 means "no link"
	}
	return k
}

// migrationHooks run in a migration's transaction, after its SQL: work
// SQL alone cannot do.
var migrationHooks = map[string]func(context.Context, *sql.Tx) error{
	"migrations/0012_items_link_key.sql": fillLinkKeys,
}

// fillLinkKeys computes the link key of every stored item with a
// canonical URL.
func fillLinkKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, source_key, canonical_url FROM items WHERE canonical_url <> ''`)
	if err != nil {
		return fmt.Errorf("read links: %w", err)
	}
	type key struct {
		id  string
		key int64
	}
	var keys []key
	for rows.Next() {
		var id, source, canonical string
		if err := rows.Scan(&id, &source, &canonical); err != nil {
			rows.Close()
			return fmt.Errorf("read links: %w", err)
		}
		keys = append(keys, key{id, linkKey(source, canonical)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET link_key = ? WHERE id = ?`, k.key, k.id); err != nil {
			return fmt.Errorf("fill link key of %s: %w", k.id, err)
		}
	}
	return nil
}
