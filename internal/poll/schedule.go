package poll

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// FeedSignals is what a feed's body says about how often to poll it. The
// caller fills it after parsing (Signals reads the XML ones); the zero
// value says nothing.
type FeedSignals struct {
	TTL          time.Duration // RSS <ttl>, in minutes in the feed
	UpdatePeriod time.Duration // sy:updatePeriod / sy:updateFrequency, e.g. hourly/2 → 30m
	ItemTimes    []time.Time   // publication times of the items, for their cadence
	// PostTime, for a blog post's comment feed, is the post's date: such a
	// feed is polled less often as the post ages (an eighth of its age),
	// besides whenever the post's feed states a new comment count.
	PostTime time.Time
}

// commentAgeShare is the share of a post's age its comment feed waits
// between polls: a day-old post every 3 hours, a week-old one every 21.
const commentAgeShare = 8

// CommentQuietAge is the age past which a post's comment feed is polled
// only when the post's feed states a new comment count (most blogs close
// comments by then, and an old post that left its blog's feed would
// otherwise be polled forever).
const CommentQuietAge = 30 * 24 * time.Hour

// Jitter spreads: a success's next poll moves by up to ±10% of its
// interval, a failure's backoff by up to ±50%.
const (
	successJitter = 0.1
	backoffJitter = 0.5
)

// Update applies r, the Result of fetching src, and schedules the next poll.
//
//   - 2xx: validators taken from the response (empty when absent), errors
//     reset, LastSuccess now, Interval from sig and the caching headers.
//   - 304: the same, but validators kept unless the 304 carries new ones,
//     and the interval kept when nothing says otherwise.
//   - 410: Disabled.
//   - 429 or 503 with Retry-After: the next poll exactly when the server
//     asked, at most MaxRetryAfter away.
//   - anything else, and any r.Err (a 2xx whose body could not be read or
//     parsed included): ErrorCount++ and exponential backoff. An unusable
//     2xx also clears the validators so the next poll fetches the body again.
//
// A permanent redirect moves src.URL to r.FinalURL, once the fetch there
// succeeded.
func (f *Fetcher) Update(src Source, r Result, sig FeedSignals) Source {
	now := f.cfg.Now()
	src.LastStatus = r.Status
	switch {
	case r.Status == http.StatusGone:
		return f.gone(src, r, now)
	case r.Err == nil && (r.NotModified || r.Status >= 200 && r.Status < 300):
		return f.succeeded(src, r, sig, now)
	case r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable:
		if wait, ok := retryAfter(r.Header, now); ok {
			return f.throttled(src, r, wait, now)
		}
	}
	if r.Status >= 200 && r.Status < 300 {
		src.ETag, src.LastModified = "", ""
	}
	return f.failed(src, errText(r), now)
}

// Failed records err, a failure to use a fetched body (a parse error, say),
// in place of Update: ErrorCount++, exponential backoff, and ETag and
// LastModified cleared so the next poll fetches the body again.
func (f *Fetcher) Failed(src Source, err error) Source {
	src.ETag, src.LastModified = "", ""
	msg := "unknown error"
	if err != nil {
		msg = err.Error()
	}
	return f.failed(src, msg, f.cfg.Now())
}

func (f *Fetcher) succeeded(src Source, r Result, sig FeedSignals, now time.Time) Source {
	if r.Permanent && r.FinalURL != "" {
		src.URL = r.FinalURL
	}
	etag, lastMod := r.Header.Get("ETag"), r.Header.Get("Last-Modified")
	if !r.NotModified || etag != "" || lastMod != "" {
		src.ETag, src.LastModified = etag, lastMod
	}
	src.ErrorCount, src.LastError, src.LastSuccess = 0, "", now
	interval, ok := f.interval(sig, r.Header, now)
	if !ok && r.NotModified && src.Interval > 0 {
		interval = src.Interval
	}
	src.Interval = f.clamp(interval)
	src.NextPoll = now.Add(jitter(src.Interval, successJitter, f.cfg.Rand()))
	if !sig.PostTime.IsZero() && now.Sub(sig.PostTime) >= CommentQuietAge {
		src.NextPoll = model.PollOnChange
	}
	return src
}

func (f *Fetcher) gone(src Source, r Result, now time.Time) Source {
	src.Disabled = true
	src.ErrorCount++
	src.LastError = fmt.Sprintf("410 Gone: %s no longer exists; polling disabled", r.FinalURL)
	src.NextPoll = now
	return src
}

