package main

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newswire/newswire/internal/feedcheck"
)

// screenshotsEnv names an environment variable that, when set, is the
// directory TestBrowserPages keeps its screenshots in (a temporary one
// otherwise).
const screenshotsEnv = "NEWSWIRE_SCREENSHOTS"

// browserTimeout bounds one run of chromium, so that a hung browser fails
// the test instead of hanging it.
const browserTimeout = 60 * time.Second

// browserPage is a page TestBrowserPages loads, and what it must show.
type browserPage struct {
	name  string
	path  string
	title string   // part of its <title>
	feeds []string // the feeds it offers, as paths without extension
	// nested lists comments (numbers) as {reply, parent}: the reply must
	// be nested in its parent's list item, and indented to its right.
	nested [][2]int
	// comments, when set, is every comment the page shows.
	comments []int
}

// TestBrowserPages serves the seeds and loads each kind of HTML page (the
// index, a post, a thread, a topic, a story, the stories list) in Debian's
// chromium, headless: in the DOM chromium built it checks the title, the
// autodiscovery links and subscribe links of every feed format, and that
// replies are nested in their parent's element; through a proxy that adds
// a measuring script it checks that chromium's layout indents each reply
// to the right of its parent, on a wide and a phone-sized window; and it
// takes a screenshot of each page, which must decode and not be blank.
// Screenshots go to $NEWSWIRE_SCREENSHOTS when set.
func TestBrowserPages(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		feedcheck.Missing(t, "chromium not installed (apt-get install chromium): %v", err)
	}
	seeds := feedcheck.SharedPath(t, "seeds")
	shots := os.Getenv(screenshotsEnv)
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	b := &browser{bin: bin, home: t.TempDir()}
	start := time.Now()
	d := startDaemon(t, "--db", filepath.Join(t.TempDir(), "n.db"), "--seeds", seeds)

	const wordpress = "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"
	post := "/posts/" + wordpress
	story := "/stories/" + storyKeyWith(t, d, "New York Times")
	pages := []browserPage{
		{name: "index", path: "/", title: "newswire", feeds: []string{"/posts", "/stories"}},
		{
			name: "post", path: post, title: "Kushner and Other Senior Trump Officials Used WhatsApp",
			feeds:  []string{post + "/comments"},
			nested: [][2]int{{36, 35}, {37, 36}, {38, 37}, {9, 6}, {34, 6}, {23, 21}, {21, 18}, {18, 16}, {16, 15}},
		},
		{
			name: "thread", path: post + "/threads/35", title: "Thread of comment 35 by Andy",
			feeds:    []string{post + "/threads/35"},
			nested:   [][2]int{{36, 35}, {37, 36}, {38, 37}},
			comments: []int{35, 36, 37, 38},
		},
		{name: "topic", path: "/topics/us-politics", title: "US Politics", feeds: []string{"/topics/us-politics"}},
		{name: "story", path: story, title: "Jared Kushner wanted secret communications channel", feeds: []string{story}},
		{name: "stories", path: "/stories", title: "Stories", feeds: []string{"/stories"}},
	}

	measure := measuringProxy(t, d.base)
	for _, pg := range pages {
		t.Run(pg.name, func(t *testing.T) {
			dom := b.dumpDOM(t, d.base+pg.path, "1200,1600")
			checkBrowserDOM(t, d.base, pg, dom)
			if len(pg.nested) > 0 {
				for _, size := range []string{"1200,1600", "390,844"} {
					checkIndentation(t, pg, size, b.dumpDOM(t, measure.URL+pg.path, size))
				}
			}
			shot := filepath.Join(shots, pg.name+".png")
			b.screenshot(t, d.base+pg.path, shot, "1200,1600")
			checkScreenshot(t, shot, 1200, 1600)
		})
	}
	t.Logf("chromium loaded %d pages in %v; screenshots in %s", len(pages), time.Since(start).Round(time.Millisecond), shots)
}

// browser runs chromium headless, each run with a fresh profile.
type browser struct {
	bin  string
	home string // HOME and the profiles
}

func (b *browser) dumpDOM(t *testing.T, url, size string) *html.Node {
	t.Helper()
	out := b.run(t, "--window-size="+size, "--dump-dom", url)
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("chromium's DOM of %s: %v", url, err)
	}
	return doc
}

