package urlcanon

import (
	"errors"
	"net/url"
	"testing"
)

// FuzzCanonical checks that Canonical never panics, fails only with
// ErrBadURL, and returns absolute https URLs that are fixed points; Unwrap
// and PathWords must not panic either.
func FuzzCanonical(f *testing.F) {
	for _, c := range canonicalCases {
		f.Add(c.in)
	}
	for _, u := range benchURLs {
		f.Add(u)
	}
	for _, u := range trickyInputs {
		f.Add(u)
	}
	for _, s := range []string{
		"", "http://", "javascript:alert(1)", "http://[::1]:80/%zz", "http://a/&#38;amp;x",
		"https://www.google.com/url?q=http://www.google.com/url?q=http://x.y",
		"http://x.com/?amp;y=1&_=2", "http://x.com/a/..amp", "http://x.com/#!&#39;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		Unwrap(in)
		PathWords(in)
		out, err := Canonical(in)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("Canonical(%q): error %v does not wrap ErrBadURL", in, err)
			}
			return
		}
		u, err := url.Parse(out)
		if err != nil || u.Scheme != "https" || u.Host == "" || !u.IsAbs() {
			t.Fatalf("Canonical(%q) = %q: not an absolute https URL (%v)", in, out, err)
		}
		again, err := Canonical(out)
		if err != nil || again != out {
			t.Fatalf("Canonical(%q) = %q, but Canonical(%q) = %q, %v", in, out, out, again, err)
		}
	})
}
