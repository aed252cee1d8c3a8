package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/opml"
)

// maxAdminBody caps the body of an admin request.
const maxAdminBody = 1 << 20

// adminRealm is the realm of the admin API's bearer-token challenge.
const adminRealm = `Bearer realm="newswire"`

// adminResponse is an admin API response: never cached, never validated.
type adminResponse struct {
	status      int
	contentType string
	body        []byte // nil for 204 No Content
}

// adminHandler handles an authorized admin request; errors go to fail.
// It gets the ResponseWriter only to cap the request body with
// http.MaxBytesReader.
type adminHandler func(w http.ResponseWriter, r *http.Request) (*adminResponse, error)

// adminRoute binds a ServeMux pattern to an admin handler.
type adminRoute struct {
	pattern string
	handle  adminHandler
}

// adminRoutes is the admin API, served only with an admin token and a
// SourceAdmin configured. ServeMux answers 405 for other methods.
func (s *Server) adminRoutes() []adminRoute {
	return []adminRoute{
		{"GET /admin/sources", s.adminListSources},          // JSON feeds, with validators
		{"POST /admin/sources", s.adminAddSource},           // JSON {"url", "title", "topic"} → 201
		{"DELETE /admin/sources", s.adminRemoveSource},      // ?url=… → 204
		{"POST /admin/sources/import", s.adminImport},       // OPML body → JSON counts
		{"GET /admin/sources/export", s.adminExportSources}, // OPML 2.0
	}
}

// serveAdmin adapts an admin handler to http.Handler: it checks the bearer
// token (401 with a challenge when missing or wrong), marks every response
// Cache-Control: no-store and sends errors to fail.
func (s *Server) serveAdmin(h adminHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if !s.authorized(r) {
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "admin request refused",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("remote", r.RemoteAddr),
				slog.Bool("credentials", r.Header.Get("Authorization") != ""))
			w.Header().Set("WWW-Authenticate", adminRealm)
			http.Error(w, "admin API: missing or invalid bearer token", http.StatusUnauthorized)
			return
		}
		resp, err := h(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		hdr := w.Header()
		if resp.body != nil {
			hdr.Set("Content-Type", resp.contentType)
			hdr.Set("Content-Length", strconv.Itoa(len(resp.body)))
			hdr.Set("X-Content-Type-Options", "nosniff")
		}
		w.WriteHeader(resp.status)
		if resp.body != nil && r.Method != http.MethodHead {
			w.Write(resp.body) //nolint:errcheck // the client went away; nothing to do
		}
	})
}

// authorized reports whether r carries "Authorization: Bearer <token>"
// with the admin token. The tokens are compared in constant time, as
// SHA-256 digests so that their lengths do not leak either.
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	want := sha256.Sum256([]byte(s.token))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// adminJSON is a JSON admin response.
func adminJSON(status int, v any) (*adminResponse, error) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode JSON: %w", err)
	}
	return &adminResponse{status: status, contentType: jsonType, body: append(body, '\n')}, nil
}

// adminSource is a feed as the admin API shows it: the public view plus
// the key it was added with, its validators and its polling interval.
type adminSource struct {
	apiSource
	Key             string  `json:"key"`
	ETag            *string `json:"etag"`
	LastModified    *string `json:"last_modified"`
	IntervalSeconds *int64  `json:"interval_seconds"`
	Disabled        bool    `json:"disabled"`
}

type adminSourceList struct {
	Sources []adminSource `json:"sources"`
}

// adminListSources serves GET /admin/sources: every feed with its full
// polling state.
func (s *Server) adminListSources(_ http.ResponseWriter, r *http.Request) (*adminResponse, error) {
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		return nil, err
	}
	list := adminSourceList{Sources: make([]adminSource, 0, len(sources))}
	for i := range sources {
		src := &sources[i]
		out := adminSource{
			apiSource:    newAPISource(src),
			Key:          src.Key,
			ETag:         nullString(src.ETag),
			LastModified: nullString(src.LastModified),
			Disabled:     src.Disabled,
		}
		if src.Interval > 0 {
			secs := int64(src.Interval / time.Second)
			out.IntervalSeconds = &secs
		}
		list.Sources = append(list.Sources, out)
	}
	return adminJSON(http.StatusOK, list)
}

// addSourceRequest is the body of POST /admin/sources.
type addSourceRequest struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Topic string `json:"topic"`
}

