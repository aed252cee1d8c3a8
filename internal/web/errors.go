package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// publicError is an error whose message may be shown to the client. It
// wraps the cause (usually a model sentinel) that decides the status.
type publicError struct {
	msg   string
	cause error
}

func (e *publicError) Error() string { return e.msg + ": " + e.cause.Error() }
func (e *publicError) Unwrap() error { return e.cause }

// notFound reports a missing page with a message for the client.
func notFound(format string, args ...any) error {
	return &publicError{msg: fmt.Sprintf(format, args...), cause: model.ErrNotFound}
}

// explain gives a store's not-found error a client-facing message; other
// errors are returned unchanged.
func explain(err error, format string, args ...any) error {
	if errors.Is(err, model.ErrNotFound) {
		return &publicError{msg: fmt.Sprintf(format, args...), cause: err}
	}
	return err
}

// explainInvalid gives a store's invalid-input error a client-facing
// message; other errors are returned unchanged.
func explainInvalid(err error, format string, args ...any) error {
	if errors.Is(err, model.ErrInvalid) {
		return &publicError{msg: fmt.Sprintf(format, args...), cause: err}
	}
	return err
}

// invalid reports a bad request with a message for the client.
func invalid(format string, args ...any) error {
	return &publicError{msg: fmt.Sprintf(format, args...), cause: model.ErrInvalid}
}

// movedTo returns the *model.Moved in err's chain, or nil.
func movedTo(err error) *model.Moved {
	var moved *model.Moved
	if errors.As(err, &moved) {
		return moved
	}
	return nil
}

// notYetArchived is the answer for an archive page a feed will have but
// does not have yet (its entries are still in the subscription document):
// a temporary redirect there.
type notYetArchived struct{ current string }

func (e *notYetArchived) Error() string { return "not archived yet: see " + e.current }

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	switch {
	case movedTo(err) != nil:
		return http.StatusMovedPermanently
	case errors.As(err, new(*notYetArchived)):
		return http.StatusFound
	case errors.Is(err, model.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, model.ErrInvalid):
		return http.StatusBadRequest
	case errors.As(err, new(*http.MaxBytesError)):
		return http.StatusRequestEntityTooLarge
	default:
		return http.StatusInternalServerError
	}
}

// fail is the one place errors become responses: 301 to the surviving
// record for a *model.Moved (a merged story), 404 for model.ErrNotFound,
// 400 for model.ErrInvalid, 413 for a request body over its
// http.MaxBytesReader limit, 500 for anything else. Client errors carry a
// short plain-text message; server errors are logged and the client gets
// a generic one.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var later *notYetArchived
	if errors.As(err, &later) {
		http.Redirect(w, r, later.current, http.StatusFound)
		return
	}
	if moved := movedTo(err); moved != nil {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "moved",
			slog.String("path", r.URL.Path), slog.String("to", moved.To))
		http.Redirect(w, r, s.movedURL(r, moved), http.StatusMovedPermanently)
		return
	}
	status := statusOf(err)
	msg := http.StatusText(status)
	var pub *publicError
	if status < 500 && errors.As(err, &pub) {
		msg = pub.msg
	}
	level := slog.LevelDebug
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(r.Context(), level, "request failed",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Any("err", err))
	http.Error(w, msg, status)
}

// movedURL is the absolute URL of the requested document at the key a
// record moved to: the last path segment naming the old key, alone or
// before a format extension, names the new one; the query is kept. When
// no segment names the old key it is the new story's page.
func (s *Server) movedURL(r *http.Request, m *model.Moved) string {
	segs := strings.Split(r.URL.Path, "/")
	path := storyPath(m.To)
	for i := len(segs) - 1; i >= 0; i-- {
		if renamed, ok := renameSegment(segs[i], m.From, m.To); ok {
			segs[i] = renamed
			path = escapeSegments(segs)
			break
		}
	}
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	return s.abs(path)
}

// renameSegment renames a path segment "from" or "from.ext" to "to" or
// "to.ext".
func renameSegment(seg, from, to string) (string, bool) {
	if seg == from {
		return to, true
	}
	if name, ext, ok := splitFile(seg); ok && name == from {
		return to + "." + ext, true
	}
	return "", false
}

// escapeSegments joins unescaped path segments into an escaped path.
func escapeSegments(segs []string) string {
	out := make([]string, len(segs))
	for i, seg := range segs {
		out[i] = url.PathEscape(seg)
	}
	return strings.Join(out, "/")
}
