package opml

import (
	"bytes"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, that its results honour the
// documented guarantees, and that Write→Parse reproduces them.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		``,
		`<opml/>`,
		`<opml><body><outline text="a"><outline xmlUrl="https://x/1" title="&amp;"/></outline></body></opml>`,
		`<opml><body><outline type="rss" xmlURL="javascript:x" category="/a/b,c"/></body></opml>`,
		"\ufeff<?xml version=\"1.0\" encoding=\"windows-1252\"?><opml><body><outline text=\"\x93\" xmlurl=\"http://h/\"/></body></opml>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		subs, skipped, err := Parse("fuzz", bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "fuzz") {
				t.Fatalf("error %q does not wrap ErrInvalid or name the input", err)
			}
			if subs != nil || skipped != nil {
				t.Fatalf("results returned with error")
			}
			return
		}
		if subs == nil {
			t.Fatal("nil list without error")
		}
		seen := map[string]bool{}
		for _, o := range subs {
			u, perr := url.Parse(o.URL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https" &&
				!strings.EqualFold(u.Scheme, "http") && !strings.EqualFold(u.Scheme, "https")) || u.Host == "" {
				t.Fatalf("outline with non-absolute-http(s) URL %q", o.URL)
			}
			if o.HTMLURL != "" && checkURL(o.HTMLURL) != "" {
				t.Fatalf("outline with bad htmlUrl %q", o.HTMLURL)
			}
			k := dedupKey(o.URL)
			if seen[k] {
				t.Fatalf("duplicate URL %q", o.URL)
			}
			seen[k] = true
		}
		for _, e := range skipped {
			var se *SkipError
			if !errors.As(e, &se) || !errors.Is(e, ErrSkipped) {
				t.Fatalf("skipped entry %#v is not a *SkipError", e)
			}
		}

		// Round trip. Write groups by topic, so compare by URL.
		var buf bytes.Buffer
		if err := Write(&buf, "fuzz", time.Unix(0, 0), subs); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, skipped2, err := Parse("again", &buf)
		if err != nil || len(skipped2) != 0 {
			t.Fatalf("Parse(Write(...)): %v %v\n%s", err, skipped2, buf.Bytes())
		}
		want := map[string]Outline{}
		for _, o := range subs {
			want[o.URL] = o
		}
		got := map[string]Outline{}
		for _, o := range again {
			got[o.URL] = o
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip mismatch:\n got %+v\nwant %+v", again, subs)
		}
	})
}
