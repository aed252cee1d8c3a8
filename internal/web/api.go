package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// The API's response types. They are explicit so the field names are a
// stable contract and absent values appear as JSON null.

// apiFeeds are the URLs of one feed in each format.
type apiFeeds struct {
	Atom string `json:"atom"`
	RSS  string `json:"rss"`
	JSON string `json:"json"`
}

type apiTopic struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type apiPostSummary struct {
	Slug         string     `json:"slug"`
	ID           string     `json:"id"`
	Title        string     `json:"title"`
	Author       string     `json:"author"`
	Published    time.Time  `json:"published"`
	DateFromDump bool       `json:"date_from_dump"`
	Topics       []apiTopic `json:"topics"`
	CommentCount int        `json:"comment_count"`
	URL          string     `json:"url"`
	Feeds        apiFeeds   `json:"feeds"` // the post's comments feed
}

type apiPostList struct {
	Posts []apiPostSummary `json:"posts"`
	// Next is the URL of the next page when paging (?limit=, ?after=);
	// absent on the last page, and when every post is listed (the
	// document without ?limit= is as it always was).
	Next *string `json:"next,omitempty"`
}

type apiBlock struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

type apiSection struct {
	Label string     `json:"label"`
	Body  []apiBlock `json:"body"`
}

type apiRelated struct {
	Title     string     `json:"title"`
	Outlet    *string    `json:"outlet"`
	URL       *string    `json:"url"`
	Kind      string     `json:"kind"`
	Published *time.Time `json:"published"`
	Story     *string    `json:"story"` // the key of its story, if any
}

type apiComment struct {
	Number    int        `json:"number"`
	ID        string     `json:"id"`
	Author    string     `json:"author"`
	Parent    *int       `json:"parent"`
	Votes     *int       `json:"votes"`
	Body      []apiBlock `json:"body"`
	Links     []string   `json:"links"`
	FirstSeen *time.Time `json:"first_seen"`
	Updated   *time.Time `json:"updated"`
	Feeds     apiFeeds   `json:"feeds"` // the comment's thread feed
}

type apiPost struct {
	ID           string       `json:"id"`
	Slug         string       `json:"slug"`
	Title        string       `json:"title"`
	Author       string       `json:"author"`
	Published    time.Time    `json:"published"`
	DateFromDump bool         `json:"date_from_dump"`
	Topics       []apiTopic   `json:"topics"`
	Related      []apiRelated `json:"related"`
	// RelatedStories names the stories of the related items, each once,
	// in order of first mention.
	RelatedStories []apiStoryRef `json:"related_stories"`
	// Story is the story the post itself is about, or null.
	Story        *apiStoryRef `json:"story"`
	Body         []apiBlock   `json:"body"`
	Sections     []apiSection `json:"sections"`
	URL          string       `json:"url"`
	Feeds        apiFeeds     `json:"feeds"` // the post's comments feed
	CommentCount int          `json:"comment_count"`
	Comments     []apiComment `json:"comments"`
}

// apiPosts serves /api/posts: every post, newest first.
func (s *Server) apiPosts(r *http.Request) (*document, error) {
	posts, err := s.store.ListPosts(r.Context())
	if err != nil {
		return nil, err
	}
	modified := postsUpdated(posts)
	page, next, limit, err := postsPage(posts, r.URL.Query())
	if err != nil {
		return nil, err
	}
	list := apiPostList{Posts: make([]apiPostSummary, 0, len(page))}
	for i := range page {
		list.Posts = append(list.Posts, s.apiPostSummary(&page[i]))
	}
	if next != "" {
		u := s.abs("/api/posts") + afterQuery(next, keptLimit(r.URL.Query(), limit))
		list.Next = &u
	}
	return jsonDocument(list, modified)
}

// postsPage picks the page of posts (newest first) a query asks for:
// every post without ?limit= or ?after=, else up to limit posts after the
// post whose slug is the cursor. It returns the next page's cursor ("" on
// the last page) and the limit applied.
func postsPage(posts []model.Post, q url.Values) ([]model.Post, string, int, error) {
	if !q.Has("limit") && !q.Has("after") {
		return posts, "", len(posts), nil
	}
	limit, err := apiLimit(q)
	if err != nil {
		return nil, "", 0, err
	}
	start := 0
	if after := q.Get("after"); after != "" {
		i := slices.IndexFunc(posts, func(p model.Post) bool { return p.Slug == after })
		if i < 0 {
			return nil, "", 0, invalid("after=%q names no post", after)
		}
		start = i + 1
	}
	end := min(start+limit, len(posts))
	page := posts[start:end]
	if end == len(posts) {
		return page, "", limit, nil
	}
	return page, page[len(page)-1].Slug, limit, nil
}

