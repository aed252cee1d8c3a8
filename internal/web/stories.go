package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// Sizes of the story listings.
const (
	storiesFeedSize   = 100 // entries per page of /stories.{ext}
	storiesPageSize   = 50  // stories per page of /stories
	indexStories      = 20  // stories on the index page
	apiStoriesDefault = 50  // default ?limit= of /api/stories
	apiStoriesMax     = 500 // largest ?limit= of /api/stories
)

// storiesFeed serves /stories.{ext}: one entry per story, newest activity
// first, a page at a time (RFC 5005 rel="next" links to ?after=CURSOR).
func (s *Server) storiesFeed(r *http.Request, ext string) (*document, error) {
	f, err := feedFormat(ext)
	if err != nil {
		return nil, err
	}
	after := r.URL.Query().Get("after")
	stories, next, err := s.stories(r.Context(), storiesFeedSize, after)
	if err != nil {
		return nil, err
	}
	last, err := s.store.LastStoriesCursor(r.Context(), storiesFeedSize)
	if err != nil {
		return nil, err
	}
	feed := s.storiesFeedDoc(stories)
	// A paged feed (RFC 5005 section 3), not an archived one: stories are
	// ordered by their latest activity, so pages shift as stories grow.
	feed.Links = append(feed.Links,
		feeds.Link{Rel: "first", Type: bareType(f), Href: s.feedURL(storiesPath, f)},
		feeds.Link{Rel: "last", Type: bareType(f), Href: s.feedURL(storiesPath, f) + afterQuery(last, nil)})
	if next != "" {
		feed.Links = append(feed.Links, feeds.Link{
			Rel:  "next",
			Type: bareType(f),
			Href: s.feedURL(storiesPath, f) + afterQuery(next, nil),
		})
	}
	return s.renderFeedPage(f, storiesPath, afterQuery(after, nil), feed)
}

// story serves /stories/{story} (an HTML page) and /stories/{story}.{ext}
// (its feed: every item covering it).
func (s *Server) story(r *http.Request) (*document, error) {
	key, ext, isFeed := splitFile(r.PathValue("file"))
	var f feeds.Format
	if isFeed {
		var err error
		if f, err = feedFormat(ext); err != nil {
			return nil, err
		}
	}
	st, err := s.loadStory(r.Context(), key)
	if err != nil {
		return nil, err
	}
	if isFeed {
		return s.storyFeed(r, f, st)
	}
	return renderPage("story", s.storyPageView(st), storyModified(st))
}

// storiesPage serves /stories: an HTML list of stories, newest activity
// first, a page at a time (?after=CURSOR).
func (s *Server) storiesPage(r *http.Request) (*document, error) {
	stories, next, err := s.stories(r.Context(), storiesPageSize, r.URL.Query().Get("after"))
	if err != nil {
		return nil, err
	}
	page := storiesPageView{
		pageHead: s.head("Stories — "+s.title, s.alternates("Stories — "+s.title, storiesPath)...),
		Feeds:    s.feedLinks(storiesPath),
		Stories:  s.storySummaries(stories),
	}
	if next != "" {
		page.Next = s.abs(storiesPath) + afterQuery(next, nil)
	}
	return renderPage("stories", page, storiesUpdated(stories))
}

// stories loads a page of stories, explaining a bad cursor to the client.
func (s *Server) stories(ctx context.Context, limit int, after string) ([]model.Story, string, error) {
	stories, next, err := s.store.Stories(ctx, limit, after)
	if err != nil {
		return nil, "", explainInvalid(err, "bad cursor %q", after)
	}
	return stories, next, nil
}

// loadStory loads a story by key, explaining an unknown key to the client;
// a merged story's *model.Moved is returned as is (fail redirects it).
func (s *Server) loadStory(ctx context.Context, key string) (*model.Story, error) {
	if key == "" {
		return nil, notFound("no such story")
	}
	st, err := s.store.Story(ctx, key)
	if err != nil {
		return nil, explain(err, "no such story %q", key)
	}
	return st, nil
}

// bareType is a format's media type without parameters.
func bareType(f feeds.Format) string {
	mediaType, _, _ := strings.Cut(f.MediaType(), ";")
	return mediaType
}

// storyTitle is a story's headline, or its key when it has none.
func storyTitle(st *model.Story) string {
	if t := strings.TrimSpace(st.Title); t != "" {
		return t
	}
	return st.Key
}

// storyID is a story's stored ID, or its page's URL when it has none.
func (s *Server) storyID(st *model.Story) string {
	if st.ID != "" {
		return st.ID
	}
	return s.abs(storyPath(st.Key))
}

// storyPost finds the post an item of a story stands for: the post whose
// own coverage item it is (by source key), else one with its title.
func storyPost(st *model.Story, it *model.Item) *model.Post {
	for i := range st.Posts {
		if model.PostSourcePrefix+st.Posts[i].IdentityKey() == it.SourceKey {
			return &st.Posts[i]
		}
	}
	title := model.NormalizeTitle(it.Title)
	for i := range st.Posts {
		if model.NormalizeTitle(st.Posts[i].Title) == title {
			return &st.Posts[i]
		}
	}
	return nil
}

// isPostItem reports whether an item is a post's own coverage item.
func isPostItem(it *model.Item) bool { return model.IsPostSource(it.SourceKey) }

// itemURL is where an item of a story is read: a post item's post page
// (or the story page when the post is unknown), else its original URL
// (or the story page when it has none).
func (s *Server) itemURL(st *model.Story, it *model.Item) string {
	if isPostItem(it) {
		if p := storyPost(st, it); p != nil {
			return s.abs(postPath(p.Slug))
		}
		return s.abs(storyPath(st.Key))
	}
	if it.URL != "" {
		return it.URL
	}
	return s.abs(storyPath(st.Key))
}

// outletURL is the address of an outlet's first article in a story with
// one, or "".
func outletURL(st *model.Story, outlet string) string {
	for i := range st.Members {
		it := &st.Members[i].Item
		if !isPostItem(it) && it.URL != "" && strings.EqualFold(it.Outlet, outlet) {
			return it.URL
		}
	}
	return ""
}

// reasonText says in words why an item joined a story.
func reasonText(r model.Reason) string {
	switch r {
	case model.ReasonFirst:
		return "first report"
	case model.ReasonSameURL:
		return "same article (same address)"
	case model.ReasonSameGUID:
		return "same article (same ID in the same feed)"
	case model.ReasonSameTitle:
		return "same headline from the same outlet"
	case model.ReasonSyndicated:
		return "same wire text"
	case model.ReasonSameEvent:
		return "same event"
	case model.ReasonMerged:
		return "came with a story merged into this one"
	case model.ReasonCitedBy:
		return "cited by a post as the story it discusses"
	case "":
		return "unknown"
	}
	return string(r)
}
