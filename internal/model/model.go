// Package model holds newswire's domain types and sentinel errors.
//
// It imports only the standard library; every other package speaks in
// these types. A post dump, a feed file and a polled feed all become
// model values before they reach the store or a renderer.
package model

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Wrap them with fmt.Errorf("...: %w", ErrX) so callers can
// test with errors.Is; the HTTP layer maps them to status codes in one place.
var (
	// ErrNotFound reports that a post, comment, topic or story does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid reports input that cannot be accepted (a bad dump, a bad slug).
	ErrInvalid = errors.New("invalid input")
	// ErrMoved reports a record that now lives under another key (a story
	// merged into another); see Moved.
	ErrMoved = errors.New("moved")
)

// Moved is the error for a record that now lives under another key. It
// matches ErrMoved with errors.Is.
type Moved struct {
	What string // "story"
	From string
	To   string // the key to redirect to
}

func (m *Moved) Error() string { return fmt.Sprintf("%s %q moved to %q", m.What, m.From, m.To) }

// Is makes errors.Is(err, ErrMoved) true for a *Moved.
func (m *Moved) Is(target error) bool { return target == ErrMoved }

// BlockKind says how a block of text is to be shown.
type BlockKind string

const (
	// Paragraph is the author's own words.
	Paragraph BlockKind = "p"
	// Quote is text the author quotes from the post or an earlier comment;
	// it is rendered as a blockquote, never as the author's words.
	Quote BlockKind = "quote"
)

// Block is one paragraph of plain text. Text is never HTML: renderers escape
// it exactly once. Line breaks inside a paragraph are kept as "\n".
type Block struct {
	Kind BlockKind `json:"kind"`
	Text string    `json:"text"`
	// QuotesComment is the number of the comment this quote repeats, or 0
	// when it quotes the post itself (or the source is unknown).
	QuotesComment int `json:"quotes_comment,omitempty"`
}

// Section is a titled part of a post's body, such as "Update #2".
type Section struct {
	Label string  `json:"label"`
	Body  []Block `json:"body"`
}

// RelatedKind says where in a post a related item was found.
type RelatedKind string

const (
	// RelatedSource is the headline the post summarises ("Outlet: Headline").
	RelatedSource RelatedKind = "source"
	// RelatedList is a "Title -- Outlet" line of a "More News On" list.
	RelatedList RelatedKind = "list"
	// RelatedMention is a "Title (Outlet)" or "Title (Date)" mention in the text.
	RelatedMention RelatedKind = "mention"
	// RelatedCited is a piece the post names by its headline as what it
	// discusses ("a WaPo analysis titled “…”").
	RelatedCited RelatedKind = "cited"
	// RelatedSelf is the post itself as a piece of coverage: it links the
	// post to the story it is about. Readers never list it as related.
	RelatedSelf RelatedKind = "self"
)

// RelatedItem is a piece of outside coverage a post points at.
type RelatedItem struct {
	ID        string      `json:"id"`
	Kind      RelatedKind `json:"kind"`
	Title     string      `json:"title"`
	Outlet    string      `json:"outlet,omitempty"`
	URL       string      `json:"url,omitempty"`
	Published time.Time   `json:"published,omitzero"`
	// StoryKey and StoryTitle name the story the item belongs to, when read.
	StoryKey   string `json:"story,omitempty"`
	StoryTitle string `json:"story_title,omitempty"`
}

// Topic is a category posts are filed under.
type Topic struct {
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Posts int    `json:"posts,omitempty"` // number of posts filed under it, when listed
}

// Comment is one reader comment on a post.
type Comment struct {
	ID     string `json:"id"`     // tag URI: the post's ID + "/comment/<n>"
	Number int    `json:"number"` // printed number, or 1-based position
	Author string `json:"author"`
	// Parent is the number of the comment this one replies to, 0 for a
	// thread root (a reply to the post itself).
	Parent int     `json:"parent,omitempty"`
	Votes  *int    `json:"votes,omitempty"`
	Body   []Block `json:"body"`
	// Mention is the name after a leading "@NAME:", if any (raw, as resolved).
	Mention string   `json:"mention,omitempty"`
	Links   []string `json:"links,omitempty"`
	Line    int      `json:"-"` // line of the comment marker in its dump
	// GUID identifies a comment read from a comment feed (its guid or
	// atom:id); InReplyTo is the thr:in-reply-to ref of the entry it
	// answers (the post's, for a reply to the post). The store numbers
	// such comments in order of arrival and finds parents from InReplyTo.
	GUID      string `json:"-"`
	InReplyTo string `json:"-"`
	// Published is the date a comment feed gives the comment, if any.
	Published time.Time `json:"-"`
	// URL is the comment's own page (a comment feed's entry link).
	URL       string    `json:"url,omitempty"`
	FirstSeen time.Time `json:"first_seen,omitzero"`
	Updated   time.Time `json:"updated,omitzero"`
}

