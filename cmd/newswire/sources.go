package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/opml"
)

const sourcesUsage = `usage: newswire sources <command> [flags]

commands:
  import FILE.opml                 add every feed of an OPML file (duplicates merged)
  add URL [--title T] [--topic T]  add one feed
  list [--json]                    every feed with its polling state
  remove URL                       stop polling a feed (its items stay)
  export                           the feeds as OPML 2.0
`

// runSources manages the feeds newswire polls.
func runSources(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, sourcesUsage)
		return errUsage
	}
	var cfg config
	fs := newFlagSet("sources "+args[0], &cfg, stderr)
	title := fs.String("title", "", "add: the feed's title")
	topic := fs.String("topic", "", "add: the topic its items are filed under")
	asJSON := fs.Bool("json", false, "list: one JSON object per feed per line")
	if err := parseFlags(fs, args[1:], env); err != nil {
		return err
	}
	want := map[string]int{"import": 1, "add": 1, "remove": 1, "list": 0, "export": 0}
	n, ok := want[args[0]]
	if !ok || fs.NArg() != n {
		fmt.Fprint(stderr, sourcesUsage)
		return errUsage
	}
	db, _, err := openCommand(ctx, &cfg, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	switch args[0] {
	case "import":
		return importSources(ctx, db, fs.Arg(0), stdout)
	case "add":
		return addSource(ctx, db, fs.Arg(0), *title, *topic, stdout)
	case "remove":
		return db.RemoveSource(ctx, fs.Arg(0))
	case "list":
		return listSources(ctx, db, *asJSON, stdout)
	}
	return exportSources(ctx, db, stdout)
}

// sourceStore is what the sources commands need of the store.
type sourceStore interface {
	AddSources(ctx context.Context, sources []model.Source) (int, error)
	ListSources(ctx context.Context) ([]model.Source, error)
}

// importSources adds the feeds of an OPML file.
func importSources(ctx context.Context, db sourceStore, path string, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	outlines, skipped, err := opml.Parse(path, f)
	if err != nil {
		return err
	}
	sources := make([]model.Source, len(outlines))
	for i, o := range outlines {
		sources[i] = model.Source{URL: o.URL, Title: o.Title, Topic: o.Topic, HTMLURL: o.HTMLURL}
	}
	added, err := db.AddSources(ctx, sources)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d feeds, %d new, %d already known, %d skipped\n",
		path, len(sources), added, len(sources)-added, len(skipped))
	for _, e := range skipped {
		fmt.Fprintf(stdout, "  skipped: %v\n", e)
	}
	return nil
}

// addSource adds one feed by URL.
func addSource(ctx context.Context, db sourceStore, raw, title, topic string, stdout io.Writer) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) URL: %w", raw, model.ErrInvalid)
	}
	added, err := db.AddSources(ctx, []model.Source{{URL: raw, Title: title, Topic: topic}})
	if err != nil {
		return err
	}
	state := "added"
	if added == 0 {
		state = "already known (merged)"
	}
	fmt.Fprintf(stdout, "%s: %s\n", raw, state)
	return nil
}

// listSources prints every feed with its polling state.
func listSources(ctx context.Context, db sourceStore, asJSON bool, stdout io.Writer) error {
	sources, err := db.ListSources(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		for _, s := range sources {
			if err := enc.Encode(s); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tTITLE\tSTATUS\tLAST SUCCESS\tNEXT POLL\tERRORS\tLAST ERROR")
	for _, s := range sources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", s.URL, s.Title, sourceStatus(s),
			when(s.LastSuccess), when(s.NextPoll), s.ErrorCount, s.LastError)
	}
	return tw.Flush()
}

func sourceStatus(s model.Source) string {
	switch {
	case s.Disabled:
		return "disabled"
	case s.LastStatus == 0:
		return "never polled"
	}
	return fmt.Sprint(s.LastStatus)
}

func when(t time.Time) string {
	switch {
	case t.IsZero():
		return "-"
	case t.Equal(model.PollOnChange):
		return "on a new comment count"
	}
	return t.UTC().Format(time.RFC3339)
}

// exportSources writes the feeds as OPML 2.0.
func exportSources(ctx context.Context, db sourceStore, stdout io.Writer) error {
	sources, err := db.ListSources(ctx)
	if err != nil {
		return err
	}
	return opml.WriteSources(stdout, "newswire sources", sources)
}
