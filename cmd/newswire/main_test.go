package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
)

// logWatcher is the daemon's stderr in tests: it keeps the log and
// announces the address from the "listening" line.
type logWatcher struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
}

var listenRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

func (w *logWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := listenRE.FindSubmatch(p); m != nil {
		select {
		case w.addr <- string(m[1]):
		default:
		}
	}
	return len(p), nil
}

func (w *logWatcher) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// daemon is a running "newswire serve".
type daemon struct {
	base string
	log  *logWatcher
}

// startDaemon runs serve with args on a free port until the test ends.
func startDaemon(t *testing.T, args ...string) *daemon {
	t.Helper()
	d, stop := startStoppableDaemon(t, args...)
	t.Cleanup(stop)
	return d
}

// startStoppableDaemon runs serve with args on a free port until stop is
// called (at most once), which waits for it to shut down.
func startStoppableDaemon(t *testing.T, args ...string) (*daemon, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	lw := &logWatcher{addr: make(chan string, 1)}
	done := make(chan error, 1)
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--rescan", "0"}, args...)
	go func() { done <- run(ctx, args, nil, io.Discard, lw) }()
	stop := func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("serve did not shut down")
		}
	}
	select {
	case addr := <-lw.addr:
		return &daemon{base: "http://" + addr, log: lw}, stop
	case err := <-done:
		cancel()
		t.Fatalf("serve exited early: %v\n%s", err, lw)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("serve did not start:\n%s", lw)
	}
	return nil, stop
}

