package feeds

import (
	"reflect"
	"testing"
)

func TestParseThreading(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []EntryThreading
	}{
		{"WordPress RSS with wfw, slash and comments", `<?xml version="1.0"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>Blog</title>
<item><title>Post</title><link>https://blog.example/post/</link><guid isPermaLink="false">https://blog.example/?p=1</guid>
<comments>https://blog.example/post/#comments</comments>
<wfw:commentRss>https://blog.example/post/feed/</wfw:commentRss><slash:comments>38</slash:comments></item>
<item><title>No comments</title><link>https://blog.example/quiet/</link></item>
</channel></rss>`,
			[]EntryThreading{
				{GUID: "https://blog.example/?p=1", Link: "https://blog.example/post/", CommentFeed: "https://blog.example/post/feed/",
					CommentPage: "https://blog.example/post/#comments", Count: 38, HasCount: true},
				{Link: "https://blog.example/quiet/"},
			}},
		{"prefixes bound to other names still count; a wrong URI does not", `<rss version="2.0" xmlns:c="http://wellformedweb.org/CommentAPI/" xmlns:wfw="http://example.com/not-wfw" xmlns:s="http://purl.org/rss/1.0/modules/slash/">
<channel><item><guid>g1</guid><c:commentRss>https://a.example/c1</c:commentRss><wfw:commentRss>https://evil.example/</wfw:commentRss><s:comments>2</s:comments></item></channel></rss>`,
			[]EntryThreading{{GUID: "g1", CommentFeed: "https://a.example/c1", Count: 2, HasCount: true}}},
		{"Atom post with replies links and a comment feed entry with in-reply-to", `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:t="http://purl.org/syndication/thread/1.0">
<entry><id>tag:blog,2017:post-1</id><link rel="alternate" href="https://blog.example/1"/>
<link rel="replies" type="application/atom+xml" href="https://blog.example/1/comments.atom" t:count="5"/>
<link rel="replies" type="text/html" href="https://blog.example/1#comments"/><t:total>5</t:total></entry>
<entry><id>tag:blog,2017:c-2</id><t:in-reply-to ref="tag:blog,2017:c-1" href="https://blog.example/1#c1"/></entry>
</feed>`,
			[]EntryThreading{
				{GUID: "tag:blog,2017:post-1", Link: "https://blog.example/1", CommentFeed: "https://blog.example/1/comments.atom",
					CommentPage: "https://blog.example/1#comments", Count: 5, HasCount: true},
				{GUID: "tag:blog,2017:c-2", InReplyTo: []string{"tag:blog,2017:c-1"}, InReplyToHref: "https://blog.example/1#c1"},
			}},
		{"broken XML keeps what was read", `<rss><channel><item><guid>a</guid><slash:comments xmlns:slash="http://purl.org/rss/1.0/modules/slash/">x</slash:comments></item><item><guid>b</gu`,
			[]EntryThreading{{GUID: "a"}, {}}},
		{"not a feed", `hello`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseThreading([]byte(tt.doc))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseThreading(f *testing.F) {
	f.Add([]byte(`<rss xmlns:wfw="http://wellformedweb.org/CommentAPI/"><channel><item><wfw:commentRss>x</wfw:commentRss></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="replies" href="y"/></entry></feed>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range ParseThreading(data) {
			if e.Count < 0 {
				t.Fatalf("negative count %+v", e)
			}
		}
	})
}
