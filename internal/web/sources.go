package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Statuses of a source, as shown by /api/sources and the index page.
const (
	sourceOK          = "ok"
	sourceFailing     = "failing"
	sourceDisabled    = "disabled"
	sourceNeverPolled = "never polled"
)

// sourceStatus sums up a source's polling state: disabled (polling
// stopped, by a 410 Gone say), failing (the last poll failed), never
// polled, or ok.
func sourceStatus(src *model.Source) string {
	switch {
	case src.Disabled:
		return sourceDisabled
	case src.ErrorCount > 0 || src.LastError != "":
		return sourceFailing
	case src.LastStatus == 0 && src.LastSuccess.IsZero():
		return sourceNeverPolled
	}
	return sourceOK
}

// apiSource is a feed newswire polls, as the public API shows it: no
// validators (ETag, Last-Modified), which are between newswire and the
// feed's server.
type apiSource struct {
	URL         string     `json:"url"`
	Title       string     `json:"title"`
	Topic       *string    `json:"topic"`
	HTMLURL     *string    `json:"html_url"`
	Status      string     `json:"status"`
	LastStatus  *int       `json:"last_status"`
	LastError   *string    `json:"last_error"`
	LastSuccess *time.Time `json:"last_success"`
	NextPoll    *time.Time `json:"next_poll"`
	// OnNewCount: a comment feed of an old post, polled again only when
	// its post's feed states a new comment count (NextPoll is then null).
	OnNewCount bool       `json:"on_new_comment_count,omitempty"`
	ErrorCount int        `json:"error_count"`
	Added      *time.Time `json:"added"`
	// Kind is "feed", or "comments" for a blog post's comment feed found
	// while polling a feed (named by Parent).
	Kind   string  `json:"kind"`
	Parent *string `json:"parent"`
}

type apiSourceList struct {
	Sources []apiSource `json:"sources"`
}

func newAPISource(src *model.Source) apiSource {
	out := apiSource{
		URL:         src.URL,
		Title:       src.Title,
		Topic:       nullString(src.Topic),
		HTMLURL:     nullString(src.HTMLURL),
		Status:      sourceStatus(src),
		LastError:   nullString(src.LastError),
		LastSuccess: nullTime(src.LastSuccess),
		NextPoll:    nullTime(src.NextPoll),
		OnNewCount:  src.NextPoll.Equal(model.PollOnChange),
		ErrorCount:  src.ErrorCount,
		Added:       nullTime(src.Added),
		Kind:        cmp.Or(src.Kind, model.SourceFeed),
		Parent:      nullString(src.Parent),
	}
	if out.OnNewCount {
		out.NextPoll = nil
	}
	if src.LastStatus != 0 {
		status := src.LastStatus
		out.LastStatus = &status
	}
	return out
}

// apiSources serves /api/sources: every feed polled, by URL, with its
// polling state. It has no Last-Modified: a failed poll changes the
// document without a recorded time, so only the ETag validates it.
func (s *Server) apiSources(r *http.Request) (*document, error) {
	sources, err := s.store.ListSources(r.Context())
	if err != nil {
		return nil, err
	}
	list := apiSourceList{Sources: make([]apiSource, 0, len(sources))}
	for i := range sources {
		list.Sources = append(list.Sources, newAPISource(&sources[i]))
	}
	return jsonDocument(list, time.Time{})
}

// sourceView is a polled feed as the index page lists it.
type sourceView struct {
	Title       string
	URL         string // the feed
	HTMLURL     string // its site, if known
	Status      string
	Failing     bool // failing or disabled: LastError says why
	LastError   string
	LastStatus  string // "HTTP 404", or "" when none
	LastSuccess dateView
	ErrorCount  int
}

// sourceViews lists sources for the index page: the feeds, and the
// comment feeds found in them that fail.
func sourceViews(sources []model.Source) []sourceView {
	out := make([]sourceView, 0, len(sources))
	for i := range sources {
		src := &sources[i]
		if src.Kind == model.SourceComments && sourceStatus(src) != sourceFailing && sourceStatus(src) != sourceDisabled {
			continue // comment feeds are listed when they fail
		}
		view := sourceView{
			Title:       strings.TrimSpace(src.Title),
			URL:         src.URL,
			HTMLURL:     src.HTMLURL,
			Status:      sourceStatus(src),
			LastError:   src.LastError,
			LastSuccess: dateOf(src.LastSuccess, false),
			ErrorCount:  src.ErrorCount,
		}
		if view.Title == "" {
			view.Title = src.URL
		}
		view.Failing = view.Status == sourceFailing || view.Status == sourceDisabled
		if src.LastStatus != 0 {
			view.LastStatus = "HTTP " + strconv.Itoa(src.LastStatus)
		}
		out = append(out, view)
	}
	return out
}

// sourcesUpdated is the latest time a source was added or last polled
// successfully. Failed polls are not timed, so the index page's ETag, not
// its Last-Modified, is what catches those changes.
func sourcesUpdated(sources []model.Source) time.Time {
	var t time.Time
	for i := range sources {
		t = latestTime(t, sources[i].Added, sources[i].LastSuccess)
	}
	return t
}
