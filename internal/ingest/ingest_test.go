package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
)

type memStore struct{ titles []string }

func (m *memStore) IngestPost(_ context.Context, p *model.Post, _ *model.CoverageBatch) (model.IngestResult, error) {
	m.titles = append(m.titles, p.Title)
	return model.IngestResult{Slug: model.Slugify(p.Title, "post"), Posts: model.IngestCounts{New: 1}}, nil
}

func (m *memStore) ApplyCoverage(_ context.Context, b *model.CoverageBatch) (model.IngestCounts, error) {
	return b.Counts(), nil
}

// firstLineParser takes the first line as the title; "BAD" fails.
func firstLineParser(name string, data []byte) (*model.Post, error) {
	title, _, _ := strings.Cut(string(data), "\n")
	if title == "BAD" {
		return nil, errors.New(name + ": bad: " + model.ErrInvalid.Error())
	}
	return &model.Post{Title: title}, nil
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPathsGoesOnPastBadFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b.txt", "Second")
	write(t, dir, "a.txt", "First")
	write(t, dir, "c.txt", "BAD")
	write(t, dir, "sub/d.txt", "Fourth")
	write(t, dir, ".hidden", "Hidden")
	write(t, dir, "big.txt", "Big\n"+strings.Repeat("x", 100))
	st := &memStore{}
	in := &Ingester{Store: st, Parse: firstLineParser, MaxFileSize: 64}
	var results []FileResult
	err := in.Paths(context.Background(), []string{dir, filepath.Join(dir, "nope.txt")},
		func(r FileResult) { results = append(results, r) })
	if err == nil {
		t.Fatal("want an error for the bad, big and missing files")
	}
	if got := strings.Join(st.titles, ","); got != "First,Second,Fourth" {
		t.Errorf("stored %q, want First,Second,Fourth in path order", got)
	}
	msg := err.Error()
	for _, want := range []string{"c.txt", "big.txt", "nope.txt", "cap"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %s", msg, want)
		}
	}
	if len(results) != 6 { // missing path, then a, b, big, c, sub/d
		t.Errorf("reported %d results, want 6", len(results))
	}
	for _, r := range results {
		if r.Summary() == "" {
			t.Error("empty summary")
		}
	}
}

func TestCancelledContextStops(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.txt", "First")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := &memStore{}
	in := &Ingester{Store: st, Parse: firstLineParser}
	if err := in.Paths(ctx, []string{dir}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if len(st.titles) != 0 {
		t.Errorf("stored %v after cancel", st.titles)
	}
}