// Post is a blog post with its comments and the coverage it points at.
type Post struct {
	ID    string `json:"id"`   // tag URI
	Slug  string `json:"slug"` // readable, derived from the title
	Title string `json:"title"`
	// Subtitle is a short standfirst line under the title, when present.
	Author    string `json:"author,omitempty"`
	AuthorBio string `json:"author_bio,omitempty"`
	// Published is the dump's date line, or the first-seen time when the
	// dump has none; DateFromDump tells which.
	Published    time.Time     `json:"published"`
	DateFromDump bool          `json:"date_from_dump"`
	FirstSeen    time.Time     `json:"first_seen,omitzero"`
	Updated      time.Time     `json:"updated,omitzero"`
	Body         []Block       `json:"body"`
	Sections     []Section     `json:"sections,omitempty"`
	Topics       []Topic       `json:"topics,omitempty"`
	Related      []RelatedItem `json:"related,omitempty"`
	Links        []string      `json:"links,omitempty"`
	Comments     []Comment     `json:"comments,omitempty"`
	// CommentCount is filled when comments are not loaded (listings).
	CommentCount int `json:"comment_count"`
	// StoryKey and StoryTitle name the story the post itself is about (the
	// story its own coverage item joined), when read.
	StoryKey   string `json:"story,omitempty"`
	StoryTitle string `json:"story_title,omitempty"`
	// SourcePath names the file the post was last ingested from.
	SourcePath string `json:"-"`
	// Origin identifies a post read from a feed (its coverage item's ID);
	// it takes the place of the title and date as the post's identity.
	Origin string `json:"-"`
	// URL is the post's original page, for a post read from a feed.
	URL string `json:"url,omitempty"`
}

// IdentityKey is what makes two dumps the same post: the normalised title
// and, when the dump carries one, the date line's day. A post read from a
// feed is known by its Origin instead.
func (p *Post) IdentityKey() string {
	if p.Origin != "" {
		return "origin:" + p.Origin
	}
	key := strings.ToLower(strings.Join(strings.Fields(p.Title), " "))
	if p.DateFromDump && !p.Published.IsZero() {
		key += "|" + p.Published.UTC().Format("2006-01-02")
	}
	return key
}

// Validate reports whether the post is complete enough to store.
func (p *Post) Validate() error {
	if strings.TrimSpace(p.Title) == "" {
		return fmt.Errorf("post has no title: %w", ErrInvalid)
	}
	seen := make(map[int]bool, len(p.Comments))
	for i := range p.Comments {
		c := &p.Comments[i]
		if c.GUID != "" && c.Number == 0 {
			continue // numbered by the store, in order of arrival
		}
		if c.Number <= 0 {
			return fmt.Errorf("comment %d: number must be positive: %w", i+1, ErrInvalid)
		}
		if seen[c.Number] {
			return fmt.Errorf("comment %d: duplicate number: %w", c.Number, ErrInvalid)
		}
		seen[c.Number] = true
		if c.Parent != 0 && (c.Parent >= c.Number || !seen[c.Parent]) {
			return fmt.Errorf("comment %d: parent %d is not an earlier comment: %w", c.Number, c.Parent, ErrInvalid)
		}
	}
	return nil
}

// Comment returns the comment numbered n.
func (p *Post) Comment(n int) (*Comment, bool) {
	for i := range p.Comments {
		if p.Comments[i].Number == n {
			return &p.Comments[i], true
		}
	}
	return nil, false
}

// Thread returns comment n and every reply below it, at any depth, in
// comment order. It reports ErrNotFound when there is no comment n.
func (p *Post) Thread(n int) ([]Comment, error) {
	if _, ok := p.Comment(n); !ok {
		return nil, fmt.Errorf("comment %d of %q: %w", n, p.Slug, ErrNotFound)
	}
	in := map[int]bool{n: true}
	var out []Comment
	for _, c := range p.Comments { // parents always precede their replies
		if c.Number == n || (c.Parent != 0 && in[c.Parent]) {
			in[c.Number] = true
			out = append(out, c)
		}
	}
	return out, nil
}

// Replies counts the direct replies to comment n.
func (p *Post) Replies(n int) int {
	count := 0
	for _, c := range p.Comments {
		if c.Parent == n {
			count++
		}
	}
	return count
}

// IngestCounts tallies what one ingest did to one kind of record.
type IngestCounts struct {
	New       int `json:"new"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// String formats the counts as "N new, N updated, N unchanged".
func (c IngestCounts) String() string {
	return fmt.Sprintf("%d new, %d updated, %d unchanged", c.New, c.Updated, c.Unchanged)
}

// IngestResult is what storing one post did.
type IngestResult struct {
	PostID   string       `json:"post_id"`
	Slug     string       `json:"slug"`
	Posts    IngestCounts `json:"posts"`
	Comments IngestCounts `json:"comments"`
	Related  IngestCounts `json:"related"`
}
