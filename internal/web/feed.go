package web

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// topFeed serves the site-wide feeds: /posts.{ext} and /stories.{ext}.
func (s *Server) topFeed(r *http.Request) (*document, error) {
	name, ext, _ := splitFile(r.PathValue("file"))
	switch name {
	case "posts":
		return s.postsFeed(r, ext)
	case "stories":
		return s.storiesFeed(r, ext)
	}
	return nil, notFound("no such page")
}

// postsFeed serves /posts.{ext}: every post, an archived feed (posts by
// arrival) whose subscription document shows the newest.
func (s *Server) postsFeed(r *http.Request, ext string) (*document, error) {
	f, err := feedFormat(ext)
	if err != nil {
		return nil, err
	}
	posts, err := s.store.ListPosts(r.Context())
	if err != nil {
		return nil, err
	}
	posts = postsByArrival(posts)
	return s.pagedFeed(r, f, postsPath, len(posts), archivedFeedPaging, func(lo, hi int, archive bool) *feeds.Feed {
		feed := s.postListFeed(postsPath, s.title, s.abs("/"), posts[lo:hi])
		feed.Subtitle = "Every post, newest first"
		if archive {
			freezePostReplies(feed)
		}
		return feed
	})
}

// commentsFeed serves /posts/{post}/comments.{ext}: a post's comments,
// newest first.
func (s *Server) commentsFeed(r *http.Request) (*document, error) {
	name, ext, _ := splitFile(r.PathValue("file"))
	if name != "comments" {
		return nil, notFound("no such page")
	}
	f, err := feedFormat(ext)
	if err != nil {
		return nil, err
	}
	p, err := s.post(r.Context(), r.PathValue("post"))
	if err != nil {
		return nil, err
	}
	path := commentsPath(p.Slug)
	return s.archivedCommentFeed(r, f, p, p.Comments, path, "Comments on "+p.Title, s.abs(postPath(p.Slug))+"#comments")
}

// threadFeed serves /posts/{post}/threads/{n}.{ext}: comment n and every
// reply below it, newest first; without an extension, the thread's HTML
// page.
func (s *Server) threadFeed(r *http.Request) (*document, error) {
	num, ext, isFeed := splitFile(r.PathValue("file"))
	if !isFeed {
		return s.threadPage(r)
	}
	f, err := feedFormat(ext)
	if err != nil {
		return nil, err
	}
	p, thread, n, err := s.thread(r, num)
	if err != nil {
		return nil, err
	}
	title := threadTitle(p, n)
	path := threadPath(p.Slug, n)
	return s.archivedCommentFeed(r, f, p, thread, path, title, s.commentURL(p.Slug, n))
}

// thread loads the post a request names and the thread of comment num
// ("35") in it: the root comment, its number, and every reply below it.
func (s *Server) thread(r *http.Request, num string) (*model.Post, []model.Comment, int, error) {
	n, err := threadNumber(num)
	if err != nil {
		return nil, nil, 0, err
	}
	p, err := s.post(r.Context(), r.PathValue("post"))
	if err != nil {
		return nil, nil, 0, err
	}
	thread, err := p.Thread(n)
	if err != nil {
		return nil, nil, 0, explain(err, "no such thread %d", n)
	}
	return p, thread, n, nil
}

// threadTitle names the thread of comment n of p.
func threadTitle(p *model.Post, n int) string {
	root, _ := p.Comment(n)
	return fmt.Sprintf("Thread of comment %d by %s on %s", n, authorName(root.Author), p.Title)
}

// topicFeed serves /topics/{topic}.{ext}: the posts filed under a topic,
// an archived feed (posts by arrival), whose subscription document also
// carries the topic's newest stories.
func (s *Server) topicFeed(r *http.Request, slug, ext string) (*document, error) {
	f, err := feedFormat(ext)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	topic, posts, err := s.store.TopicPosts(ctx, slug)
	if err != nil {
		return nil, explain(err, "no such topic %q", slug)
	}
	stories, err := s.store.TopicStories(ctx, topic.Slug, topicStoryLimit)
	if err != nil {
		return nil, err
	}
	posts = postsByArrival(posts)
	path := topicPath(topic.Slug)
	return s.pagedFeed(r, f, path, len(posts), pagedFeedPaging, func(lo, hi int, _ bool) *feeds.Feed {
		feed := s.postListFeed(path, s.title+": "+topic.Name, s.abs(path), posts[lo:hi])
		feed.Subtitle = "Posts filed under " + topic.Name
		feed.Categories = []feeds.Category{s.category(topic)}
		if hi < len(posts) { // an older page: posts only
			return feed
		}
		if len(stories) > 0 {
			feed.Subtitle = "Posts and news stories filed under " + topic.Name + ", each story once"
			for i := range stories {
				feed.Entries = append(feed.Entries, s.storyEntry(&stories[i]))
			}
			// Newest first, posts and stories together (stable: ties
			// keep posts before stories).
			slices.SortStableFunc(feed.Entries, func(a, b feeds.Entry) int { return b.Updated.Compare(a.Updated) })
			feed.Updated = latest(feed.Entries)
		}
		return feed
	})
}

