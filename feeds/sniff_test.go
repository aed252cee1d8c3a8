package feeds

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/newswire/newswire/internal/feedcheck"
)

func utf16BE(s string) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return out
}

func utf32LE(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE, 0, 0)
	}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
	}
	return out
}

func TestSniff(t *testing.T) {
	const rss = `<rss version="2.0"><channel><title>T</title></channel></rss>`
	tests := []struct {
		name string
		data string
		want Kind
	}{
		// feeds
		{"RSS", rss, KindFeed},
		{"RSS after BOM, white space, declaration, comment and DOCTYPE",
			"\xEF\xBB\xBF \r\n<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- generator: x -->\n" +
				`<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd" [<!ENTITY nbsp "&#160;">]>` +
				"\n<?xml-stylesheet href=\"s.xsl\"?>\n" + rss, KindFeed},
		{"Atom", `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>`, KindFeed},
		{"Atom with a prefix", `<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"/>`, KindFeed},
		{"Atom 0.3", `<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#">`, KindFeed},
		{"RDF", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel/></rdf:RDF>`, KindFeed},
		{"RDF with another prefix", `<R:RDF xmlns:R="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></R:RDF>`, KindFeed},
		{"upper-case RSS", `<RSS VERSION="0.91"><CHANNEL/></RSS>`, KindFeed},
		{"feed with an HTML DOCTYPE", `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x">` + "\n" + rss, KindFeed},
		{"JSON Feed", `{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}`, KindFeed},
		{"JSON Feed, items first", ` {"items": [{"id": "1"}], "title": "T"}`, KindFeed},
		{"JSON Feed, version after a big member", `{"description": "` + strings.Repeat("x", 100<<10) + `", "version": "https://jsonfeed.org/version/1"}`, KindFeed},
		{"UTF-16LE with BOM", string(utf16LE(`<?xml version="1.0" encoding="utf-16"?>` + rss)), KindFeed},
		{"UTF-16BE without BOM", string(utf16BE(`<?xml version="1.0" encoding="utf-16"?>` + rss)), KindFeed},
		{"UTF-32LE with BOM", string(utf32LE(rss, true)), KindFeed},
		{"UTF-32LE without BOM", string(utf32LE(rss, false)), KindFeed},
		{"undeclared Latin-1 feed", "<rss><channel><title>\xe9\xe8\xe0\xf4\xe9\xe8\xe0\xf4</title></channel></rss>", KindFeed},

		// post dumps
		{"post dump", "Saturday, May 27, 2017\n\nDid Jared Kushner Want A Secret Channel?\n\nText.\n", KindPostDump},
		{"post dump starting with <3", "<3 this story\n\nMore text here.\n", KindPostDump},
		{"post dump starting with a tag", "<b>Breaking</b>: markets fall\n\nStocks fell.\n", KindPostDump},
		{"post dump starting with <feed the birds>", "<feed the birds> campaign launched\n\nVolunteers met.\n", KindPostDump},
		{"post dump starting with <rss", "<rss feeds are back, says everyone\n", KindPostDump},
		{"post dump starting with {", "{Update} The vote is delayed.\n\nMore.\n", KindPostDump},
		{"post dump starting with [", "[Updated] The vote is delayed.\n", KindPostDump},
		{"Latin-1 post dump", "Caf\xe9 society\n\nThe caf\xe9 opened na\xefvely on Monday, and everyone came.\n", KindPostDump},
		{"UTF-16 post dump with BOM", string(utf16LE("Saturday\n\nA headline — with a dash.\n")), KindPostDump},

		// unknown
		{"empty", "", KindUnknown},
		{"white space", " \n\t ", KindUnknown},
		{"BOM only", "\xEF\xBB\xBF", KindUnknown},
		{"HTML5 page", "<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>rss</p></body></html>", KindUnknown},
		{"HTML without a DOCTYPE", "\n<html lang=en><body>hi</body></html>", KindUnknown},
		{"XHTML page", `<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><html xmlns="http://www.w3.org/1999/xhtml"/>`, KindUnknown},
		{"HTML fragment page", "<head><title>t</title></head>", KindUnknown},
		{"OPML", `<?xml version="1.0"?><opml version="2.0"><body/></opml>`, KindUnknown},
		{"XML without a declaration", "<note>\n<to>x</to>\n</note>\n", KindUnknown},
		{"CDF", "<!-- cdf -->\n<CHANNEL HREF=\"http://x/\"></CHANNEL>", KindUnknown},
		{"comments only", "<!-- a -->\n<!-- b -->\n", KindUnknown},
		{"JSON object", `{"name": "x"}`, KindUnknown},
		{"JSON with items that are not a list", `{"items": 3}`, KindUnknown},
		{"JSON array", `[{"version": "https://jsonfeed.org/version/1"}]`, KindUnknown},
		{"NUL bytes", "Saturday\x00\x00\x00text", KindUnknown},
		{"PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", KindUnknown},
		{"gzip", "\x1f\x8b\x08\x00\x12\x34\x56\x78\x00\x03\xcb\x48\xcd\xc9\xc9\x57", KindUnknown},
		{"mostly invalid UTF-8", strings.Repeat("\xc3\x28\xa0\xa1\xfe\xff", 50), KindUnknown},
		{"control characters", "text\x01\x02\x03\x04\x05 with\x06\x07\x08 controls\x0e\x0f", KindUnknown},
		{"punctuation only", "---\n***\n", KindUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.data)); got != tc.want {
				t.Errorf("Sniff = %v (%s), want %v", got, sniff([]byte(tc.data)).reason, tc.want)
			}
		})
	}
}

