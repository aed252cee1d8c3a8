package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// config is every setting of the daemon, from flags and NEWSWIRE_* variables.
type config struct {
	DB           string
	Seeds        string
	Addr         string
	BaseURL      string
	TagAuthority string
	TagDate      string
	Rescan       time.Duration
	LogLevel     string
	MaxFileSize  int64
}

// defaultTagAuthority names the tag: URI authority when neither
// --tag-authority nor --base-url gives one. Set a domain you control.
const defaultTagAuthority = "newswire.localhost"

// newFlagSet declares the flags shared by the commands.
func newFlagSet(name string, cfg *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DB, "db", "newswire.db", "SQLite database file")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "public URL of the server (default http://ADDR)")
	fs.StringVar(&cfg.TagAuthority, "tag-authority", "", "authority of tag: URI IDs (default: --base-url's host, else "+defaultTagAuthority+"); fixed once feeds are published")
	fs.StringVar(&cfg.TagDate, "tag-date", "2026", "date of tag: URI IDs (YYYY or YYYY-MM-DD); fixed once feeds are published")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.Int64Var(&cfg.MaxFileSize, "max-file-size", 16<<20, "largest input file accepted, in bytes")
	return fs
}

// parseFlags applies NEWSWIRE_* variables from env as defaults, then args.
func parseFlags(fs *flag.FlagSet, args, env []string) error {
	vars := map[string]string{}
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "NEWSWIRE_") {
			vars[k] = v
		}
	}
	var errs []string
	fs.VisitAll(func(f *flag.Flag) {
		name := "NEWSWIRE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := vars[name]; ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q: %v", name, v, err))
			}
		}
	})
	if len(errs) > 0 {
		fmt.Fprintln(fs.Output(), "newswire: bad environment:", strings.Join(errs, "; "))
		return errUsage
	}
	return parseInterleaved(fs, args)
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments ("sources add URL --title T"); the positional
// arguments are then fs.Args().
func parseInterleaved(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return errHelp
		} else if err != nil {
			return errUsage
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Parse the positional arguments alone, so fs.Args() returns them.
	return fs.Parse(append([]string{"--"}, pos...))
}

// tagger returns the ID minter the configuration describes.
func (c *config) tagger() (model.Tagger, error) {
	authority := c.TagAuthority
	if authority == "" && c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || u.Hostname() == "" {
			return model.Tagger{}, fmt.Errorf("--base-url %q: not an absolute URL: %w", c.BaseURL, model.ErrInvalid)
		}
		authority = u.Hostname()
	}
	if authority == "" {
		authority = defaultTagAuthority
	}
	if !validTagDate(c.TagDate) {
		return model.Tagger{}, fmt.Errorf("--tag-date %q: want YYYY, YYYY-MM or YYYY-MM-DD: %w", c.TagDate, model.ErrInvalid)
	}
	return model.Tagger{Authority: strings.ToLower(authority), Date: c.TagDate}, nil
}

func validTagDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// logger builds the structured logger the configuration asks for.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", c.LogLevel, model.ErrInvalid)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), nil
}
