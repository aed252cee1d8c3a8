package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// DefaultPageSize is how many entries a page of an archived feed holds
// when Config.PageSize is not set.
const DefaultPageSize = 50

// Feeds are cut into pages by the order their entries arrived, oldest
// first, in blocks of PageSize: block k holds entries (k-1)·size+1 …
// k·size. The subscription document holds the last block and, while that
// one is not full, the block before it too, so it always shows the newest
// PageSize entries (all of them when there are fewer) and at most
// 2·PageSize−1. Every block before those is a page of its own, linked by
// next (older) and previous (newer), with first (the subscription
// document) and last (block 1). Walking from the subscription document
// down the next links gives every entry exactly once.
//
// Where entries keep their place once they arrive — comments (by number)
// and posts (by arrival) — the feed is an RFC 5005 archived feed: its
// older blocks are archive documents (?archive=k, fh:archive, also linked
// prev-archive, next-archive and current), rendered without anything
// that grows later (reply counts), so they never change and are cached
// for a year. Where entries can leave or move — a topic's posts (a post's
// topics can be edited) and a story's reports (stories are re-clustered
// and merged) — it is an RFC 5005 paged feed: its older blocks (?page=k)
// are current views, cached like any document.

// paging says how a feed's older blocks are served.
type paging struct {
	param    string // the query parameter naming a block
	archived bool   // an archived feed (blocks never change), else a paged one
}

var (
	archivedFeedPaging = paging{param: "archive", archived: true}
	pagedFeedPaging    = paging{param: "page"}
)

// archiveLayout is the RFC 5005 layout of a feed of n entries.
type archiveLayout struct {
	n, size int
	current int // the first block the subscription document holds
	blocks  int
}

func newArchiveLayout(n, size int) archiveLayout {
	blocks := max(1, (n+size-1)/size)
	current := blocks
	if blocks > 1 && n%size != 0 {
		current--
	}
	return archiveLayout{n: n, size: size, current: current, blocks: blocks}
}

// page is the block a request asks for (?archive=k or ?page=k), and
// whether it is an older block; the subscription document is block
// current. A block the subscription document still holds is answered with
// a redirect there: archive pages link to the next one before it is full,
// so that their links never change.
func (l archiveLayout) page(r *http.Request, param, subscription string) (int, bool, error) {
	q := r.URL.Query().Get(param)
	if q == "" {
		return l.current, false, nil
	}
	k, err := strconv.Atoi(q)
	if err != nil || k < 1 || k > l.blocks || strconv.Itoa(k) != q {
		return 0, false, notFound("no page %s=%q of this feed (there are %d)", param, q, l.current-1)
	}
	if k >= l.current {
		return 0, false, &notYetArchived{current: subscription}
	}
	return k, true, nil
}

// span is the range of entries (oldest first) document k holds.
func (l archiveLayout) span(k int) (lo, hi int) {
	lo = min((k-1)*l.size, l.n)
	if k == l.current {
		return lo, l.n
	}
	return lo, min(k*l.size, l.n)
}

// pagedFeed serves one document of the feed at path whose n entries are
// in the order they arrived, oldest first: build makes the feed of the
// entries lo … hi-1, told whether it is an archive document (which must
// not show what grows later).
func (s *Server) pagedFeed(r *http.Request, f feeds.Format, path string, n int, pg paging,
	build func(lo, hi int, archive bool) *feeds.Feed) (*document, error) {
	l := newArchiveLayout(n, s.pageSize)
	k, older, err := l.page(r, pg.param, s.feedURL(path, f))
	if err != nil {
		return nil, err
	}
	archive := older && pg.archived
	lo, hi := l.span(k)
	feed := build(lo, hi, archive)
	feed.Archive = archive
	s.pageLinks(feed, f, path, l, k, pg)
	query := ""
	if older {
		query = "?" + pg.param + "=" + strconv.Itoa(k)
	}
	doc, err := s.renderFeedPage(f, path, query, feed)
	if err != nil {
		return nil, err
	}
	doc.immutable = archive
	return doc, nil
}