func (b *browser) screenshot(t *testing.T, url, file, size string) {
	t.Helper()
	b.run(t, "--window-size="+size, "--screenshot="+file, url)
}

// run runs chromium with args and returns its standard output. The run
// fails the test when chromium fails or takes longer than browserTimeout;
// chromium's processes are killed as a group either way.
func (b *browser) run(t *testing.T, args ...string) []byte {
	t.Helper()
	profile, err := os.MkdirTemp(b.home, "profile-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
		"--user-data-dir=" + profile}, args...)
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+b.home,
		"XDG_CONFIG_HOME="+filepath.Join(b.home, ".config"), "XDG_CACHE_HOME="+filepath.Join(b.home, ".cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // helpers left behind, if any
	}
	if ctx.Err() != nil {
		t.Fatalf("chromium %s: no answer in %v\n%s", strings.Join(args, " "), browserTimeout, lastLines(stderr.String(), 20))
	}
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, lastLines(stderr.String(), 20))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// checkBrowserDOM checks the DOM chromium built for a page: its title, an
// autodiscovery link and a subscribe link for every format of its feeds,
// no script, and comments nested under the ones they reply to, with
// reply links to those.
func checkBrowserDOM(t *testing.T, base string, pg browserPage, doc *html.Node) {
	t.Helper()
	head, body := domFirst(doc, atom.Head), domFirst(doc, atom.Body)
	if head == nil || body == nil {
		t.Fatal("no <head> or <body>")
	}
	if title := domFirst(head, atom.Title); title == nil || !strings.Contains(domText(title), pg.title) {
		t.Errorf("<title> does not name %q", pg.title)
	}
	if domFirst(body, atom.H1) == nil {
		t.Error("no <h1>")
	}
	if s := domAll(doc, atom.Script); len(s) > 0 {
		t.Errorf("%d <script> elements", len(s))
	}
	alternates := map[string]string{} // href → type
	for _, l := range domAll(head, atom.Link) {
		if domAttr(l, "rel") == "alternate" {
			alternates[domAttr(l, "href")] = domAttr(l, "type")
			if domAttr(l, "title") == "" {
				t.Errorf("alternate %s has no title", domAttr(l, "href"))
			}
		}
	}
	subscribe := map[string]string{} // href → type
	for _, a := range domAll(body, atom.A) {
		subscribe[domAttr(a, "href")] = domAttr(a, "type")
	}
	want := 0
	for _, path := range pg.feeds {
		for ext, mediaType := range map[string]string{"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"} {
			url := base + path + "." + ext
			want++
			if alternates[url] != mediaType {
				t.Errorf(`no <link rel="alternate" type=%q href=%q> (alternates: %v)`, mediaType, url, alternates)
			}
			if subscribe[url] != mediaType {
				t.Errorf(`no subscribe link <a href=%q type=%q>`, url, mediaType)
			}
		}
	}
	if len(alternates) != want {
		t.Errorf("%d autodiscovery links, want %d: %v", len(alternates), want, alternates)
	}

	shown := domComments(doc)
	if pg.comments != nil {
		var got []int
		for id := range shown {
			n, _ := strconv.Atoi(strings.TrimPrefix(id, "comment-"))
			got = append(got, n)
		}
		if slices.Sort(got); !slices.Equal(got, pg.comments) {
			t.Errorf("comments %v, want %v", got, pg.comments)
		}
	}
	for _, pair := range pg.nested {
		reply, parent := anchor(pair[0]), anchor(pair[1])
		if under, ok := shown[reply]; !ok || under != parent {
			t.Errorf("%s is nested under %q, want %s", reply, under, parent)
			continue
		}
		var replyTo []string
		for _, a := range domAll(domByID(doc, reply), atom.A) {
			if domHasClass(a, "reply-to") {
				replyTo = append(replyTo, domAttr(a, "href"))
			}
		}
		if !slices.Equal(replyTo, []string{"#" + parent}) || domByID(doc, parent) == nil {
			t.Errorf("%s: reply links %v, want #%s", reply, replyTo, parent)
		}
	}
}

func anchor(n int) string { return "comment-" + strconv.Itoa(n) }

// measureScript records where chromium laid out each comment and how wide
// the page is, as attributes --dump-dom shows.
const measureScript = `<script>
document.documentElement.setAttribute("data-width", document.documentElement.clientWidth);
for (const a of document.querySelectorAll("article.comment")) {
  const r = a.getBoundingClientRect();
  a.setAttribute("data-left", Math.round(r.left));
  a.setAttribute("data-right", Math.round(r.right));
}
</script>
`