// topicStoryLimit bounds the stories a topic feed carries.
const topicStoryLimit = 50

// post loads a full post, explaining an unknown slug to the client.
func (s *Server) post(ctx context.Context, slug string) (*model.Post, error) {
	p, err := s.store.Post(ctx, slug)
	if err != nil {
		return nil, explain(err, "no such post %q", slug)
	}
	return p, nil
}

// renderFeed renders feed, served at path, in format f.
func (s *Server) renderFeed(f feeds.Format, path string, feed *feeds.Feed) (*document, error) {
	return s.renderFeedPage(f, path, "", feed)
}

// renderFeedPage renders one page of a paged feed, served at path with
// query (such as "?after=…", or "" for the first page), in format f.
func (s *Server) renderFeedPage(f feeds.Format, path, query string, feed *feeds.Feed) (*document, error) {
	feed.SelfURL = s.feedURL(path, f) + query
	hub := s.hubFor(path, query)
	if hub != "" {
		feed.Links = append(feed.Links, feeds.Link{Rel: "hub", Href: hub})
	}
	var buf bytes.Buffer
	if err := feeds.Render(&buf, f, feed); err != nil {
		return nil, fmt.Errorf("render %s feed %s: %w", f, path, err)
	}
	return &document{contentType: f.MediaType(), body: buf.Bytes(), modified: feed.Updated, kind: string(f),
		self: feed.SelfURL, hub: hub}, nil
}

// hubFor is the WebSub hub the document at path and query names: the
// configured one, unless it is told only about the listed feeds and this
// is not one of them.
func (s *Server) hubFor(path, query string) string {
	if s.hubListed && (query != "" || !isListedPath(path)) {
		return ""
	}
	return s.hubURL
}

// isListedPath reports whether path is one of the feeds listedFeeds
// names: all posts, all stories, a post's comments or a topic.
func isListedPath(path string) bool {
	switch {
	case path == postsPath, path == storiesPath:
		return true
	case strings.HasPrefix(path, topicsPath):
		return true
	}
	rest, ok := strings.CutPrefix(path, postsPath+"/")
	slug, ok2 := strings.CutSuffix(rest, "/comments")
	return ok && ok2 && slug != "" && !strings.Contains(slug, "/")
}

// postListFeed builds a feed of posts (all posts, or a topic's).
func (s *Server) postListFeed(path, title, htmlURL string, posts []model.Post) *feeds.Feed {
	posts = slices.Clone(posts)
	slices.SortStableFunc(posts, func(a, b model.Post) int { return b.Published.Compare(a.Published) })
	feed := &feeds.Feed{
		ID:      s.tagger.Feed(path),
		Title:   title,
		HTMLURL: htmlURL,
		Author:  feeds.Person{Name: s.title},
	}
	for i := range posts {
		feed.Entries = append(feed.Entries, s.postEntry(&posts[i]))
	}
	feed.Updated = latest(feed.Entries)
	return feed
}

// postEntry is the feed entry of a post.
func (s *Server) postEntry(p *model.Post) feeds.Entry {
	page := s.abs(postPath(p.Slug))
	comments := commentsPath(p.Slug)
	e := feeds.Entry{
		ID:          s.postID(p),
		Title:       p.Title,
		URL:         page,
		Author:      feeds.Person{Name: p.Author},
		Published:   p.Published,
		Updated:     postUpdated(p),
		ContentHTML: postHTML(p),
		ContentText: postText(p),
		Replies: &feeds.Replies{
			Count:    commentCount(p),
			AtomHref: s.feedURL(comments, feeds.Atom),
			RSSHref:  s.feedURL(comments, feeds.RSS),
			JSONHref: s.feedURL(comments, feeds.JSON),
			HTMLHref: page + "#comments",
		},
	}
	for _, t := range p.Topics {
		e.Categories = append(e.Categories, s.category(t))
	}
	return e
}

