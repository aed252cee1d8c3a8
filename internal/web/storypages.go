package web

import (
	"cmp"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// storySummaryView is a story in a list: its headline, outlets and feeds.
type storySummaryView struct {
	Title   string
	URL     string
	Outlets []string
	Reports int // items other than posts
	Posts   int
	Updated dateView
	Feeds   []feedLink
}

// storyLinkView names a story and links to its page.
type storyLinkView struct {
	Title string
	URL   string
}

type outletView struct {
	Name string
	URL  string // its article on the story, if known
}

// memberView is one item of a story, as its page lists it.
type memberView struct {
	Title     string
	URL       string // the original article or the post's page, if known
	Outlet    string
	Date      dateView
	Estimated bool // the date is an estimate
	Reason    string
	Post      bool // a post on this site, not an outlet's report
	GUID      string
}

type storyPostView struct {
	Title  string
	URL    string
	Author string
	Date   dateView
}

type storyPage struct {
	pageHead
	StoryTitle string
	FirstSeen  dateView
	Updated    dateView
	Outlets    []outletView
	Members    []memberView
	Posts      []storyPostView
	Feeds      []feedLink
	API        string
}

type storiesPageView struct {
	pageHead
	Feeds   []feedLink
	Stories []storySummaryView
	Next    string // the next page, if any
}

// storySummaries lists stories for a page.
func (s *Server) storySummaries(stories []model.Story) []storySummaryView {
	out := make([]storySummaryView, 0, len(stories))
	for i := range stories {
		out = append(out, s.storySummary(&stories[i]))
	}
	return out
}

func (s *Server) storySummary(st *model.Story) storySummaryView {
	view := storySummaryView{
		Title:   storyTitle(st),
		URL:     s.abs(storyPath(st.Key)),
		Outlets: st.Outlets,
		Posts:   len(st.Posts),
		Updated: dateOf(st.Updated, true),
		Feeds:   s.feedLinks(storyPath(st.Key)),
	}
	for i := range st.Members {
		if !isPostItem(&st.Members[i].Item) {
			view.Reports++
		}
	}
	return view
}

// storyPageView is the page of a story: its outlets, every item in the
// order they joined, and the posts discussing it.
func (s *Server) storyPageView(st *model.Story) storyPage {
	path := storyPath(st.Key)
	page := storyPage{
		pageHead:   s.head(storyTitle(st)+" — "+s.title, s.alternates(storyTitle(st)+" — "+s.title, path)...),
		StoryTitle: storyTitle(st),
		FirstSeen:  dateOf(st.FirstSeen, true),
		Updated:    dateOf(st.Updated, true),
		Feeds:      s.feedLinks(path),
		API:        s.abs(apiStoryPath(st.Key)),
	}
	for _, o := range st.Outlets {
		page.Outlets = append(page.Outlets, outletView{Name: o, URL: outletURL(st, o)})
	}
	for i := range st.Members {
		page.Members = append(page.Members, s.memberView(st, &st.Members[i]))
	}
	for i := range st.Posts {
		p := &st.Posts[i]
		page.Posts = append(page.Posts, storyPostView{
			Title: p.Title, URL: s.abs(postPath(p.Slug)), Author: p.Author,
			Date: dateOf(p.Published, !p.DateFromDump),
		})
	}
	return page
}

func (s *Server) memberView(st *model.Story, m *model.StoryMember) memberView {
	it := &m.Item
	view := memberView{
		Title:     it.Title,
		URL:       s.itemURL(st, it),
		Outlet:    s.itemAuthor(st, it),
		Date:      dateOf(itemPublished(it), it.Published.IsZero()),
		Estimated: it.DateEstimated,
		Reason:    reasonText(m.Reason),
		Post:      isPostItem(it),
	}
	if !view.Post {
		view.URL = it.URL // none rather than a link back to the story
		if it.GUID != it.URL {
			view.GUID = it.GUID
		}
	}
	if view.Title == "" {
		view.Title = cmp.Or(view.URL, "(untitled)")
	}
	return view
}

// storyModified is when a story's page last changed: the story, any of
// its items or any post discussing it.
func storyModified(st *model.Story) time.Time {
	t := st.Updated
	for i := range st.Members {
		t = latestTime(t, memberUpdated(&st.Members[i]))
	}
	return latestTime(t, postsUpdated(st.Posts))
}

// storiesUpdated is the latest update among stories.
func storiesUpdated(stories []model.Story) time.Time {
	var t time.Time
	for i := range stories {
		t = latestTime(t, stories[i].Updated)
	}
	return t
}

// storyLink names the story with key and title, or nil when key is "".
func (s *Server) storyLink(key, title string) *storyLinkView {
	if key == "" {
		return nil
	}
	if title == "" {
		title = key
	}
	return &storyLinkView{Title: title, URL: s.abs(storyPath(key))}
}
