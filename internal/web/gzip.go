package web

import (
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
)

// minGzip is the smallest body sent compressed: below it gzip's header and
// trailer cost more than they save.
const minGzip = 512

// acceptsGzip reports whether an Accept-Encoding header value allows gzip
// (RFC 9110 section 12.5.3): "gzip" (or "x-gzip") with a non-zero weight,
// or "*" with a non-zero weight when gzip is not named.
func acceptsGzip(header string) bool {
	star, named := false, false
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		q := qValue(params)
		switch coding {
		case "gzip", "x-gzip":
			if q == 0 {
				return false
			}
			named = true
		case "*":
			star = q > 0
		}
	}
	return named || star
}

// qValue reads the weight from an Accept-Encoding element's parameters
// (";q=0.5"); 1 when absent, 0 when malformed.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// gzipCache keeps the gzip encodings of recently sent bodies, keyed by the
// plain body's entity tag (a hash of its content, so an entry never goes
// stale), within a byte budget; the least recently used go first.
type gzipCache struct{ lru *lru[[]byte] }

func newGzipCache(budget int) *gzipCache {
	return &gzipCache{newLRU(budget, func(_ string, gz []byte) int { return len(gz) })}
}

// get returns the gzip encoding of body, whose entity tag is etag.
func (c *gzipCache) get(etag string, body []byte) []byte {
	if gz, ok := c.lru.get(etag); ok {
		return gz
	}
	gz := gzipBytes(body)
	c.lru.put(etag, gz)
	return gz
}

// gzipBytes compresses b; the output depends only on b (no name or time
// in the header), so one body always has one encoding.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(b)                                              //nolint:errcheck // writes to memory
	zw.Close()                                               //nolint:errcheck // writes to memory
	return buf.Bytes()
}
