package poll

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Errors a Result may wrap; test them with errors.Is.
var (
	// ErrTimeout reports a request that did not finish within Config.Timeout
	// (or a dial or header timeout).
	ErrTimeout = errors.New("timed out")
	// ErrBodyTooLarge reports a body, after gzip decoding, over Config.MaxBody.
	ErrBodyTooLarge = errors.New("body too large")
	// ErrRedirect reports a redirect loop, too many redirects, or a redirect
	// that cannot be followed.
	ErrRedirect = errors.New("bad redirects")
	// ErrHTTP reports a response status that carries no feed; see HTTPError.
	ErrHTTP = errors.New("HTTP error")
)

// HTTPError is the error for a final status other than 2xx or 304. It
// matches ErrHTTP with errors.Is.
type HTTPError struct {
	URL        string
	StatusCode int
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("fetching %s: HTTP %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

// Is makes errors.Is(err, ErrHTTP) true for an *HTTPError.
func (e *HTTPError) Is(target error) bool { return target == ErrHTTP }

// Result is the outcome of one Fetch.
type Result struct {
	Status      int    // final HTTP status; 0 when no response arrived
	NotModified bool   // 304: nothing to parse
	Body        []byte // on 2xx, decoded
	FinalURL    string // the URL that gave the final response
	// Permanent reports that a 301 or 308 appeared in the redirect chain:
	// the caller stores FinalURL as the source's new URL (Update does).
	Permanent bool
	Header    http.Header // the final response's header
	Err       error       // network, timeout, cap, redirect or HTTP error, naming the URL
}

// accept prefers feed types but takes anything: many feeds are served as
// text/html or application/octet-stream.
const accept = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// drainLimit bounds how much of a discarded body is read to reuse the connection.
const drainLimit = 64 << 10

// Fetch does one conditional GET for src: If-None-Match from its ETag and
// If-Modified-Since from its LastModified, both byte-exact; Accept-Encoding
// gzip, decoded here with the body cap applied after decoding; the
// configured User-Agent. It follows up to MaxRedirects redirects, stopping
// at a loop; a 301 or 308 anywhere in the chain sets Permanent. The whole
// exchange, body included, is bounded by Config.Timeout.
func (f *Fetcher) Fetch(ctx context.Context, src Source) Result {
	ctx, cancel := context.WithTimeout(ctx, f.cfg.Timeout)
	defer cancel()
	r := Result{FinalURL: src.URL}
	resp, err := f.follow(ctx, src, &r)
	if err != nil {
		r.Err = f.wrapErr(ctx, r.FinalURL, err)
		return r
	}
	defer resp.Body.Close()
	r.Status, r.Header = resp.StatusCode, resp.Header
	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.NotModified = true
		drain(resp.Body)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.Body, err = f.readBody(resp)
		if err != nil {
			r.Body, r.Err = nil, f.wrapErr(ctx, r.FinalURL, err)
		}
	default:
		drain(resp.Body)
		r.Err = &HTTPError{URL: r.FinalURL, StatusCode: resp.StatusCode}
	}
	return r
}

// follow sends the request and follows redirects, recording the chain in r.
// It returns the first response that is not a redirect, body unread.
func (f *Fetcher) follow(ctx context.Context, src Source, r *Result) (*http.Response, error) {
	u, err := parseHTTPURL(src.URL)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{u.String(): true}
	for hops := 0; ; hops++ {
		resp, err := f.do(ctx, u, src)
		if err != nil {
			return nil, err
		}
		if !isRedirect(resp.StatusCode) {
			return resp, nil
		}
		drain(resp.Body)
		resp.Body.Close()
		next, err := f.nextHop(u, resp, hops, seen)
		if err != nil {
			r.Status, r.Header = resp.StatusCode, resp.Header
			return nil, err
		}
		if resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusPermanentRedirect {
			r.Permanent = true
		}
		u, r.FinalURL = next, next.String()
	}
}

// nextHop resolves a redirect's Location against u and refuses loops,
// chains longer than MaxRedirects and non-HTTP targets.
func (f *Fetcher) nextHop(u *url.URL, resp *http.Response, hops int, seen map[string]bool) (*url.URL, error) {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, fmt.Errorf("HTTP %d redirect without a Location: %w", resp.StatusCode, ErrRedirect)
	}
	next, err := u.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("redirect to unparseable Location %q: %w", loc, ErrRedirect)
	}
	if next.Scheme != "http" && next.Scheme != "https" {
		return nil, fmt.Errorf("redirect to non-HTTP URL %s: %w", next.Redacted(), ErrRedirect)
	}
	next.Fragment, next.RawFragment = "", ""
	if seen[next.String()] {
		return nil, fmt.Errorf("redirect loop: back to %s after %d redirects: %w", next.Redacted(), hops+1, ErrRedirect)
	}
	if hops+1 > max(f.cfg.MaxRedirects, 0) {
		return nil, fmt.Errorf("stopped after %d redirects (limit %d): %w", hops+1, max(f.cfg.MaxRedirects, 0), ErrRedirect)
	}
	seen[next.String()] = true
	return next, nil
}

// do sends one GET with the poller's headers and src's validators.
func (f *Fetcher) do(ctx context.Context, u *url.URL, src Source) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", f.cfg.UserAgent)
	req.Header.Set("Accept", accept)
	req.Header.Set("Accept-Encoding", "gzip")
	if src.ETag != "" {
		req.Header["If-None-Match"] = []string{src.ETag}
	}
	if src.LastModified != "" {
		req.Header["If-Modified-Since"] = []string{src.LastModified}
	}
	return f.client.Do(req)
}

// readBody reads resp's body, decoding gzip, and fails once more than
// MaxBody decoded bytes arrive.
func (f *Fetcher) readBody(resp *http.Response) ([]byte, error) {
	limit := f.cfg.MaxBody
	var body io.Reader = resp.Body
	what := "body"
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if resp.ContentLength > limit {
			return nil, fmt.Errorf("body exceeds the %s limit (Content-Length %d): %w", sizeWords(limit), resp.ContentLength, ErrBodyTooLarge)
		}
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		body, what = zr, "decoded body"
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
	if n > limit {
		return nil, fmt.Errorf("%s exceeds the %s limit: %w", what, sizeWords(limit), ErrBodyTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return buf.Bytes(), nil
}

// sizeWords writes n bytes as KiB or MiB when it divides evenly.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// wrapErr names the URL and turns deadline and network timeouts into
// ErrTimeout, keeping the cause.
func (f *Fetcher) wrapErr(ctx context.Context, u string, err error) error {
	if errors.Is(err, ErrRedirect) || errors.Is(err, ErrBodyTooLarge) {
		return fmt.Errorf("fetching %s: %w", u, err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("fetching %s: %w after %s: %w", u, ErrTimeout, f.cfg.Timeout, unwrapURLError(err))
	}
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &te) && te.Timeout() {
		return fmt.Errorf("fetching %s: %w: %w", u, ErrTimeout, unwrapURLError(err))
	}
	return fmt.Errorf("fetching %s: %w", u, unwrapURLError(err))
}

// unwrapURLError drops the *url.Error layer, whose text repeats the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("bad URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("not an http(s) URL: %q", s)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// drain reads a little of a discarded body so the connection can be reused.
func drain(body io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(body, drainLimit)) }
