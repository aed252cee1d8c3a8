package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// apiStory is a story with its items and the posts discussing it.
type apiStory struct {
	ID        string         `json:"id"`
	Key       string         `json:"key"`
	Title     string         `json:"title"`
	FirstSeen time.Time      `json:"first_seen"`
	Updated   time.Time      `json:"updated"`
	URL       string         `json:"url"`
	Feeds     apiFeeds       `json:"feeds"` // the story's feed
	Outlets   []string       `json:"outlets"`
	Items     []apiStoryItem `json:"items"`
	Posts     []apiStoryPost `json:"posts"`
}

// apiStoryItem is an item of a story with why it joined. URL and GUID are
// the original ones; Published is null when unknown or estimated.
type apiStoryItem = model.MemberRecord

type apiStoryPost struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiStoryList is a page of stories; Next is the URL of the next page, or
// null on the last.
type apiStoryList struct {
	Stories []apiStory `json:"stories"`
	Next    *string    `json:"next"`
}

// apiStoryRef names a story.
type apiStoryRef struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiStories serves /api/stories: a page of stories, newest activity
// first (?limit=, default 50, at most 500; ?after= a page's cursor).
func (s *Server) apiStories(r *http.Request) (*document, error) {
	limit, err := apiLimit(r.URL.Query())
	if err != nil {
		return nil, err
	}
	stories, next, err := s.stories(r.Context(), limit, r.URL.Query().Get("after"))
	if err != nil {
		return nil, err
	}
	list := apiStoryList{Stories: make([]apiStory, 0, len(stories))}
	for i := range stories {
		list.Stories = append(list.Stories, s.apiStory(&stories[i]))
	}
	if next != "" {
		u := s.abs(apiStoriesPath) + afterQuery(next, keptLimit(r.URL.Query(), limit))
		list.Next = &u
	}
	return jsonDocument(list, storiesUpdated(stories))
}

// apiStoryDoc serves /api/stories/{story}: one story.
func (s *Server) apiStoryDoc(r *http.Request) (*document, error) {
	st, err := s.loadStory(r.Context(), r.PathValue("story"))
	if err != nil {
		return nil, err
	}
	return jsonDocument(s.apiStory(st), storyModified(st))
}

// apiLimit parses ?limit=: absent means the default, more than the
// maximum means the maximum, anything but a positive number is invalid.
func apiLimit(q url.Values) (int, error) {
	if !q.Has("limit") {
		return apiStoriesDefault, nil
	}
	n, err := strconv.Atoi(q.Get("limit"))
	if err != nil || n <= 0 {
		return 0, invalid("limit must be a number from 1 to %d", apiStoriesMax)
	}
	return min(n, apiStoriesMax), nil
}

// keptLimit is the limit to carry to the next page: only one the client
// gave.
func keptLimit(q url.Values, limit int) url.Values {
	if !q.Has("limit") {
		return nil
	}
	return url.Values{"limit": {strconv.Itoa(limit)}}
}

func (s *Server) apiStory(st *model.Story) apiStory {
	out := apiStory{
		ID:        s.storyID(st),
		Key:       st.Key,
		Title:     storyTitle(st),
		FirstSeen: st.FirstSeen,
		Updated:   st.Updated,
		URL:       s.abs(storyPath(st.Key)),
		Feeds:     s.apiFeeds(storyPath(st.Key)),
		Outlets:   append(make([]string, 0, len(st.Outlets)), st.Outlets...),
		Items:     make([]apiStoryItem, 0, len(st.Members)),
		Posts:     make([]apiStoryPost, 0, len(st.Posts)),
	}
	for i := range st.Members {
		out.Items = append(out.Items, s.apiStoryItem(st, &st.Members[i]))
	}
	for i := range st.Posts {
		p := &st.Posts[i]
		out.Posts = append(out.Posts, apiStoryPost{Slug: p.Slug, Title: p.Title, URL: s.abs(postPath(p.Slug))})
	}
	return out
}

// apiStoryItem is a story's item; a post's own item has its page as URL
// and no GUID.
func (s *Server) apiStoryItem(st *model.Story, m *model.StoryMember) apiStoryItem {
	out := m.Record()
	if it := &m.Item; isPostItem(it) {
		out.GUID = nil // its identity key here, not a GUID anyone published
		if p := storyPost(st, it); p != nil && out.URL == nil {
			out.URL = nullString(s.abs(postPath(p.Slug)))
		}
	}
	return out
}

// apiStoryRef names the story with key and title, or is nil when key is "".
func (s *Server) apiStoryRef(key, title string) *apiStoryRef {
	if key == "" {
		return nil
	}
	if title == "" {
		title = key
	}
	return &apiStoryRef{Key: key, Title: title, URL: s.abs(storyPath(key))}
}
