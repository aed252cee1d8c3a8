package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/coverage"
	"github.com/newswire/newswire/internal/dedup"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

// benchTagger mints IDs in benchmark databases.
var benchTagger = model.Tagger{Authority: "bench.newswire.localhost", Date: "2026"}

// clusterIngest clusters rows through the real ingest path: the rows
// become per-publisher RSS feeds, written as a poller would see them (one
// file per publisher per poll cycle of the given length), and each cycle's
// directory goes through ingest.Ingester into SQLite. It returns each row's
// story as stored.
// fileOrder is "time" (poll cycles in order), "reverse" (newest cycle
// first) or "shuffle" (every file in a random order, from seed).
func clusterIngest(ctx context.Context, rows []uciRow, cfg dedup.Config, cycle time.Duration, dir, fileOrder string, seed uint64) ([]string, error) {
	if err := writeCycles(rows, cycle, dir); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"), store.Options{Tagger: benchTagger})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	stories := coverage.New(coverage.Config{Store: db, Tagger: db.Tagger(), Dedup: cfg})
	in := &ingest.Ingester{Store: db, Coverage: stories, Logger: slog.New(slog.DiscardHandler)}
	files, err := filepath.Glob(filepath.Join(dir, "cycle-*", "*.rss"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	switch fileOrder {
	case "reverse":
		slices.Reverse(files)
	case "shuffle":
		r := rand.New(rand.NewPCG(seed, seed))
		r.Shuffle(len(files), func(i, j int) { files[i], files[j] = files[j], files[i] })
	}
	if err := in.Paths(ctx, files, nil); err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if _, err := stories.Settle(ctx, db.ApplyRegroup); err != nil {
		return nil, err
	}
	return storedStories(ctx, db, rows)
}

// writeCycles writes rows as RSS files: cycle-NNNNN/<publisher>.rss.
func writeCycles(rows []uciRow, cycle time.Duration, dir string) error {
	if len(rows) == 0 {
		return nil
	}
	start := rows[0].Time
	for _, r := range rows {
		if r.Time.Before(start) {
			start = r.Time
		}
	}
	files := map[string][]uciRow{}
	for _, r := range rows {
		n := int(r.Time.Sub(start) / cycle)
		path := filepath.Join(dir, fmt.Sprintf("cycle-%05d", n), model.Slugify(r.Publisher, "publisher")+".rss")
		files[path] = append(files[path], r)
	}
	for path, rs := range files {
		if err := writeFeed(path, rs); err != nil {
			return err
		}
	}
	return nil
}

func writeFeed(path string, rows []uciRow) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f := &feeds.Feed{ID: "urn:newswire-bench:" + rows[0].Publisher, Title: rows[0].Publisher,
		HTMLURL: "https://" + rows[0].Host + "/", SelfURL: "https://" + rows[0].Host + "/feed.rss"}
	for _, r := range rows {
		f.Entries = append(f.Entries, feeds.Entry{ID: r.URL, Title: r.Title, URL: r.URL,
			Published: r.Time, Updated: r.Time, ContentText: r.Title})
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := feeds.RenderRSS(out, f); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// storedStories maps each row, by its URL, to the story it is stored in.
func storedStories(ctx context.Context, db *store.DB, rows []uciRow) ([]string, error) {
	byURL := map[string]string{}
	for cursor := ""; ; {
		page, err := db.ListStories(ctx, 500, cursor)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Stories {
			for _, m := range s.Members {
				byURL[m.Item.URL] = s.ID
			}
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	pred := make([]string, len(rows))
	for i, r := range rows {
		story, ok := byURL[r.URL]
		if !ok {
			story = "missing:" + r.ID // an item the ingest lost scores as a singleton
		}
		pred[i] = story
	}
	return pred, nil
}
