package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// storyLine is one line of `newswire stories --json`: a story and its
// items, for other tools to read the clusters.
type storyLine struct {
	ID        string          `json:"id"`
	Key       string          `json:"key"`
	Title     string          `json:"title"`
	FirstSeen time.Time       `json:"first_seen"`
	Updated   time.Time       `json:"updated"`
	Outlets   []string        `json:"outlets"`
	Items     []storyLineItem `json:"items"`
}

type storyLineItem struct {
	model.MemberRecord
	Post bool `json:"post"` // the item is a post discussing the story
}

// runStories prints every story: one JSON object per line with --json,
// else a readable list.
func runStories(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlagSet("stories", &cfg, stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per story per line")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	db, _, err := openCommand(ctx, &cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for cursor := ""; ; {
		page, err := db.ListStories(ctx, 200, cursor)
		if err != nil {
			return err
		}
		for i := range page.Stories {
			s := &page.Stories[i]
			if *asJSON {
				if err := enc.Encode(newStoryLine(s)); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintf(stdout, "%s  %d items, %d outlets  %s\n", s.Key, len(s.Members), len(s.Outlets), s.Title)
		}
		if page.Next == "" {
			return nil
		}
		cursor = page.Next
	}
}

func newStoryLine(s *model.Story) storyLine {
	line := storyLine{ID: s.ID, Key: s.Key, Title: s.Title, FirstSeen: s.FirstSeen.UTC(),
		Updated: s.Updated.UTC(), Outlets: append([]string{}, s.Outlets...), Items: []storyLineItem{}}
	for i := range s.Members {
		m := &s.Members[i]
		line.Items = append(line.Items, storyLineItem{MemberRecord: m.Record(), Post: model.IsPostSource(m.Item.SourceKey)})
	}
	return line
}
