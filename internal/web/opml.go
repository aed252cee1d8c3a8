package web

import (
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

// opmlOutline is one subscription.
type opmlOutline struct {
	Type    string `xml:"type,attr"`
	Text    string `xml:"text,attr"`
	Title   string `xml:"title,attr"`
	XMLURL  string `xml:"xmlUrl,attr"`
	HTMLURL string `xml:"htmlUrl,attr"`
}

// opml serves /opml: the all-posts feed, the all-stories feed, every
// post's comments feed and every topic's feed, each once, by its Atom URL.
// Thread feeds and single stories' feeds are left out: there are too many
// and they are found from the comments and the stories feed.
func (s *Server) opml(r *http.Request) (*document, error) {
	posts, err := s.store.ListPosts(r.Context())
	if err != nil {
		return nil, err
	}
	topics, err := s.store.ListTopics(r.Context())
	if err != nil {
		return nil, err
	}
	doc := s.opmlDoc(posts, topics)
	body, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode OPML: %w", err)
	}
	body = append([]byte(xml.Header), append(body, '\n')...)
	return &document{contentType: opmlType, body: body, modified: postsUpdated(posts), kind: "opml"}, nil
}

// opmlDoc builds the subscription list.
func (s *Server) opmlDoc(posts []model.Post, topics []model.Topic) *opmlDoc {
	doc := &opmlDoc{
		Version: "2.0",
		Head: opmlHead{
			Title:     s.title + " feeds",
			OwnerName: s.title,
			Docs:      "http://opml.org/spec2.opml",
		},
	}
	if t := postsUpdated(posts); !t.IsZero() {
		doc.Head.DateModified = t.UTC().Format(time.RFC1123Z)
	}
	seen := make(map[string]bool)
	add := func(title, path, htmlURL string) {
		if seen[path] {
			return
		}
		seen[path] = true
		doc.Body.Outlines = append(doc.Body.Outlines, opmlOutline{
			Type: "rss", Text: title, Title: title,
			XMLURL: s.feedURL(path, feeds.Atom), HTMLURL: htmlURL,
		})
	}
	add(s.title+": all posts", postsPath, s.abs("/"))
	add(s.title+": all stories", storiesPath, s.abs(storiesPath))
	for _, p := range posts {
		add("Comments on "+p.Title, commentsPath(p.Slug), s.abs(postPath(p.Slug))+"#comments")
	}
	for _, t := range topics {
		add(s.title+": "+t.Name, topicPath(t.Slug), s.abs(topicPath(t.Slug)))
	}
	return doc
}

// postsUpdated is the latest update among posts.
func postsUpdated(posts []model.Post) time.Time {
	var t time.Time
	for i := range posts {
		t = latestTime(t, postUpdated(&posts[i]))
	}
	return t
}