func (d *daemon) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, d.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// opmlFeeds returns the xmlUrl of every outline in an OPML document.
func opmlFeeds(t *testing.T, doc []byte) []string {
	t.Helper()
	var o struct {
		Outlines []struct {
			XMLURL   string `xml:"xmlUrl,attr"`
			Children []struct {
				XMLURL string `xml:"xmlUrl,attr"`
			} `xml:"outline"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(doc, &o); err != nil {
		t.Fatalf("OPML does not parse: %v\n%s", err, doc)
	}
	var urls []string
	for _, ol := range o.Outlines {
		if ol.XMLURL != "" {
			urls = append(urls, ol.XMLURL)
		}
		for _, c := range ol.Children {
			if c.XMLURL != "" {
				urls = append(urls, c.XMLURL)
			}
		}
	}
	return urls
}

// TestConformance serves the seeds and validates every feed listed in
// /opml, in all three formats, plus thread feeds, with jing, xmllint and
// Python's feedparser.
func TestConformance(t *testing.T) {
	seeds := feedcheck.SharedPath(t, "seeds")
	schema := feedcheck.SchemaPath(t)
	d := startDaemon(t, "--db", filepath.Join(t.TempDir(), "n.db"), "--seeds", seeds)

	resp, opml := d.get(t, "/opml")
	if resp.StatusCode != 200 {
		t.Fatalf("/opml: %s", resp.Status)
	}
	feedURLs := opmlFeeds(t, opml)
	const blogger = "did-jared-kushner-want-a-secret-communications-channel-with-the-kremlin"
	const wordpress = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official" // cut at 80 characters
	want := map[string]int{                                                                        // feed path → entries
		"/posts":                              2,
		"/posts/" + blogger + "/comments":     5,
		"/posts/" + wordpress + "/comments":   38,
		"/topics/national-security":           1,
		"/topics/science-technology":          1,
		"/topics/the-presidency":              1,
		"/topics/us-politics":                 1,
		"/posts/" + wordpress + "/threads/35": 4,
		"/posts/" + wordpress + "/threads/6":  7, // 6, 9, 13, 22, 25, 26, 34
		"/posts/" + wordpress + "/threads/17": 3, // 17, 27, 30
		"/posts/" + blogger + "/threads/2":    1,
	}
	listed := map[string]bool{}
	for _, u := range feedURLs {
		path := strings.TrimSuffix(strings.TrimPrefix(u, d.base), ".atom")
		if listed[path] {
			t.Errorf("OPML lists %s twice", u)
		}
		listed[path] = true
		if strings.Contains(path, "/threads/") {
			t.Errorf("OPML lists a thread feed: %s", u)
		}
	}
	for path := range want {
		if !strings.Contains(path, "/threads/") && !listed[path] {
			t.Errorf("OPML does not list %s.atom (it lists %v)", path, feedURLs)
		}
	}
	if len(listed) != 8 {
		t.Errorf("OPML lists %d feeds, want 8: %v", len(listed), feedURLs)
	}
	// The Kremlin-channel story's own feed: its six outlets and the post.
	want["/stories/"+storyKeyWith(t, d, "New York Times")] = 7
	dir := t.TempDir()
	for path, entries := range want {
		for _, ext := range []string{"atom", "rss", "json"} {
			t.Run(strings.TrimPrefix(path, "/")+"."+ext, func(t *testing.T) {
				checkFeed(t, d, dir, path+"."+ext, ext, schema, entries)
			})
		}
	}
}

var mediaTypes = map[string]string{
	"atom": "application/atom+xml",
	"rss":  "application/rss+xml",
	"json": "application/feed+json",
}

func checkFeed(t *testing.T, d *daemon, dir, path, ext, schema string, entries int) {
	resp, body := d.get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, mediaTypes[ext]) {
		t.Errorf("Content-Type = %q, want %s", ct, mediaTypes[ext])
	}
	etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lastMod == "" {
		t.Errorf("ETag %q, Last-Modified %q: want both", etag, lastMod)
	}
	if r, _ := d.get(t, path, "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %s, want 304", r.Status)
	}
	if r, _ := d.get(t, path, "If-Modified-Since", lastMod); r.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: %s, want 304", r.Status)
	}
	file := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(path))
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	if ext != "json" {
		feedcheck.Xmllint(t, file)
	}
	if ext == "atom" {
		feedcheck.Jing(t, schema, file)
	}
	if ext != "json" {
		if n := newsboatItems(t, d.base+path, dir); n != entries {
			t.Errorf("newsboat read %d items, want %d", n, entries)
		}
	}
	if ext == "json" && !feedcheck.FeedparserReadsJSON(t) {
		// Debian's feedparser (6.0) has no JSON Feed reader: check the
		// JSON Feed 1.1 rules directly instead.
		feedcheck.JSONFeed(t, file, entries)
		return
	}
	feedcheck.Feedparser(t, file, entries)
}

// TestSameFeedsFromFreshDatabases ingests the dated seed into two fresh
// databases at different times: the feeds must be byte-identical.
func TestSameFeedsFromFreshDatabases(t *testing.T) {
	seed, err := filepath.Glob(filepath.Join(feedcheck.SharedPath(t, "seeds"), "000_*.txt"))
	if err != nil || len(seed) != 1 {
		t.Fatalf("dated seed: %v %v", seed, err)
	}
	seedDir := t.TempDir()
	data, _ := os.ReadFile(seed[0])
	os.WriteFile(filepath.Join(seedDir, "post.txt"), data, 0o644)
	common := []string{"--seeds", seedDir, "--base-url", "https://news.example.org"}
	a := startDaemon(t, append(common, "--db", filepath.Join(t.TempDir(), "a.db"))...)
	time.Sleep(1100 * time.Millisecond) // a later first-seen time must not show
	b := startDaemon(t, append(common, "--db", filepath.Join(t.TempDir(), "b.db"))...)
	for _, path := range []string{"/posts.atom", "/posts.rss", "/posts.json"} {
		_, fa := a.get(t, path)
		_, fb := b.get(t, path)
		if !bytes.Equal(fa, fb) {
			t.Errorf("%s differs between fresh databases:\n%s\n---\n%s", path, fa, fb)
		}
	}
	// Comments carry no dates in the dump, but their IDs must not change.
	const comments = "/posts/did-jared-kushner-want-a-secret-communications-channel-with-the-kremlin/comments.atom"
	_, ca := a.get(t, comments)
	_, cb := b.get(t, comments)
	if ia, ib := atomIDs(t, ca), atomIDs(t, cb); strings.Join(ia, " ") != strings.Join(ib, " ") || len(ia) != 6 {
		t.Errorf("comment feed IDs differ or are missing:\n%v\n%v", ia, ib)
	}
}

// atomIDs lists the feed ID and entry IDs of an Atom document.
func atomIDs(t *testing.T, doc []byte) []string {
	var f struct {
		ID      string `xml:"id"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatalf("atom: %v", err)
	}
	ids := []string{f.ID}
	for _, e := range f.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestIngestCommand: one line per file, unchanged on the second run, a
// non-zero exit when a file fails while the others still go in.
func TestIngestCommand(t *testing.T) {
	seeds := feedcheck.SharedPath(t, "seeds")
	db := filepath.Join(t.TempDir(), "n.db")
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"ingest", "--db", db, seeds}, nil, &out, &errb); err != nil {
		t.Fatalf("ingest: %v\n%s%s", err, out.String(), errb.String())
	}
	lines := nonEmptyLines(out.String())
	if len(lines) != 2 || !strings.Contains(lines[0], "post did-jared-kushner") ||
		!strings.Contains(lines[0], ": new; comments: 5 new") || !strings.Contains(lines[1], "comments: 38 new") {
		t.Fatalf("first ingest printed:\n%s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"ingest", "--db", db, seeds}, nil, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, l := range nonEmptyLines(out.String()) {
		if !strings.Contains(l, ": unchanged; comments: 0 new, 0 updated") {
			t.Errorf("second ingest changed something: %s", l)
		}
	}

	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "a_empty.txt"), nil, 0o644)
	os.WriteFile(filepath.Join(bad, "b_binary.txt"), []byte("Title\x00\x01\x02\n\nbody"), 0o644)
	os.WriteFile(filepath.Join(bad, "c_good.txt"), []byte("A Good Title\n\nA body paragraph.\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "d_latin1.txt"), []byte("Caf\xe9 Title\n\nBody.\n"), 0o644)
	out.Reset()
	err := run(ctx, []string{"ingest", "--db", db, bad, filepath.Join(bad, "missing.txt")}, []string{"NEWSWIRE_LOG_LEVEL=warn"}, &out, &errb)
	if err == nil {
		t.Fatalf("ingest of bad files succeeded:\n%s", out.String())
	}
	got := out.String()
	for _, want := range []string{"a_empty.txt", "b_binary.txt", "d_latin1.txt", "missing.txt", "post a-good-title: new"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

func nonEmptyLines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, sc.Text())
		}
	}
	return out
}

