package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one template set per page, each sharing layout.html.
var pages = map[string]*template.Template{
	"index":   parsePage("index.html"),
	"post":    parsePage("post.html"),
	"thread":  parsePage("thread.html"),
	"topic":   parsePage("topic.html"),
	"story":   parsePage("story.html"),
	"stories": parsePage("stories.html"),
}

func parsePage(name string) *template.Template {
	return template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/"+name))
}

// pageHead is what the layout shows around every page.
type pageHead struct {
	SiteTitle  string
	Title      string
	Home       string
	OPML       string
	Alternates []alternateView // autodiscovery links
}

// alternateView is an autodiscovery link: one format of a feed the page
// corresponds to, titled so that a reader offering several can tell them
// apart ("Comments on X (Atom)").
type alternateView struct {
	feedLink
	Title string
}

// dateView is a date as shown on a page.
type dateView struct {
	ISO       string
	Text      string
	FirstSeen bool // the date is when newswire first saw it, not the dump's
}

type topicView struct {
	Name  string
	URL   string
	Posts int
	Feeds []feedLink
}

type threadView struct {
	Number  int
	Author  string
	URL     string // the root comment on its post's page
	PageURL string // the thread's own page
	Replies int    // every reply below the root, at any depth
	Feeds   []feedLink
}

type postSummaryView struct {
	Title    string
	URL      string
	Author   string
	Date     dateView
	Comments int
	Topics   []topicView
	Feeds    []feedLink // the comments feed
	Threads  []threadView
}

type blockView struct {
	Quote       bool
	Text        string
	QuotesURL   string // the comment a quote repeats, if known
	QuotesLabel string
	quotes      int // the number of that comment
}

type sectionView struct {
	Label string
	Body  []blockView
}

type relatedView struct {
	Title  string
	Outlet string
	URL    string
	Date   string
}

// relatedGroupView is the related items of a post that belong to one
// story (Story is nil for those in none).
type relatedGroupView struct {
	Story *storyLinkView
	Items []relatedView
	Other bool // items in no story, listed after those in stories
}

// commentView is a comment as a page shows it, with its replies nested
// below it (Children), so that indentation follows the structure.
type commentView struct {
	Number       int
	Anchor       string // the element id, "comment-N"
	Permalink    string // "#comment-N": the comment on the page showing it
	Author       string
	Votes        string
	Date         dateView
	ParentURL    string // the comment this one replies to: "#comment-P" on the page, else absolute
	ParentAuthor string
	ParentNumber int
	Body         []blockView
	Replies      int        // direct replies (those in Children)
	Below        int        // replies at any depth
	ThreadURL    string     // the page of the thread starting here, when it has replies
	Original     string     // the comment's own page at its source, if known
	Feeds        []feedLink // the comment's thread feed
	Children     []*commentView
}

type indexPage struct {
	pageHead
	Feeds        []feedLink
	Posts        []postSummaryView
	Topics       []topicView
	Stories      []storySummaryView // the newest few
	StoriesURL   string
	StoriesFeeds []feedLink
	Sources      []sourceView // the feeds polled, with their state
}

type postPage struct {
	pageHead
	PostTitle string
	Author    string
	AuthorBio string
	Original  string // the post's page at its source, if known
	Date      dateView
	Body      []blockView
	Sections  []sectionView
	Topics    []topicView
	About     *storyLinkView // the story the post is about, if known
	Related   []relatedGroupView
	Count     int
	Feeds     []feedLink // the comments feed
	Comments  []*commentView
}

type topicPage struct {
	pageHead
	Name  string
	Feeds []feedLink
	Posts []postSummaryView
}

// index serves /: posts with their threads, the newest stories, topics
// and the feeds polled, with their state.
func (s *Server) index(r *http.Request) (*document, error) {
	ctx := r.Context()
	posts, err := s.store.ListPosts(ctx)
	if err != nil {
		return nil, err
	}
	topics, err := s.store.ListTopics(ctx)
	if err != nil {
		return nil, err
	}
	stories, _, err := s.store.Stories(ctx, indexStories, "")
	if err != nil {
		return nil, err
	}
	sources, err := s.store.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	head := s.head(s.title, append(s.alternates(s.title+": all posts", postsPath), s.alternates(s.title+": stories", storiesPath)...)...)
	page := indexPage{
		pageHead:     head,
		Feeds:        s.feedLinks(postsPath),
		Posts:        make([]postSummaryView, 0, len(posts)),
		Stories:      s.storySummaries(stories),
		StoriesURL:   s.abs(storiesPath),
		StoriesFeeds: s.feedLinks(storiesPath),
		Sources:      sourceViews(sources),
	}
	for i := range posts {
		view, err := s.postSummaryWithThreads(ctx, &posts[i])
		if err != nil {
			return nil, err
		}
		page.Posts = append(page.Posts, view)
	}
	for _, t := range topics {
		page.Topics = append(page.Topics, s.topicView(t))
	}
	return renderPage("index", page, latestTime(postsUpdated(posts), storiesUpdated(stories), sourcesUpdated(sources)))
}

