package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"
	"github.com/newswire/newswire/internal/web"
)

// TestNewsboatReadsEveryFeed has newsboat (`newsboat -x reload`, then its
// cache database) read every feed the seeds make — everything /opml lists,
// every comment's thread feed and every story's feed, in each format
// newsboat reads — and checks against the JSON API that it stores each
// feed, every entry once, with the right titles and authors. A reply
// ingested afterwards by a separate `newswire ingest` must then arrive once
// in its comments feed and in every thread feed above it, and nothing else
// may come back.
//
// Newsboat keys items by GUID across all feeds: an item served by two
// feeds (a comment in its post's comments feed and in its thread's feed,
// in Atom and in RSS) is stored once and belongs to whichever feed was
// read last (newsboat/newsboat#210, #898). So one cache subscribed to
// everything shows what a reader sees — each entry exactly once — but
// cannot tell which feed served what. Per-feed contents are therefore
// checked in further caches, each subscribed to feeds that share no entry,
// reloaded side by side.
func TestNewsboatReadsEveryFeed(t *testing.T) {
	bin, err := exec.LookPath("newsboat")
	if err != nil {
		feedcheck.Missing(t, "newsboat not installed: %v", err)
	}
	const slug = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"
	seeds, dump := t.TempDir(), ""
	shared := feedcheck.SharedPath(t, "seeds")
	names, err := filepath.Glob(filepath.Join(shared, "*.txt"))
	if err != nil || len(names) != 2 {
		t.Fatalf("seeds: %v %v", names, err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(seeds, filepath.Base(name))
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(filepath.Base(name), "004_") {
			dump = path // the WordPress-style post
		}
	}
	db := filepath.Join(t.TempDir(), "n.db")
	d := startDaemon(t, "--db", db, "--seeds", seeds, "--poll-check", "0")
	waitForPosts(t, d, 2)

	work := t.TempDir()
	formats := []string{"atom", "rss"}
	if nbReadsJSONFeed(t, bin, d, filepath.Join(work, "probe")) {
		formats = append(formats, "json")
	} else {
		t.Logf("%s reads no JSON Feed (newsboat/newsboat#426): checking Atom and RSS", nbVersion(bin))
	}

	site := nbReadSite(t, d)
	feeds := nbFeeds(t, d, site, formats)
	groups := nbDisjoint(feeds)
	all := &nbCache{name: "all", dir: filepath.Join(work, "all"), feeds: feeds}
	caches := []*nbCache{all}
	for i, g := range groups {
		caches = append(caches, &nbCache{name: fmt.Sprintf("group%d", i+1), dir: filepath.Join(work, fmt.Sprintf("group%d", i+1)), feeds: g})
	}
	start := time.Now()
	nbReload(t, bin, caches)
	t.Logf("newsboat read %d feeds (%d entries) in one cache and in %d caches of feeds sharing no entry: %v",
		len(feeds), nbEntryCount(feeds), len(groups), time.Since(start).Round(time.Millisecond))

	before := make([]nbState, len(caches))
	for i, c := range caches {
		before[i] = c.read(t)
		if i == 0 {
			c.checkEachOnce(t, before[i])
		} else {
			c.checkFeeds(t, before[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// A reader reads everything; then another process adds comment 39, a
	// reply to Matt (comment 38, at the bottom of the thread of 35).
	for _, c := range caches {
		c.markRead(t)
	}
	f, err := os.OpenFile(dump, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n  39. Andy says:\n\n    @Matt: Read the inspector general's report, it is all in there.\n\n    2\n")
	f.Close()
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"ingest", "--db", db, dump}, []string{"NEWSWIRE_LOG_LEVEL=error"}, &out, &errb); err != nil {
		t.Fatalf("ingest: %v %s", err, errb.String())
	}
	var site2 *nbSite
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		site2 = nbReadSite(t, d)
		if len(site2.post(t, slug).Comments) == 39 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon never served comment 39:\n%s", d.log)
		}
	}

	// What the API says changed: one comment, by Andy, replying to Matt.
	p2 := site2.post(t, slug)
	reply := p2.Comments[len(p2.Comments)-1]
	if reply.Number != 39 || reply.Author != "Andy" || reply.Parent == nil {
		t.Fatalf("new comment: %+v", reply)
	}
	if parent, ok := p2.comment(*reply.Parent); !ok || parent.Author != "Matt" {
		t.Fatalf("comment 39 replies to %+v, want a comment by Matt", parent)
	}
	// The feeds it belongs to: its post's comments feed and the thread
	// feed of each comment above it, up to its thread's root.
	gaining := map[string]bool{}
	for _, ext := range formats {
		gaining[p2.Feeds.url(ext)] = true
		for n := *reply.Parent; n != 0; {
			c, _ := p2.comment(n)
			gaining[c.Feeds.url(ext)] = true
			n = 0
			if c.Parent != nil {
				n = *c.Parent
			}
		}
	}
	if len(gaining) != 5*len(formats) { // comments, threads 35, 36, 37, 38
		t.Errorf("comment 39 belongs to %d feeds: %v", len(gaining), slices.Sorted(maps.Keys(gaining)))
	}
	newFeeds := map[string]*nbFeed{}
	for _, f := range nbFeeds(t, d, site2, formats) {
		newFeeds[f.url] = f
	}
	for _, f := range feeds {
		g := newFeeds[f.url]
		if g == nil {
			t.Fatalf("%s is no longer served", f.url)
		}
		var gained, lost []string
		for guid := range g.items {
			if _, ok := f.items[guid]; !ok {
				gained = append(gained, guid)
			}
		}
		for guid := range f.items {
			if _, ok := g.items[guid]; !ok {
				lost = append(lost, guid)
			}
		}
		if want := gaining[f.url]; len(lost) > 0 || want && !slices.Equal(gained, []string{reply.ID}) || !want && len(gained) > 0 {
			t.Errorf("%s: after the ingest the API puts %v in it and takes %v out; want only %s added when it is one of %d feeds of comment 39",
				f.url, gained, lost, reply.ID, len(gaining))
		}
	}
	// Every feed holding comment 39 holds its parent too, so they were
	// already in different groups: each group cache gets it at most once.
	for _, c := range caches {
		for i, f := range c.feeds {
			c.feeds[i] = newFeeds[f.url]
		}
	}
	start = time.Now()
	nbReload(t, bin, caches)
	t.Logf("reloaded every cache after the ingest: %v", time.Since(start).Round(time.Millisecond))

	for i, c := range caches {
		after := c.read(t)
		if i == 0 {
			c.checkEachOnce(t, after)
		} else {
			c.checkFeeds(t, after)
		}
		c.checkOnlyNew(t, before[i], after, reply.ID, gaining)
	}
}

// nbVersion is the first line of `newsboat --version`.
func nbVersion(bin string) string {
	out, _ := exec.Command(bin, "--version").Output()
	first, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(first)
}

// nbReadsJSONFeed has newsboat read /posts.json: whether it stores it.
func nbReadsJSONFeed(t *testing.T, bin string, d *daemon, dir string) bool {
	t.Helper()
	c := &nbCache{name: "probe", dir: dir, feeds: []*nbFeed{{url: d.base + "/posts.json"}}}
	nbReload(t, bin, []*nbCache{c})
	_, ok := c.read(t).feeds[d.base+"/posts.json"]
	return ok
}

// The JSON API, as much of it as the test reads.

type nbAPIFeeds struct {
	Atom string `json:"atom"`
	RSS  string `json:"rss"`
	JSON string `json:"json"`
}

func (f nbAPIFeeds) url(ext string) string {
	switch ext {
	case "atom":
		return f.Atom
	case "rss":
		return f.RSS
	}
	return f.JSON
}

type nbAPIComment struct {
	Number int        `json:"number"`
	ID     string     `json:"id"`
	Author string     `json:"author"`
	Parent *int       `json:"parent"`
	Feeds  nbAPIFeeds `json:"feeds"`
}

type nbAPIPost struct {
	Slug   string `json:"slug"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Author string `json:"author"`
	URL    string `json:"url"`
	Topics []struct {
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"topics"`
	CommentCount int            `json:"comment_count"`
	Feeds        nbAPIFeeds     `json:"feeds"`
	Comments     []nbAPIComment `json:"comments"`
}

func (p *nbAPIPost) comment(n int) (nbAPIComment, bool) {
	i := slices.IndexFunc(p.Comments, func(c nbAPIComment) bool { return c.Number == n })
	if i < 0 {
		return nbAPIComment{}, false
	}
	return p.Comments[i], true
}

type nbAPIStory struct {
	ID    string     `json:"id"`
	Key   string     `json:"key"`
	Title string     `json:"title"`
	Feeds nbAPIFeeds `json:"feeds"`
	Items []struct {
		ID     string  `json:"id"`
		Title  string  `json:"title"`
		URL    *string `json:"url"`
		Outlet *string `json:"outlet"`
	} `json:"items"`
}

// nbSite is what the API serves: every post with its comments, and every
// story.
type nbSite struct {
	posts   []*nbAPIPost
	stories []nbAPIStory
}

func (s *nbSite) post(t *testing.T, slug string) *nbAPIPost {
	t.Helper()
	for _, p := range s.posts {
		if p.Slug == slug {
			return p
		}
	}
	t.Fatalf("the API lists no post %s", slug)
	return nil
}

func nbAPI(t *testing.T, d *daemon, path string, v any) {
	t.Helper()
	resp, body := d.get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s\n%s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", path, err, body)
	}
}

func nbReadSite(t *testing.T, d *daemon) *nbSite {
	t.Helper()
	var list struct {
		Posts []nbAPIPost `json:"posts"`
	}
	nbAPI(t, d, "/api/posts", &list)
	site := &nbSite{}
	for _, summary := range list.Posts {
		var p nbAPIPost
		nbAPI(t, d, "/api/posts/"+summary.Slug, &p)
		p.URL = summary.URL
		if len(p.Comments) != p.CommentCount {
			t.Fatalf("/api/posts/%s: %d comments, comment_count %d", p.Slug, len(p.Comments), p.CommentCount)
		}
		site.posts = append(site.posts, &p)
	}
	for path := "/api/stories"; path != ""; {
		var page struct {
			Stories []nbAPIStory `json:"stories"`
			Next    *string      `json:"next"`
		}
		nbAPI(t, d, path, &page)
		site.stories = append(site.stories, page.Stories...)
		path = ""
		if page.Next != nil {
			path = strings.TrimPrefix(*page.Next, d.base)
		}
	}
	return site
}

// nbItem is what newsboat should store of one entry.
type nbItem struct {
	title       string
	author      string
	checkAuthor bool // false: the API does not say who the author is
}

// nbFeed is one feed URL and what it serves, from the API.
type nbFeed struct {
	url   string
	title string // the feed's own title, or "" when any will do
	items map[string]nbItem
}

// nbFeeds lists every feed, in each format, with what the API says it
// serves: what /opml lists (posts, stories, each post's comments, topics),
// each comment's thread feed and each story's feed. Comment feeds are
// RFC 5005 archived feeds: newsboat reads the subscription document, the
// last block of web.DefaultPageSize comments by number.
func nbFeeds(t *testing.T, d *daemon, site *nbSite, formats []string) []*nbFeed {
	t.Helper()
	var out []*nbFeed
	add := func(f nbAPIFeeds, title string, items map[string]nbItem) {
		for _, ext := range formats {
			out = append(out, &nbFeed{url: f.url(ext), title: title, items: items})
		}
	}
	_, opml := d.get(t, "/opml")
	listed := map[string]bool{}
	for _, u := range opmlFeeds(t, opml) {
		if !strings.HasSuffix(u, ".atom") {
			t.Errorf("OPML lists %s, want the Atom feed", u)
		}
		listed[strings.TrimSuffix(u, ".atom")] = true
	}
	opmlFeed := func(f nbAPIFeeds) nbAPIFeeds {
		base := strings.TrimSuffix(f.Atom, ".atom")
		if !listed[base] {
			t.Errorf("OPML does not list %s", f.Atom)
		}
		delete(listed, base)
		return f
	}
	top := func(path string) nbAPIFeeds {
		return opmlFeed(nbAPIFeeds{d.base + path + ".atom", d.base + path + ".rss", d.base + path + ".json"})
	}
	postItem := func(p *nbAPIPost) nbItem { return nbItem{title: p.Title, author: p.Author, checkAuthor: true} }

	items := map[string]nbItem{}
	for _, p := range site.posts {
		items[p.ID] = postItem(p)
	}
	add(top("/posts"), "", items)

	items = map[string]nbItem{}
	for _, s := range site.stories {
		items[s.ID] = nbItem{title: s.Title} // one outlet's story names it as author, several none
	}
	add(top("/stories"), "", items)

	topics := map[string]map[string]nbItem{}
	for _, p := range site.posts {
		for _, tp := range p.Topics {
			if topics[tp.Slug] == nil {
				topics[tp.Slug] = map[string]nbItem{}
			}
			topics[tp.Slug][p.ID] = postItem(p)
		}
	}
	// The seeds file no polled news item under a topic: topic feeds hold
	// their posts only.
	for _, slug := range slices.Sorted(maps.Keys(topics)) {
		add(top("/topics/"+slug), "", topics[slug])
	}

	for _, p := range site.posts {
		comments := slices.Clone(p.Comments)
		slices.SortFunc(comments, func(a, b nbAPIComment) int { return a.Number - b.Number })
		add(opmlFeed(p.Feeds), "Comments on "+p.Title, nbCommentItems(p, comments))
		for _, root := range comments {
			in := map[int]bool{root.Number: true}
			var thread []nbAPIComment
			for _, c := range comments { // parents come before their replies
				if c.Number == root.Number || c.Parent != nil && in[*c.Parent] {
					in[c.Number] = true
					thread = append(thread, c)
				}
			}
			title := fmt.Sprintf("Thread of comment %d by %s on %s", root.Number, nbAuthor(root.Author), p.Title)
			add(root.Feeds, title, nbCommentItems(p, thread))
		}
	}

	for _, s := range site.stories {
		items := map[string]nbItem{}
		for _, it := range s.Items {
			want := nbItem{title: it.Title}
			if want.title == "" && it.URL != nil {
				want.title = *it.URL
			}
			if it.Outlet != nil {
				want.author, want.checkAuthor = *it.Outlet, true
			}
			for _, p := range site.posts {
				if it.URL != nil && *it.URL == p.URL && p.Author != "" {
					want.author, want.checkAuthor = p.Author, true
				}
			}
			items[it.ID] = want
		}
		add(s.Feeds, s.Title, items)
	}
	for base := range listed {
		t.Errorf("OPML lists %s.atom, which the test knows nothing of", base)
	}
	slices.SortFunc(out, func(a, b *nbFeed) int { return strings.Compare(a.url, b.url) })
	return out
}

// nbCommentItems is what a feed of comments (in number order) serves: the
// last block of its archive, each titled as the API's data says.
func nbCommentItems(p *nbAPIPost, comments []nbAPIComment) map[string]nbItem {
	size := web.DefaultPageSize
	blocks := max(1, (len(comments)+size-1)/size)
	items := map[string]nbItem{}
	for _, c := range comments[(blocks-1)*size:] {
		title := fmt.Sprintf("Comment %d by %s on %s", c.Number, nbAuthor(c.Author), p.Title)
		if c.Parent != nil {
			parent := fmt.Sprintf("comment %d", *c.Parent)
			if pc, ok := p.comment(*c.Parent); ok {
				parent = nbAuthor(pc.Author)
			}
			title = fmt.Sprintf("%s replied to %s (comment %d)", nbAuthor(c.Author), parent, c.Number)
		}
		items[c.ID] = nbItem{title: title, author: nbAuthor(c.Author), checkAuthor: true}
	}
	return items
}

// nbAuthor is how feeds name a comment's author.
func nbAuthor(name string) string {
	if name = strings.TrimSpace(name); name != "" {
		return name
	}
	return "Anonymous"
}

func nbEntryCount(feeds []*nbFeed) int {
	n := 0
	for _, f := range feeds {
		n += len(f.items)
	}
	return n
}

// nbDisjoint splits feeds into groups whose feeds share no entry, first
// fit in URL order (deterministic).
func nbDisjoint(feeds []*nbFeed) [][]*nbFeed {
	var groups [][]*nbFeed
	var taken []map[string]bool
	for _, f := range feeds {
		i := slices.IndexFunc(taken, func(guids map[string]bool) bool {
			for guid := range f.items {
				if guids[guid] {
					return false
				}
			}
			return true
		})
		if i < 0 {
			i = len(groups)
			groups, taken = append(groups, nil), append(taken, map[string]bool{})
		}
		groups[i] = append(groups[i], f)
		for guid := range f.items {
			taken[i][guid] = true
		}
	}
	return groups
}

// nbCache is one newsboat cache, with its own home, urls file and log.
type nbCache struct {
	name  string
	dir   string
	feeds []*nbFeed
}

func (c *nbCache) cache() string { return filepath.Join(c.dir, "cache.db") }
func (c *nbCache) log() string   { return filepath.Join(c.dir, "newsboat.log") }

// reload runs `newsboat -x reload` on the cache, writing its urls file
// the first time.
func (c *nbCache) reload(ctx context.Context, bin string) error {
	urls := filepath.Join(c.dir, "urls")
	if _, err := os.Stat(urls); err != nil {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			return err
		}
		var b strings.Builder
		for _, f := range c.feeds {
			b.WriteString(f.url + "\n")
		}
		if err := os.WriteFile(urls, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	cmd := exec.CommandContext(ctx, bin, "-u", urls, "-c", c.cache(), "-C", os.DevNull,
		"-d", c.log(), "-l", "4", "-x", "reload")
	cmd.Env = append(os.Environ(), "HOME="+c.dir, "XDG_CONFIG_HOME="+c.dir, "XDG_DATA_HOME="+c.dir)
	cmd.WaitDelay = 5 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: newsboat: %v (%v)\n%s", c.name, err, ctx.Err(), out)
	}
	return nil
}

// nbReload reloads every cache at once, within a minute.
func nbReload(t *testing.T, bin string, caches []*nbCache) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	errs := make([]error, len(caches))
	var wg sync.WaitGroup
	for i, c := range caches {
		wg.Go(func() { errs[i] = c.reload(ctx, bin) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// nbRow is one row of newsboat's rss_item table.
type nbRow struct {
	id                                    int64
	guid, title, author, feedURL, content string
	unread                                bool
}

func (r nbRow) String() string {
	return fmt.Sprintf("%q %q by %q (row %d)", r.guid, r.title, r.author, r.id)
}

// nbState is what a cache holds: feed titles by URL, and items.
type nbState struct {
	feeds map[string]string
	items []nbRow
}

func (c *nbCache) open(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", c.cache())
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func (c *nbCache) read(t *testing.T) nbState {
	t.Helper()
	db := c.open(t)
	defer db.Close()
	st := nbState{feeds: map[string]string{}}
	rows, err := db.Query(`SELECT rssurl, title FROM rss_feed`)
	if err != nil {
		t.Fatalf("%s: newsboat cache: %v", c.name, err)
	}
	for rows.Next() {
		var url, title string
		if err := rows.Scan(&url, &title); err != nil {
			t.Fatal(err)
		}
		st.feeds[url] = title
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows, err = db.Query(`SELECT id, guid, title, author, feedurl, content, unread FROM rss_item WHERE deleted = 0 ORDER BY id`)
	if err != nil {
		t.Fatalf("%s: newsboat cache: %v", c.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r nbRow
		if err := rows.Scan(&r.id, &r.guid, &r.title, &r.author, &r.feedURL, &r.content, &r.unread); err != nil {
			t.Fatal(err)
		}
		st.items = append(st.items, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return st
}

// markRead marks every item read, as a reader who has seen them all.
func (c *nbCache) markRead(t *testing.T) {
	t.Helper()
	db := c.open(t)
	defer db.Close()
	if _, err := db.Exec(`UPDATE rss_item SET unread = 0`); err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
}

// errors are the errors newsboat logged, for messages.
func (c *nbCache) errors() string {
	data, _ := os.ReadFile(c.log())
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "ERROR") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return "\nnewsboat logged:\n" + strings.Join(lines, "\n")
}

// checkStored: newsboat stored every feed of the cache, titled right.
func (c *nbCache) checkStored(t *testing.T, st nbState) {
	t.Helper()
	for _, f := range c.feeds {
		title, ok := st.feeds[f.url]
		switch {
		case !ok:
			t.Errorf("%s: newsboat stored no feed %s%s", c.name, f.url, c.errors())
		case title == "" || f.title != "" && title != f.title:
			t.Errorf("%s: newsboat titles %s %q, want %q", c.name, f.url, title, cmp.Or(f.title, "a title"))
		}
	}
}

// checkItem: a stored item is titled and attributed as the API says.
func checkItem(t *testing.T, where string, r nbRow, want nbItem) {
	t.Helper()
	if r.title != want.title {
		t.Errorf("%s: item %s: title %q, want %q", where, r.guid, r.title, want.title)
	}
	if want.checkAuthor && r.author != want.author {
		t.Errorf("%s: item %s (%q): author %q, want %q", where, r.guid, r.title, r.author, want.author)
	}
}

// checkEachOnce checks the cache subscribed to every feed: each entry
// any feed serves is stored exactly once, right, under a feed serving it.
func (c *nbCache) checkEachOnce(t *testing.T, st nbState) {
	t.Helper()
	c.checkStored(t, st)
	want := map[string]nbItem{}
	servedBy := map[string][]string{}
	for _, f := range c.feeds {
		for guid, it := range f.items {
			if w, ok := want[guid]; ok && w.title != it.title {
				t.Errorf("the API data gives %s two titles: %q and %q", guid, w.title, it.title)
			}
			want[guid] = it
			servedBy[guid] = append(servedBy[guid], f.url)
		}
	}
	seen := map[string]nbRow{}
	for _, r := range st.items {
		if prev, ok := seen[r.guid]; ok {
			t.Errorf("%s: newsboat shows %s twice: also as %s", c.name, r, prev)
		}
		seen[r.guid] = r
		w, ok := want[r.guid]
		if !ok {
			t.Errorf("%s: newsboat shows %s from %s, which no feed serves", c.name, r, r.feedURL)
			continue
		}
		checkItem(t, c.name, r, w)
		if !slices.Contains(servedBy[r.guid], r.feedURL) {
			t.Errorf("%s: newsboat files %s under %s, which does not serve it", c.name, r, r.feedURL)
		}
	}
	for guid := range want {
		if _, ok := seen[guid]; !ok {
			t.Errorf("%s: newsboat does not show %s (%q), served by %v", c.name, guid, want[guid].title, servedBy[guid])
		}
	}
}

// checkFeeds checks a cache of feeds sharing no entry: each feed's items
// are exactly the entries it serves, each once.
func (c *nbCache) checkFeeds(t *testing.T, st nbState) {
	t.Helper()
	c.checkStored(t, st)
	byFeed := map[string][]nbRow{}
	for _, r := range st.items {
		byFeed[r.feedURL] = append(byFeed[r.feedURL], r)
	}
	for _, f := range c.feeds {
		rows := byFeed[f.url]
		delete(byFeed, f.url)
		guids := map[string]nbRow{}
		same := map[[2]string]nbRow{}
		for _, r := range rows {
			if prev, ok := guids[r.guid]; ok {
				t.Errorf("%s: %s shows %s twice: also as %s", c.name, f.url, r, prev)
			}
			guids[r.guid] = r
			if prev, ok := same[[2]string{r.title, r.content}]; ok {
				t.Errorf("%s: %s shows the same title and content twice: %s and %s", c.name, f.url, r, prev)
			}
			same[[2]string{r.title, r.content}] = r
			want, ok := f.items[r.guid]
			if !ok {
				t.Errorf("%s: %s shows %s, which it does not serve", c.name, f.url, r)
				continue
			}
			checkItem(t, c.name+": "+f.url, r, want)
		}
		for guid, want := range f.items {
			if _, ok := guids[guid]; !ok {
				t.Errorf("%s: %s: newsboat lacks %s (%q)", c.name, f.url, guid, want.title)
			}
		}
		if len(rows) != len(f.items) {
			t.Errorf("%s: %s: newsboat stored %d items, the API says it serves %d", c.name, f.url, len(rows), len(f.items))
		}
	}
	for url, rows := range byFeed {
		t.Errorf("%s: %d items under %s, not subscribed", c.name, len(rows), url)
	}
}

// checkOnlyNew compares a cache before and after the reload that followed
// the ingest: the new comment is the only new (and only unread) item, in
// exactly the feeds it belongs to; every other item kept its row and
// stayed read, and every other feed kept its count.
func (c *nbCache) checkOnlyNew(t *testing.T, before, after nbState, newGUID string, gaining map[string]bool) {
	t.Helper()
	rows := map[string]int64{}
	for _, r := range before.items {
		rows[r.guid] = r.id
	}
	fresh := 0
	for _, r := range after.items {
		id, old := rows[r.guid]
		switch {
		case r.guid == newGUID:
			fresh++
			if !r.unread {
				t.Errorf("%s: the new comment %s is not unread", c.name, r)
			}
			if r.author != "Andy" {
				t.Errorf("%s: the new comment %s: author %q, want Andy", c.name, r, r.author)
			}
		case !old:
			t.Errorf("%s: new item %s under %s: only comment 39 is new", c.name, r, r.feedURL)
		case id != r.id:
			t.Errorf("%s: %s was stored again (row %d before): replayed", c.name, r, id)
		case r.unread:
			t.Errorf("%s: %s came back unread", c.name, r)
		}
	}
	if c.name == "all" {
		if fresh != 1 || len(after.items) != len(before.items)+1 {
			t.Errorf("%s: %d items before, %d after, comment 39 stored %d times; want one more item, once",
				c.name, len(before.items), len(after.items), fresh)
		}
		return
	}
	count := func(st nbState) map[string]int {
		n := map[string]int{}
		for _, r := range st.items {
			n[r.feedURL]++
		}
		return n
	}
	nb, na := count(before), count(after)
	for _, f := range c.feeds {
		want := nb[f.url]
		if gaining[f.url] {
			want++
		}
		if na[f.url] != want {
			t.Errorf("%s: %s: %d items before, %d after, want %d", c.name, f.url, nb[f.url], na[f.url], want)
		}
		if gaining[f.url] && !slices.ContainsFunc(after.items, func(r nbRow) bool { return r.guid == newGUID && r.feedURL == f.url }) {
			t.Errorf("%s: %s did not get comment 39", c.name, f.url)
		}
	}
}
