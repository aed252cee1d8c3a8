package web

import (
	"cmp"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// storiesFeedDoc builds the feed of stories: one entry per story, in the
// store's order (newest activity first).
func (s *Server) storiesFeedDoc(stories []model.Story) *feeds.Feed {
	feed := &feeds.Feed{
		ID:       s.tagger.Feed(storiesPath),
		Title:    s.title + ": stories",
		Subtitle: "Every story, newest activity first, with the outlets covering it",
		HTMLURL:  s.abs(storiesPath),
		Author:   feeds.Person{Name: s.title},
	}
	for i := range stories {
		feed.Entries = append(feed.Entries, s.storyEntry(&stories[i]))
	}
	feed.Updated = latest(feed.Entries)
	return feed
}

// storyEntry is a story's entry in the stories feed. Its ID is the
// story's, so a new outlet changes its updated date, never its identity.
// A story with a single source carries that source as provenance.
func (s *Server) storyEntry(st *model.Story) feeds.Entry {
	e := feeds.Entry{
		ID:          s.storyID(st),
		Title:       storyTitle(st),
		URL:         s.abs(storyPath(st.Key)),
		Published:   st.FirstSeen,
		Updated:     st.Updated,
		ContentHTML: s.storyHTML(st),
		ContentText: s.storyText(st),
	}
	if outlet, src := singleSource(st); src != nil {
		e.Source = src
		e.Author = feeds.Person{Name: outlet}
	}
	return e
}

// storyHTML lists who covered a story, every report of it and the posts
// discussing it. Reports link to their original addresses.
func (s *Server) storyHTML(st *model.Story) string {
	return joinNonEmpty([]string{coveredByHTML(st), reportsHTML(st), s.discussedHTML(st)}, "\n")
}

// storyText is storyHTML's plain-text form.
func (s *Server) storyText(st *model.Story) string {
	parts := []string{}
	if len(st.Outlets) > 0 {
		parts = append(parts, "Covered by: "+strings.Join(st.Outlets, ", "))
	}
	var reports []string
	for i := range st.Members {
		if it := &st.Members[i].Item; !isPostItem(it) {
			reports = append(reports, "- "+joinNonEmpty([]string{it.Title, it.Outlet, itemDay(it), it.URL}, " — "))
		}
	}
	parts = append(parts, strings.Join(reports, "\n"))
	if len(st.Posts) > 0 {
		lines := []string{"Discussed in:"}
		for i := range st.Posts {
			lines = append(lines, "- "+st.Posts[i].Title+" — "+s.abs(postPath(st.Posts[i].Slug)))
		}
		parts = append(parts, strings.Join(lines, "\n"))
	}
	return joinText(parts...)
}

// coveredByHTML is "Covered by: A, B, C", each outlet linked to its
// article when the story has its address.
func coveredByHTML(st *model.Story) string {
	if len(st.Outlets) == 0 {
		return ""
	}
	names := make([]string, 0, len(st.Outlets))
	for _, o := range st.Outlets {
		names = append(names, linkHTML(o, outletURL(st, o)))
	}
	return "<p>Covered by: " + strings.Join(names, ", ") + "</p>"
}

// reportsHTML lists a story's reports (its items other than posts):
// headline linked to its original address, outlet and date.
func reportsHTML(st *model.Story) string {
	var b strings.Builder
	for i := range st.Members {
		it := &st.Members[i].Item
		if isPostItem(it) {
			continue
		}
		b.WriteString("<li>" + linkHTML(cmp.Or(it.Title, it.URL), it.URL))
		if it.Outlet != "" {
			b.WriteString(" — <em>" + html.EscapeString(it.Outlet) + "</em>")
		}
		if day := itemDay(it); day != "" {
			b.WriteString(" (" + html.EscapeString(day) + ")")
		}
		b.WriteString("</li>\n")
	}
	if b.Len() == 0 {
		return ""
	}
	return "<ul>\n" + b.String() + "</ul>"
}

// discussedHTML is "Discussed in:" and the posts discussing a story,
// linked to their pages.
func (s *Server) discussedHTML(st *model.Story) string {
	if len(st.Posts) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<p>Discussed in:</p>\n<ul>\n")
	for i := range st.Posts {
		p := &st.Posts[i]
		b.WriteString("<li>" + linkHTML(p.Title, s.abs(postPath(p.Slug))) + "</li>\n")
	}
	b.WriteString("</ul>")
	return b.String()
}

// linkHTML is text linked to href, or just the text when href is empty.
func linkHTML(text, href string) string {
	text = html.EscapeString(text)
	if href == "" {
		return text
	}
	return `<a href="` + html.EscapeString(href) + `">` + text + "</a>"
}

// itemDay is an item's date without its time, marked when it is an
// estimate, or "" when unknown.
func itemDay(it *model.Item) string {
	day := formatDay(it.Published)
	if day != "" && it.DateEstimated {
		day = "about " + day
	}
	return day
}

// singleSource is the outlet and provenance of a story whose reports all
// come from one source, or nil when there are several or none is known.
func singleSource(st *model.Story) (string, *feeds.Source) {
	var outlet string
	var src *feeds.Source
	for i := range st.Members {
		it := &st.Members[i].Item
		if isPostItem(it) {
			continue
		}
		prov := itemSource(it)
		switch {
		case prov == nil:
			return "", nil
		case src == nil:
			outlet, src = cmp.Or(it.Outlet, prov.Title), prov
		case *prov != *src:
			return "", nil
		}
	}
	return outlet, src
}

// itemSource is the provenance of an item read from a feed: the feed's
// title (the outlet when the feed had none), site and address. Posts and
// items known only from a post's text have none.
func itemSource(it *model.Item) *feeds.Source {
	if isPostItem(it) || it.SourceTitle == "" && it.SourceFeedURL == "" && it.SourceSiteURL == "" {
		return nil
	}
	return &feeds.Source{
		Title:   cmp.Or(it.SourceTitle, it.Outlet),
		URL:     it.SourceSiteURL,
		FeedURL: it.SourceFeedURL,
	}
}

// storyFeed serves /stories/{story}.{ext}: every item covering the
// story, a paged feed (items in the order they joined it; re-clustering
// and merges can move them, so older pages are not archives).
func (s *Server) storyFeed(r *http.Request, f feeds.Format, st *model.Story) (*document, error) {
	members := slices.Clone(st.Members)
	slices.SortStableFunc(members, func(a, b model.StoryMember) int {
		return cmp.Or(a.Added.Compare(b.Added), strings.Compare(a.Item.ID, b.Item.ID))
	})
	return s.pagedFeed(r, f, storyPath(st.Key), len(members), pagedFeedPaging, func(lo, hi int, _ bool) *feeds.Feed {
		return s.storyFeedDoc(st, members[lo:hi])
	})
}

// storyFeedDoc builds the feed of members of a story, newest first.
func (s *Server) storyFeedDoc(st *model.Story, members []model.StoryMember) *feeds.Feed {
	path := storyPath(st.Key)
	feed := &feeds.Feed{
		ID:       s.tagger.Feed(path),
		Title:    storyTitle(st),
		Subtitle: storySubtitle(st),
		HTMLURL:  s.abs(path),
		Author:   feeds.Person{Name: s.title},
	}
	members = slices.Clone(members)
	slices.SortStableFunc(members, newestMemberFirst)
	for i := range members {
		feed.Entries = append(feed.Entries, s.memberEntry(st, &members[i]))
	}
	feed.Updated = latestTime(latest(feed.Entries), st.Updated)
	return feed
}

// storySubtitle describes a story's feed: how many outlets cover it.
func storySubtitle(st *model.Story) string {
	switch n := len(st.Outlets); n {
	case 0:
		return "Every report of this story, newest first"
	case 1:
		return "Every report of this story, newest first: covered by " + st.Outlets[0]
	default:
		return "Every report of this story, newest first: covered by " + strconv.Itoa(n) + " outlets"
	}
}

// newestMemberFirst orders a story's members by when they last changed
// for the story's readers, newest first, then by item ID.
func newestMemberFirst(a, b model.StoryMember) int {
	return cmp.Or(memberUpdated(&b).Compare(memberUpdated(&a)), strings.Compare(a.Item.ID, b.Item.ID))
}

// memberEntry is the entry of one item of a story. Its ID is the item's
// own (a tag: URI, unique and stable); the original link and GUID are
// kept in its content, its link and its provenance.
func (s *Server) memberEntry(st *model.Story, m *model.StoryMember) feeds.Entry {
	it := &m.Item
	return feeds.Entry{
		ID:          it.ID,
		Title:       cmp.Or(it.Title, it.URL),
		URL:         s.itemURL(st, it),
		Author:      feeds.Person{Name: s.itemAuthor(st, it)},
		Published:   itemPublished(it),
		Updated:     memberUpdated(m),
		ContentHTML: s.memberHTML(st, m),
		ContentText: s.memberText(st, m),
		Source:      itemSource(it),
	}
}

// itemAuthor names who published an item: its outlet, or for a post its
// author (or this site).
func (s *Server) itemAuthor(st *model.Story, it *model.Item) string {
	if isPostItem(it) {
		if p := storyPost(st, it); p != nil && p.Author != "" {
			return p.Author
		}
		return s.title
	}
	return cmp.Or(it.Outlet, it.SourceTitle)
}

// itemPublished is an item's date (possibly estimated), or when it was
// first seen.
func itemPublished(it *model.Item) time.Time {
	if it.Published.IsZero() {
		return it.FirstSeen
	}
	return it.Published
}

// memberUpdated is when an item last changed for a story's readers: when
// it joined the story or was updated, and never before it was published.
func memberUpdated(m *model.StoryMember) time.Time {
	return latestTime(itemPublished(&m.Item), m.Added, m.Item.Updated)
}

// memberHTML is the content of a story item's entry: its summary, where
// it comes from, why it joined the story and its original link and GUID.
func (s *Server) memberHTML(st *model.Story, m *model.StoryMember) string {
	it := &m.Item
	parts := []string{
		feeds.BlocksHTML([]model.Block{{Kind: model.Paragraph, Text: it.Summary}}),
		"<p>" + s.originHTML(st, it) + "</p>",
		"<p>Joined this story: " + html.EscapeString(reasonText(m.Reason)) + "</p>",
	}
	if !isPostItem(it) {
		if it.URL != "" {
			parts = append(parts, "<p>Original: "+linkHTML(it.URL, it.URL)+"</p>")
		}
		if it.GUID != "" && it.GUID != it.URL {
			parts = append(parts, "<p>Original ID: "+html.EscapeString(it.GUID)+"</p>")
		}
	}
	parts = append(parts, "<p>Story: "+linkHTML(storyTitle(st), s.abs(storyPath(st.Key)))+"</p>")
	return joinNonEmpty(parts, "\n")
}

// memberText is memberHTML's plain-text form.
func (s *Server) memberText(st *model.Story, m *model.StoryMember) string {
	it := &m.Item
	parts := []string{it.Summary, s.originText(st, it), "Joined this story: " + reasonText(m.Reason)}
	if !isPostItem(it) {
		if it.URL != "" {
			parts = append(parts, "Original: "+it.URL)
		}
		if it.GUID != "" && it.GUID != it.URL {
			parts = append(parts, "Original ID: "+it.GUID)
		}
	}
	parts = append(parts, "Story: "+storyTitle(st)+" — "+s.abs(storyPath(st.Key)))
	return joinText(parts...)
}

// originHTML says where an item comes from: "From <em>Outlet</em>,
// 2 March 2025", or for a post that it is a post on this site.
func (s *Server) originHTML(st *model.Story, it *model.Item) string {
	if isPostItem(it) {
		return "A post on " + html.EscapeString(s.title) + " discussing this story"
	}
	out := "From <em>" + html.EscapeString(cmp.Or(s.itemAuthor(st, it), "an unknown outlet")) + "</em>"
	if day := itemDay(it); day != "" {
		out += ", " + html.EscapeString(day)
	}
	return out
}

// originText is originHTML's plain-text form.
func (s *Server) originText(st *model.Story, it *model.Item) string {
	if isPostItem(it) {
		return "A post on " + s.title + " discussing this story"
	}
	return joinNonEmpty([]string{"From " + cmp.Or(s.itemAuthor(st, it), "an unknown outlet"), itemDay(it)}, ", ")
}
