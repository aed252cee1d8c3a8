package store

import (
	"context"
	"time"
)

// Generation counts the changes to the database this DB has seen: every
// write transaction it commits, and every change WatchChanges noticed from
// other processes. A reader that cached something at generation g may
// reuse it while Generation still returns g.
func (db *DB) Generation() uint64 { return db.gen.Load() }

// WatchChanges checks every interval, until ctx is done, whether another
// process changed the database (PRAGMA data_version on a connection of its
// own), and counts such a change in Generation.
func (db *DB) WatchChanges(ctx context.Context, interval time.Duration) error {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	version := func() (int64, error) {
		var v int64
		err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
		return v, err
	}
	last, err := version()
	if err != nil {
		return err
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		v, err := version()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if v != last {
			// Our own commits change it too (another connection): an extra
			// count only costs a re-render.
			last = v
			db.gen.Add(1)
		}
	}
}
