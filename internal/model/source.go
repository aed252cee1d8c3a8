package model

import "time"

// Source is a feed newswire polls.
type Source struct {
	ID int64 `json:"-"`
	// Key is the URL the source was added with: it scopes the GUIDs of its
	// items and never changes, even when the feed moves.
	Key          string        `json:"key"`
	URL          string        `json:"url"`
	Title        string        `json:"title"`
	Topic        string        `json:"topic,omitempty"`
	HTMLURL      string        `json:"html_url,omitempty"`
	ETag         string        `json:"-"`
	LastModified string        `json:"-"`
	Interval     time.Duration `json:"-"`
	NextPoll     time.Time     `json:"next_poll,omitzero"`
	ErrorCount   int           `json:"error_count"`
	LastStatus   int           `json:"last_status,omitempty"`
	LastError    string        `json:"last_error,omitempty"`
	LastSuccess  time.Time     `json:"last_success,omitzero"`
	Disabled     bool          `json:"disabled"`
	Added        time.Time     `json:"added,omitzero"`
	// Kind is SourceFeed for a feed the operator added, SourceComments for
	// the comment feed of a blog post found while polling one.
	Kind string `json:"kind"`
	// For a comment feed: Parent is the key of the feed its post came
	// from, PostItem the post's coverage item, PostTime the post's date
	// (zero if unknown), and CommentCount the number of comments that feed
	// last stated (-1: it states none).
	Parent       string    `json:"parent,omitempty"`
	PostItem     string    `json:"post_item,omitempty"`
	PostTime     time.Time `json:"post_time,omitzero"`
	CommentCount int       `json:"comment_count,omitempty"`
}

// PollOnChange is the NextPoll of a comment feed whose post is old: it is
// polled again only when its post's feed states a new comment count.
var PollOnChange = time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC)

// Source kinds.
const (
	SourceFeed     = "feed"
	SourceComments = "comments"
)
