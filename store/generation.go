package store

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// generations numbers changes: every change gets the next number, and each
// scope remembers the number of the last change that touched it. A change
// of unknown extent (another process's) touches everything.
type generations struct {
	mu     sync.Mutex
	last   uint64            // number of the latest change
	all    uint64            // number of the latest change that touched everything
	scopes map[string]uint64 // scope → number of its latest change
}

func (g *generations) touch(scopes ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last++
	if len(scopes) == 0 {
		g.all = g.last
		return
	}
	if g.scopes == nil {
		g.scopes = map[string]uint64{}
	}
	for _, s := range scopes {
		g.scopes[s] = g.last
	}
}

func (g *generations) of(scopes []string) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(scopes) == 0 {
		return g.last
	}
	n := g.all
	for _, s := range scopes {
		n = max(n, g.scopes[s])
	}
	return n
}

// Generation numbers the latest change this DB has seen that touched any
// of scopes (any change at all when none are given): every write
// transaction it commits touches the scopes of what it wrote, and a change
// another process made (noticed by WatchChanges) touches everything. A
// reader that built something from scopes at generation g may reuse it
// while Generation(scopes...) still returns g.
func (db *DB) Generation(scopes ...string) uint64 { return db.gen.of(scopes) }

// WatchChanges checks every interval, until ctx is done, whether another
// process changed the database, and counts such a change as touching
// everything. It asks PRAGMA data_version on the write connection: that
// number moves only for commits made by other connections, so this DB's
// own writes (already counted, per scope, by write) are not counted again
// as changes to everything.
//
// It reads the current version before it returns, so every change
// committed after that is noticed; the checks run in a goroutine, whose
// error (nil once ctx is done) the returned channel delivers.
func (db *DB) WatchChanges(ctx context.Context, interval time.Duration) (<-chan error, error) {
	version := func() (int64, error) {
		var v int64
		err := db.sql.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
		return v, err
	}
	last, err := version()
	if err != nil {
		return nil, fmt.Errorf("watch for changes: %w", err)
	}
	done := make(chan error, 1)
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- nil
				return
			case <-t.C:
			}
			v, err := version()
			if err != nil {
				if ctx.Err() != nil {
					err = nil
				}
				done <- err
				return
			}
			if v != last {
				last = v
				db.gen.touch()
			}
		}
	}()
	return done, nil
}
