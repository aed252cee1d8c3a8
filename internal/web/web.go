// Package web serves newswire over HTTP: Atom, RSS and JSON Feed documents
// for feed readers (posts, comment threads, topics and stories — every
// outlet's coverage of one event), an OPML subscription list, a small JSON
// API and plain HTML pages with feed autodiscovery.
//
// URLs are a public contract (see routes). Every response is rendered to a
// buffer first, so each carries a strong ETag and answers conditional GETs;
// handlers return errors and one function (fail) maps them to statuses.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Store is what the web layer reads.
type Store interface {
	// ListPosts returns every post, newest first (Published desc, ID),
	// without Comments; CommentCount, Topics and Related are filled.
	ListPosts(ctx context.Context) ([]model.Post, error)
	// Post returns the full post with Comments (number order), Topics and
	// Related; it wraps model.ErrNotFound for an unknown slug.
	Post(ctx context.Context, slug string) (*model.Post, error)
	// ListTopics returns every topic by name, with its Posts count.
	ListTopics(ctx context.Context) ([]model.Topic, error)
	// TopicPosts returns a topic and its posts, newest first, without
	// comments; it wraps model.ErrNotFound for an unknown topic.
	TopicPosts(ctx context.Context, slug string) (model.Topic, []model.Post, error)
	// TopicStories returns up to limit live stories with an item filed
	// under the topic, newest activity first, each once.
	TopicStories(ctx context.Context, slug string, limit int) ([]model.Story, error)
	// Stories returns up to limit live stories, newest activity first,
	// after cursor ("" = first page), and the cursor of the next page (""
	// on the last); a malformed cursor wraps model.ErrInvalid.
	Stories(ctx context.Context, limit int, cursor string) ([]model.Story, string, error)
	// StoryHeads pages the live stories as Stories does, with only their
	// ID, key, title and times.
	StoryHeads(ctx context.Context, limit int, cursor string) ([]model.Story, string, error)
	// LastStoriesCursor is the cursor of the last page of Stories at
	// limit a page ("" when the first page is the last).
	LastStoriesCursor(ctx context.Context, limit int) (string, error)
	// Story returns one story by key with Members, Outlets and Posts. A
	// merged story returns *model.Moved (errors.Is ErrMoved) whose To is
	// the surviving key; an unknown one wraps model.ErrNotFound.
	Story(ctx context.Context, key string) (*model.Story, error)
	// ListSources returns every feed polled, by URL, with its polling
	// state.
	ListSources(ctx context.Context) ([]model.Source, error)
}

// SourceAdmin is what the admin API writes: the feeds to poll.
type SourceAdmin interface {
	// AddSources adds feeds, merging URLs already known (filling their
	// empty title, topic or site URL), and reports how many were new.
	AddSources(ctx context.Context, sources []model.Source) (int, error)
	// RemoveSource stops polling the feed at url (its current URL or the
	// one it was added with); an unknown URL wraps model.ErrNotFound.
	RemoveSource(ctx context.Context, url string) error
}

// Config configures a Server.
type Config struct {
	// Store is where posts, comments and topics are read from.
	Store Store
	// BaseURL is the absolute URL the site is served under, such as
	// "https://news.example.org"; a trailing slash is ignored.
	BaseURL string
	// Tagger mints the feeds' IDs; it must not change once feeds are out.
	Tagger model.Tagger
	// Logger receives access logs and errors; nil means slog.Default().
	Logger *slog.Logger
	// SiteTitle names the site in pages and feeds; "newswire" when empty.
	SiteTitle string
	// AdminToken turns on the admin API (/admin/...) when not empty:
	// requests must carry "Authorization: Bearer <AdminToken>". When it
	// is empty, or Admin is nil, every /admin/ URL answers 404.
	AdminToken string
	// Admin is what the admin API writes to; nil turns the admin API off.
	Admin SourceAdmin
	// Now is the clock (time.Now when nil), for the freshness lifetimes
	// sent in Cache-Control.
	Now func() time.Time
	// PageSize is how many entries a page of an archived feed holds (the
	// comment feeds); DefaultPageSize when 0.
	PageSize int
	// Generation, when set, numbers the latest change to the store that
	// touched any of the given scopes (model.Scope*; any change when none
	// are given), as store.DB.Generation does: documents are then
	// rendered once per change to what they show and served from memory
	// (up to CacheBytes) until the next.
	Generation func(scopes ...string) uint64
	// CacheBytes bounds the rendered documents kept; DefaultCacheBytes
	// when 0.
	CacheBytes int
	// HubURL is the WebSub hub every feed names (rel="hub", as a link
	// element and a Link header): this server's own /hub when Hub is set,
	// or an external hub. Empty: feeds name no hub.
	HubURL string
	// Hub, when set, is the WebSub hub served at /hub.
	Hub http.Handler
	// HubListedOnly names the hub only in the feeds FeedURLs lists (the
	// subscription documents of the feeds /opml lists): for an external
	// hub, which is told about those feeds only.
	HubListedOnly bool
}