func TestUsageAndEnv(t *testing.T) {
	ctx := context.Background()
	var out, errb bytes.Buffer
	if err := run(ctx, nil, nil, &out, &errb); err != errUsage {
		t.Errorf("no args: %v", err)
	}
	if err := run(ctx, []string{"frobnicate"}, nil, &out, &errb); err != errUsage {
		t.Errorf("unknown command: %v", err)
	}
	if err := run(ctx, []string{"ingest"}, nil, &out, &errb); err != errUsage {
		t.Errorf("ingest without paths: %v", err)
	}
	// NEWSWIRE_DB chooses the database; the flag would override it.
	db := filepath.Join(t.TempDir(), "env.db")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "p.txt"), []byte("Env Title\n\nBody.\n"), 0o644)
	if err := run(ctx, []string{"ingest", dir}, []string{"NEWSWIRE_DB=" + db}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("NEWSWIRE_DB was not used: %v", err)
	}
	if err := run(ctx, []string{"ingest", dir}, []string{"NEWSWIRE_TAG_DATE=yesterday"}, &out, &errb); err == nil {
		t.Error("a bad NEWSWIRE_TAG_DATE was accepted")
	}
}

// newsboatItems has newsboat fetch one feed non-interactively into a cache
// of its own and returns how many items it stored. (newsboat exits 0 even
// when a fetch fails, so the cache is what tells.)
func newsboatItems(t *testing.T, url, dir string) int {
	t.Helper()
	bin, err := exec.LookPath("newsboat")
	if err != nil {
		feedcheck.Missing(t, "newsboat not installed: %v", err)
	}
	home, err := os.MkdirTemp(dir, "newsboat")
	if err != nil {
		t.Fatal(err)
	}
	urls, cache := filepath.Join(home, "urls"), filepath.Join(home, "cache.db")
	if err := os.WriteFile(urls, []byte(url+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-u", urls, "-c", cache, "-C", os.DevNull, "-x", "reload")
	cmd.Env = append(os.Environ(), "HOME="+home)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("newsboat: %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", cache)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM rss_item WHERE title != ''`).Scan(&n); err != nil {
		t.Fatalf("newsboat cache: %v", err)
	}
	return n
}

// bigDump is a WordPress-style dump with n comments, every third one a
// reply to an earlier commenter.
func bigDump(n int) []byte {
	var b strings.Builder
	b.WriteString("A Post With Very Many Comments\n\nThe body.\n\nFILED UNDER: Testing, , Load\nTest Author\nAbout Test Author\nA bio.\n\nComments\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "  %d. reader %d says:\n\n", i, i%97)
		if i%3 == 0 {
			fmt.Fprintf(&b, "    @reader %d: I reply to you, number %d.\n\n", (i-1)%97, i)
		} else {
			fmt.Fprintf(&b, "    Comment number %d has something to say.\n\n", i)
		}
		if i%2 == 0 {
			fmt.Fprintf(&b, "    %d\n", i%50)
		}
	}
	return []byte(b.String())
}

// TestIngestBadInputs: each bad file gets a clear error naming it; the good
// ones, including a post with 10,000 comments, still go in.
func TestIngestBadInputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"01_empty.txt":        nil,
		"02_nul.txt":          []byte("A Title\n\nBody with a \x00 NUL byte.\n"),
		"03_binary.txt":       {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d},
		"04_latin1.txt":       []byte("Caf\xe9 Title\n\nBody.\n"),
		"05_too_big.txt":      append([]byte("Big Title\n\n"), bytes.Repeat([]byte("word "), 4000)...),
		"06_no_title.txt":     []byte("\n\n  1. Someone says:\n\n    Hello.\n"),
		"07_empty_marker.txt": []byte("Title Here\n\nBody.\n\nComments\n\n  1. Someone says:\n\n  2. Other says:\n\n    Text.\n"),
		"08_many.txt":         bigDump(10000),
		"09_good.txt":         []byte("A Good Title\n\nA body paragraph.\n"),
	}
	for name, data := range files {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	db := filepath.Join(t.TempDir(), "n.db")
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"ingest", "--db", db, "--max-file-size", "16384", dir}, nil, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "8 input(s) failed") {
		t.Errorf("err = %v, want 8 failed inputs (7 bad, 1 over the cap)", err)
	}
	lines := nonEmptyLines(out.String())
	if len(lines) != len(files) {
		t.Fatalf("%d lines for %d files:\n%s", len(lines), len(files), out.String())
	}
	for i, name := range []string{"01_", "02_", "03_", "04_", "05_", "06_", "07_"} {
		if !strings.Contains(lines[i], name) || !strings.Contains(lines[i], "error") {
			t.Errorf("line %d = %q, want an error naming %s", i, lines[i], name)
		}
	}
	for _, want := range []string{"empty", "NUL", "UTF-8", "cap", "title", "no body"} {
		if !strings.Contains(strings.ToLower(out.String()), strings.ToLower(want)) {
			t.Errorf("no error mentions %q:\n%s", want, out.String())
		}
	}
	// --max-file-size was 16 KiB: the 10,000-comment post exceeds it.
	if !strings.Contains(lines[7], "08_many.txt") {
		t.Fatalf("line 7 = %q", lines[7])
	}
	out.Reset()
	if err := run(context.Background(), []string{"ingest", "--db", db, filepath.Join(dir, "08_many.txt")}, nil, &out, &errb); err != nil {
		t.Fatalf("10,000 comments: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "comments: 10000 new") {
		t.Errorf("10,000 comments: %s", out.String())
	}
}

// TestIngestNewerDump: a newer dump of a post adds only its new comments,
// and an edited comment is updated in place.
func TestIngestNewerDump(t *testing.T) {
	seed, _ := filepath.Glob(filepath.Join(feedcheck.SharedPath(t, "seeds"), "004_*.txt"))
	if len(seed) != 1 {
		t.Fatalf("WordPress seed: %v", seed)
	}
	orig, err := os.ReadFile(seed[0])
	if err != nil {
		t.Fatal(err)
	}
	dir, db := t.TempDir(), filepath.Join(t.TempDir(), "n.db")
	file := filepath.Join(dir, "post.txt")
	ingestOnce := func(data []byte) string {
		t.Helper()
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"ingest", "--db", db, file}, nil, &out, &errb); err != nil {
			t.Fatalf("ingest: %v\n%s", err, out.String())
		}
		return out.String()
	}
	ingestOnce(orig)
	more := append(append([]byte{}, orig...), "\n  39. Andy says:\n\n    @Matt: From the inspector general's report.\n\n    3\n"...)
	if got := ingestOnce(more); !strings.Contains(got, "updated; comments: 1 new, 0 updated, 38 unchanged") {
		t.Errorf("newer dump: %s", got)
	}
	edited := bytes.Replace(more, []byte("Where do you know all this from?"), []byte("Where did you read all this?"), 1)
	if got := ingestOnce(edited); !strings.Contains(got, "comments: 0 new, 1 updated, 38 unchanged") {
		t.Errorf("edited dump: %s", got)
	}
	if got := ingestOnce(edited); !strings.Contains(got, "unchanged; comments: 0 new, 0 updated, 39 unchanged") {
		t.Errorf("same dump again: %s", got)
	}
}

// waitForPosts polls /api/posts until it lists n posts.
func waitForPosts(t *testing.T, d *daemon, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		_, body := d.get(t, "/api/posts")
		if strings.Count(string(body), `"comment_count"`) == n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("never saw %d posts:\n%s", n, d.log)
}

// TestRescan: the seed directory is read again on SIGHUP and every --rescan.
func TestRescan(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "1.txt"), []byte("First Post\n\nBody.\n"), 0o644)
	d := startDaemon(t, "--db", filepath.Join(t.TempDir(), "n.db"), "--seeds", dir)
	waitForPosts(t, d, 1)
	os.WriteFile(filepath.Join(dir, "2.txt"), []byte("Second Post\n\nBody.\n"), 0o644)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitForPosts(t, d, 2)
	if !strings.Contains(d.log.String(), "reason=SIGHUP") {
		t.Errorf("no SIGHUP scan logged:\n%s", d.log)
	}

	dir2 := t.TempDir()
	d2 := startDaemon(t, "--db", filepath.Join(t.TempDir(), "m.db"), "--seeds", dir2, "--rescan", "100ms")
	os.WriteFile(filepath.Join(dir2, "3.txt"), []byte("Third Post\n\nBody.\n"), 0o644)
	waitForPosts(t, d2, 1)
}

// storyKeyWith returns the key of the first story /api/stories lists with
// the given outlet.
func storyKeyWith(t *testing.T, d *daemon, outlet string) string {
	t.Helper()
	_, body := d.get(t, "/api/stories")
	var page struct {
		Stories []struct {
			Key     string   `json:"key"`
			Outlets []string `json:"outlets"`
		} `json:"stories"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("/api/stories: %v\n%s", err, body)
	}
	for _, s := range page.Stories {
		if slices.Contains(s.Outlets, outlet) {
			return s.Key
		}
	}
	t.Fatalf("no story covered by %s in %s", outlet, body)
	return ""
}

func TestHelpIsNotAnError(t *testing.T) {
	var out, errb bytes.Buffer
	for _, cmd := range []string{"serve", "ingest", "stories", "poll"} {
		if err := run(context.Background(), []string{cmd, "-h"}, nil, &out, &errb); err != nil {
			t.Errorf("%s -h: %v", cmd, err)
		}
	}
	if !strings.Contains(errb.String(), "-db") {
		t.Errorf("-h printed no flags:\n%s", errb.String())
	}
	if err := run(context.Background(), []string{"ingest", "--bogus"}, nil, &out, &errb); err != errUsage {
		t.Errorf("an unknown flag: %v", err)
	}
}