// category is the feed category of a topic.
func (s *Server) category(t model.Topic) feeds.Category {
	return feeds.Category{Term: t.Slug, Label: t.Name, Scheme: s.abs(topicsPath)}
}

// commentFeed builds a feed of comments of p (all of them, or a thread).
func (s *Server) commentFeed(p *model.Post, comments []model.Comment, path, title, htmlURL string) *feeds.Feed {
	comments = slices.Clone(comments)
	slices.SortFunc(comments, newestCommentFirst)
	feed := &feeds.Feed{
		ID:       s.tagger.Feed(path),
		Title:    title,
		Subtitle: "Reader comments on “" + p.Title + "”, newest first",
		HTMLURL:  htmlURL,
	}
	for i := range comments {
		feed.Entries = append(feed.Entries, s.commentEntry(p, &comments[i]))
	}
	feed.Updated = latest(feed.Entries)
	if feed.Updated.IsZero() {
		feed.Updated = postUpdated(p)
	}
	return feed
}

// newestCommentFirst orders comments by FirstSeen, then Number, descending.
func newestCommentFirst(a, b model.Comment) int {
	return cmp.Or(b.FirstSeen.Compare(a.FirstSeen), cmp.Compare(b.Number, a.Number))
}

// commentEntry is the feed entry of comment c of post p.
func (s *Server) commentEntry(p *model.Post, c *model.Comment) feeds.Entry {
	e := feeds.Entry{
		ID:          s.commentID(p, c.Number),
		Title:       commentTitle(p, c),
		URL:         s.commentURL(p.Slug, c.Number),
		Author:      feeds.Person{Name: authorName(c.Author)},
		Published:   commentPublished(p, c),
		Updated:     commentUpdated(p, c),
		ContentHTML: joinNonEmpty([]string{feeds.BlocksHTML(c.Body), votesHTML(c.Votes)}, "\n"),
		ContentText: joinText(feeds.BlocksText(c.Body), votesText(c.Votes)),
		InReplyTo:   s.inReplyTo(p, c),
	}
	if n := p.Replies(c.Number); n > 0 {
		thread := threadPath(p.Slug, c.Number)
		e.Replies = &feeds.Replies{
			Count:    n,
			AtomHref: s.feedURL(thread, feeds.Atom),
			RSSHref:  s.feedURL(thread, feeds.RSS),
			JSONHref: s.feedURL(thread, feeds.JSON),
			HTMLHref: s.commentURL(p.Slug, c.Number),
		}
	}
	return e
}

// inReplyTo points a comment at its parent comment, or at the post for a
// thread root.
func (s *Server) inReplyTo(p *model.Post, c *model.Comment) *feeds.InReplyTo {
	if c.Parent == 0 {
		return &feeds.InReplyTo{Ref: s.postID(p), Href: s.abs(postPath(p.Slug))}
	}
	return &feeds.InReplyTo{Ref: s.commentID(p, c.Parent), Href: s.commentURL(p.Slug, c.Parent)}
}

// postID is the post's stored ID, or the one its slug mints.
func (s *Server) postID(p *model.Post) string {
	return cmp.Or(p.ID, s.tagger.Post(p.Slug))
}

// commentID is comment n's stored ID, or the one its number mints.
func (s *Server) commentID(p *model.Post, n int) string {
	if c, ok := p.Comment(n); ok && c.ID != "" {
		return c.ID
	}
	return s.tagger.Comment(s.postID(p), n)
}

// commentTitle names a comment: "Comment 7 by A on Title" for a thread
// root, "A replied to B (comment 7)" for a reply.
func commentTitle(p *model.Post, c *model.Comment) string {
	author := authorName(c.Author)
	if c.Parent == 0 {
		return fmt.Sprintf("Comment %d by %s on %s", c.Number, author, p.Title)
	}
	parent := fmt.Sprintf("comment %d", c.Parent)
	if pc, ok := p.Comment(c.Parent); ok {
		parent = authorName(pc.Author)
	}
	return fmt.Sprintf("%s replied to %s (comment %d)", author, parent, c.Number)
}

