package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/newswire/newswire/feeds"
)

// Paths of the public URL contract, without the base URL and, for feeds,
// without the format extension (which is also how feed IDs are minted).
const (
	postsPath      = "/posts"
	opmlPath       = "/opml"
	topicsPath     = "/topics/"
	storiesPath    = "/stories"
	apiStoriesPath = "/api/stories"
)

func postPath(slug string) string     { return "/posts/" + url.PathEscape(slug) }
func commentsPath(slug string) string { return postPath(slug) + "/comments" }
func topicPath(slug string) string    { return topicsPath + url.PathEscape(slug) }
func storyPath(key string) string     { return storiesPath + "/" + url.PathEscape(key) }
func apiStoryPath(key string) string  { return apiStoriesPath + "/" + url.PathEscape(key) }

// afterQuery is the query naming the page after cursor, with extra
// parameters (such as limit), or "" for the first page.
func afterQuery(cursor string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if cursor != "" {
		q.Set("after", cursor)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func threadPath(slug string, n int) string {
	return postPath(slug) + "/threads/" + strconv.Itoa(n)
}

// commentAnchor is the fragment naming comment n on its post's page.
func commentAnchor(n int) string { return "comment-" + strconv.Itoa(n) }

// abs makes a site path absolute.
func (s *Server) abs(path string) string { return s.base + path }

// feedURL is the absolute URL of the feed at path in format f.
func (s *Server) feedURL(path string, f feeds.Format) string {
	return s.base + path + "." + string(f)
}

// commentURL is the absolute URL of comment n on its post's page.
func (s *Server) commentURL(slug string, n int) string {
	return s.abs(postPath(slug)) + "#" + commentAnchor(n)
}

// splitFile splits a "{name}.{ext}" path segment at its last dot.
func splitFile(file string) (name, ext string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i < 0 {
		return file, "", false
	}
	return file[:i], file[i+1:], true
}

// feedFormat parses a feed extension, reporting unknown ones as not found.
func feedFormat(ext string) (feeds.Format, error) {
	f, ok := feeds.ParseFormat(ext)
	if !ok {
		return "", notFound("unknown feed format %q (try atom, rss or json)", ext)
	}
	return f, nil
}

// threadNumber parses the {n} of a thread feed. Only the canonical form of
// a positive number is accepted, so each thread has exactly one URL.
func threadNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strconv.Itoa(n) != s {
		return 0, notFound("no such thread %q", s)
	}
	return n, nil
}

// feedLink is one format of a feed, for links and autodiscovery.
type feedLink struct {
	Name string // "Atom", "RSS", "JSON Feed"
	Type string // media type without parameters
	URL  string
	// TypeAttr is type="…" ready for a template: html/template would
	// write the "+" of a media type as "&#43;", which is valid HTML but
	// defeats naive feed autodiscovery. It is built from our own
	// constant media types only.
	TypeAttr template.HTMLAttr
}

// formatName is a format's human name.
func formatName(f feeds.Format) string {
	switch f {
	case feeds.Atom:
		return "Atom"
	case feeds.RSS:
		return "RSS"
	case feeds.JSON:
		return "JSON Feed"
	}
	return string(f)
}

// feedLinks lists the feed at path in every format.
func (s *Server) feedLinks(path string) []feedLink {
	links := make([]feedLink, 0, len(feeds.Formats))
	for _, f := range feeds.Formats {
		mediaType, _, _ := strings.Cut(f.MediaType(), ";")
		links = append(links, feedLink{
			Name:     formatName(f),
			Type:     mediaType,
			URL:      s.feedURL(path, f),
			TypeAttr: template.HTMLAttr(`type="` + mediaType + `"`), //nolint:gosec // constant media type
		})
	}
	return links
}