// pageLinks adds the RFC 5005 links of document k: paged feeds' next,
// previous, first (the subscription document) and last (the oldest
// page), and archived feeds' prev-archive, next-archive and current too;
// JSON Feed renders next as next_url. A page's links depend on k alone,
// so an archive page's never change: the next newer page is k+1 even
// while its entries are still in the subscription document.
func (s *Server) pageLinks(feed *feeds.Feed, f feeds.Format, path string, l archiveLayout, k int, pg paging) {
	subscription := s.feedURL(path, f)
	link := func(rel, href string) {
		feed.Links = append(feed.Links, feeds.Link{Rel: rel, Type: bareType(f), Href: href})
	}
	page := func(block int) string { return subscription + "?" + pg.param + "=" + strconv.Itoa(block) }
	if k > 1 {
		if pg.archived {
			link("prev-archive", page(k-1))
		}
		link("next", page(k-1))
	}
	if k < l.current {
		if pg.archived {
			link("current", subscription)
			link("next-archive", page(k+1))
		}
		link("previous", page(k+1))
	}
	link("first", subscription)
	if l.current > 1 {
		link("last", page(1))
	} else {
		link("last", subscription)
	}
}

// archivedCommentFeed serves one document of the archived feed of
// comments (a post's, or a thread's) at path, comments by number.
func (s *Server) archivedCommentFeed(r *http.Request, f feeds.Format, p *model.Post, comments []model.Comment,
	path, title, htmlURL string) (*document, error) {
	comments = slices.Clone(comments)
	slices.SortFunc(comments, func(a, b model.Comment) int { return cmp.Compare(a.Number, b.Number) })
	return s.pagedFeed(r, f, path, len(comments), archivedFeedPaging, func(lo, hi int, archive bool) *feeds.Feed {
		page := comments[lo:hi]
		feed := s.commentFeed(p, page, path, title, htmlURL)
		if archive {
			s.freezeCommentReplies(p, page, feed)
		}
		return feed
	})
}

// freezeCommentReplies gives every comment entry of an archive document
// the link to its thread feed without a count, whether or not it has
// replies yet: a later reply must not change the page.
func (s *Server) freezeCommentReplies(p *model.Post, page []model.Comment, feed *feeds.Feed) {
	numbers := make(map[string]int, len(page))
	for _, c := range page {
		numbers[s.commentID(p, c.Number)] = c.Number
	}
	for i := range feed.Entries {
		n, ok := numbers[feed.Entries[i].ID]
		if !ok {
			continue
		}
		thread := threadPath(p.Slug, n)
		feed.Entries[i].Replies = &feeds.Replies{
			Count:    -1,
			AtomHref: s.feedURL(thread, feeds.Atom),
			RSSHref:  s.feedURL(thread, feeds.RSS),
			JSONHref: s.feedURL(thread, feeds.JSON),
			HTMLHref: s.commentURL(p.Slug, n),
		}
	}
}

// postsByArrival orders posts as they arrived (first seen, then ID): the
// lasting order of the post-list feeds' archives.
func postsByArrival(posts []model.Post) []model.Post {
	posts = slices.Clone(posts)
	slices.SortStableFunc(posts, func(a, b model.Post) int {
		return cmp.Or(a.FirstSeen.Compare(b.FirstSeen), strings.Compare(a.ID, b.ID))
	})
	return posts
}

// freezePostReplies drops the comment counts from the entries of an
// archive document of a post list; the links to the comments stay.
func freezePostReplies(feed *feeds.Feed) {
	for i := range feed.Entries {
		if r := feed.Entries[i].Replies; r != nil {
			frozen := *r
			frozen.Count = -1
			feed.Entries[i].Replies = &frozen
		}
	}
}
