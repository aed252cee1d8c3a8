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
	// from, PostItem the post's coverage item, and CommentCount the number
	// of comments that feed last stated (-1: it states none).
	Parent       string `json:"parent,omitempty"`
	PostItem     string `json:"post_item,omitempty"`
	CommentCount int    `json:"comment_count,omitempty"`
}

// Source kinds.
const (
	SourceFeed     = "feed"
	SourceComments = "comments"
)
