package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/newswire/newswire/feeds"
)

// The OPML documents /opml includes, so that together they list every
// feed.
const opmlStoriesPath = "/opml/stories"

func opmlPostPath(slug string) string { return "/opml" + postPath(slug) }

// opmlStoriesPageSize is how many story feeds a page of /opml/stories
// lists before including the next page.
const opmlStoriesPageSize = 500

// opmlPost serves /opml/posts/{post}: the feed of every comment thread
// on a post (each comment's, with every reply below it).
func (s *Server) opmlPost(r *http.Request) (*document, error) {
	p, err := s.post(r.Context(), r.PathValue("post"))
	if err != nil {
		return nil, err
	}
	doc := s.newOPML("Comment threads on " + p.Title)
	for _, c := range p.Comments {
		title := threadTitle(p, c.Number)
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Type: "rss", Text: title, Title: title,
			XMLURL: s.feedURL(threadPath(p.Slug, c.Number), feeds.Atom), HTMLURL: s.abs(threadPath(p.Slug, c.Number))})
	}
	return opmlDocument(doc, pageUpdated(p))
}

// opmlStories serves /opml/stories: every live story's feed, newest
// activity first, a page at a time (?after=CURSOR); each page but the
// last includes the next.
func (s *Server) opmlStories(r *http.Request) (*document, error) {
	after := r.URL.Query().Get("after")
	stories, next, err := s.store.StoryHeads(r.Context(), opmlStoriesPageSize, after)
	if err != nil {
		return nil, explainInvalid(err, "bad cursor %q", after)
	}
	doc := s.newOPML(s.title + ": every story")
	var modified time.Time
	for i := range stories {
		st := &stories[i]
		modified = latestTime(modified, st.Updated)
		title := storyTitle(st)
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{Type: "rss", Text: title, Title: title,
			XMLURL: s.feedURL(storyPath(st.Key), feeds.Atom), HTMLURL: s.abs(storyPath(st.Key))})
	}
	if next != "" {
		doc.Body.Outlines = append(doc.Body.Outlines,
			opmlInclude(fmt.Sprintf("More stories (after the newest %d)", len(stories)), s.abs(opmlStoriesPath)+afterQuery(next, nil)))
	}
	return opmlDocument(doc, modified)
}

// newOPML starts an OPML document titled title.
func (s *Server) newOPML(title string) *opmlDoc {
	return &opmlDoc{Version: "2.0", Head: opmlHead{Title: title, OwnerName: s.title, Docs: "http://opml.org/spec2.opml"}}
}
