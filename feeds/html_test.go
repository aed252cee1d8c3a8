package feeds

import (
	"testing"

	"github.com/newswire/newswire/internal/model"
)

func p(text string) model.Block { return model.Block{Kind: model.Paragraph, Text: text} }
func q(text string) model.Block { return model.Block{Kind: model.Quote, Text: text} }

func TestBlocksHTML(t *testing.T) {
	for _, tc := range []struct {
		name   string
		blocks []model.Block
		want   string
	}{
		{"empty", nil, ""},
		{"paragraph", []model.Block{p("Hello")}, "<p>Hello</p>"},
		{"escaped once", []model.Block{p(`<b>&amp; "x" 'y'</b>`)}, "<p>&lt;b&gt;&amp;amp; &#34;x&#34; &#39;y&#39;&lt;/b&gt;</p>"},
		{"line breaks", []model.Block{p("a\nb\r\nc")}, "<p>a<br>b<br>c</p>"},
		{"quote", []model.Block{q("said\nthis"), p("reply")}, "<blockquote><p>said<br>this</p></blockquote>\n<p>reply</p>"},
		{"blank blocks dropped", []model.Block{p(" \n "), p("x"), q("")}, "<p>x</p>"},
		{"unknown kind", []model.Block{{Kind: "h1", Text: "x"}}, "<p>x</p>"},
		{"link", []model.Block{p("see https://a.example/x?b=1&c=<2>.")},
			`<p>see <a href="https://a.example/x?b=1&amp;c=">https://a.example/x?b=1&amp;c=</a>&lt;2&gt;.</p>`},
		{"link punctuation", []model.Block{p("(http://a.example/p), http://b.example/q!")},
			`<p>(<a href="http://a.example/p">http://a.example/p</a>), <a href="http://b.example/q">http://b.example/q</a>!</p>`},
		{"link parens kept", []model.Block{p("https://en.example/wiki/Go_(lang).")},
			`<p><a href="https://en.example/wiki/Go_(lang)">https://en.example/wiki/Go_(lang)</a>.</p>`},
		{"link quote", []model.Block{p(`"https://a.example/it's"`)},
			`<p>&#34;<a href="https://a.example/it&#39;s">https://a.example/it&#39;s</a>&#34;</p>`},
		{"link at line end", []model.Block{p("https://a.example/\nnext")},
			`<p><a href="https://a.example/">https://a.example/</a><br>next</p>`},
		{"no scheme only", []model.Block{p("https:// and javascript:alert(1) and ftp://x.example")},
			`<p>https:// and javascript:alert(1) and ftp://x.example</p>`},
		{"upper-case scheme", []model.Block{p("HTTPS://A.example")}, `<p><a href="HTTPS://A.example">HTTPS://A.example</a></p>`},
	} {
		if got := BlocksHTML(tc.blocks); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}

func TestBlocksText(t *testing.T) {
	got := BlocksText([]model.Block{p("Hello <world> &amp;"), q("one\ntwo\n"), p(" "), p("a\r\nb")})
	want := "Hello <world> &amp;\n\n> one\n> two\n\na\nb"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := BlocksText(nil); got != "" {
		t.Errorf("nil: %q", got)
	}
}

func TestTextHTML(t *testing.T) {
	got := textHTML("a & b\nc\n\n\nd https://x.example")
	want := `<p>a &amp; b<br>c</p>` + "\n" + `<p>d <a href="https://x.example">https://x.example</a></p>`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