// DefaultCacheBytes is the default memory bound of rendered documents.
const DefaultCacheBytes = 128 << 20

// Server serves newswire's feeds, pages and API. Create it with NewServer.
type Server struct {
	store      Store
	base       string
	tagger     model.Tagger
	log        *slog.Logger
	title      string
	admin      SourceAdmin // nil when the admin API is off
	token      string      // the admin API's bearer token
	gzips      *gzipCache
	now        func() time.Time
	pageSize   int
	generation func(scopes ...string) uint64 // nil: no document cache
	docs       *docCache
	hubURL     string       // the WebSub hub feeds name ("" for none)
	hub        http.Handler // the WebSub hub served at /hub (nil for none)
	hubListed  bool         // name the hub only in the listed feeds
	muxOnce    sync.Once
	mux        http.Handler // the public routes, for Content
}

// gzipBudget bounds the memory held by gzip encodings of sent documents.
const gzipBudget = 64 << 20

// NewServer returns a Server for cfg.
func NewServer(cfg Config) *Server {
	s := &Server{
		store:     cfg.Store,
		base:      strings.TrimRight(cfg.BaseURL, "/"),
		tagger:    cfg.Tagger,
		log:       cmp.Or(cfg.Logger, slog.Default()),
		title:     cmp.Or(strings.TrimSpace(cfg.SiteTitle), "newswire"),
		gzips:     newGzipCache(gzipBudget),
		now:       cfg.Now,
		pageSize:  cfg.PageSize,
		hubURL:    cfg.HubURL,
		hub:       cfg.Hub,
		hubListed: cfg.HubListedOnly,
	}
	if s.pageSize <= 0 {
		s.pageSize = DefaultPageSize
	}
	if cfg.Generation != nil {
		s.generation = cfg.Generation
		s.docs = newDocCache(cmp.Or(cfg.CacheBytes, DefaultCacheBytes))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.AdminToken != "" && cfg.Admin != nil {
		s.admin, s.token = cfg.Admin, cfg.AdminToken
	}
	return s
}

// AdminEnabled reports whether the admin API is served.
func (s *Server) AdminEnabled() bool { return s.admin != nil }

// handler produces a complete response body, or an error for fail to map.
type handler func(r *http.Request) (*document, error)

// route binds a ServeMux pattern to a handler.
type route struct {
	pattern string
	handle  handler
	// scopes lists what a request's document shows (model.Scope*), for
	// the document cache; nil: anything (every change renders it again).
	scopes func(*http.Request) []string
}

// Scopes of the documents that show only part of the store.
func postScope(r *http.Request) []string  { return []string{model.ScopePost(r.PathValue("post"))} }
func storiesScope(*http.Request) []string { return []string{model.ScopeStories} }
func postsScope(*http.Request) []string   { return []string{model.ScopePosts, model.ScopeStories} }
func sourcesScope(*http.Request) []string { return []string{model.ScopeSources} }

// fixedScope is the scope of a document no write changes (only a change
// of unknown extent renders it again).
func fixedScope(*http.Request) []string { return []string{"fixed"} }

// postPageScope is what a post's page (or API document) shows: the post,
// its topics and the stories of its related items.
func postPageScope(param string) func(*http.Request) []string {
	return func(r *http.Request) []string {
		return []string{model.ScopePost(r.PathValue(param)), model.ScopePosts, model.ScopeStories}
	}
}
func topFeedScope(r *http.Request) []string {
	if strings.HasPrefix(r.PathValue("file"), "stories.") {
		return storiesScope(r)
	}
	return []string{model.ScopePosts}
}

// routes is the route table: the public URL contract in one place.
// ServeMux wildcards match whole segments only, so "{name}.{ext}" files
// are matched as {file} and split by the handlers. GET also answers HEAD.
// A story merged into another answers 301 to the same document of the
// surviving story (see fail).
func (s *Server) routes() []route {
	return []route{
		{"GET /{$}", s.index, nil},                                    // HTML: posts, stories, topics, threads
		{"GET /opml", s.opml, postsScope},                             // OPML 2.0 subscription list
		{"GET /opml/posts/{post}", s.opmlPost, postScope},             // OPML: every thread feed of a post (included by /opml)
		{"GET /opml/stories", s.opmlStories, storiesScope},            // OPML: every story's feed, paged (included by /opml)
		{"GET /{file}", s.topFeed, topFeedScope},                      // /posts.{ext}, /stories.{ext}
		{"GET /posts/{file}", s.postPage, postPageScope("file")},      // /posts/{post} (HTML)
		{"GET /posts/{post}/{file}", s.commentsFeed, postScope},       // /posts/{post}/comments.{ext}
		{"GET /posts/{post}/threads/{file}", s.threadFeed, postScope}, // /posts/{post}/threads/{n}.{ext}, /posts/{post}/threads/{n} (HTML)
		{"GET /topics/{file}", s.topic, postsScope},                   // /topics/{topic} (HTML), /topics/{topic}.{ext}
		{"GET /stories", s.storiesPage, storiesScope},                 // HTML: stories, newest activity first (?after=)
		{"GET /stories/{file}", s.story, storiesScope},                // /stories/{story} (HTML), /stories/{story}.{ext}
		{"GET /api", s.apiIndexDoc, fixedScope},                       // JSON: where the API's listings and feeds are
		{"GET /api/posts", s.apiPosts, postsScope},                    // JSON list of posts
		{"GET /api/posts/{post}", s.apiPost, postPageScope("post")},   // JSON post with comments
		{"GET /api/stories", s.apiStories, storiesScope},              // JSON stories, paged (?limit=, ?after=)
		{"GET /api/stories/{story}", s.apiStoryDoc, storiesScope},     // JSON story with its items and posts
		{"GET /api/sources", s.apiSources, sourcesScope},              // JSON feeds polled, with their state
	}
}

// Handler returns the HTTP handler serving every route, with access
// logging and panic recovery. The admin routes are served only when the
// admin API is on; otherwise everything under /admin/ is 404.
func (s *Server) Handler() http.Handler {
	mux := s.publicMux()
	if s.hub != nil {
		mux.Handle("POST /hub", s.hub)
		mux.Handle("GET /hub", s.hub) // it says how to use it (405, Allow: POST)
	}
	if s.admin == nil {
		mux.Handle("/admin/", http.NotFoundHandler())
	} else {
		for _, rt := range s.adminRoutes() {
			mux.Handle(rt.pattern, s.serveAdmin(rt.handle))
		}
	}
	var h http.Handler = mux
	if s.docs != nil {
		h = s.fromCache(mux)
	}
	return s.logRequests(s.recoverPanics(h))
}

// publicMux routes the public URLs of the route table.
func (s *Server) publicMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern, s.serve(rt.handle, rt.scopes))
	}
	return mux
}

// serve adapts a handler to http.Handler: errors go to fail, documents
// to writeDocument (which answers conditional requests).
func (s *Server) serve(h handler, scopes func(*http.Request) []string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, err := s.cached(r, h, scopes)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeDocument(w, r, doc)
	})
}
