package opml

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func parseFile(t *testing.T, path string) ([]Outline, []error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	subs, skipped, err := Parse(path, f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return subs, skipped
}

func parseString(t *testing.T, doc string) ([]Outline, []error) {
	t.Helper()
	subs, skipped, err := Parse("test.opml", strings.NewReader(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return subs, skipped
}

func checkSubs(t *testing.T, got, want []Outline) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseOPML1(t *testing.T) {
	subs, skipped := parseFile(t, "testdata/opml1.opml")
	checkSubs(t, subs, []Outline{
		{URL: "https://go.dev/blog/feed.atom", Title: "Go Blog", HTMLURL: "https://go.dev/blog/"},
		{URL: "https://lwn.net/headlines/rss", Title: "LWN", Topic: "News"},
		{URL: "http://feeds.arstechnica.com/arstechnica/index", Title: "Ars", Topic: "News"},
	})
	if len(skipped) != 0 {
		t.Errorf("skipped = %v", skipped)
	}
}

func TestParseOPML2(t *testing.T) {
	subs, skipped := parseFile(t, "testdata/opml2.opml")
	checkSubs(t, subs, []Outline{
		{URL: "https://blog.rust-lang.org/feed.xml", Title: "Rust Blog", HTMLURL: "https://blog.rust-lang.org/", Topic: "Tech"},
		{URL: "https://news.ycombinator.com/rss", Title: "HN", Topic: "Tech"},
		{URL: "https://example.com/tagged.xml", Title: "Tagged", Topic: "Science"},
	})
	if len(skipped) != 0 {
		t.Errorf("skipped = %v", skipped)
	}
}

func TestNestedCategories(t *testing.T) {
	subs, _ := parseString(t, `<opml version="2.0"><body>
<outline text="Level1">
  <outline title="Level2">
    <outline text="Level3">
      <outline type="rss" text="Deep" xmlUrl="https://example.com/deep"/>
    </outline>
    <outline type="rss" text="Mid" xmlUrl="https://example.com/mid"/>
  </outline>
  <outline text="">
    <outline type="rss" text="Under unlabelled" xmlUrl="https://example.com/unlabelled" category="/Ignored"/>
  </outline>
  <outline type="rss" text="Feed parent" xmlUrl="https://example.com/parent">
    <outline type="rss" text="Feed child" xmlUrl="https://example.com/child"/>
  </outline>
</outline>
<outline type="rss" text="Top" xmlUrl="https://example.com/top"/>
</body></opml>`)
	checkSubs(t, subs, []Outline{
		{URL: "https://example.com/deep", Title: "Deep", Topic: "Level3"},
		{URL: "https://example.com/mid", Title: "Mid", Topic: "Level2"},
		{URL: "https://example.com/unlabelled", Title: "Under unlabelled", Topic: "Level1"},
		{URL: "https://example.com/parent", Title: "Feed parent", Topic: "Level1"},
		{URL: "https://example.com/child", Title: "Feed child", Topic: "Level1"},
		{URL: "https://example.com/top", Title: "Top"},
	})
}

func TestDuplicatesMerged(t *testing.T) {
	subs, skipped := parseString(t, `<opml version="1.0"><body>
<outline type="rss" xmlUrl="https://example.com/a"/>
<outline type="rss" text="B" xmlUrl="https://example.com/b"/>
<outline text="Cat">
  <outline type="rss" text="A title" htmlUrl="https://example.com/" xmlUrl="https://example.com/a"/>
  <outline type="rss" text="B again" xmlUrl="HTTPS://EXAMPLE.COM/b"/>
</outline>
<outline type="rss" text="A third" xmlUrl="https://example.com/a" category="Other"/>
</body></opml>`)
	checkSubs(t, subs, []Outline{
		{URL: "https://example.com/a", Title: "A title", HTMLURL: "https://example.com/", Topic: "Cat"},
		{URL: "https://example.com/b", Title: "B", Topic: "Cat"},
	})
	if len(skipped) != 0 {
		t.Errorf("skipped = %v", skipped)
	}
}

func TestAttributeCaseVariants(t *testing.T) {
	subs, _ := parseString(t, `<opml version="1.0"><body>
<outline TEXT="One" xmlURL="https://example.com/1" HTMLURL="https://example.com/one"/>
<outline text="Two" xmlurl="https://example.com/2" htmlurl="https://example.com/two" Type="RSS"/>
<outline Title="Three" XMLUrl=" https://example.com/3 " type="Atom"/>
</body></opml>`)
	checkSubs(t, subs, []Outline{
		{URL: "https://example.com/1", Title: "One", HTMLURL: "https://example.com/one"},
		{URL: "https://example.com/2", Title: "Two", HTMLURL: "https://example.com/two"},
		{URL: "https://example.com/3", Title: "Three"},
	})
}

func TestEntities(t *testing.T) {
	subs, _ := parseString(t, `<opml version="2.0"><body>
<outline text="Q &amp; A &lt;daily&gt; &#233;t&#xE9; &quot;x&quot; &nbsp;caf&eacute;"
  xmlUrl="https://example.com/feed?a=1&amp;b=2" htmlUrl="https://example.com/?x=1&amp;y=2"/>
</body></opml>`)
	checkSubs(t, subs, []Outline{{
		URL:     "https://example.com/feed?a=1&b=2",
		Title:   "Q & A <daily> été \"x\" \u00a0café",
		HTMLURL: "https://example.com/?x=1&y=2",
	}})
}

func TestISO88591(t *testing.T) {
	subs, _ := parseFile(t, "testdata/latin1.opml")
	checkSubs(t, subs, []Outline{{
		URL:   "https://example.fr/café.xml",
		Title: "Le Café \u201cquot\u201d", // 0x93/0x94 decoded as in Windows-1252
		Topic: "Français",
	}})
}

func TestEncodings(t *testing.T) {
	body := `<opml version="1.0"><body><outline text="Caf` + "\xe9 \x80" + `" xmlUrl="https://example.com/"/></body></opml>`
	for _, enc := range []string{"windows-1252", "CP1252", "latin1"} {
		subs, _ := parseString(t, `<?xml version="1.0" encoding="`+enc+`"?>`+body)
		checkSubs(t, subs, []Outline{{URL: "https://example.com/", Title: "Café €"}})
	}
	// UTF-8 with a byte order mark.
	subs, _ := parseString(t, "\ufeff<?xml version='1.0' encoding='UTF-8'?><opml><body><outline text='Café' xmlUrl='https://example.com/'/></body></opml>")
	checkSubs(t, subs, []Outline{{URL: "https://example.com/", Title: "Café"}})
	// UTF-16LE with a byte order mark.
	src := `<?xml version="1.0" encoding="UTF-16"?><opml><body><outline text="Café" xmlUrl="https://example.com/"/></body></opml>`
	u16 := []byte{0xFF, 0xFE}
	for _, r := range src {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	subs, _ = parseString(t, string(u16))
	checkSubs(t, subs, []Outline{{URL: "https://example.com/", Title: "Café"}})
	// Unsupported encodings are invalid input.
	_, _, err := Parse("ebcdic.opml", strings.NewReader(`<?xml version="1.0" encoding="EBCDIC-US"?><opml/>`))
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "ebcdic.opml") {
		t.Errorf("unsupported encoding: err = %v", err)
	}
}

func TestInvalid(t *testing.T) {
	f, err := os.Open("testdata/notopml.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, _, err = Parse("testdata/notopml.xml", f)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want wrapping ErrInvalid", err)
	}
	if !strings.Contains(err.Error(), "testdata/notopml.xml") || !strings.Contains(err.Error(), "<rss>") {
		t.Errorf("err = %q, want input name and root element", err)
	}

	for name, doc := range map[string]string{
		"empty":      "",
		"whitespace": "  \n ",
		"text":       "hello world",
		"html":       "<!DOCTYPE html><html><body><p>hi</body></html>",
		"truncated":  `<opml version="2.0"><body><outline text="x" xmlUrl="https://example.com/"/>`,
		"mismatched": `<opml><body></opml>`,
		"bad entity": `<opml><body><outline text="&bogus;" xmlUrl="https://example.com/"/></body></opml>`,
		"xml 1.1":    `<?xml version="1.1"?><opml/>`,
	} {
		subs, skipped, err := Parse(name+".opml", strings.NewReader(doc))
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want wrapping ErrInvalid", name, err)
			continue
		}
		if !strings.Contains(err.Error(), name+".opml") {
			t.Errorf("%s: err = %q does not name the input", name, err)
		}
		if subs != nil || skipped != nil {
			t.Errorf("%s: got results with error: %v %v", name, subs, skipped)
		}
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadError(t *testing.T) {
	_, _, err := Parse("x.opml", failReader{})
	if err == nil || errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want the I/O error, not ErrInvalid", err)
	}
}

func TestSkippedURLs(t *testing.T) {
	subs, skipped := parseString(t, `<opml version="2.0"><body>
<outline type="rss" text="Relative" xmlUrl="/feed.xml"/>
<outline type="rss" text="JS" xmlUrl="javascript:alert(1)"/>
<outline type="rss" text="FTP" xmlUrl="ftp://example.com/feed"/>
<outline type="rss" text="No host" xmlUrl="http:///feed"/>
<outline type="rss" text="Bad" xmlUrl="http://exa mple.com/%zz"/>
<outline type="rss" text="Missing"/>
<outline type="rss" text="Empty" xmlUrl=""/>
<outline type="link" text="Link" xmlUrl="https://example.com/link"/>
<outline type="rss" text="Good" xmlUrl="https://example.com/good" htmlUrl="javascript:alert(2)"/>
</body></opml>`)
	checkSubs(t, subs, []Outline{{URL: "https://example.com/good", Title: "Good"}})
	want := []struct {
		title, reason string
		line          int
	}{
		{"Relative", "relative URL", 2},
		{"JS", `scheme "javascript"`, 3},
		{"FTP", `scheme "ftp"`, 4},
		{"No host", "no host", 5},
		{"Bad", "malformed URL", 6},
		{"Missing", "missing xmlUrl", 7},
		{"Empty", "missing xmlUrl", 8},
		{"Link", `unsupported outline type "link"`, 9},
	}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %d entries, want %d: %v", len(skipped), len(want), skipped)
	}
	for i, w := range want {
		var se *SkipError
		if !errors.As(skipped[i], &se) || !errors.Is(skipped[i], ErrSkipped) {
			t.Errorf("skipped[%d] = %#v, want *SkipError wrapping ErrSkipped", i, skipped[i])
			continue
		}
		if se.Title != w.title || se.Line != w.line || se.Name != "test.opml" || !strings.Contains(se.Reason, w.reason) {
			t.Errorf("skipped[%d] = %+v, want title %q line %d reason containing %q", i, se, w.title, w.line, w.reason)
		}
		if msg := se.Error(); !strings.HasPrefix(msg, "test.opml:") || !strings.Contains(msg, w.title) {
			t.Errorf("skipped[%d].Error() = %q", i, msg)
		}
	}
}

func TestEmpty(t *testing.T) {
	for _, doc := range []string{
		`<opml version="2.0"><head><title>x</title></head><body/></opml>`,
		`<opml version="1.0"><head/><body></body></opml>`,
		`<opml/>`,
		`<opml><body><outline text="Empty category"><outline text="Nested"/></outline></body></opml>`,
		// Outlines outside <body> are not subscriptions.
		`<opml><head><outline type="rss" xmlUrl="https://example.com/"/></head><body/></opml>`,
	} {
		subs, skipped := parseString(t, doc)
		if subs == nil || len(subs) != 0 || len(skipped) != 0 {
			t.Errorf("Parse(%q) = %#v, %v; want empty non-nil list", doc, subs, skipped)
		}
	}
}

func TestWrite(t *testing.T) {
	subs := []Outline{
		{URL: "https://example.com/z", Title: "Zed", Topic: "Zeta"},
		{URL: "https://example.com/plain", Title: "Plain & <simple>"},
		{URL: "https://example.com/a?x=1&y=\"2\"", Title: "A \"quoted\" 'one'", HTMLURL: "https://example.com/a", Topic: "Alpha & Co"},
		{URL: "https://example.com/b", Topic: "Alpha & Co"},
		{URL: "https://example.com/multi", Title: "Line1\nLine2\tTab", Topic: "Zeta"},
		{URL: "https://example.com/untitled"},
	}
	created := time.Date(2024, 3, 5, 10, 30, 0, 0, time.FixedZone("CET", 3600))
	var buf bytes.Buffer
	if err := Write(&buf, "My <feeds> & more", created, subs); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, s := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<opml version="2.0">`,
		`<title>My &lt;feeds&gt; &amp; more</title>`,
		`<dateCreated>Tue, 05 Mar 2024 10:30:00 +0100</dateCreated>`,
		`<outline type="rss" text="Plain &amp; &lt;simple&gt;" title="Plain &amp; &lt;simple&gt;" xmlUrl="https://example.com/plain"/>`,
		`<outline text="Alpha &amp; Co" title="Alpha &amp; Co">`,
		`htmlUrl="https://example.com/a"`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %s:\n%s", s, out)
		}
	}
	// Top-level first, then topics sorted, subscriptions in given order.
	order := []string{"/plain", "/untitled", "Alpha", "/a?", "/b", "Zeta", "/z", "/multi"}
	pos := -1
	for _, s := range order {
		i := strings.Index(out[pos+1:], s)
		if i < 0 {
			t.Fatalf("%q missing or out of order in:\n%s", s, out)
		}
		pos += 1 + i
	}

	// Round trip: Parse returns the grouped order with all fields intact.
	got, skipped, err := Parse("roundtrip.opml", bytes.NewReader(buf.Bytes()))
	if err != nil || len(skipped) != 0 {
		t.Fatalf("Parse(Write output): %v %v", err, skipped)
	}
	checkSubs(t, got, []Outline{subs[1], subs[5], subs[2], subs[3], subs[0], subs[4]})

	xmllint(t, buf.Bytes())
}

func TestWriteEmptyAndErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "", time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "dateCreated") {
		t.Errorf("zero time written: %s", buf.String())
	}
	subs, skipped := parseString(t, buf.String())
	if len(subs) != 0 || len(skipped) != 0 {
		t.Errorf("empty round trip: %v %v", subs, skipped)
	}
	xmllint(t, buf.Bytes())

	if err := Write(&buf, "", time.Time{}, []Outline{{Title: "no url"}}); err == nil {
		t.Error("Write accepted an outline without URL")
	}
	// Characters XML cannot represent are replaced, keeping output well-formed.
	buf.Reset()
	if err := Write(&buf, "bad\x00title\x1b", time.Now(), []Outline{{URL: "https://example.com/\x01", Title: "\x00", Topic: "\x02"}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Parse("ctl.opml", bytes.NewReader(buf.Bytes())); err != nil {
		t.Errorf("Write output with control characters not parseable: %v", err)
	}
	xmllint(t, buf.Bytes())
}

// xmllint checks data with `xmllint --noout` if available. Without it the
// check is skipped, unless the CI environment variable is set.
func xmllint(t *testing.T, data []byte) {
	t.Helper()
	path, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("xmllint not found and CI is set: %v", err)
		}
		t.Log("xmllint not found; skipping well-formedness check")
		return
	}
	file := filepath.Join(t.TempDir(), "out.opml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(path, "--noout", file).CombinedOutput(); err != nil {
		t.Errorf("xmllint --noout: %v\n%s\ninput:\n%s", err, out, data)
	}
}