// throttled schedules the next poll exactly wait from now, at most
// MaxRetryAfter: never earlier than the server asked, and without jitter.
func (f *Fetcher) throttled(src Source, r Result, wait time.Duration, now time.Time) Source {
	wait = min(wait, f.cfg.MaxRetryAfter)
	src.ErrorCount++
	src.LastError = fmt.Sprintf("%s; retrying after %s as asked", errText(r), wait)
	src.NextPoll = now.Add(wait)
	return src
}

// failed counts a failure and backs off: max(Interval, MinInterval) doubled
// per consecutive failure, ±50% jitter, at most MaxInterval.
func (f *Fetcher) failed(src Source, msg string, now time.Time) Source {
	src.ErrorCount++
	src.LastError = msg
	src.NextPoll = now.Add(f.backoff(src.Interval, src.ErrorCount))
	return src
}

// backoff is the delay before retry number n (n ≥ 1) of a source with the
// given interval.
func (f *Fetcher) backoff(interval time.Duration, n int) time.Duration {
	d := max(interval, f.cfg.MinInterval)
	for i := 1; i < n && d < f.cfg.MaxInterval; i++ {
		d *= 2
	}
	d = min(d, f.cfg.MaxInterval)
	return min(jitter(d, backoffJitter, f.cfg.Rand()), f.cfg.MaxInterval)
}

// interval is the smallest of what the feed and its headers say, if any.
// A comment feed's follows its post's age, never below the caching
// lifetime its server states.
func (f *Fetcher) interval(sig FeedSignals, h http.Header, now time.Time) (time.Duration, bool) {
	if !sig.PostTime.IsZero() {
		d := now.Sub(sig.PostTime) / commentAgeShare
		if life, ok := cacheLifetime(h, now); ok {
			d = max(d, life)
		}
		return d, true
	}
	var found []time.Duration
	add := func(d time.Duration, ok bool) {
		if ok && d > 0 {
			found = append(found, d)
		}
	}
	add(sig.TTL, true)
	add(sig.UpdatePeriod, true)
	add(cacheLifetime(h, now))
	add(medianGap(sig.ItemTimes))
	if len(found) == 0 {
		return DefaultInterval, false
	}
	return slices.Min(found), true
}

func (f *Fetcher) clamp(d time.Duration) time.Duration {
	return min(max(d, f.cfg.MinInterval), f.cfg.MaxInterval)
}

// jitter moves d by up to ±spread of itself; r is in [0,1) and 0.5 keeps d.
func jitter(d time.Duration, spread, r float64) time.Duration {
	return time.Duration(float64(d) * (1 + spread*(2*r-1)))
}

// cacheLifetime reads Cache-Control max-age, else Expires (against Date,
// else now). A lifetime of zero or less (max-age=0, an Expires in the past)
// says "revalidate", not how often the feed changes, and is ignored.
func cacheLifetime(h http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			if strings.EqualFold(name, "max-age") {
				secs, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
				return seconds(secs), err == nil && secs > 0
			}
		}
	}
	exp, err := http.ParseTime(h.Get("Expires"))
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(h.Get("Date")); err == nil {
		now = date
	}
	d := exp.Sub(now)
	return d, d > 0
}

// retryAfter reads Retry-After as delay-seconds or an HTTP-date. A wait of
// zero or less is no wait at all, and reported as absent.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		return seconds(secs), secs > 0
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	return d, d > 0
}

// seconds converts without overflowing: anything over a century is a century.
func seconds(n int64) time.Duration {
	const century = 100 * 365 * 24 * time.Hour
	if n > int64(century/time.Second) {
		return century
	}
	return time.Duration(n) * time.Second
}

// medianGap is the median of the positive gaps between consecutive item
// times, zero times ignored. Equal times (a batch published at once) say
// nothing about cadence and are skipped.
func medianGap(times []time.Time) (time.Duration, bool) {
	ts := make([]time.Time, 0, len(times))
	for _, t := range times {
		if !t.IsZero() {
			ts = append(ts, t)
		}
	}
	slices.SortFunc(ts, time.Time.Compare)
	var gaps []time.Duration
	for i := 1; i < len(ts); i++ {
		if g := ts[i].Sub(ts[i-1]); g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return 0, false
	}
	slices.Sort(gaps)
	m := len(gaps) / 2
	if len(gaps)%2 == 1 {
		return gaps[m], true
	}
	return (gaps[m-1] + gaps[m]) / 2, true
}

// errText is r's error in words, or its status when it has none.
func errText(r Result) string {
	if r.Err != nil {
		return r.Err.Error()
	}
	if r.Status != 0 {
		return fmt.Sprintf("fetching %s: HTTP %d %s", r.FinalURL, r.Status, http.StatusText(r.Status))
	}
	return "fetching " + r.FinalURL + ": no response"
}
