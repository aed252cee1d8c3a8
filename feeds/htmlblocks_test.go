package feeds

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/newswire/newswire/internal/model"
)

// pb and qb make a paragraph and a quote block.
func pb(text string) model.Block { return model.Block{Kind: model.Paragraph, Text: text} }
func qb(text string) model.Block { return model.Block{Kind: model.Quote, Text: text} }

func TestHTMLBlocks(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []model.Block
	}{
		{"WordPress comment", "<p>Great post.</p>\n<p>I disagree with the <em>second</em> point.</p>\n",
			[]model.Block{pb("Great post."), pb("I disagree with the second point.")}},
		{"Blogger text<br><br>text", "First line<br /><br />Second paragraph<br/>with a break",
			[]model.Block{pb("First line"), pb("Second paragraph\nwith a break")}},
		{"br inside p", "<p>line one<br>\n  line   two<br/>line three</p>",
			[]model.Block{pb("line one\nline two\nline three")}},
		{"br with only space between is a paragraph break", "a<br> \n <br>b<br><br><br><br>c",
			[]model.Block{pb("a"), pb("b"), pb("c")}},
		{"blockquote then reply", "<blockquote><p>You said this.</p><p>And this.</p></blockquote><p>I reply.</p>",
			[]model.Block{qb("You said this."), qb("And this."), pb("I reply.")}},
		{"blockquote with bare text", "<blockquote>quoted<br>two lines</blockquote>reply",
			[]model.Block{qb("quoted\ntwo lines"), pb("reply")}},
		{"nested blockquote flattens", "<blockquote><blockquote><p>deep</p></blockquote><p>shallow</p></blockquote><p>mine</p>",
			[]model.Block{qb("deep"), qb("shallow"), pb("mine")}},
		{"unclosed blockquote quotes the rest", "<p>a</p><blockquote><p>b", []model.Block{pb("a"), qb("b")}},
		{"stray end blockquote", "</blockquote><p>a</p>", []model.Block{pb("a")}},
		{"script, style, iframe, object, svg, template, noscript dropped",
			`<p>a<script>alert("<p>x</p>")</script>b<style>p{}</style>c</p><iframe src="https://evil.example/">frame</iframe>` +
				`<object data="x"><p>obj</p></object><svg><text>svg</text></svg><template><p>tpl</p></template><noscript>ns</noscript><p>d</p>`,
			[]model.Block{pb("abc"), pb("d")}},
		{"self-closing raw-text tag still hides its content", `<p>a</p><script/>alert(1)</script><p>b</p>`,
			[]model.Block{pb("a"), pb("b")}},
		{"self-closing svg hides nothing", `<p>a<svg/>b</p>`, []model.Block{pb("ab")}},
		{"nested object", `<object><object></object>hidden</object><p>shown</p>`, []model.Block{pb("shown")}},
		{"onclick and javascript: links", `<p onclick="alert(1)"><a href="javascript:alert(1)">click</a> <a href="data:text/html,<script>x</script>">me</a></p>`,
			[]model.Block{pb("click me")}},
		{"entities", "<p>AT&amp;T &lt;b&gt; &#8220;quoted&#8221; &eacute;t&eacute; &nbsp;x&#x1F600;</p>",
			[]model.Block{pb("AT&T <b> “quoted” été x😀")}},
		{"plain text with blank lines", "First paragraph\nstill first.\n\n\nSecond &amp; last.\r\n\r\n",
			[]model.Block{pb("First paragraph\nstill first."), pb("Second & last.")}},
		{"plain text that only looks like markup", "2 < 3 and 5 > 4\n\n<3", []model.Block{pb("2 < 3 and 5 > 4"), pb("<3")}},
		{"empty", "", nil},
		{"only white space", " \n\t\r\n  \u00a0 ", nil},
		{"only tags", "<p> </p><div><br></div><!-- c -->", nil},
		{"invalid UTF-8", "<p>caf\xe9 ok</p>", []model.Block{pb("caf\uFFFD ok")}},
		{"a run of invalid bytes is one U+FFFD", "a\xff\xfeb", []model.Block{pb("a\uFFFDb")}},
		{"lists and headings", "<h2>Title</h2><ul><li>one</li><li>two <b>bold</b></li></ul>",
			[]model.Block{pb("Title"), pb("one"), pb("two bold")}},
		{"div soup", "<div>a<div>b</div>c</div>", []model.Block{pb("a"), pb("b"), pb("c")}},
		{"blank line in HTML text separates paragraphs", "<b>one</b>\n\n<i>two</i>\nstill two",
			[]model.Block{pb("one"), pb("two still two")}},
		{"pre keeps lines", "<pre>x = 1\n  y  =  2\n\nz</pre>", []model.Block{pb("x = 1\ny = 2"), pb("z")}},
		{"link text equal to href", `<a href="https://example.com/a">https://example.com/a</a>`,
			[]model.Block{pb("https://example.com/a")}},
		{"link text is a shortened href", `<a href="https://www.example.com/a/very/long/path">example.com/a/very/lo…</a>`,
			[]model.Block{pb("example.com/a/very/lo…")}},
		{"link text differs from href", `see <a href="https://example.com/r?a=1&amp;b=2">the report</a>.`,
			[]model.Block{pb("see the report (https://example.com/r?a=1&b=2).")}},
		{"a reply mention adds no URL", `<p><a href="https://blog.example/post/#comment-11" rel="nofollow">@Jane</a>: not so.</p>`,
			[]model.Block{pb("@Jane: not so.")}},
		{"relative and image links add nothing", `<a href="/x">rel</a> <a href="https://e.example/"><img src="i.png"></a>`,
			[]model.Block{pb("rel")}},
		{"user info is not shown", `<a href="https://user:pw@e.example/x">x</a>`, []model.Block{pb("x (https://e.example/x)")}},
		{"URL with quotes is not shown", `<a href='https://e.example/"<script>'>x</a>`, []model.Block{pb("x (https://e.example/%22%3Cscript%3E)")}},
		{"URL with raw query angle brackets is not shown", `<a href='https://e.example/?q=<script>'>x</a>`, []model.Block{pb("x")}},
		{"link across paragraphs shows no URL", `<a href="https://e.example/"><p>a</p><p>b</p></a>`, []model.Block{pb("a"), pb("b")}},
		{"comments and unknown tags", "<p>a<!-- secret -->b<foo-bar>c</foo-bar></p>", []model.Block{pb("abc")}},
		{"control characters dropped", "<p>a\x00b\x07c</p>", []model.Block{pb("abc")}},
		{"title and textarea dropped", "<title>t</title><textarea><p>x</p></textarea><p>body</p>", []model.Block{pb("body")}},
		{"a literal < does not meet a letter across a tag", "<p>x<<b>script</b> <<!-- -->a <<script>y</script>i</p>",
			[]model.Block{pb("x< script < a < i")}},
		{"a dropped character does not join < and a letter", "<p>1 <\x00b 2 <&shy;i 3 &lt;&shy;b&gt;</p>",
			[]model.Block{pb("1 < b 2 < i 3 <b>")}},
		{"nor in plain text", "x <\u00adscript &lt;em&gt;", []model.Block{pb("x < script <em>")}},
		{"plaintext drops the rest", "<p>a</p><plaintext><script>alert(1)</script>", []model.Block{pb("a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HTMLBlocks(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HTMLBlocks(%q)\n got  %+v\n want %+v", tt.in, got, tt.want)
			}
			checkBlocks(t, tt.in, got)
		})
	}
}

