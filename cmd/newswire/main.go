// Command newswire is a feed syndication and aggregation daemon: it ingests
// blog post dumps with their comment threads into SQLite and serves them as
// RSS 2.0, Atom 1.0 and JSON Feed.
//
//	newswire serve  [flags]          ingest --seeds, then serve HTTP
//	newswire ingest [flags] PATH...  ingest files or directories once
//	newswire stories [--json]        list the stories and their coverage
//
// Every flag can also be set with a NEWSWIRE_* environment variable
// (--db → NEWSWIRE_DB, --tag-authority → NEWSWIRE_TAG_AUTHORITY); a flag
// on the command line wins over the environment.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Environ(), os.Stdout, os.Stderr)
	if errors.Is(err, errUsage) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "newswire:", err)
		os.Exit(1)
	}
}

// errUsage reports a command line that could not be understood; the flag
// package has already printed why.
var errUsage = errors.New("usage")

// errHelp reports that -h asked for the flags, which are printed: not a
// failure.
var errHelp = errors.New("help requested")

const usage = `usage: newswire <command> [flags]

commands:
  serve    ingest the seed directory and serve feeds over HTTP
  ingest   ingest post dumps and feed files (files or directories) once and exit
  stories  list the stories: every outlet's coverage of one event, grouped
  sources  manage the feeds newswire polls (import, add, list, remove, export)
  poll     poll the due feeds once (--once; --all for every feed) and exit

Run 'newswire <command> -h' for a command's flags.
`

// run is the whole program, callable from tests.
func run(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	if err := dispatch(ctx, args, env, stdout, stderr); !errors.Is(err, errHelp) {
		return err
	}
	return nil
}

// dispatch runs the command args name.
func dispatch(ctx context.Context, args, env []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], env, stderr)
	case "ingest":
		return runIngest(ctx, args[1:], env, stdout, stderr)
	case "stories":
		return runStories(ctx, args[1:], env, stdout, stderr)
	case "sources":
		return runSources(ctx, args[1:], env, stdout, stderr)
	case "poll":
		return runPoll(ctx, args[1:], env, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "newswire: unknown command %q\n%s", args[0], usage)
	return errUsage
}