// apiPost serves /api/posts/{post}: a post with its comments.
func (s *Server) apiPost(r *http.Request) (*document, error) {
	p, err := s.post(r.Context(), r.PathValue("post"))
	if err != nil {
		return nil, err
	}
	return jsonDocument(s.apiPostDetail(p), pageUpdated(p))
}

// jsonDocument encodes v as an indented JSON document.
func jsonDocument(v any, modified time.Time) (*document, error) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return &document{contentType: jsonType, body: append(body, '\n'), modified: modified, kind: "api"}, nil
}

func (s *Server) apiFeeds(path string) apiFeeds {
	return apiFeeds{
		Atom: s.feedURL(path, feeds.Atom),
		RSS:  s.feedURL(path, feeds.RSS),
		JSON: s.feedURL(path, feeds.JSON),
	}
}

func (s *Server) apiTopics(topics []model.Topic) []apiTopic {
	out := make([]apiTopic, 0, len(topics))
	for _, t := range topics {
		out = append(out, apiTopic{Slug: t.Slug, Name: t.Name, URL: s.abs(topicPath(t.Slug))})
	}
	return out
}

func (s *Server) apiPostSummary(p *model.Post) apiPostSummary {
	return apiPostSummary{
		Slug:         p.Slug,
		ID:           s.postID(p),
		Title:        p.Title,
		Author:       p.Author,
		Published:    p.Published,
		DateFromDump: p.DateFromDump,
		Topics:       s.apiTopics(p.Topics),
		CommentCount: commentCount(p),
		URL:          s.abs(postPath(p.Slug)),
		Feeds:        s.apiFeeds(commentsPath(p.Slug)),
	}
}

func (s *Server) apiPostDetail(p *model.Post) apiPost {
	out := apiPost{
		ID:           s.postID(p),
		Slug:         p.Slug,
		Title:        p.Title,
		Author:       p.Author,
		Published:    p.Published,
		DateFromDump: p.DateFromDump,
		Topics:       s.apiTopics(p.Topics),
		Story:        s.apiStoryRef(p.StoryKey, p.StoryTitle),
		Body:         apiBlocks(p.Body),
		Sections:     make([]apiSection, 0, len(p.Sections)),
		URL:          s.abs(postPath(p.Slug)),
		Feeds:        s.apiFeeds(commentsPath(p.Slug)),
		CommentCount: commentCount(p),
		Comments:     make([]apiComment, 0, len(p.Comments)),
	}
	out.Related, out.RelatedStories = s.apiRelated(p.Related)
	for _, sec := range p.Sections {
		out.Sections = append(out.Sections, apiSection{Label: sec.Label, Body: apiBlocks(sec.Body)})
	}
	for i := range p.Comments {
		out.Comments = append(out.Comments, s.apiComment(p, &p.Comments[i]))
	}
	return out
}

// apiRelated lists a post's related items (not its own, RelatedSelf) and
// the stories they belong to, each story once.
func (s *Server) apiRelated(items []model.RelatedItem) ([]apiRelated, []apiStoryRef) {
	related := make([]apiRelated, 0, len(items))
	stories := []apiStoryRef{}
	seen := map[string]bool{}
	for _, rel := range items {
		if rel.Kind == model.RelatedSelf {
			continue
		}
		related = append(related, apiRelated{
			Title: rel.Title, Outlet: nullString(rel.Outlet), URL: nullString(rel.URL),
			Kind: string(rel.Kind), Published: nullTime(rel.Published), Story: nullString(rel.StoryKey),
		})
		if rel.StoryKey != "" && !seen[rel.StoryKey] {
			seen[rel.StoryKey] = true
			stories = append(stories, *s.apiStoryRef(rel.StoryKey, rel.StoryTitle))
		}
	}
	return related, stories
}

func (s *Server) apiComment(p *model.Post, c *model.Comment) apiComment {
	out := apiComment{
		Number:    c.Number,
		ID:        s.commentID(p, c.Number),
		Author:    c.Author,
		Votes:     c.Votes,
		Body:      apiBlocks(c.Body),
		Links:     append(make([]string, 0, len(c.Links)), c.Links...),
		FirstSeen: nullTime(c.FirstSeen),
		Updated:   nullTime(c.Updated),
		Feeds:     s.apiFeeds(threadPath(p.Slug, c.Number)),
	}
	if c.Parent != 0 {
		parent := c.Parent
		out.Parent = &parent
	}
	return out
}

func apiBlocks(blocks []model.Block) []apiBlock {
	out := make([]apiBlock, 0, len(blocks))
	for _, b := range blocks {
		out = append(out, apiBlock{Kind: string(b.Kind), Text: b.Text})
	}
	return out
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