func TestHTMLBlocksRoundTrip(t *testing.T) {
	// What BlocksHTML writes, HTMLBlocks reads back.
	blocks := []model.Block{
		pb("Hello & <welcome>\nsecond line"),
		qb("Quoted “text” 東京"),
		pb("See https://example.com/a?b=1&c=2 now."),
	}
	if got := HTMLBlocks(BlocksHTML(blocks)); !reflect.DeepEqual(got, blocks) {
		t.Errorf("round trip\n got  %+v\n want %+v", got, blocks)
	}
}

func TestHTMLLinks(t *testing.T) {
	in := `<p><a href=" https://a.example/ ">a</a><script><a href="https://hidden.example/">x</a></script>` +
		`<a name="x">anchor</a><a href="/rel">r</a><a href="javascript:void(0)">j</a></p>`
	want := []string{"https://a.example/", "/rel", "javascript:void(0)"}
	if got := htmlLinks(in); !reflect.DeepEqual(got, want) {
		t.Errorf("htmlLinks = %q, want %q", got, want)
	}
	if got := htmlLinks("plain https://a.example/"); got != nil {
		t.Errorf("htmlLinks(plain) = %q, want nil", got)
	}
}

// checkBlocks checks what every result of HTMLBlocks must satisfy.
func checkBlocks(t *testing.T, in string, blocks []model.Block) {
	t.Helper()
	// Only a character reference can put a tag ("<" or "</" before a
	// letter) in the text.
	lower := strings.ToLower(in)
	refs := strings.Contains(lower, "&lt") || strings.Contains(lower, "&#")
	for i, b := range blocks {
		if b.Kind != model.Paragraph && b.Kind != model.Quote {
			t.Fatalf("block %d: kind %q", i, b.Kind)
		}
		if strings.TrimSpace(b.Text) == "" {
			t.Fatalf("block %d is empty: %q", i, b.Text)
		}
		if !utf8.ValidString(b.Text) {
			t.Fatalf("block %d is not valid UTF-8: %q", i, b.Text)
		}
		for _, line := range strings.Split(b.Text, "\n") {
			if line == "" || line != strings.TrimFunc(line, unicode.IsSpace) || strings.Contains(line, "  ") {
				t.Fatalf("block %d: line %q is empty or not collapsed", i, line)
			}
		}
		if !refs {
			if strings.Contains(strings.ToLower(b.Text), "<script") {
				t.Fatalf("block %d holds a script tag: %q", i, b.Text)
			}
			for j := 0; j+1 < len(b.Text); j++ {
				if b.Text[j] != '<' {
					continue
				}
				next := b.Text[j+1:]
				if next[0] == '/' {
					next = next[1:]
				}
				if next != "" && (('a' <= next[0] && next[0] <= 'z') || ('A' <= next[0] && next[0] <= 'Z')) {
					t.Fatalf("block %d holds markup: %q", i, b.Text)
				}
			}
		}
	}
}

func FuzzHTMLBlocks(f *testing.F) {
	for _, s := range []string{
		"<p>Great post.</p><p>Really.</p>",
		"First<br /><br />Second<br>line",
		"<blockquote><p>q</p><blockquote>qq</blockquote></blockquote><p>reply</p>",
		`<p onclick="x()">a<script>alert(1)</script><a href="javascript:x">j</a><a href="https://e.example/">link</a></p>`,
		"plain\n\ntext &amp; more",
		"&lt;script&gt;",
		"<pre>a\n\nb</pre>",
		"<svg/><script/>x</script><object><object></object></object>",
		"caf\xe9",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkBlocks(t, in, HTMLBlocks(in))
	})
}
