package feeds

import (
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Fixtures shared by the golden, validation and round-trip tests. Times are
// fixed; nothing depends on the clock.

const (
	site    = "https://newswire.example"
	postID  = "tag:newswire.example,2024:post/budget-vote-delayed"
	postURL = site + "/posts/budget-vote-delayed"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// selfURL is the URL a fixture feed is served at in format f.
func selfURL(name string, f Format) string {
	return site + "/feeds/" + name + "." + string(f)
}

// hostileText is a comment that tries to inject markup and entities. A
// reader must show it exactly as written.
const hostileText = `<script>alert(1)</script> & I wrote &amp; on purpose; AT&T says "hi" and 'bye'.` + "\n" +
	`Naïve café — 東京 ✓ 😀 https://example.com/search?q=a&b=<c> done.`

const hostileTitle = `Re: <script>alert(1)</script> & "quotes" — &amp;`

const hostileID = postID + "/comment/3"

// fixture is a named feed to render in every format, with its entry count.
type fixture struct {
	name string
	feed func(Format) *Feed
}

var fixtures = []fixture{
	{"posts", postsFeed},
	{"comments", commentsFeed},
	{"sparse", sparseFeed},
}

// postsFeed is a post listing: categories, replies, paging links, a copied
// entry with a Source, a text-only entry and a permalink-ID entry.
func postsFeed(f Format) *Feed {
	body := []model.Block{
		{Kind: model.Paragraph, Text: "The vote on the budget was delayed until Thursday.\nLeaders blamed the weather."},
		{Kind: model.Quote, Text: "We need more time — and more coffee."},
		{Kind: model.Paragraph, Text: "Full text at https://parliament.example/votes?id=42&lang=en."},
	}
	return &Feed{
		ID:         "tag:newswire.example,2024:feed/posts",
		Title:      "Newswire — Posts",
		Subtitle:   "Posts & comments from the wire",
		SelfURL:    selfURL("posts", f),
		HTMLURL:    site + "/",
		Updated:    at("2024-03-05T10:00:00Z"),
		Author:     Person{Name: "Newswire Desk", Email: "desk@newswire.example", URI: site + "/about"},
		Categories: []Category{{Term: "news", Label: "News"}},
		Links: []Link{
			{Rel: "first", Href: selfURL("posts", f)},
			{Rel: "next", Href: selfURL("posts", f) + "?page=2"},
			{Rel: "hub", Href: "https://hub.newswire.example/"},
		},
		Entries: []Entry{
			{
				ID:          postID,
				Title:       "Budget vote delayed",
				URL:         postURL,
				Author:      Person{Name: "Ada Reporter"},
				Published:   at("2024-03-05T09:30:00+01:00"),
				Updated:     at("2024-03-05T09:45:00Z"),
				ContentHTML: BlocksHTML(body),
				ContentText: BlocksText(body),
				Summary:     "The vote was delayed <again> & again.",
				Categories: []Category{
					{Term: "politics", Label: "Politics & Policy"},
					{Term: "budget", Label: "Budget", Scheme: site + "/topics/"},
				},
				Replies: &Replies{
					Count:    3,
					AtomHref: site + "/feeds/posts/budget-vote-delayed/comments.atom",
					RSSHref:  site + "/feeds/posts/budget-vote-delayed/comments.rss",
					JSONHref: site + "/feeds/posts/budget-vote-delayed/comments.json",
					HTMLHref: postURL + "#comments",
				},
			},
			{
				ID:          "tag:newswire.example,2024:story/planet-rain",
				Title:       "Daily Planet: Rain expected in Metropolis",
				URL:         "https://planet.example/2024/03/rain",
				Author:      Person{Name: "Lois Lane"},
				Published:   at("2024-03-04T18:00:00Z"),
				ContentHTML: "<p>Forecasters expect rain.</p>",
				Categories:  []Category{{Term: "weather", Label: "Weather"}},
				Source: &Source{
					ID:      "https://planet.example/",
					Title:   "The Daily Planet",
					URL:     "https://planet.example/",
					FeedURL: "https://planet.example/feed.xml",
				},
			},
			{
				ID:          "tag:newswire.example,2024:post/text-only",
				Title:       "A text-only note",
				URL:         site + "/posts/text-only",
				Updated:     at("2024-03-03T12:00:00Z"),
				ContentText: "Plain text with <angle brackets> & ampersands.\n\nSecond paragraph.",
				Replies:     &Replies{Count: 0, HTMLHref: site + "/posts/text-only#comments"},
			},
			{
				ID:          site + "/posts/permalink",
				Title:       "An entry whose ID is its URL",
				URL:         site + "/posts/permalink",
				Author:      Person{Name: "Ada Reporter", Email: "ada@newswire.example"},
				Published:   at("2024-03-02T08:00:00Z"),
				Updated:     at("2024-03-02T08:00:00Z"),
				ContentHTML: "<p>Permalink.</p>",
			},
		},
	}
}

// commentsFeed is a comment thread: replies to the post and to comments,
// a quote, a hostile comment and an anonymous, undated one.
func commentsFeed(f Format) *Feed {
	c1 := []model.Block{{Kind: model.Paragraph, Text: "First! Source: https://example.org/a_(b)."}}
	c2 := []model.Block{
		{Kind: model.Quote, Text: "First! Source:\nhttps://example.org/a_(b)."},
		{Kind: model.Paragraph, Text: "Not quite first."},
	}
	c3 := []model.Block{{Kind: model.Paragraph, Text: hostileText}}
	return &Feed{
		ID:      postID + "/comments",
		Title:   "Comments on “Budget vote delayed”",
		SelfURL: selfURL("comments", f),
		HTMLURL: postURL + "#comments",
		Updated: at("2024-03-05T12:00:00Z"),
		Entries: []Entry{
			{
				ID:          postID + "/comment/1",
				Title:       "Comment 1 by alice",
				URL:         postURL + "#c1",
				Author:      Person{Name: "alice"},
				Published:   at("2024-03-05T10:00:00Z"),
				ContentHTML: BlocksHTML(c1),
				ContentText: BlocksText(c1),
				InReplyTo:   &InReplyTo{Ref: postID, Href: postURL},
				Replies: &Replies{
					Count:    1,
					AtomHref: site + "/feeds/posts/budget-vote-delayed/comments/1.atom",
					RSSHref:  site + "/feeds/posts/budget-vote-delayed/comments/1.rss",
					HTMLHref: postURL + "#c1",
				},
			},
			{
				ID:          postID + "/comment/2",
				Title:       "Comment 2 by bob",
				URL:         postURL + "#c2",
				Author:      Person{Name: "bob"},
				Published:   at("2024-03-05T10:30:00Z"),
				Updated:     at("2024-03-05T11:00:00Z"),
				ContentHTML: BlocksHTML(c2),
				ContentText: BlocksText(c2),
				InReplyTo:   &InReplyTo{Ref: postID + "/comment/1", Href: postURL + "#c1"},
			},
			{
				ID:          hostileID,
				Title:       hostileTitle,
				URL:         postURL + "#c3",
				Author:      Person{Name: `Mallory "<b>" O'Brien & co`},
				Published:   at("2024-03-05T11:30:00Z"),
				ContentHTML: BlocksHTML(c3),
				ContentText: BlocksText(c3),
				InReplyTo:   &InReplyTo{Ref: postID, Href: postURL},
			},
			{
				ID:          postID + "/comment/4",
				Title:       "Comment 4",
				URL:         postURL + "#c4",
				ContentText: "An anonymous, undated comment.",
				InReplyTo:   &InReplyTo{Ref: postID + "/comment/2"},
			},
		},
	}
}

// sparseFeed has almost nothing set: no IDs, no dates, no links, no
// content, so every fallback is used.
func sparseFeed(Format) *Feed {
	return &Feed{
		Title: "Sparse",
		Entries: []Entry{
			{Title: "No ID, no date, no content"},
			{Title: "Only a summary", Summary: "Summary used as text."},
		},
	}
}
