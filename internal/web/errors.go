package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

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

// statusOf maps an error to its HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, model.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, model.ErrInvalid):
		return http.StatusBadRequest
	default:
		return http.StatusInternalServerError
	}
}

// fail is the one place errors become responses: 404 for model.ErrNotFound,
// 400 for model.ErrInvalid, 500 for anything else. Client errors carry a
// short plain-text message; server errors are logged and the client gets
// a generic one.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
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