// measuringProxy serves the daemon's pages with measureScript added at
// the end of the body (the pages have no script of their own).
func measuringProxy(t *testing.T, base string) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(base + r.URL.Path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		page, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			http.Error(w, fmt.Sprintf("%s: %v", resp.Status, err), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.Write(bytes.Replace(page, []byte("</body>"), []byte(measureScript+"</body>"), 1))
	}))
	t.Cleanup(ts.Close)
	return ts
}

// checkIndentation checks chromium's layout of a page at a window size:
// each reply starts to the right of its parent, top-level comments all
// start at the same place, and no comment runs past the window.
func checkIndentation(t *testing.T, pg browserPage, size string, doc *html.Node) {
	t.Helper()
	width, err := strconv.Atoi(domAttr(domFirst(doc, atom.Html), "data-width"))
	if err != nil {
		t.Fatalf("%s: the page was not measured: %v", size, err)
	}
	left := map[string]int{}
	tops := map[int]bool{}
	for id, under := range domComments(doc) {
		a := domByID(doc, id)
		l, err1 := strconv.Atoi(domAttr(a, "data-left"))
		r, err2 := strconv.Atoi(domAttr(a, "data-right"))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %s not measured", size, id)
		}
		left[id] = l
		if under == "" {
			tops[l] = true
		}
		if r > width {
			t.Errorf("%s: %s ends at %dpx, past the page (%dpx)", size, id, r, width)
		}
	}
	if len(tops) != 1 {
		t.Errorf("%s: top-level comments start at %v, want one place", size, tops)
	}
	for _, pair := range pg.nested {
		reply, parent := anchor(pair[0]), anchor(pair[1])
		if left[reply] < left[parent]+8 {
			t.Errorf("%s: %s starts at %dpx, not indented from %s at %dpx", size, reply, left[reply], parent, left[parent])
		}
	}
}

// checkScreenshot checks that file is a PNG of the window's size with
// something drawn on it: more than one colour, and more than 1% of the
// pixels not the background's.
func checkScreenshot(t *testing.T, file string, width, height int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	counts := map[color.RGBA]int{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	background := 0
	for _, n := range counts {
		background = max(background, n)
	}
	total := bounds.Dx() * bounds.Dy()
	if drawn := total - background; len(counts) < 2 || drawn*100 < total {
		t.Errorf("screenshot %s looks blank: %d colours, %d of %d pixels drawn", file, len(counts), drawn, total)
	}
}

// Helpers over the DOM (golang.org/x/net/html).

func domAttr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func domHasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(domAttr(n, "class")), class)
}

func domFind(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n == nil {
		return nil
	}
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

func domAll(n *html.Node, a atom.Atom) []*html.Node {
	return domFind(n, func(d *html.Node) bool { return d.DataAtom == a })
}

func domFirst(n *html.Node, a atom.Atom) *html.Node {
	if all := domAll(n, a); len(all) > 0 {
		return all[0]
	}
	return nil
}

func domByID(n *html.Node, id string) *html.Node {
	if all := domFind(n, func(d *html.Node) bool { return domAttr(d, "id") == id }); len(all) > 0 {
		return all[0]
	}
	return nil
}

func domText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// domComments maps the id of every comment (article.comment) to the id of
// the comment whose list item holds it: "" at the top level, "?" outside
// the <li><article/><ol class="comments">…</ol></li> structure.
func domComments(doc *html.Node) map[string]string {
	out := map[string]string{}
	for _, a := range domFind(doc, func(d *html.Node) bool { return d.DataAtom == atom.Article && domHasClass(d, "comment") }) {
		out[domAttr(a, "id")] = domNestedUnder(a)
	}
	return out
}

func domNestedUnder(a *html.Node) string {
	li := a.Parent
	if li == nil || li.DataAtom != atom.Li || li.Parent == nil || li.Parent.DataAtom != atom.Ol || !domHasClass(li.Parent, "comments") {
		return "?"
	}
	outer := li.Parent.Parent
	if outer == nil || outer.DataAtom != atom.Li {
		return ""
	}
	for c := outer.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Article && domHasClass(c, "comment") {
			return domAttr(c, "id")
		}
	}
	return "?"
}
