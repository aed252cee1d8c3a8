package web

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// opmlDoc is an OPML 2.0 subscription list.
type opmlDoc struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    opmlHead `xml:"head"`
	Body    opmlBody `xml:"body"`
}

type opmlHead struct {
	Title        string `xml:"title"`
	DateModified string `xml:"dateModified,omitempty"`
	OwnerName    string `xml:"ownerName,omitempty"`
	Docs         string `xml:"docs"`
}

type opmlBody struct {
	Outlines []opmlOutline `xml:"outline"`
}

// opmlOutline is one subscription (type "rss"), or an OPML document to
// include (type "include", with URL).
type opmlOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr,omitempty"`
	XMLURL  string `xml:"xmlUrl,attr,omitempty"`
	HTMLURL string `xml:"htmlUrl,attr,omitempty"`
	URL     string `xml:"url,attr,omitempty"`
}

// opml serves /opml: the all-posts feed, the all-stories feed, every
// post's comments feed and every topic's feed, each once, by its Atom URL:
// the list a reader imports. Every other feed (each comment thread's,
// each story's) is in the OPML documents it includes (type "include",
// which readers that import subscriptions pass over): one per post with
// comments, and the story list.
func (s *Server) opml(r *http.Request) (*document, error) {
	posts, topics, err := s.postsAndTopics(r.Context())
	if err != nil {
		return nil, err
	}
	doc := s.opmlDoc(posts, topics)
	for _, p := range posts {
		if p.CommentCount > 0 {
			doc.Body.Outlines = append(doc.Body.Outlines, opmlInclude("Every comment thread's feed on "+p.Title,
				s.abs(opmlPostPath(p.Slug))))
		}
	}
	doc.Body.Outlines = append(doc.Body.Outlines, opmlInclude("Every story's feed", s.abs(opmlStoriesPath)))
	return opmlDocument(doc, postsUpdated(posts))
}

// opmlInclude is an outline including the OPML document at url.
func opmlInclude(text, url string) opmlOutline {
	return opmlOutline{Type: "include", Text: text, URL: url}
}

// opmlDocument encodes doc.
func opmlDocument(doc *opmlDoc, modified time.Time) (*document, error) {
	body, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode OPML: %w", err)
	}
	body = append([]byte(xml.Header), append(body, '\n')...)
	return &document{contentType: opmlType, body: body, modified: modified, kind: "opml"}, nil
}

// opmlDoc builds the subscription list.
func (s *Server) opmlDoc(posts []model.Post, topics []model.Topic) *opmlDoc {
	doc := s.newOPML(s.title + " feeds")
	if t := postsUpdated(posts); !t.IsZero() {
		doc.Head.DateModified = t.UTC().Format(time.RFC1123Z)
	}
	for _, l := range s.listedFeeds(posts, topics) {
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{
			Type: "rss", Text: l.title, Title: l.title,
			XMLURL: s.feedURL(l.path, feeds.Atom), HTMLURL: l.htmlURL,
		})
	}
	return doc
}

// listedFeed is a feed the subscription list names.
type listedFeed struct{ title, path, htmlURL string }

// listedFeeds are the feeds a subscription list names, each once: all
// posts, all stories, each post's comments and each topic.
func (s *Server) listedFeeds(posts []model.Post, topics []model.Topic) []listedFeed {
	var list []listedFeed
	seen := make(map[string]bool)
	add := func(title, path, htmlURL string) {
		if !seen[path] {
			seen[path] = true
			list = append(list, listedFeed{title, path, htmlURL})
		}
	}
	add(s.title+": all posts", postsPath, s.abs("/"))
	add(s.title+": all stories", storiesPath, s.abs(storiesPath))
	for _, p := range posts {
		add("Comments on "+p.Title, commentsPath(p.Slug), s.abs(postPath(p.Slug))+"#comments")
	}
	for _, t := range topics {
		add(s.title+": "+t.Name, topicPath(t.Slug), s.abs(topicPath(t.Slug)))
	}
	return list
}

// FeedURLs lists the subscription documents of the feeds /opml names, in
// every format: what an external WebSub hub is told about.
func (s *Server) FeedURLs(ctx context.Context) ([]string, error) {
	posts, topics, err := s.postsAndTopics(ctx)
	if err != nil {
		return nil, err
	}
	var urls []string
	for _, l := range s.listedFeeds(posts, topics) {
		for _, f := range feeds.Formats {
			urls = append(urls, s.feedURL(l.path, f))
		}
	}
	return urls, nil
}

// postsUpdated is the latest update among posts.
func postsUpdated(posts []model.Post) time.Time {
	var t time.Time
	for i := range posts {
		t = latestTime(t, postUpdated(&posts[i]))
	}
	return t
}

// postsAndTopics lists every post and every topic.
func (s *Server) postsAndTopics(ctx context.Context) ([]model.Post, []model.Topic, error) {
	posts, err := s.store.ListPosts(ctx)
	if err != nil {
		return nil, nil, err
	}
	topics, err := s.store.ListTopics(ctx)
	return posts, topics, err
}
