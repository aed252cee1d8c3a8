package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/store"
)

// blogServer is a WordPress-style blog (RSS with wfw:commentRss and
// slash:comments, a comment feed per post) and a Blogger-style one (Atom
// with rel="replies" and thr:total, comment feeds with thr:in-reply-to
// under another prefix).
type blogServer struct {
	*httptest.Server
	mu       sync.Mutex
	comments []string // WordPress comment items, newest first
	requests map[string]*atomic.Int32
}

func (b *blogServer) hits(path string) int32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c := b.requests[path]; c != nil {
		return c.Load()
	}
	return 0
}

const wpComment = `<item><title>By: %[2]s</title><link>%[1]s/2017/05/lng/#comment-%[3]d</link>
<dc:creator><![CDATA[%[2]s]]></dc:creator><pubDate>Sat, 27 May 2017 1%[3]d:00:00 +0000</pubDate>
<guid isPermaLink="false">%[1]s/?p=7#comment-%[3]d</guid>%[4]s
<description>%[5]s</description><content:encoded><![CDATA[<p>%[5]s</p>]]></content:encoded></item>`

func newBlogServer(t *testing.T) *blogServer {
	b := &blogServer{requests: map[string]*atomic.Int32{}}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		if b.requests[r.URL.Path] == nil {
			b.requests[r.URL.Path] = &atomic.Int32{}
		}
		b.requests[r.URL.Path].Add(1)
		comments := strings.Join(b.comments, "\n")
		b.mu.Unlock()
		var body, ctype string
		switch r.URL.Path {
		case "/feed/":
			ctype, body = "application/rss+xml", fmt.Sprintf(`<?xml version="1.0"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>A WordPress Blog</title><link>%[1]s/</link>
<item><title>LNG exports could blunt Russia's gas weapon</title><link>%[1]s/2017/05/lng/</link>
<guid isPermaLink="false">%[1]s/?p=7</guid><pubDate>Sat, 27 May 2017 09:00:00 +0000</pubDate>
<category>Energy</category><description>Why LNG matters in the Ukraine crisis.</description>
<comments>%[1]s/2017/05/lng/#comments</comments>
<wfw:commentRss>/2017/05/lng/feed/</wfw:commentRss><slash:comments>%[2]d</slash:comments></item>
<item><title>A post nobody can comment on</title><link>%[1]s/2017/05/quiet/</link>
<guid isPermaLink="false">%[1]s/?p=8</guid><pubDate>Sat, 27 May 2017 08:00:00 +0000</pubDate></item>
</channel></rss>`, b.URL, len(b.comments))
		case "/2017/05/lng/feed/":
			ctype, body = "application/rss+xml", `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Comments on: LNG exports could blunt Russia's gas weapon</title>`+comments+`</channel></rss>`
		case "/blogger.atom":
			ctype, body = "application/atom+xml", fmt.Sprintf(`<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">
<id>tag:blogger.com,1999:blog-1</id><title>A Blogger Blog</title><updated>2017-05-27T12:00:00Z</updated>
<entry><id>tag:blogger.com,1999:blog-1.post-100</id><title>Sanctions on Russia could backfire</title>
<published>2017-05-27T10:00:00Z</published><updated>2017-05-27T10:00:00Z</updated>
<link rel="alternate" type="text/html" href="%[1]s/2017/05/sanctions.html"/>
<link rel="replies" type="application/atom+xml" href="%[1]s/feeds/100/comments/default"/>
<link rel="replies" type="text/html" href="%[1]s/2017/05/sanctions.html#comment-form"/>
<thr:total>2</thr:total><author><name>Blogger Author</name></author><content type="html">A post.</content></entry>
</feed>`, b.URL)
		case "/feeds/100/comments/default":
			ctype, body = "application/atom+xml", fmt.Sprintf(`<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:t="http://purl.org/syndication/thread/1.0" xmlns:thr="http://example.com/not-threading">
<id>tag:blogger.com,1999:blog-1.post100..comments</id><title>Comments</title><updated>2017-05-27T12:00:00Z</updated>
<entry><id>tag:blogger.com,1999:blog-1.post-202</id><published>2017-05-27T11:30:00Z</published><updated>2017-05-27T11:30:00Z</updated>
<title>I agree</title><content type="html">I agree with &lt;b&gt;Ann&lt;/b&gt;.&lt;br /&gt;&lt;br /&gt;Mostly.</content>
<link rel="alternate" type="text/html" href="%[1]s/2017/05/sanctions.html?showComment=202#c202"/>
<author><name>Bob</name></author>
<t:in-reply-to ref="tag:blogger.com,1999:blog-1.post-201" href="%[1]s/2017/05/sanctions.html?showComment=201#c201"/>
<thr:in-reply-to ref="tag:blogger.com,1999:blog-1.post-100"/></entry>
<entry><id>tag:blogger.com,1999:blog-1.post-201</id><published>2017-05-27T11:00:00Z</published><updated>2017-05-27T11:00:00Z</updated>
<title>Backfire how?</title><content type="html">Backfire how? &lt;script&gt;alert(1)&lt;/script&gt;</content>
<link rel="alternate" type="text/html" href="%[1]s/2017/05/sanctions.html?showComment=201#c201"/>
<author><name>Ann</name></author>
<t:in-reply-to ref="tag:blogger.com,1999:blog-1.post-100" href="%[1]s/2017/05/sanctions.html"/></entry>
</feed>`, b.URL)
		default:
			http.NotFound(w, r)
			return
		}
		// A validator per content: a comment feed that did not change
		// answers 304.
		etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "max-age=1")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Write([]byte(body))
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *blogServer) addComment(author string, n int, inReplyTo int, text string) {
	thr := ""
	if inReplyTo > 0 {
		thr = fmt.Sprintf(`<thr:in-reply-to xmlns:thr="http://purl.org/syndication/thread/1.0" ref="%s/?p=7#comment-%d"/>`, b.URL, inReplyTo)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.comments = append([]string{fmt.Sprintf(wpComment, b.URL, author, n, thr, text)}, b.comments...)
}

// TestPollCommentFeeds: polling a blog's feed finds each post's comment
// feed and polls it in the same cycle; the comments are stored under the
// post with their parents from thr:in-reply-to (by namespace, not
// prefix); a comment feed is polled again when the post's comment count
// changes, not on every poll of the feed.
func TestPollCommentFeeds(t *testing.T) {
	blog := newBlogServer(t)
	blog.addComment("Ann", 1, 0, "Exports take years to build.")
	blog.addComment("Bob", 2, 1, "@Ann: not in Lithuania.")
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "n.db")
	cmd := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(ctx, append(args, "--db", db), []string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errb.String())
		}
		return out.String()
	}
	cmd("sources", "add", blog.URL+"/feed/")
	cmd("sources", "add", blog.URL+"/blogger.atom")
	out := cmd("poll", "--once", "--min-interval", "1ms")
	for _, want := range []string{"/feed/: 200, items: 2 new", "/blogger.atom: 200, items: 1 new",
		"/2017/05/lng/feed/: 200, comments: 2 new", "/feeds/100/comments/default: 200, comments: 2 new"} {
		if !strings.Contains(out, want) {
			t.Fatalf("first poll: no %q in\n%s", want, out)
		}
	}
	wp := readPost(t, db, "lng-exports-could-blunt-russias-gas-weapon")
	if got := commentTree(wp); got != "1 Ann; 2 Bob<1" {
		t.Fatalf("WordPress comments: %s", got)
	}
	if wp.URL != blog.URL+"/2017/05/lng/" || wp.StoryKey == "" || len(wp.Topics) != 1 || wp.Topics[0].Name != "Energy" {
		t.Errorf("WordPress post: URL %q, story %q, topics %+v", wp.URL, wp.StoryKey, wp.Topics)
	}
	if c := wp.Comments[0]; !c.FirstSeen.Equal(time.Date(2017, 5, 27, 11, 0, 0, 0, time.UTC)) ||
		c.URL != blog.URL+"/2017/05/lng/#comment-1" || feedsText(c.Body) != "Exports take years to build." {
		t.Errorf("first comment: %+v", c)
	}
	bl := readPost(t, db, "sanctions-on-russia-could-backfire")
	if got := commentTree(bl); got != "1 Ann; 2 Bob<1" {
		t.Fatalf("Blogger comments (thr bound to t:, a decoy thr: ignored): %s", got)
	}
	if text := feedsText(bl.Comments[0].Body); strings.Contains(text, "alert") || !strings.Contains(text, "Backfire how?") {
		t.Errorf("comment body not cleaned: %q", text)
	}
	if got := feedsText(bl.Comments[1].Body); got != "I agree with Ann.\n\nMostly." {
		t.Errorf("Blogger comment paragraphs: %q", got)
	}

	// The feeds again, unchanged (304): the comment feeds are not fetched.
	time.Sleep(1100 * time.Millisecond)
	before := blog.hits("/2017/05/lng/feed/")
	out = cmd("poll", "--once", "--min-interval", "1ms")
	if !strings.Contains(out, "/feed/: 304") || blog.hits("/2017/05/lng/feed/") != before {
		t.Fatalf("second poll fetched the comment feed (%d → %d):\n%s", before, blog.hits("/2017/05/lng/feed/"), out)
	}
	// A new comment: the post's count changes, so its comment feed is
	// fetched in the same cycle.
	blog.addComment("Cy", 3, 2, "Lithuania has a terminal.")
	time.Sleep(1100 * time.Millisecond)
	out = cmd("poll", "--once", "--min-interval", "1ms")
	if !strings.Contains(out, "/2017/05/lng/feed/: 200, comments: 1 new, 0 updated, 2 unchanged") {
		t.Fatalf("third poll:\n%s", out)
	}
	if got := commentTree(readPost(t, db, wp.Slug)); got != "1 Ann; 2 Bob<1; 3 Cy<2" {
		t.Fatalf("after a new comment: %s", got)
	}
	// The posts are years old: their comment feeds wait for a new count.
	if out := cmd("sources", "list"); strings.Count(out, "on a new comment count") != 2 {
		t.Errorf("old posts' comment feeds are scheduled:\n%s", out)
	}
	checkServedCommentFeeds(t, db, wp.Slug)
	// Comment feeds are not subscriptions: export lists the two feeds.
	if out := cmd("sources", "export"); strings.Count(out, "xmlUrl=") != 2 {
		t.Errorf("export:\n%s", out)
	}
	// Removing a feed removes the comment feeds found in it.
	cmd("sources", "remove", blog.URL+"/feed/")
	if out := cmd("sources", "list"); strings.Contains(out, "/2017/05/lng/feed/") {
		t.Errorf("comment feed of a removed feed still listed:\n%s", out)
	}
}

