package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/model"
)

// Content returns the document a feed reader gets at topic (an absolute
// URL under the base URL), rendered or served from the document cache
// exactly as for a GET: its body, content type and entity tag. It is how
// the WebSub hub learns what to deliver. A URL that is not one of this
// server's feeds wraps model.ErrNotFound; a failure to render it is
// another error.
func (s *Server) Content(ctx context.Context, topic string) (body []byte, contentType, etag string, err error) {
	path, ok := strings.CutPrefix(topic, s.base)
	if !ok || !strings.HasPrefix(path, "/") {
		return nil, "", "", fmt.Errorf("%s is not under %s: %w", topic, s.base, model.ErrNotFound)
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, "", "", fmt.Errorf("topic %s: %v: %w", topic, err, model.ErrNotFound)
	}
	s.muxOnce.Do(func() { s.mux = s.recoverPanics(s.publicMux()) })
	w := &bufferWriter{header: http.Header{}}
	s.mux.ServeHTTP(w, r)
	contentType = w.header.Get("Content-Type")
	switch {
	case w.status == http.StatusNotFound || w.status == http.StatusGone || w.status/100 == 3: // gone, or moved (a merged story)
		return nil, "", "", fmt.Errorf("topic %s: status %d: %w", topic, w.status, model.ErrNotFound)
	case w.status != http.StatusOK:
		return nil, "", "", fmt.Errorf("topic %s: status %d", topic, w.status)
	case !isFeedType(contentType):
		return nil, "", "", fmt.Errorf("topic %s is not a feed (%s): %w", topic, contentType, model.ErrNotFound)
	}
	return w.body.Bytes(), contentType, w.header.Get("ETag"), nil
}

// isFeedType reports whether a content type is one of the feed formats.
func isFeedType(contentType string) bool {
	for _, f := range feeds.Formats {
		if strings.HasPrefix(contentType, bareType(f)) {
			return true
		}
	}
	return false
}

// bufferWriter is an http.ResponseWriter that keeps the response.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferWriter) Header() http.Header { return w.header }

func (w *bufferWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(p)
}
