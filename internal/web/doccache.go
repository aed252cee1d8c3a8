package web

import (
	"errors"
	"net/http"
	"sync"
)

// docCache keeps rendered documents by URL (path and query) within a byte
// budget, the least recently requested dropped first. An entry is good
// only for the generation of what it shows that it was rendered at: a
// change to that makes it render again on its next request (once, however
// many changes came in between), and leaves the others as they are.
type docCache struct {
	lru     *lru[docEntry]
	mu      sync.Mutex
	flights map[string]*flight
}

type docEntry struct {
	gen    uint64
	doc    *document
	scopes []string // what the document shows (nil: anything)
}

func newDocCache(budget int) *docCache {
	return &docCache{lru: newLRU(budget, func(key string, e docEntry) int { return len(key) + len(e.doc.body) }),
		flights: map[string]*flight{}}
}

// fresh returns the document cached for key if what it shows has not
// changed since it was rendered (generation numbers changes as
// Config.Generation does).
func (c *docCache) fresh(key string, generation func(...string) uint64) (*document, bool) {
	e, ok := c.lru.get(key)
	if !ok || e.gen != generation(e.scopes...) {
		return nil, false
	}
	return e.doc, true
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

// put caches doc for key, rendered at generation gen of scopes.
func (c *docCache) put(key string, gen uint64, scopes []string, doc *document) {
	c.lru.put(key, docEntry{gen, doc, scopes})
}

// docKey is the cache key of a request: its path as sent (escaped, so
// that "a%2Fb" and "a/b" differ as they do to the router) and query.
func docKey(r *http.Request) string {
	key := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	return key
}

// fromCache answers a GET or HEAD whose document is cached and current
// before routing (the router's pattern matching is a fifth of a cached
// response's cost), and passes everything else to next.
func (s *Server) fromCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if doc, ok := s.docs.fresh(docKey(r), s.generation); ok {
				s.writeDocument(w, r, doc)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
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
	key := docKey(r)
	gen := s.generation(shows...) // before rendering: a change during it is seen next time
	if doc, ok := s.docs.get(key, gen); ok {
		return doc, nil
	}
	return s.docs.render(key, gen, shows, func() (*document, error) { return h(r) })
}

// flight is a render in progress; requests for the same document at the
// same generation wait for it instead of rendering too.
type flight struct {
	gen  uint64
	done chan struct{}
	doc  *document
	err  error
}

// render renders the document for key at generation gen once, however
// many requests ask for it meanwhile, and caches it.
func (c *docCache) render(key string, gen uint64, scopes []string, render func() (*document, error)) (*document, error) {
	c.mu.Lock()
	if f, ok := c.flights[key]; ok && f.gen == gen {
		c.mu.Unlock()
		<-f.done
		return f.doc, f.err
	}
	// Should render panic, the waiters get this error, not a nil document.
	f := &flight{gen: gen, done: make(chan struct{}), err: errors.New("rendering the document failed")}
	c.flights[key] = f
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.doc, f.err = render()
	if f.err == nil {
		c.put(key, gen, scopes, f.doc)
	}
	return f.doc, f.err
}