// TestSniffLongPrefix checks a feed whose root element comes after more
// than sniffLimit bytes of comments is not taken for text.
func TestSniffLongPrefix(t *testing.T) {
	data := "<?xml version=\"1.0\"?>\n<!-- " + strings.Repeat("x", sniffLimit) + " -->\n<rss/>"
	if got := Sniff([]byte(data)); got == KindPostDump {
		t.Errorf("Sniff = %v", got)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindUnknown: "unknown", KindFeed: "feed", KindPostDump: "post dump", Kind(42): "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestSniffSeeds checks every seed post dump in shared/seeds is a post dump.
func TestSniffSeeds(t *testing.T) {
	dir := feedcheck.SharedPath(t, "seeds")
	seeds, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(seeds) == 0 {
		feedcheck.Missing(t, "no seeds in %s", dir)
	}
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := Sniff(data); got != KindPostDump {
			t.Errorf("%s: Sniff = %v (%s), want post dump", filepath.Base(p), got, sniff(data).reason)
		}
		// A post dump saved with a feed's extension is still a post dump,
		// and one whose first line starts with "<" too.
		if got := Sniff(append([]byte("<3 "), data...)); got != KindPostDump {
			t.Errorf("%s with a leading \"<3\": Sniff = %v", filepath.Base(p), got)
		}
	}
	t.Logf("%d seeds", len(seeds))
}

// TestSniffCorpus sniffs feedparser's test suite: no file there is a post
// dump, and every file Parse reads is a feed.
func TestSniffCorpus(t *testing.T) {
	root := feedcheck.SharedPath(t, filepath.Join("corpora", "feedparser", "tests"))
	counts := map[string]map[Kind]int{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		group := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		if counts[group] == nil {
			counts[group] = map[Kind]int{}
		}
		k := Sniff(data)
		counts[group][k]++
		if k == KindPostDump {
			t.Errorf("%s: sniffed as a post dump", rel)
		}
		if k != KindFeed && bytes.Contains(data, []byte("<rss")) && !bytes.Contains(data, []byte("<CHANNEL")) {
			t.Logf("%s: %v (%s)", rel, k, sniff(data).reason)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]string, 0, len(counts))
	for g := range counts {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	var b strings.Builder
	for _, g := range groups {
		c := counts[g]
		fmt.Fprintf(&b, "%-12s feed %5d  post dump %3d  unknown %3d\n", g, c[KindFeed], c[KindPostDump], c[KindUnknown])
	}
	t.Logf("sniffed:\n%s", b.String())
}

// FuzzSniff checks Sniff never panics, agrees with itself and does not
// call text that holds NUL bytes (outside UTF-16/32) a post dump.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{
		"", "<rss/>", "<?xml version=\"1.0\"?><!-- c --><!DOCTYPE x [<!ENTITY a \"]>\">]><feed>",
		`{"version":"https://jsonfeed.org/version/1.1","items":[]}`, `{"items":`, "[1,2]",
		"Saturday\n\n<b>post</b>", "<3 text", "<!DOCTYPE html><html>", "\xff\xfe<\x00r\x00",
		"\x00\x00\x00<\x00\x00\x00r", "<a b='c' d=\"e\"/>", "\xef\xbb\xbf{Update}",
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "parse", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k := Sniff(data)
		if k != KindUnknown && k != KindFeed && k != KindPostDump {
			t.Fatalf("Sniff = %d", k)
		}
		if again := Sniff(data); again != k {
			t.Fatalf("Sniff is not deterministic: %v then %v", k, again)
		}
		if _, wide := decodeWideUnicode(data); !wide && k == KindPostDump && bytes.IndexByte(data, 0) >= 0 && len(data) <= sniffLimit {
			t.Fatalf("text with NUL bytes sniffed as a post dump")
		}
		if len(bytes.TrimSpace(data)) == 0 && k != KindUnknown {
			t.Fatalf("blank input sniffed as %v", k)
		}
	})
}
