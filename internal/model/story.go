package model

import (
	"fmt"
	"strings"
	"time"
	"unicode"
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
	// CommentFeed is the feed of the item's comments, when a polled feed
	// names one (a blog post); CommentCount is the number of comments the
	// feed states, -1 when it states none. Storing such an item registers
	// the comment feed as a source to poll (SourceComments).
	CommentFeed  string `json:"-"`
	CommentCount int    `json:"-"`
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
	Item   Item      `json:"item"`
	Reason Reason    `json:"reason"`
	Score  float64   `json:"score"`
	Added  time.Time `json:"added"` // when it joined the story
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

// StoryAssignment is the story an item joins, as clustering decided it.
type StoryAssignment struct {
	StoryID  string  `json:"story_id"`
	Key      string  `json:"key"`       // URL segment of a new story
	NewStory bool    `json:"new_story"` // the item starts the story
	Reason   Reason  `json:"reason"`
	Score    float64 `json:"score"`
	// Merged lists stories folded into StoryID; they redirect to it.
	Merged []string `json:"merged,omitempty"`
}

// ItemState says whether an item is new to the store.
type ItemState int

// Item states.
const (
	ItemNew ItemState = iota
	ItemUpdated
	ItemUnchanged
)

// CoverageItem is one item of a CoverageBatch.
type CoverageItem struct {
	Item  Item
	State ItemState
	// Story is set for new items; stored items keep the story they have.
	Story StoryAssignment
}

// CoverageBatch is a set of items with their story decisions, stored in
// one transaction.
type CoverageBatch struct {
	Items []CoverageItem
}

// Counts tallies the batch by state.
func (b *CoverageBatch) Counts() IngestCounts {
	var c IngestCounts
	for _, it := range b.Items {
		switch it.State {
		case ItemNew:
			c.New++
		case ItemUpdated:
			c.Updated++
		default:
			c.Unchanged++
		}
	}
	return c
}

// PostSourcePrefix starts the SourceKey of a post's own coverage item: the
// post as a piece of coverage of the story it is about.
const PostSourcePrefix = "post:"

// IsPostSource reports whether a SourceKey names a post.
func IsPostSource(sourceKey string) bool { return strings.HasPrefix(sourceKey, PostSourcePrefix) }

// BestHeadline picks a story's headline: the one sharing the most words
// with the others (the most representative), the earliest on a tie, and
// one of sane length over a very long or very short one.
func BestHeadline(titles []string) string {
	words := make([]map[string]bool, len(titles))
	df := map[string]int{}
	for i, t := range titles {
		words[i] = map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}) {
			if len(w) > 3 && !words[i][w] {
				words[i][w] = true
				df[w]++
			}
		}
	}
	best, bestScore := "", -1.0
	for i, t := range titles {
		n := len([]rune(t))
		if n == 0 {
			continue
		}
		score := 0.0
		for w := range words[i] {
			score += float64(df[w] - 1)
		}
		if n < 20 || n > 160 {
			score /= 2
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	return best
}

// StoredItem is what the store knows of an item already ingested.
type StoredItem struct {
	Item    Item
	Hash    string // ItemHash when stored
	StoryID string // the story it is in ("" if none)
}

// ItemHash fingerprints what a reader sees of an item, to tell an updated
// item from an unchanged one.
func ItemHash(it *Item) string {
	published := ""
	if !it.DateEstimated && !it.Published.IsZero() {
		published = it.Published.UTC().Format(time.RFC3339)
	}
	return ShortHash(32, it.Title, it.Outlet, it.URL, it.Summary, published,
		strings.Join(it.Categories, "\x1f"), it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL)
}

// MemberRecord is a story member as other tools read it (the JSON API and
// `newswire stories --json`): fields that may be unknown are null, and
// Published is null when it was only estimated.
type MemberRecord struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	URL       *string    `json:"url"`
	Outlet    *string    `json:"outlet"`
	Published *time.Time `json:"published"`
	Reason    string     `json:"reason"`
	Score     float64    `json:"score"`
	GUID      *string    `json:"guid"`
}

// Record returns the member as a MemberRecord.
func (m *StoryMember) Record() MemberRecord {
	it := &m.Item
	r := MemberRecord{ID: it.ID, Title: it.Title, URL: nullable(it.URL), Outlet: nullable(it.Outlet),
		Reason: string(m.Reason), Score: m.Score, GUID: nullable(it.GUID)}
	if !it.DateEstimated && !it.Published.IsZero() {
		t := it.Published.UTC()
		r.Published = &t
	}
	return r
}

// nullable is s, or nil for "".
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Regroup is the outcome of settling a range of coverage (see
// coverage.Service.Settle): items that move to another story, stories that
// start or come back, and stories left empty that now redirect. It is
// stored in one transaction.
type Regroup struct {
	// Start lists stories to create, or to bring back if they had been
	// merged away, with the headline of their first item.
	Start []StoryStart
	// Moves lists items that change story.
	Moves []StoryMove
	// Folded maps each story that is no longer a story of its own to the
	// story it now redirects to; any items it still holds move there.
	Folded map[string]string
}

// Empty reports whether the regroup changes nothing.
func (r *Regroup) Empty() bool {
	return r == nil || len(r.Start) == 0 && len(r.Moves) == 0 && len(r.Folded) == 0
}

// StoryStart is a story created or revived by a regroup.
type StoryStart struct {
	ID, Key, Title string
}

// StoryMove is an item moving to another story.
type StoryMove struct {
	ItemID string
	From   string
	To     string
	Reason Reason
	Score  float64
}
