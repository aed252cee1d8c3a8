package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Content types of the non-feed documents.
const (
	htmlType = "text/html; charset=utf-8"
	jsonType = "application/json; charset=utf-8"
	opmlType = "text/x-opml; charset=utf-8"
)

// Freshness lifetimes sent in Cache-Control: max-age.
const (
	minMaxAge = time.Minute
	maxMaxAge = time.Hour
)

// maxAge is how long readers and proxies may reuse a document that last
// changed at modified: a tenth of the time since, the usual heuristic for
// how soon a document changes again (RFC 9111 section 4.2.2), from a
// minute to an hour. A document of unknown age gets a minute.
func maxAge(modified, now time.Time) time.Duration {
	if modified.IsZero() {
		return minMaxAge
	}
	return min(max(now.Sub(modified)/10, minMaxAge), maxMaxAge)
}

// document is a fully rendered response body.
type document struct {
	contentType string
	body        []byte
	// modified is when the content last changed (zero if unknown); it is
	// sent as Last-Modified.
	modified time.Time
	// kind names the representation ("atom", "html", …); it is part of
	// the ETag so different formats never share one.
	kind string
	// self is a feed's own URL, sent as a Link header ("" for others).
	self string
	// hub is the WebSub hub a feed names, sent as a Link header ("" for
	// none).
	hub string
	// immutable marks a document that never changes (a full archive page
	// of a feed): it may be cached for a year.
	immutable bool

	// A cached document is served many times: what every response of it
	// sends is computed once.
	tagOnce sync.Once
	tag     string
	hdrOnce sync.Once
	hdr     docHeaders
	gzOnce  sync.Once
	gz      []byte // the gzip encoding of body, once asked for
	// maxAge is the last Cache-Control value sent, for the second it was
	// computed in: the lifetime changes by the second at most.
	maxAge atomic.Pointer[maxAgeValue]
}

// maxAgeValue is a Cache-Control header value and the Unix second it is
// for.
type maxAgeValue struct {
	second int64
	value  []string
}

// cacheControl is the Cache-Control value of a response sent at now.
func (d *document) cacheControl(now time.Time) []string {
	sec := now.Unix()
	if v := d.maxAge.Load(); v != nil && v.second == sec {
		return v.value
	}
	v := &maxAgeValue{second: sec,
		value: []string{"public, max-age=" + strconv.Itoa(int(maxAge(d.modified, now).Seconds()))}}
	d.maxAge.Store(v)
	return v.value
}

// isFeed reports whether the document is a feed (Atom, RSS, JSON Feed).
func (d *document) isFeed() bool { return d.self != "" }

// docHeaders are the header values of a document that do not change, as
// header value lists (shared by every response; never modified).
type docHeaders struct {
	etag, gzipETag, lastModified, link []string
	contentType, length, gzipLength    []string
}

func (d *document) headers() *docHeaders {
	d.hdrOnce.Do(func() {
		d.hdr.etag = []string{d.etag()}
		d.hdr.gzipETag = []string{strings.TrimSuffix(d.etag(), `"`) + `-gzip"`}
		if !d.modified.IsZero() {
			d.hdr.lastModified = []string{d.modified.UTC().Format(http.TimeFormat)}
		}
		if d.self != "" {
			d.hdr.link = []string{"<" + d.self + `>; rel="self"`}
			if d.hub != "" {
				d.hdr.link = append(d.hdr.link, "<"+d.hub+`>; rel="hub"`)
			}
		}
		d.hdr.contentType = []string{d.contentType}
		d.hdr.length = []string{strconv.Itoa(len(d.body))}
	})
	return &d.hdr
}

// gzipped returns the gzip encoding of the body and its Content-Length.
func (s *Server) gzipped(d *document) ([]byte, []string) {
	d.gzOnce.Do(func() {
		d.gz = s.gzips.get(d.etag(), d.body)
		d.hdr.gzipLength = []string{strconv.Itoa(len(d.gz))}
	})
	return d.gz, d.hdr.gzipLength
}

// etag returns the document's strong entity tag: the quoted first 16 hex
// digits of the SHA-256 of its content type and body, plus its kind.
func (d *document) etag() string {
	d.tagOnce.Do(func() {
		h := sha256.New()
		h.Write([]byte(d.contentType))
		h.Write([]byte{0})
		h.Write(d.body)
		d.tag = `"` + hex.EncodeToString(h.Sum(nil))[:16] + "-" + d.kind + `"`
	})
	return d.tag
}

// writeDocument sends doc with its validators, answering 304 Not Modified
// when the request's preconditions say the client's copy is current. HEAD
// gets the same headers and no body. A body of minGzip bytes or more is
// sent gzip-encoded to clients that accept it; the two representations
// have different entity tags, and the response varies by Accept-Encoding.
func (s *Server) writeDocument(w http.ResponseWriter, r *http.Request, doc *document) {
	hdr := doc.headers()
	body, length, etag := doc.body, hdr.length, hdr.etag
	h := w.Header()
	if len(body) >= minGzip {
		h["Vary"] = varyEncoding
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, length = s.gzipped(doc)
			etag = hdr.gzipETag
			h["Content-Encoding"] = gzipEncoding
		}
	}
	h["Etag"] = etag
	if hdr.lastModified != nil {
		h["Last-Modified"] = hdr.lastModified
	}
	if doc.immutable {
		h["Cache-Control"] = cacheForever
	} else {
		h["Cache-Control"] = doc.cacheControl(s.now())
	}
	if hdr.link != nil {
		h["Link"] = hdr.link
	}
	if notModified(r, etag[0], doc.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = hdr.contentType
	h["Content-Length"] = length
	if !doc.isFeed() {
		// Feeds, which pollers fetch thousands of times a minute, keep
		// to eight header fields: the most a Go map holds before it grows
		// into a table (measured: a ninth costs 40% of a cached gzip
		// response's handler time). Their media types are not ones
		// browsers sniff.
		h["X-Content-Type-Options"] = noSniff
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // the client went away; nothing to do
	}
}

// Header values every response shares (never modified once set).
var (
	varyEncoding = []string{"Accept-Encoding"}
	gzipEncoding = []string{"gzip"}
	cacheForever = []string{"public, max-age=31536000, immutable"}
	noSniff      = []string{"nosniff"}
)

// notModified evaluates If-None-Match (which takes precedence) and, when
// it is absent, If-Modified-Since (RFC 9110 section 13.2.2).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		return etagListMatches(strings.Join(inm, ","), etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || modified.IsZero() {
		return false
	}
	since, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	return !modified.Truncate(time.Second).After(since)
}

// etagListMatches reports whether an If-None-Match list ("*" or entity
// tags separated by commas) matches etag by weak comparison.
func etagListMatches(list, etag string) bool {
	for candidate := range strings.SplitSeq(list, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == "*" || weakEqual(candidate, etag) {
			return true
		}
	}
	return false
}

// weakEqual compares two entity tags ignoring their W/ weakness markers.
func weakEqual(a, b string) bool {
	return strings.TrimPrefix(a, "W/") == strings.TrimPrefix(b, "W/")
}
