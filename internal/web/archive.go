package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// DefaultPageSize is how many entries a page of an archived feed holds
// when Config.PageSize is not set.
const DefaultPageSize = 50

// Comment feeds are RFC 5005 archived feeds. Comments arrive in number
// order and are never removed, so they are cut into blocks of PageSize by
// number: block k holds comments (k-1)·size+1 … k·size of the feed. The
// last block, full or not, is the subscription document; every block
// before it is an archive document (?archive=k), full, and so never
// changes. Walking from the subscription document down the prev-archive
// (or next) links gives every comment exactly once.

// archivedCommentFeed serves one document of the archived feed of
// comments (a post's, or a thread's) at path.
func (s *Server) archivedCommentFeed(r *http.Request, f feeds.Format, p *model.Post, comments []model.Comment,
	path, title, htmlURL string) (*document, error) {
	comments = slices.Clone(comments)
	slices.SortFunc(comments, func(a, b model.Comment) int { return cmp.Compare(a.Number, b.Number) })
	size := s.pageSize
	blocks := max(1, (len(comments)+size-1)/size)
	k, archive := blocks, false
	if q := r.URL.Query().Get("archive"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n >= blocks || strconv.Itoa(n) != q {
			return nil, notFound("no archive page %q of this feed (there are %d)", q, blocks-1)
		}
		k, archive = n, true
	}
	page := comments[min((k-1)*size, len(comments)):min(k*size, len(comments))]
	feed := s.commentFeed(p, page, path, title, htmlURL)
	feed.Archive = archive
	url := func(block int) string {
		if block == blocks {
			return s.feedURL(path, f)
		}
		return s.feedURL(path, f) + "?archive=" + strconv.Itoa(block)
	}
	link := func(rel string, block int) {
		feed.Links = append(feed.Links, feeds.Link{Rel: rel, Type: bareType(f), Href: url(block)})
	}
	if k > 1 {
		link("prev-archive", k-1) // RFC 5005 archived feeds
		link("next", k-1)         // RFC 5005 paged feeds, and JSON Feed's next_url
	}
	if archive {
		link("current", blocks)
		link("previous", k+1)
		if k+1 < blocks {
			link("next-archive", k+1)
		}
	}
	link("first", blocks)
	link("last", 1)
	query := ""
	if archive {
		query = "?archive=" + strconv.Itoa(k)
	}
	doc, err := s.renderFeedPage(f, path, query, feed)
	if err != nil {
		return nil, err
	}
	doc.immutable = archive
	return doc, nil
}
