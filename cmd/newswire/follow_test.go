package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
)

// TestFollowThreadFeed: a reader following one thread's feed with
// conditional GET gets 304 while nothing changes, and, after a separate
// `newswire ingest` adds a reply to the thread, exactly that new reply;
// another thread's feed stays byte-identical with its ETag.
func TestFollowThreadFeed(t *testing.T) {
	const slug = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"
	seeds := t.TempDir()
	var dump string
	for _, name := range []string{"000_7d95902a92babe24.txt", "004_6fa588ad377b4ea9.txt"} {
		data, err := os.ReadFile(feedcheck.SharedPath(t, filepath.Join("seeds", name)))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(seeds, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		dump = path
	}
	db := filepath.Join(t.TempDir(), "n.db")
	d := startDaemon(t, "--db", db, "--seeds", seeds, "--poll-check", "0")
	thread, other := "/posts/"+slug+"/threads/35.atom", "/posts/"+slug+"/threads/1.atom"

	first, body := d.get(t, thread)
	before := entryIDs(t, body)
	etag := first.Header.Get("ETag")
	_, otherBody := d.get(t, other)
	if first.StatusCode != http.StatusOK || len(before) != 4 {
		t.Fatalf("thread 35: %d, %d entries", first.StatusCode, len(before))
	}
	if resp, _ := d.get(t, thread, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("unchanged thread: %d, want 304", resp.StatusCode)
	}

	// Another process adds comment 39, a reply to Matt (comment 38).
	f, err := os.OpenFile(dump, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n  39. Andy says:\n\n    @Matt: From the inspector general's report, mostly.\n\n    2\n")
	f.Close()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--db", db, dump}, []string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb); err != nil {
		t.Fatalf("ingest: %v %s", err, errb.String())
	}

	// The daemon notices within a second or so.
	var resp *http.Response
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, body = d.get(t, thread, "If-None-Match", etag)
		if resp.StatusCode != http.StatusNotModified || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after a new reply: %d, want 200", resp.StatusCode)
	}
	after := entryIDs(t, body)
	var added []string
	for _, id := range after {
		if !slices.Contains(before, id) {
			added = append(added, id)
		}
	}
	if len(after) != 5 || len(added) != 1 || !bytes.Contains(body, []byte("From the inspector general")) {
		t.Fatalf("after a new reply: %d entries, new %v", len(after), added)
	}
	if again, _ := d.get(t, thread, "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
		t.Errorf("the new version: %d, want 304", again.StatusCode)
	}
	if _, otherAfter := d.get(t, other); !bytes.Equal(otherAfter, otherBody) {
		t.Error("another thread's feed changed")
	}
}

// entryIDs lists the atom:id of every entry of an Atom feed.
func entryIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var feed struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &feed); err != nil {
		t.Fatalf("not Atom: %v", err)
	}
	ids := make([]string, 0, len(feed.Entries))
	for _, e := range feed.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}