// addSourceResponse says whether the feed was new (false: it was known
// and merged, its empty title or topic filled).
type addSourceResponse struct {
	URL   string `json:"url"`
	Added bool   `json:"added"`
}

// adminAddSource serves POST /admin/sources: add one feed by URL, as
// "newswire sources add" does. It answers 201 whether the feed was new
// or merged into a known one; "added" tells which.
func (s *Server) adminAddSource(w http.ResponseWriter, r *http.Request) (*adminResponse, error) {
	var req addSourceRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAdminBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return nil, bodyError(err, "body is not a JSON object {\"url\", \"title\", \"topic\"}: %v", err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return nil, bodyError(err, "body has more than one JSON value")
	}
	raw := strings.TrimSpace(req.URL)
	if err := checkFeedURL(raw); err != nil {
		return nil, err
	}
	added, err := s.admin.AddSources(r.Context(), []model.Source{{
		URL: raw, Title: strings.TrimSpace(req.Title), Topic: strings.TrimSpace(req.Topic),
	}})
	if err != nil {
		return nil, explainInvalid(err, "cannot add %q", raw)
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "admin: source added",
		slog.String("url", raw), slog.Bool("new", added > 0))
	return adminJSON(http.StatusCreated, addSourceResponse{URL: raw, Added: added > 0})
}

// checkFeedURL accepts an absolute http or https URL with a host.
func checkFeedURL(raw string) error {
	if raw == "" {
		return invalid("missing feed URL")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("%q is not an absolute http(s) URL", raw)
	}
	return nil
}

// bodyError is a request-body error: the *http.MaxBytesError in err's
// chain when the body was too large (fail answers 413), else a 400 with
// the given message.
func bodyError(err error, format string, args ...any) error {
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		return tooLarge
	}
	return invalid(format, args...)
}

// adminRemoveSource serves DELETE /admin/sources?url=…: stop polling a
// feed (its items stay), 204, or 404 for an unknown URL.
func (s *Server) adminRemoveSource(_ http.ResponseWriter, r *http.Request) (*adminResponse, error) {
	raw := strings.TrimSpace(r.URL.Query().Get("url"))
	if raw == "" {
		return nil, invalid("missing ?url= parameter")
	}
	if err := s.admin.RemoveSource(r.Context(), raw); err != nil {
		return nil, explain(err, "no such source %q", raw)
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "admin: source removed", slog.String("url", raw))
	return &adminResponse{status: http.StatusNoContent}, nil
}

// importResponse reports an OPML import: the feeds found, how many were
// new (the rest merged into known ones) and why outlines were skipped.
type importResponse struct {
	Feeds   int      `json:"feeds"`
	Added   int      `json:"added"`
	Skipped []string `json:"skipped"`
}

// adminImport serves POST /admin/sources/import: add every feed of the
// OPML document in the body (any Content-Type), as "newswire sources
// import" does.
func (s *Server) adminImport(w http.ResponseWriter, r *http.Request) (*adminResponse, error) {
	outlines, skipped, err := opml.Parse("body", http.MaxBytesReader(w, r.Body, maxAdminBody))
	if err != nil {
		return nil, bodyError(err, "%v", err)
	}
	sources := make([]model.Source, len(outlines))
	for i, o := range outlines {
		sources[i] = model.Source{URL: o.URL, Title: o.Title, Topic: o.Topic, HTMLURL: o.HTMLURL}
	}
	added := 0
	if len(sources) > 0 {
		if added, err = s.admin.AddSources(r.Context(), sources); err != nil {
			return nil, explainInvalid(err, "cannot import")
		}
	}
	resp := importResponse{Feeds: len(sources), Added: added, Skipped: make([]string, 0, len(skipped))}
	for _, e := range skipped {
		resp.Skipped = append(resp.Skipped, e.Error())
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "admin: OPML imported",
		slog.Int("feeds", resp.Feeds), slog.Int("added", added), slog.Int("skipped", len(skipped)))
	return adminJSON(http.StatusOK, resp)
}

// adminExportSources serves GET /admin/sources/export: the feeds as OPML
// 2.0, as "newswire sources export" writes them.
func (s *Server) adminExportSources(_ http.ResponseWriter, r *http.Request) (*adminResponse, error) {
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := opml.WriteSources(&buf, s.title+" sources", sources); err != nil {
		return nil, err
	}
	return &adminResponse{status: http.StatusOK, contentType: opmlType, body: buf.Bytes()}, nil
}
