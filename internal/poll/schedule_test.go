package poll

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoffAndRecovery(t *testing.T) {
	var n atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.Write([]byte(rssBody))
	})
	f := testFetcher(nil)
	src := Source{URL: srv.URL, Interval: time.Hour, ETag: `"keep"`}
	steps := []struct {
		errs int
		next time.Duration
	}{{1, time.Hour}, {2, 2 * time.Hour}, {0, time.Hour}}
	for i, s := range steps {
		r := f.Fetch(context.Background(), src)
		src = f.Update(src, r, FeedSignals{})
		if src.ErrorCount != s.errs || !src.NextPoll.Equal(t0.Add(s.next)) || src.Disabled {
			t.Errorf("poll %d: ErrorCount %d NextPoll +%s, want %d +%s", i+1, src.ErrorCount, src.NextPoll.Sub(t0), s.errs, s.next)
		}
		if i < 2 && (src.LastStatus != 500 || !strings.Contains(src.LastError, "HTTP 500") || src.ETag != `"keep"`) {
			t.Errorf("poll %d: %+v", i+1, src)
		}
	}
	if src.LastError != "" || !src.LastSuccess.Equal(t0) || src.Interval != time.Hour {
		t.Errorf("after recovery: %+v", src)
	}
}

func TestBackoffJitterAndCap(t *testing.T) {
	for _, rnd := range []float64{0, 0.25, 0.5, 0.999} {
		f := testFetcher(func(c *Config) { c.Rand = func() float64 { return rnd } })
		src := Source{Interval: 30 * time.Minute}
		for errs := 1; errs <= 8; errs++ {
			src = f.Update(src, Result{Status: 503, Err: errors.New("boom")}, FeedSignals{})
			base := min(30*time.Minute<<(errs-1), 24*time.Hour)
			got := src.NextPoll.Sub(t0)
			if got < base/2 || got > min(base*3/2, 24*time.Hour) {
				t.Errorf("rand %v, error %d: delay %s outside [%s, %s]", rnd, errs, got, base/2, base*3/2)
			}
		}
	}
	// Never below MinInterval's base, even for a source without an interval.
	src := testFetcher(nil).Update(Source{}, Result{Status: 500}, FeedSignals{})
	if got := src.NextPoll.Sub(t0); got != 5*time.Minute {
		t.Errorf("first backoff of a new source %s, want 5m", got)
	}
	// Huge error counts neither overflow nor exceed MaxInterval.
	src = testFetcher(nil).Update(Source{ErrorCount: 1000, Interval: time.Hour}, Result{Status: 500}, FeedSignals{})
	if got := src.NextPoll.Sub(t0); got != 24*time.Hour {
		t.Errorf("backoff after 1000 errors %s, want 24h", got)
	}
}

func TestStatuses(t *testing.T) {
	f := testFetcher(nil)
	gone := f.Update(Source{URL: "http://x.example/f"}, Result{Status: 410, FinalURL: "http://x.example/f", Err: errors.New("HTTP 410")}, FeedSignals{})
	if !gone.Disabled || !strings.HasPrefix(gone.LastError, "410 Gone: ") || gone.LastStatus != 410 {
		t.Errorf("410: %+v", gone)
	}
	if len(Due([]Source{gone}, t0.Add(48*time.Hour))) != 0 {
		t.Errorf("a gone source is due")
	}
	src := Source{URL: "http://x.example/f", Interval: time.Hour}
	for i := range 20 {
		src = f.Update(src, Result{Status: 404, Err: &HTTPError{URL: src.URL, StatusCode: 404}}, FeedSignals{})
		if src.Disabled || src.ErrorCount != i+1 || !strings.Contains(src.LastError, "404 Not Found") {
			t.Fatalf("404 #%d: %+v", i+1, src)
		}
	}
}

func TestStatusesOverHTTP(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/410":
			w.WriteHeader(http.StatusGone)
		case "/404":
			http.NotFound(w, r)
		}
	})
	f := testFetcher(nil)
	r := f.Fetch(context.Background(), Source{URL: srv.URL + "/410"})
	if src := f.Update(Source{URL: srv.URL + "/410"}, r, FeedSignals{}); !src.Disabled {
		t.Errorf("410: %+v", src)
	}
	r = f.Fetch(context.Background(), Source{URL: srv.URL + "/404"})
	var he *HTTPError
	if !errors.As(r.Err, &he) || he.StatusCode != 404 || !errors.Is(r.Err, ErrHTTP) || r.Body != nil {
		t.Errorf("404: %+v", r)
	}
	if src := f.Update(Source{URL: srv.URL + "/404"}, r, FeedSignals{}); src.Disabled || src.ErrorCount != 1 ||
		!src.NextPoll.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("404: %+v", src)
	}
}

func TestRetryAfter(t *testing.T) {
	date := t0.Add(90 * time.Minute).Format(http.TimeFormat)
	tests := []struct {
		name   string
		status int
		value  string
		want   time.Duration
	}{
		{"seconds, below MinInterval", 429, "120", 120 * time.Second},
		{"seconds on 503", 503, "3600", time.Hour},
		{"HTTP-date", 503, date, 90 * time.Minute},
		{"capped at MaxRetryAfter", 429, "999999", 2 * time.Hour},
		{"absent: backoff", 429, "", 20 * time.Minute},
		{"zero: backoff", 503, "0", 20 * time.Minute},
		{"past date: backoff", 503, t0.Add(-time.Hour).Format(http.TimeFormat), 20 * time.Minute},
		{"garbage: backoff", 429, "soon", 20 * time.Minute},
		{"not 429/503: backoff", 500, "120", 20 * time.Minute},
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		for _, tc := range tests {
			if r.URL.Query().Get("case") == tc.name {
				if tc.value != "" {
					w.Header().Set("Retry-After", tc.value)
				}
				w.WriteHeader(tc.status)
			}
		}
	})
	f := testFetcher(func(c *Config) { c.MinInterval, c.MaxRetryAfter = 10*time.Minute, 2*time.Hour })
	for _, tc := range tests {
		src := Source{URL: srv.URL + "/?case=" + strings.ReplaceAll(tc.name, " ", "+"), Interval: 20 * time.Minute}
		r := f.Fetch(context.Background(), src)
		if r.Status != tc.status {
			t.Fatalf("%s: status %d", tc.name, r.Status)
		}
		got := f.Update(src, r, FeedSignals{})
		if d := got.NextPoll.Sub(t0); d != tc.want || got.ErrorCount != 1 {
			t.Errorf("%s: next poll +%s errors %d, want +%s and 1", tc.name, d, got.ErrorCount, tc.want)
		}
	}
}

