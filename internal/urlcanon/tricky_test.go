package urlcanon

import (
	"errors"
	"testing"
)

// trickyInputs aim at the idempotence argument: escapes that decode into
// markers Canonical removes, nested artefacts, prefix chains, redirectors
// with unusable targets.
var trickyInputs = []string{
	"http://x.com/a&%61mp;b", "http://x.com/?a=1&%61mp;b=2", "http://x.com/?amp;y=1&_=2",
	"http://x.com/?a=1&amp%3Bb=2", "http://x.com/&#38;amp;x?&#38;amp;y=1", "http://x.com/?a&&#35;38;b",
	"http://x.com/&#92;?x=1", "http://x.com/%5C?x=1", "http://x.com/a\\b?c\\d#!e\\f",
	"http://www.m.www.amp.mobile.x.com/", "http://m.www/", "http://www.com/", "http://www.co.uk/",
	"http://x.com/index.amp.html", "http://x.com/a/amp.amp", "http://x.com/a/..amp", "http://x.com/.amp.html",
	"http://x.com/a;jsessionid=1/..", "http://x.com/..;jsessionid=1/b", "http://x.com/%2e%2E/a/%2e",
	"http://x.com/a/index.html/amp/", "http://x.com/amp/index.php", "http://x.com/a.AMP",
	"http://İstanbul.com/", "http://\u212Aelvin.com/", "http://ｅｘａｍｐｌｅ。com/", "http://xn--BCHER-KVA.de/",
	"http://[::FFFF:1.2.3.4]/", "http://[2001:db8:0:0:0:0:0:1]:443/", "http://x.com:0/", "http://x.com:/",
	"https://www.google.com/url?q=http://bad host/&url=http://good.com/a",
	"https://www.google.com/url?q=http%3A%2F%2Fx.com%2F%25zz", "https://www.google.com/amp/s/bad_host!/x",
	"https://www.google.com/url?q=https://www.google.com/url", "https://www.google.com/amp/s/www.google.com/amp/s/x.com/a",
	"http://x.com/?q=%20+%2B&r=%26&%3D=1", "http://x.com/?=x&=&&", "http://x.com/#!", "http://x.com/#!%zz#x",
	"http://x.com/?utm_source=a&UTM_MEDIUM=b&Utm_Campaign=c", "http://x.com/?%75tm_source=x",
	"http://x.com/?source=&cid=&src=a.jpg&from=pop", "http://rss.feedsportal.com/c/1/f/2/l/0L0Sx0N0Cy0Ez0Bhtml/story01.htm",
	"http://rss.feedsportal.com/c/1/f/2/l/0Lrss0Bfeedsportal0N0Cl0C0L0Sx0N/story01.htm",
	"https://www.bing.com/ck/a?u=a1%3D%3D", "https://news.google.com/articles/CBMi",
}

func TestIdempotentTricky(t *testing.T) {
	for _, in := range trickyInputs {
		out, err := Canonical(in)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Errorf("Canonical(%q): %v does not wrap ErrBadURL", in, err)
			}
			continue
		}
		checkOutput(t, in, out)
	}
}