func readPost(t *testing.T, path, slug string) *model.Post {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.Post(context.Background(), slug)
	if err != nil {
		t.Fatalf("post %s: %v", slug, err)
	}
	return p
}

// commentTree renders comments as "number author<parent" in order.
func commentTree(p *model.Post) string {
	var parts []string
	for _, c := range p.Comments {
		s := fmt.Sprintf("%d %s", c.Number, c.Author)
		if c.Parent != 0 {
			s += fmt.Sprintf("<%d", c.Parent)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// feedsText joins blocks' text with blank lines.
func feedsText(blocks []model.Block) string {
	var parts []string
	for _, b := range blocks {
		parts = append(parts, b.Text)
	}
	return strings.Join(parts, "\n\n")
}

// checkServedCommentFeeds serves the database and checks a polled post's
// comment feed and a thread feed with the real validators: jing against
// the Atom grammar, xmllint, and feedparser's entry counts; the Atom thread
// feed carries thr:in-reply-to for the reply.
func checkServedCommentFeeds(t *testing.T, db, slug string) {
	t.Helper()
	d := startDaemon(t, "--db", db, "--poll-check", "0")
	schema := feedcheck.SchemaPath(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		path    string
		entries int
	}{
		{"/posts/" + slug + "/comments.atom", 3},
		{"/posts/" + slug + "/comments.rss", 3},
		{"/posts/" + slug + "/threads/2.atom", 2},
	} {
		resp, body := d.get(t, tc.path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, resp.StatusCode)
		}
		file := filepath.Join(dir, strings.NewReplacer("/", "_").Replace(tc.path))
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		feedcheck.Xmllint(t, file)
		if strings.HasSuffix(tc.path, ".atom") {
			feedcheck.Jing(t, schema, file)
		}
		feedcheck.Feedparser(t, file, tc.entries)
		if tc.path == "/posts/"+slug+"/threads/2.atom" && !bytes.Contains(body, []byte("thr:in-reply-to")) {
			t.Errorf("thread feed without thr:in-reply-to:\n%s", body)
		}
	}
}