func TestIntervalFromSignals(t *testing.T) {
	hourly := func(n int) []time.Time {
		var ts []time.Time
		for i := range n {
			ts = append(ts, t0.Add(-time.Duration(i)*3*time.Hour))
		}
		return ts
	}
	tests := []struct {
		name string
		sig  FeedSignals
		hdr  http.Header
		want time.Duration
	}{
		{"nothing: default", FeedSignals{}, nil, time.Hour},
		{"ttl", FeedSignals{TTL: 2 * time.Hour}, nil, 2 * time.Hour},
		{"update period", FeedSignals{UpdatePeriod: 30 * time.Minute}, nil, 30 * time.Minute},
		{"smallest wins", FeedSignals{TTL: 2 * time.Hour, UpdatePeriod: 3 * time.Hour}, nil, 2 * time.Hour},
		{"max-age", FeedSignals{}, http.Header{"Cache-Control": {"public, max-age=1800"}}, 30 * time.Minute},
		{"max-age=0 ignored", FeedSignals{TTL: 2 * time.Hour}, http.Header{"Cache-Control": {"max-age=0"}}, 2 * time.Hour},
		{"s-maxage is not max-age", FeedSignals{}, http.Header{"Cache-Control": {"s-maxage=600"}}, time.Hour},
		{"expires against date", FeedSignals{}, http.Header{
			"Date":    {t0.Add(-time.Hour).Format(http.TimeFormat)},
			"Expires": {t0.Add(2 * time.Hour).Format(http.TimeFormat)}}, 3 * time.Hour},
		{"expires against now", FeedSignals{}, http.Header{"Expires": {t0.Add(2 * time.Hour).Format(http.TimeFormat)}}, 2 * time.Hour},
		{"max-age beats expires", FeedSignals{}, http.Header{
			"Cache-Control": {"max-age=7200"}, "Expires": {t0.Add(10 * time.Hour).Format(http.TimeFormat)}}, 2 * time.Hour},
		{"item cadence", FeedSignals{ItemTimes: hourly(5)}, nil, 3 * time.Hour},
		{"one item says nothing", FeedSignals{ItemTimes: hourly(1)}, nil, time.Hour},
		{"cadence median", FeedSignals{ItemTimes: []time.Time{t0, t0.Add(-time.Hour), t0.Add(-3 * time.Hour), t0.Add(-30 * 24 * time.Hour), {}}}, nil, 2 * time.Hour},
		{"clamped to min", FeedSignals{TTL: time.Minute}, nil, 5 * time.Minute},
		{"clamped to max", FeedSignals{TTL: 72 * time.Hour}, nil, 24 * time.Hour},
		{"max-age clamped", FeedSignals{}, http.Header{"Cache-Control": {"max-age=60"}}, 5 * time.Minute},
	}
	f := testFetcher(nil)
	for _, tc := range tests {
		src := f.Update(Source{URL: "http://x.example/"}, Result{Status: 200, Header: tc.hdr}, tc.sig)
		if src.Interval != tc.want || !src.NextPoll.Equal(t0.Add(tc.want)) {
			t.Errorf("%s: interval %s next +%s, want %s", tc.name, src.Interval, src.NextPoll.Sub(t0), tc.want)
		}
	}
}

func TestSuccessJitter(t *testing.T) {
	for _, rnd := range []float64{0, 0.999} {
		f := testFetcher(func(c *Config) { c.Rand = func() float64 { return rnd } })
		src := f.Update(Source{}, Result{Status: 200}, FeedSignals{TTL: 100 * time.Minute})
		if d := src.NextPoll.Sub(t0); d < 90*time.Minute || d > 110*time.Minute || src.Interval != 100*time.Minute {
			t.Errorf("rand %v: next +%s interval %s", rnd, d, src.Interval)
		}
	}
}

func TestFailedClearsValidators(t *testing.T) {
	f := testFetcher(nil)
	ok := f.Update(Source{Interval: time.Hour}, Result{Status: 200, Header: http.Header{"Etag": {`"x"`}, "Last-Modified": {"d"}}}, FeedSignals{})
	src := f.Failed(ok, errors.New("parsing feed: unexpected EOF"))
	if src.ETag != "" || src.LastModified != "" || src.ErrorCount != 1 || src.LastError != "parsing feed: unexpected EOF" ||
		!src.NextPoll.Equal(t0.Add(time.Hour)) {
		t.Errorf("Failed: %+v", src)
	}
	// A 200 whose body could not be read is the same kind of failure.
	src = f.Update(ok, Result{Status: 200, Err: ErrBodyTooLarge}, FeedSignals{})
	if src.ETag != "" || src.ErrorCount != 1 || src.LastStatus != 200 {
		t.Errorf("Update with a body error: %+v", src)
	}
}
