package poll

import (
	"net/http"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// A comment feed is polled less often as its post ages: an eighth of the
// post's age, clamped, and never more often than its server's caching
// lifetime allows.
func TestCommentFeedIntervalFollowsPostAge(t *testing.T) {
	f := testFetcher(nil)
	ok := Result{Status: 200, Header: http.Header{}}
	tests := []struct {
		age    time.Duration
		header string
		want   time.Duration
	}{
		{time.Hour, "", 7*time.Minute + 30*time.Second},
		{10 * time.Minute, "", DefaultMinInterval},
		{24 * time.Hour, "", 3 * time.Hour},
		{4 * 24 * time.Hour, "", 12 * time.Hour},
		{10 * 24 * time.Hour, "", DefaultMaxInterval},
		{24 * time.Hour, "max-age=21600", 6 * time.Hour},
	}
	for _, tt := range tests {
		r := ok
		r.Header = http.Header{}
		if tt.header != "" {
			r.Header.Set("Cache-Control", tt.header)
		}
		got := f.Update(Source{Kind: model.SourceComments}, r, FeedSignals{PostTime: t0.Add(-tt.age)})
		if got.Interval != tt.want || !got.NextPoll.Equal(t0.Add(tt.want)) {
			t.Errorf("post %s old, %q: interval %s, next %s; want %s", tt.age, tt.header, got.Interval, got.NextPoll, tt.want)
		}
	}
}

// Past CommentQuietAge a comment feed waits for a new comment count.
func TestOldPostCommentFeedWaitsForNewCount(t *testing.T) {
	f := testFetcher(nil)
	got := f.Update(Source{Kind: model.SourceComments}, Result{Status: 200, Header: http.Header{}},
		FeedSignals{PostTime: t0.Add(-CommentQuietAge)})
	if !got.NextPoll.Equal(model.PollOnChange) {
		t.Fatalf("next poll %s, want only on a new count", got.NextPoll)
	}
	if len(Due([]Source{got}, t0.Add(365*24*time.Hour))) != 0 || len(Due([]Source{got}, endOfTime)) != 1 {
		t.Error("a quiet comment feed is due within a year, or not with --all")
	}
}

func TestAttachCommentFeeds(t *testing.T) {
	items := []model.Item{
		{GUID: "https://blog.example/?p=7", URL: "https://blog.example/lng/"},
		{URL: "https://blog.example/no-guid/"},
		{GUID: "g3", URL: "https://blog.example/quiet/"},
		{GUID: "g4"},
	}
	threading := []feeds.EntryThreading{
		{GUID: "https://blog.example/?p=7", CommentFeed: "/lng/feed/", Count: 38, HasCount: true},
		{Link: "/no-guid/", CommentFeed: "https://blog.example/no-guid/feed/"},
		{GUID: "g3"},
		{GUID: "g4", CommentFeed: "javascript:alert(1)"},
	}
	attachCommentFeeds(items, threading, "https://blog.example/feed/")
	want := []struct {
		feed  string
		count int
	}{{"https://blog.example/lng/feed/", 38}, {"https://blog.example/no-guid/feed/", -1}, {"", 0}, {"", 0}}
	for i, w := range want {
		if items[i].CommentFeed != w.feed || items[i].CommentCount != w.count {
			t.Errorf("item %d: %q %d, want %q %d", i, items[i].CommentFeed, items[i].CommentCount, w.feed, w.count)
		}
	}
}
