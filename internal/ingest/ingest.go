// Package ingest reads post dumps and feed files (RSS, Atom, JSON Feed;
// told apart by content, not name) from files and directories and stores
// them, one transaction per file. A bad file is reported by name and the
// others still go in.
package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// DefaultMaxFileSize caps how large one input file may be.
const DefaultMaxFileSize = 16 << 20

// Store stores one parsed file in one transaction: a post with its
// coverage, or a feed's items.
type Store interface {
	IngestPost(ctx context.Context, p *model.Post, cov *model.CoverageBatch) (model.IngestResult, error)
	ApplyCoverage(ctx context.Context, b *model.CoverageBatch) (model.IngestCounts, error)
}

// Coverage gives items their identity and stories; commit stores the
// batch it prepared (see coverage.Service).
type Coverage interface {
	IngestPost(ctx context.Context, p *model.Post, commit func(*model.CoverageBatch) error) ([]error, error)
	IngestItems(ctx context.Context, items []model.Item, commit func(*model.CoverageBatch) error) ([]error, error)
}

// ParseFunc parses the bytes of one post dump; name is used in errors.
type ParseFunc func(name string, data []byte) (*model.Post, error)

// ResolveFunc completes a parsed post in place (threading, quotations).
type ResolveFunc func(p *model.Post)

// Ingester turns files into stored posts.
type Ingester struct {
	Store   Store
	Parse   ParseFunc
	Resolve ResolveFunc // may be nil
	// Coverage groups posts' related items and feeds' items into stories;
	// without it feed files are refused and posts keep their related
	// items unclustered.
	Coverage Coverage
	// MaxFileSize caps one file's size; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	Logger      *slog.Logger
}

// FileResult is the outcome of ingesting one file.
type FileResult struct {
	Path string
	// Feed is the title of the feed a feed file held ("" for a post dump).
	Feed   string
	Result model.IngestResult // of a post dump
	Items  model.IngestCounts // of a feed file
	// Rejected lists the items left out, each with its reason.
	Rejected []error
	Err      error
}

// Summary is the one-line report of a file: what changed, or why it failed.
func (r FileResult) Summary() string {
	if r.Err != nil {
		return fmt.Sprintf("error: %v", r.Err)
	}
	rejected := ""
	if n := len(r.Rejected); n > 0 {
		rejected = fmt.Sprintf("; rejected %d: %v", n, r.Rejected[0])
		if n > 1 {
			rejected += fmt.Sprintf(" (and %d more)", n-1)
		}
	}
	if r.Feed != "" {
		return fmt.Sprintf("%s: feed %q: items: %s%s", r.Path, r.Feed, r.Items, rejected)
	}
	res := r.Result
	return fmt.Sprintf("%s: post %s: %s; comments: %s; related: %s%s",
		r.Path, res.Slug, postState(res.Posts), res.Comments, res.Related, rejected)
}

func postState(c model.IngestCounts) string {
	switch {
	case c.New > 0:
		return "new"
	case c.Updated > 0:
		return "updated"
	default:
		return "unchanged"
	}
}

// Paths ingests every file named, and every regular, non-hidden file under
// every directory named (in lexical order). It reports each file's outcome
// to report as it goes, and returns an error naming every file that failed;
// a failed file never stops the others. Only a cancelled ctx stops early.
func (in *Ingester) Paths(ctx context.Context, paths []string, report func(FileResult)) error {
	if report == nil {
		report = func(FileResult) {}
	}
	files, errs := expand(paths)
	for _, err := range errs {
		report(FileResult{Path: "", Err: err})
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		r := in.File(ctx, f)
		report(r)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	return errors.Join(errs...)
}

// expand lists the files to ingest, with an error for each path that
// cannot be read.
func expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		found, err := listDir(p)
		if err != nil {
			errs = append(errs, err)
		}
		files = append(files, found...)
	}
	return files, errs
}

func listDir(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		hidden := strings.HasPrefix(d.Name(), ".") && path != dir
		switch {
		case d.IsDir() && hidden:
			return filepath.SkipDir
		case d.Type().IsRegular() && !hidden:
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// File ingests one file: a feed file's items, or a post dump.
func (in *Ingester) File(ctx context.Context, path string) FileResult {
	r := FileResult{Path: path}
	data, err := in.read(path)
	if err != nil {
		r.Err = err
		return r
	}
	if feeds.Sniff(data) == feeds.KindFeed {
		in.feedFile(ctx, path, data, &r)
	} else {
		in.postFile(ctx, path, data, &r)
	}
	if r.Err == nil && in.Logger != nil {
		in.Logger.Info("ingested", "file", path, "feed", r.Feed, "post", r.Result.Slug,
			"state", postState(r.Result.Posts), "comments_new", r.Result.Comments.New,
			"related_new", r.Result.Related.New, "items_new", r.Items.New,
			"rejected", len(r.Rejected))
	}
	return r
}

// postFile parses, threads and stores a post dump with its coverage.
func (in *Ingester) postFile(ctx context.Context, path string, data []byte, r *FileResult) {
	post, err := in.Parse(path, data)
	if err != nil {
		r.Err = err
		return
	}
	if in.Resolve != nil {
		in.Resolve(post)
	}
	post.SourcePath = path
	store := func(cov *model.CoverageBatch) error {
		var err error
		r.Result, err = in.Store.IngestPost(ctx, post, cov)
		return err
	}
	if in.Coverage == nil {
		err = store(nil)
	} else {
		r.Rejected, err = in.Coverage.IngestPost(ctx, post, store)
	}
	if err != nil {
		r.Err = fmt.Errorf("%s: %w", path, err)
	}
}

// feedFile parses a feed file and stores its items as coverage. Each item
// comes from the outlet its <source> names, else the feed's title; GUIDs
// are scoped to the feed (its stated URL, else its site, else its title).
func (in *Ingester) feedFile(ctx context.Context, path string, data []byte, r *FileResult) {
	if in.Coverage == nil {
		r.Err = fmt.Errorf("%s: feed files need story clustering, which is not configured: %w", path, model.ErrInvalid)
		return
	}
	pf, err := feeds.Parse(path, data)
	if err != nil {
		r.Err = err
		return
	}
	r.Feed = cmp.Or(pf.Title, filepath.Base(path))
	source := cmp.Or(pf.FeedURL, pf.SiteURL, pf.Title, "file:"+filepath.Base(path))
	for i := range pf.Items {
		pf.Items[i].SourceKey = source
	}
	r.Rejected = append(r.Rejected, pf.Skipped...)
	rejected, err := in.Coverage.IngestItems(ctx, pf.Items, func(b *model.CoverageBatch) error {
		var err error
		r.Items, err = in.Store.ApplyCoverage(ctx, b)
		return err
	})
	r.Rejected = append(r.Rejected, rejected...)
	if err != nil {
		r.Err = fmt.Errorf("%s: %w", path, err)
	}
}

// read reads a whole file, refusing one over the size cap.
func (in *Ingester) read(path string) ([]byte, error) {
	limit := in.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: file is larger than the %d-byte cap: %w", path, limit, model.ErrInvalid)
	}
	return data, nil
}
