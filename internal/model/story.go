package model

import (
	"fmt"
	"strings"
	"time"
)

// Item is one piece of coverage: an article from an outlet, read from a
// feed, a feed file, or a post's related-news list. Its original GUID and
// link are kept as they came; CanonicalURL is only for matching.
type Item struct {
	ID string `json:"id"` // tag URI from identity (see Tagger.Item)
	// SourceKey scopes the GUID: the feed's URL, a feed file's path, or
	// "post:" + the post ID for items a post lists.
	SourceKey    string    `json:"source_key,omitempty"`
	GUID         string    `json:"guid,omitempty"`
	URL          string    `json:"url,omitempty"`
	CanonicalURL string    `json:"canonical_url,omitempty"`
	Outlet       string    `json:"outlet,omitempty"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary,omitempty"` // plain text
	Published    time.Time `json:"published,omitzero"`
	// DateEstimated says Published is not the item's own date but the
	// first-seen time or the date of the post that cites it.
	DateEstimated bool      `json:"date_estimated,omitempty"`
	Categories    []string  `json:"categories,omitempty"`
	FirstSeen     time.Time `json:"first_seen,omitzero"`
	Updated       time.Time `json:"updated,omitzero"`
	// Provenance: the feed the item came from.
	SourceTitle   string `json:"source_title,omitempty"`
	SourceFeedURL string `json:"source_feed_url,omitempty"`
	SourceSiteURL string `json:"source_site_url,omitempty"`
}

// Validate reports whether the item can be stored: it needs a title or a
// link, and a title of sane length.
func (it *Item) Validate() error {
	switch {
	case strings.TrimSpace(it.Title) == "" && strings.TrimSpace(it.URL) == "":
		return fmt.Errorf("item has neither title nor link: %w", ErrInvalid)
	case len(it.Title) > MaxTitleLen:
		return fmt.Errorf("item title is %d bytes, over %d: %w", len(it.Title), MaxTitleLen, ErrInvalid)
	}
	return nil
}

// MaxTitleLen bounds an item's title; longer titles are cut before storing.
const MaxTitleLen = 2000

// Reason says why an item joined a story: the dedup layer that decided.
type Reason string

// The reasons, cheapest layer first.
const (
	ReasonFirst      Reason = "first"      // the item started the story
	ReasonSameURL    Reason = "same-url"   // same canonical URL
	ReasonSameGUID   Reason = "same-guid"  // same GUID from the same source
	ReasonSameTitle  Reason = "same-title" // same outlet, same normalised headline
	ReasonSyndicated Reason = "syndicated" // near-identical text (SimHash)
	ReasonSameEvent  Reason = "same-event" // similar headline/summary within the time window
	ReasonMerged     Reason = "merged"     // came with a story merged into this one
	ReasonCitedBy    Reason = "cited-by"   // a post names it as the story it summarises
)

// StoryMember is an item in a story, with why it is there.
type StoryMember struct {
	Item   Item    `json:"item"`
	Reason Reason  `json:"reason"`
	Score  float64 `json:"score"`
}

// Story is one news event: every item that covers it, from any outlet.
type Story struct {
	ID        string        `json:"id"`  // the ID of its first item's story, frozen
	Key       string        `json:"key"` // URL segment, frozen at creation
	Title     string        `json:"title"`
	FirstSeen time.Time     `json:"first_seen"`
	Updated   time.Time     `json:"updated"`
	Members   []StoryMember `json:"items,omitempty"`
	Outlets   []string      `json:"outlets,omitempty"`
	Posts     []Post        `json:"posts,omitempty"` // posts that discuss it (no comments)
}
