// Package ingest reads post dumps from files and directories and stores
// them, one transaction per file. A bad file is reported by name and the
// others still go in.
package ingest

import (
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

	"github.com/newswire/newswire/internal/model"
)

// DefaultMaxFileSize caps how large one input file may be.
const DefaultMaxFileSize = 16 << 20

// PostStore stores one parsed post in one transaction.
type PostStore interface {
	IngestPost(ctx context.Context, p *model.Post) (model.IngestResult, error)
}

// ParseFunc parses the bytes of one post dump; name is used in errors.
type ParseFunc func(name string, data []byte) (*model.Post, error)

// ResolveFunc completes a parsed post in place (threading, quotations).
type ResolveFunc func(p *model.Post)

// Ingester turns files into stored posts.
type Ingester struct {
	Store   PostStore
	Parse   ParseFunc
	Resolve ResolveFunc // may be nil
	// MaxFileSize caps one file's size; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	Logger      *slog.Logger
}

// FileResult is the outcome of ingesting one file.
type FileResult struct {
	Path   string
	Result model.IngestResult
	Err    error
}

// Summary is the one-line report of a file: what changed, or why it failed.
func (r FileResult) Summary() string {
	if r.Err != nil {
		return fmt.Sprintf("error: %v", r.Err)
	}
	res := r.Result
	return fmt.Sprintf("%s: post %s: %s; comments: %s; related: %s",
		r.Path, res.Slug, postState(res.Posts), res.Comments, res.Related)
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

// File ingests one file.
func (in *Ingester) File(ctx context.Context, path string) FileResult {
	r := FileResult{Path: path}
	data, err := in.read(path)
	if err != nil {
		r.Err = err
		return r
	}
	post, err := in.Parse(path, data)
	if err != nil {
		r.Err = err
		return r
	}
	if in.Resolve != nil {
		in.Resolve(post)
	}
	post.SourcePath = path
	if r.Result, err = in.Store.IngestPost(ctx, post); err != nil {
		r.Err = fmt.Errorf("%s: %w", path, err)
		return r
	}
	if in.Logger != nil {
		in.Logger.Info("ingested", "file", path, "post", r.Result.Slug,
			"state", postState(r.Result.Posts), "comments_new", r.Result.Comments.New,
			"comments_updated", r.Result.Comments.Updated, "related_new", r.Result.Related.New)
	}
	return r
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
