package web

import (
	"net/http"
)

// docCache keeps rendered documents by URL (path and query) within a byte
// budget, the least recently requested dropped first. An entry is good
// only for the generation of what it shows that it was rendered at: a
// change to that makes it render again on its next request (once, however
// many changes came in between), and leaves the others as they are.
type docCache struct{ lru *lru[docEntry] }

type docEntry struct {
	gen uint64
	doc *document
}

func newDocCache(budget int) *docCache {
	return &docCache{newLRU(budget, func(key string, e docEntry) int { return len(key) + len(e.doc.body) })}
}

// get returns the document cached for key at generation gen.
func (c *docCache) get(key string, gen uint64) (*document, bool) {
	e, ok := c.lru.get(key)
	if !ok {
		return nil, false
	}
	if e.gen != gen {
		c.lru.remove(key)
		return nil, false
	}
	return e.doc, true
}

// put caches doc for key, rendered at generation gen.
func (c *docCache) put(key string, gen uint64, doc *document) {
	c.lru.put(key, docEntry{gen, doc})
}

// cached answers r from the cache when what the document shows (scopes;
// nil: anything) has not changed since it was rendered, else renders it
// with h and keeps it.
func (s *Server) cached(r *http.Request, h handler, scopes func(*http.Request) []string) (*document, error) {
	if s.generation == nil {
		return h(r)
	}
	var shows []string
	if scopes != nil {
		shows = scopes(r)
	}
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	gen := s.generation(shows...) // before rendering: a change during it is seen next time
	if doc, ok := s.docs.get(key, gen); ok {
		return doc, nil
	}
	doc, err := h(r)
	if err == nil {
		s.docs.put(key, gen, doc)
	}
	return doc, err
}