// postPage serves /posts/{post}: a post with its comments.
func (s *Server) postPage(r *http.Request) (*document, error) {
	slug := r.PathValue("file")
	if strings.Contains(slug, ".") {
		return nil, notFound("no such page")
	}
	p, err := s.post(r.Context(), slug)
	if err != nil {
		return nil, err
	}
	return renderPage("post", s.postView(p), pageUpdated(p))
}

// topic serves /topics/{topic} (an HTML page) and /topics/{topic}.{ext}
// (its feed).
func (s *Server) topic(r *http.Request) (*document, error) {
	slug, ext, isFeed := splitFile(r.PathValue("file"))
	if isFeed {
		return s.topicFeed(r, slug, ext)
	}
	topic, posts, err := s.store.TopicPosts(r.Context(), slug)
	if err != nil {
		return nil, explain(err, "no such topic %q", slug)
	}
	path := topicPath(topic.Slug)
	page := topicPage{
		pageHead: s.head(topic.Name+" — "+s.title, s.alternates(s.title+": "+topic.Name, path)...),
		Name:     topic.Name,
		Feeds:    s.feedLinks(path),
	}
	for i := range posts {
		page.Posts = append(page.Posts, s.postSummary(&posts[i]))
	}
	return renderPage("topic", page, postsUpdated(posts))
}

// renderPage executes a page template into an HTML document.
func renderPage(name string, data any, modified time.Time) (*document, error) {
	var buf bytes.Buffer
	if err := pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s page: %w", name, err)
	}
	return &document{contentType: htmlType, body: buf.Bytes(), modified: modified, kind: "html"}, nil
}

// head is the layout data of a page titled title, with the
// autodiscovery links of its feeds (see alternates).
func (s *Server) head(title string, alternates ...alternateView) pageHead {
	return pageHead{
		SiteTitle:  s.title,
		Title:      title,
		Home:       s.abs("/"),
		OPML:       s.abs(opmlPath),
		Alternates: alternates,
	}
}

// alternates lists the feed at path in every format for autodiscovery,
// each titled "title (format)".
func (s *Server) alternates(title, path string) []alternateView {
	links := s.feedLinks(path)
	out := make([]alternateView, 0, len(links))
	for _, l := range links {
		out = append(out, alternateView{feedLink: l, Title: title + " (" + l.Name + ")"})
	}
	return out
}

func (s *Server) topicView(t model.Topic) topicView {
	path := topicPath(t.Slug)
	return topicView{Name: t.Name, URL: s.abs(path), Posts: t.Posts, Feeds: s.feedLinks(path)}
}

func (s *Server) postSummary(p *model.Post) postSummaryView {
	view := postSummaryView{
		Title:    p.Title,
		URL:      s.abs(postPath(p.Slug)),
		Author:   p.Author,
		Date:     dateOf(p.Published, !p.DateFromDump),
		Comments: commentCount(p),
		Feeds:    s.feedLinks(commentsPath(p.Slug)),
	}
	for _, t := range p.Topics {
		view.Topics = append(view.Topics, s.topicView(t))
	}
	return view
}

// postSummaryWithThreads is a post's summary listing its threads: the
// root comments that have replies. It loads the post's comments.
func (s *Server) postSummaryWithThreads(ctx context.Context, p *model.Post) (postSummaryView, error) {
	view := s.postSummary(p)
	if commentCount(p) == 0 {
		return view, nil
	}
	full, err := s.store.Post(ctx, p.Slug)
	if err != nil {
		return view, fmt.Errorf("load comments of %q: %w", p.Slug, err)
	}
	for i := range full.Comments {
		c := &full.Comments[i]
		if c.Parent != 0 || full.Replies(c.Number) == 0 {
			continue
		}
		thread, _ := full.Thread(c.Number)
		view.Threads = append(view.Threads, threadView{
			Number:  c.Number,
			Author:  authorName(c.Author),
			URL:     s.commentURL(p.Slug, c.Number),
			PageURL: s.abs(threadPath(p.Slug, c.Number)),
			Replies: len(thread) - 1,
			Feeds:   s.feedLinks(threadPath(p.Slug, c.Number)),
		})
	}
	return view, nil
}

func (s *Server) postView(p *model.Post) postPage {
	comments := commentsPath(p.Slug)
	page := postPage{
		pageHead:  s.head(p.Title+" — "+s.title, s.alternates("Comments on "+p.Title, comments)...),
		PostTitle: p.Title,
		Author:    p.Author,
		AuthorBio: p.AuthorBio,
		Date:      dateOf(p.Published, !p.DateFromDump),
		Body:      s.blockViews(p.Slug, p.Body),
		Count:     len(p.Comments),
		Feeds:     s.feedLinks(comments),
		Comments:  s.commentTree(p, p.Comments),
		About:     s.storyLink(p.StoryKey, p.StoryTitle),
		Related:   s.relatedGroups(p.Related),
		Original:  p.URL,
	}
	for _, sec := range p.Sections {
		page.Sections = append(page.Sections, sectionView{Label: sec.Label, Body: s.blockViews(p.Slug, sec.Body)})
	}
	for _, t := range p.Topics {
		page.Topics = append(page.Topics, s.topicView(t))
	}
	return page
}

