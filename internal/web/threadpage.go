package web

import (
	"fmt"
	"net/http"
)

// threadPageView is the page of a comment thread: comment n of a post and
// every reply below it, nested, with the thread's feeds.
type threadPageView struct {
	pageHead
	Heading       string
	PostTitle     string
	PostURL       string
	InContext     string // the root comment among all the post's comments
	Count         int    // comments in the thread, the root included
	Feeds         []feedLink
	CommentsFeeds []feedLink // every comment on the post
	Comments      []*commentView
}

// threadPage serves /posts/{post}/threads/{n}: comment n and every reply
// below it, at any depth, indented under what they answer, with the
// thread's feeds (/posts/{post}/threads/{n}.{ext}) to subscribe to.
func (s *Server) threadPage(r *http.Request) (*document, error) {
	p, thread, n, err := s.thread(r, r.PathValue("file"))
	if err != nil {
		return nil, err
	}
	root, _ := p.Comment(n)
	path := threadPath(p.Slug, n)
	heading := fmt.Sprintf("Thread of comment %d by %s", n, authorName(root.Author))
	page := threadPageView{
		pageHead:      s.head(heading+" — "+p.Title+" — "+s.title, s.alternates(threadTitle(p, n), path)...),
		Heading:       heading,
		PostTitle:     p.Title,
		PostURL:       s.abs(postPath(p.Slug)),
		InContext:     s.commentURL(p.Slug, n),
		Count:         len(thread),
		Feeds:         s.feedLinks(path),
		CommentsFeeds: s.feedLinks(commentsPath(p.Slug)),
		Comments:      s.commentTree(p, thread),
	}
	for _, c := range page.Comments {
		c.ThreadURL = "" // the page itself
	}
	modified := postUpdated(p)
	for i := range thread {
		modified = latestTime(modified, commentUpdated(p, &thread[i]))
	}
	return renderPage("thread", page, modified)
}
