package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestStatusOf(t *testing.T) {
	for err, want := range map[error]int{
		fmt.Errorf("post x: %w", model.ErrNotFound): http.StatusNotFound,
		notFound("no such page"):                    http.StatusNotFound,
		fmt.Errorf("bad: %w", model.ErrInvalid):     http.StatusBadRequest,
		errors.New("boom"):                          http.StatusInternalServerError,
	} {
		if got := statusOf(err); got != want {
			t.Errorf("statusOf(%v) = %d, want %d", err, got, want)
		}
	}
}

func TestETagListMatches(t *testing.T) {
	const tag = `"abc-atom"`
	for list, want := range map[string]bool{
		`"abc-atom"`:             true,
		`W/"abc-atom"`:           true,
		`"x", "abc-atom"`:        true,
		` "x" ,W/"abc-atom" `:    true,
		`*`:                      true,
		`"abc-rss"`:              false,
		`"abc-atom`:              false,
		``:                       false,
		`"x", "y"`:               false,
		`W/"abc-atom-something"`: false,
	} {
		if got := etagListMatches(list, tag); got != want {
			t.Errorf("etagListMatches(%q) = %v, want %v", list, got, want)
		}
	}
}

func testServer() *Server {
	return NewServer(Config{Store: newFakeStore(), BaseURL: testBase, Tagger: testTagger})
}

func budgetPost(t *testing.T) *model.Post {
	t.Helper()
	p, err := newFakeStore().Post(t.Context(), budgetSlug)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPostEntry(t *testing.T) {
	s, p := testServer(), budgetPost(t)
	e := s.postEntry(p)
	page := testBase + "/posts/" + budgetSlug
	if e.ID != p.ID || e.URL != page || e.Author.Name != "Jane Roe" || !e.Updated.Equal(p.Updated) {
		t.Errorf("entry %+v", e)
	}
	if !strings.Contains(e.ContentHTML, "<h3>Update #1</h3>") || !strings.Contains(e.ContentHTML, "<blockquote>") {
		t.Errorf("content lacks the section heading or quote: %s", e.ContentHTML)
	}
	if !strings.Contains(e.ContentHTML, "<li>What the budget means — Weekly News</li>") ||
		strings.Contains(e.ContentHTML, "Senate Passes Budget") ||
		!strings.Contains(e.ContentText, "- What the budget means — Weekly News") {
		t.Errorf("content lacks the More news list (and only it): %s\n%s", e.ContentHTML, e.ContentText)
	}
	want := feeds.Category{Term: "budget", Label: "Budget", Scheme: testBase + "/topics/"}
	if len(e.Categories) != 2 || e.Categories[0] != want {
		t.Errorf("categories %+v, want first %+v", e.Categories, want)
	}
	wantReplies := feeds.Replies{
		Count:    7,
		AtomHref: page + "/comments.atom",
		RSSHref:  page + "/comments.rss",
		JSONHref: page + "/comments.json",
		HTMLHref: page + "#comments",
	}
	if e.Replies == nil || *e.Replies != wantReplies {
		t.Errorf("replies %+v, want %+v", e.Replies, wantReplies)
	}
}

func TestCommentEntry(t *testing.T) {
	s, p := testServer(), budgetPost(t)
	page := testBase + "/posts/" + budgetSlug
	tests := []struct {
		n         int
		title     string
		inReplyTo feeds.InReplyTo
		replies   *feeds.Replies
	}{
		{
			n: 1, title: "Comment 1 by Kylopod on Senate passes the budget",
			inReplyTo: feeds.InReplyTo{Ref: p.ID, Href: page},
			replies: &feeds.Replies{Count: 1, AtomHref: page + "/threads/1.atom",
				RSSHref: page + "/threads/1.rss", JSONHref: page + "/threads/1.json", HTMLHref: page + "#comment-1"},
		},
		{
			n: 3, title: "An Interested Party replied to Kylopod (comment 3)",
			inReplyTo: feeds.InReplyTo{Ref: p.ID + "/comment/1", Href: page + "#comment-1"},
			replies: &feeds.Replies{Count: 1, AtomHref: page + "/threads/3.atom",
				RSSHref: page + "/threads/3.rss", JSONHref: page + "/threads/3.json", HTMLHref: page + "#comment-3"},
		},
		{
			n: 6, title: "Anonymous replied to An Interested Party (comment 6)",
			inReplyTo: feeds.InReplyTo{Ref: p.ID + "/comment/2", Href: page + "#comment-2"},
		},
	}
	for _, tt := range tests {
		c, _ := p.Comment(tt.n)
		e := s.commentEntry(p, c)
		if e.ID != c.ID || e.Title != tt.title || e.URL != page+"#comment-"+itoa(tt.n) {
			t.Errorf("comment %d: id %q, title %q, url %q", tt.n, e.ID, e.Title, e.URL)
		}
		if e.InReplyTo == nil || *e.InReplyTo != tt.inReplyTo {
			t.Errorf("comment %d: in-reply-to %+v, want %+v", tt.n, e.InReplyTo, tt.inReplyTo)
		}
		if (e.Replies == nil) != (tt.replies == nil) || (e.Replies != nil && *e.Replies != *tt.replies) {
			t.Errorf("comment %d: replies %+v, want %+v", tt.n, e.Replies, tt.replies)
		}
	}
	c1, _ := p.Comment(1)
	if e := s.commentEntry(p, c1); !strings.HasSuffix(e.ContentHTML, `<p class="votes">5 votes</p>`) {
		t.Errorf("content lacks the vote count: %s", e.ContentHTML)
	}
}

func TestFeedUpdatedIsLatestEntry(t *testing.T) {
	s, p := testServer(), budgetPost(t)
	thread, _ := p.Thread(1)
	feed := s.commentFeed(p, thread, threadPath(p.Slug, 1), "t", "h")
	if want := t0.Add(4 * 60e9); !feed.Updated.Equal(want) {
		t.Errorf("thread feed updated %v, want %v (its newest comment)", feed.Updated, want)
	}
	if feed.ID != testTagger.Feed("/posts/"+budgetSlug+"/threads/1") {
		t.Errorf("feed ID %q", feed.ID)
	}
}