// authorName is a comment author's name, or "Anonymous".
func authorName(name string) string {
	return cmp.Or(strings.TrimSpace(name), "Anonymous")
}

// votesText is "N votes" for a comment with a known vote count.
func votesText(votes *int) string {
	switch {
	case votes == nil:
		return ""
	case *votes == 1 || *votes == -1:
		return fmt.Sprintf("%d vote", *votes)
	default:
		return fmt.Sprintf("%d votes", *votes)
	}
}

// votesHTML is votesText as an HTML paragraph.
func votesHTML(votes *int) string {
	if votes == nil {
		return ""
	}
	return `<p class="votes">` + html.EscapeString(votesText(votes)) + "</p>"
}

// postHTML is a post's body and sections, each section introduced by its
// label as a heading.
func postHTML(p *model.Post) string {
	parts := []string{feeds.BlocksHTML(p.Body)}
	for _, sec := range p.Sections {
		if sec.Label != "" {
			parts = append(parts, "<h3>"+html.EscapeString(sec.Label)+"</h3>")
		}
		parts = append(parts, feeds.BlocksHTML(sec.Body))
	}
	parts = append(parts, relatedListHTML(p.Related))
	return joinNonEmpty(parts, "\n")
}

// relatedListHTML lists the "More News" coverage a post points at, each
// headline linked when its URL is known and followed by its outlet.
func relatedListHTML(items []model.RelatedItem) string {
	var b strings.Builder
	for _, it := range items {
		if it.Kind != model.RelatedList {
			continue
		}
		title := html.EscapeString(it.Title)
		if it.URL != "" {
			title = `<a href="` + html.EscapeString(it.URL) + `">` + title + "</a>"
		}
		b.WriteString("<li>" + title)
		if it.Outlet != "" {
			b.WriteString(" — " + html.EscapeString(it.Outlet))
		}
		b.WriteString("</li>\n")
	}
	if b.Len() == 0 {
		return ""
	}
	return "<h3>More news</h3>\n<ul>\n" + b.String() + "</ul>"
}

// postText is postHTML's plain-text form.
func postText(p *model.Post) string {
	parts := []string{feeds.BlocksText(p.Body)}
	for _, sec := range p.Sections {
		parts = append(parts, sec.Label, feeds.BlocksText(sec.Body))
	}
	var related []string
	for _, it := range p.Related {
		if it.Kind == model.RelatedList {
			related = append(related, "- "+joinNonEmpty([]string{it.Title, it.Outlet, it.URL}, " — "))
		}
	}
	if len(related) > 0 {
		parts = append(parts, "More news\n"+strings.Join(related, "\n"))
	}
	return joinText(parts...)
}

// joinText joins the non-empty parts as paragraphs.
func joinText(parts ...string) string { return joinNonEmpty(parts, "\n\n") }

// joinNonEmpty joins the parts that are not blank with sep.
func joinNonEmpty(parts []string, sep string) string {
	kept := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// commentCount is the number of comments on a post, loaded or counted.
func commentCount(p *model.Post) int {
	return max(len(p.Comments), p.CommentCount)
}

// postUpdated is when a post last changed: the store's updated time, which
// for a dated post not changed since is its date (not when it was first
// seen), so feeds built from the same dump are the same everywhere.
func postUpdated(p *model.Post) time.Time {
	if p.Updated.IsZero() {
		return p.Published
	}
	return p.Updated
}

// commentPublished is when a comment appeared (first seen), or the post's
// date when unknown.
func commentPublished(p *model.Post, c *model.Comment) time.Time {
	if !c.FirstSeen.IsZero() {
		return c.FirstSeen
	}
	return p.Published
}

// commentUpdated is when a comment last changed.
func commentUpdated(p *model.Post, c *model.Comment) time.Time {
	return latestTime(commentPublished(p, c), c.Updated)
}

// latest is the latest update among entries.
func latest(entries []feeds.Entry) time.Time {
	var t time.Time
	for _, e := range entries {
		t = latestTime(t, e.Published, e.Updated)
	}
	return t
}

// latestTime is the latest of ts (zero when all are zero).
func latestTime(ts ...time.Time) time.Time {
	var t time.Time
	for _, u := range ts {
		if u.After(t) {
			t = u
		}
	}
	return t
}