// relatedGroups groups a post's related items by the story they belong
// to, each story once, in order of first mention, and then the items in
// no story; the post's own item (RelatedSelf) is not listed.
func (s *Server) relatedGroups(items []model.RelatedItem) []relatedGroupView {
	var groups []relatedGroupView
	var loose []relatedView
	index := map[string]int{}
	for _, rel := range items {
		if rel.Kind == model.RelatedSelf {
			continue
		}
		view := relatedView{Title: rel.Title, Outlet: rel.Outlet, URL: rel.URL, Date: formatDay(rel.Published)}
		if rel.StoryKey == "" {
			loose = append(loose, view)
			continue
		}
		i, ok := index[rel.StoryKey]
		if !ok {
			i = len(groups)
			index[rel.StoryKey] = i
			groups = append(groups, relatedGroupView{Story: s.storyLink(rel.StoryKey, rel.StoryTitle)})
		}
		groups[i].Items = append(groups[i].Items, view)
	}
	if len(loose) > 0 {
		groups = append(groups, relatedGroupView{Items: loose, Other: len(groups) > 0})
	}
	return groups
}

// commentTree arranges comments of p (all of them, or one thread, in
// comment order) as threads: roots in comment order, each with its
// replies nested below it. A comment whose parent is not among comments
// (the first of a thread that starts below a root) links to its parent on
// the post's page.
func (s *Server) commentTree(p *model.Post, comments []model.Comment) []*commentView {
	byNumber := make(map[int]*commentView, len(comments))
	var roots []*commentView
	for i := range comments {
		c := &comments[i]
		view := s.commentView(p, c)
		byNumber[c.Number] = view
		if parent, ok := byNumber[c.Parent]; ok && c.Parent != 0 {
			parent.Children = append(parent.Children, view)
		} else {
			if c.Parent != 0 {
				view.ParentURL = s.commentURL(p.Slug, c.Parent)
			}
			roots = append(roots, view)
		}
	}
	var fill func(c *commentView) int
	fill = func(c *commentView) int {
		c.Replies, c.Below = len(c.Children), 0
		for _, child := range c.Children {
			c.Below += 1 + fill(child)
		}
		if c.Replies > 0 {
			c.ThreadURL = s.abs(threadPath(p.Slug, c.Number))
		}
		for i, b := range c.Body {
			if _, here := byNumber[b.quotes]; b.quotes > 0 && !here {
				c.Body[i].QuotesURL = s.commentURL(p.Slug, b.quotes)
			}
		}
		return c.Below
	}
	for _, root := range roots {
		fill(root)
	}
	return roots
}

func (s *Server) commentView(p *model.Post, c *model.Comment) *commentView {
	view := &commentView{
		Number:    c.Number,
		Anchor:    commentAnchor(c.Number),
		Permalink: "#" + commentAnchor(c.Number),
		Author:    authorName(c.Author),
		Votes:     votesText(c.Votes),
		Date:      dateOf(c.FirstSeen, true),
		Body:      s.blockViews(p.Slug, c.Body),
		Original:  c.URL,
		Feeds:     s.feedLinks(threadPath(p.Slug, c.Number)),
	}
	if c.Parent != 0 {
		view.ParentNumber = c.Parent
		view.ParentURL = "#" + commentAnchor(c.Parent)
		if parent, ok := p.Comment(c.Parent); ok {
			view.ParentAuthor = authorName(parent.Author)
		}
	}
	return view
}

func (s *Server) blockViews(slug string, blocks []model.Block) []blockView {
	out := make([]blockView, 0, len(blocks))
	for _, b := range blocks {
		view := blockView{Quote: b.Kind == model.Quote, Text: b.Text}
		if view.Quote && b.QuotesComment > 0 {
			view.QuotesURL = "#" + commentAnchor(b.QuotesComment)
			view.QuotesLabel = fmt.Sprintf("comment %d", b.QuotesComment)
			view.quotes = b.QuotesComment
		}
		out = append(out, view)
	}
	return out
}

// dateOf formats t for a page; firstSeen says it is a first-seen time.
func dateOf(t time.Time, firstSeen bool) dateView {
	if t.IsZero() {
		return dateView{}
	}
	return dateView{
		ISO:       t.UTC().Format(time.RFC3339),
		Text:      t.UTC().Format("2 January 2006, 15:04 UTC"),
		FirstSeen: firstSeen,
	}
}

// formatDay formats a date without its time, or "" when unknown.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2 January 2006")
}

// pageUpdated is when a post or any of its comments last changed.
func pageUpdated(p *model.Post) time.Time {
	t := postUpdated(p)
	for i := range p.Comments {
		t = latestTime(t, commentUpdated(p, &p.Comments[i]))
	}
	return t
}
