package web

import (
	"net/http"
	"time"
)

// apiIndex is the document at /api: where everything is, for a client
// that starts there.
type apiIndex struct {
	Posts   apiEndpoint `json:"posts"`
	Stories apiEndpoint `json:"stories"`
	Sources apiEndpoint `json:"sources"`
	OPML    string      `json:"opml"`
	// Hub is the WebSub hub the feeds name, or null.
	Hub   *string  `json:"hub"`
	Feeds apiFeeds `json:"feeds"` // every post
	// PageSize is how many entries a page of an archived feed holds.
	PageSize int `json:"page_size"`
}

// apiEndpoint is a JSON listing and how to page it.
type apiEndpoint struct {
	URL string `json:"url"`
	// Item is the URL template of one record.
	Item string `json:"item,omitempty"`
	// Paging names the query parameters that page the listing, and
	// MaxLimit the largest ?limit=.
	Paging   []string `json:"paging,omitempty"`
	MaxLimit int      `json:"max_limit,omitempty"`
}

// apiIndexDoc serves /api.
func (s *Server) apiIndexDoc(*http.Request) (*document, error) {
	var hub *string
	if s.hubURL != "" {
		hub = &s.hubURL
	}
	return jsonDocument(apiIndex{
		Posts: apiEndpoint{URL: s.abs("/api/posts"), Item: s.abs("/api/posts/{post}"),
			Paging: []string{"limit", "after"}, MaxLimit: apiStoriesMax},
		Stories: apiEndpoint{URL: s.abs("/api/stories"), Item: s.abs("/api/stories/{story}"),
			Paging: []string{"limit", "after"}, MaxLimit: apiStoriesMax},
		Sources:  apiEndpoint{URL: s.abs("/api/sources")},
		OPML:     s.abs("/opml"),
		Hub:      hub,
		Feeds:    s.apiFeeds(postsPath),
		PageSize: s.pageSize,
	}, time.Time{})
}
