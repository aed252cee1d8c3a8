package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// countingStore counts the posts read.
type countingStore struct {
	*fakeStore
	reads atomic.Int32
}

func (s *countingStore) Post(ctx context.Context, slug string) (*model.Post, error) {
	s.reads.Add(1)
	return s.fakeStore.Post(ctx, slug)
}

// With a generation, a document renders once per change: requests in
// between are answered from memory, conditional ones included, and a
// change renders it again with the new content.
func TestDocumentCache(t *testing.T) {
	st := &countingStore{fakeStore: newFakeStore()}
	var gen atomic.Uint64
	srv := NewServer(Config{Store: st, BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), Generation: func(...string) uint64 { return gen.Load() }})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	url := ts.URL + "/posts/" + budgetSlug + "/comments.atom"
	first, body := get(t, url)
	for range 5 {
		if resp, again := get(t, url); again != body || resp.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Fatal("a cached document differs")
		}
	}
	if resp, _ := fetch(t, http.MethodGet, url, map[string]string{"If-None-Match": first.Header.Get("ETag")}); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional request on a cached document: %d", resp.StatusCode)
	}
	if n := st.reads.Load(); n != 1 {
		t.Fatalf("the post was read %d times for 7 requests, want once", n)
	}
	if _, _ = fetch(t, http.MethodGet, url+"?archive=9", nil); st.reads.Load() != 2 {
		t.Error("another query did not render")
	}
	// A change: a new comment, and the generation moves on.
	p := &st.posts[0]
	p.Comments = append(p.Comments, comment(p.ID, 8, 0, "Newcomer", nil, t0.Add(7*time.Minute), para("Fresh.")))
	gen.Add(1)
	resp, body2 := get(t, url)
	if !strings.Contains(body2, "Newcomer") || resp.Header.Get("ETag") == first.Header.Get("ETag") || st.reads.Load() != 3 {
		t.Fatalf("after a change: reads %d, new comment shown %v", st.reads.Load(), strings.Contains(body2, "Newcomer"))
	}
	// Errors are not cached.
	before := st.reads.Load()
	get(t, ts.URL+"/posts/no-such-post/comments.atom")
	get(t, ts.URL+"/posts/no-such-post/comments.atom")
	if st.reads.Load() != before+2 {
		t.Error("a 404 was cached")
	}
}

func TestDocCacheBudget(t *testing.T) {
	c := newDocCache(250)
	doc := func() *document { return &document{body: make([]byte, 100)} }
	c.put("a", 1, nil, doc())
	c.put("b", 1, nil, doc())
	c.get("a", 1)             // a is the most recent
	c.put("c", 1, nil, doc()) // b goes
	if _, ok := c.get("b", 1); ok {
		t.Error("the least recent entry stayed")
	}
	if _, ok := c.get("a", 2); ok {
		t.Error("an entry of an older generation was served")
	}
	if _, ok := c.lru.entries["a"]; ok || c.lru.used != 101 {
		t.Errorf("stale entry kept: used %d", c.lru.used)
	}
	c.put("big", 1, nil, &document{body: make([]byte, 300)})
	if _, ok := c.get("big", 1); ok {
		t.Error("a document over the whole budget was kept")
	}
}

// scopedGenerations numbers changes per scope, as store.DB.Generation does.
type scopedGenerations struct {
	mu     sync.Mutex
	last   uint64
	scopes map[string]uint64
}

func (g *scopedGenerations) touch(scopes ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last++
	for _, s := range scopes {
		g.scopes[s] = g.last
	}
}

func (g *scopedGenerations) of(scopes ...string) uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(scopes) == 0 {
		return g.last
	}
	var n uint64
	for _, s := range scopes {
		n = max(n, g.scopes[s])
	}
	return n
}

// A change to one post renders its comment and thread feeds again and
// leaves the other posts' feeds as they were: not rendered, same ETag.
func TestDocumentCacheByScope(t *testing.T) {
	st := &countingStore{fakeStore: newFakeStore()}
	gens := &scopedGenerations{scopes: map[string]uint64{}}
	srv := NewServer(Config{Store: st, BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), Generation: gens.of})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	budget := ts.URL + "/posts/" + budgetSlug + "/comments.atom"
	thread := ts.URL + "/posts/" + budgetSlug + "/threads/1.atom"
	other := ts.URL + "/posts/" + kushnerSlug + "/comments.atom"
	etags := map[string]string{}
	for _, u := range []string{budget, thread, other} {
		resp, _ := get(t, u)
		etags[u] = resp.Header.Get("ETag")
	}
	reads := st.reads.Load()
	p := &st.posts[0]
	p.Comments = append(p.Comments, comment(p.ID, 8, 1, "Newcomer", nil, t0.Add(7*time.Minute), para("Fresh.")))
	gens.touch(model.ScopePost(budgetSlug), model.ScopePosts, model.ScopeStories)
	for _, u := range []string{budget, thread} {
		if resp, body := get(t, u); resp.Header.Get("ETag") == etags[u] || !strings.Contains(body, "Newcomer") {
			t.Errorf("%s did not change with its post", u)
		}
	}
	if resp, _ := get(t, other); resp.Header.Get("ETag") != etags[other] {
		t.Error("another post's feed changed")
	}
	if got := st.reads.Load() - reads; got != 2 {
		t.Errorf("%d posts read after the change, want 2 (the changed post's two feeds)", got)
	}
	// A poll updating a source's state leaves the post pages and the API
	// document of a post alone.
	pages := []string{ts.URL + "/posts/" + kushnerSlug, ts.URL + "/api/posts/" + kushnerSlug}
	for _, u := range pages {
		get(t, u)
	}
	reads = st.reads.Load()
	gens.touch(model.ScopeSources)
	for _, u := range pages {
		get(t, u)
	}
	if got := st.reads.Load() - reads; got != 0 {
		t.Errorf("a source update rendered %d post documents again, want 0", got)
	}
}

// gatedStore holds every post read until the gate opens.
type gatedStore struct {
	*countingStore
	gate chan struct{}
}

func (s *gatedStore) Post(ctx context.Context, slug string) (*model.Post, error) {
	<-s.gate
	return s.countingStore.Post(ctx, slug)
}

// Requests that arrive while a document renders wait for that render
// instead of rendering it again.
func TestDocumentRendersOncePerBurst(t *testing.T) {
	st := &gatedStore{countingStore: &countingStore{fakeStore: newFakeStore()}, gate: make(chan struct{})}
	var gen atomic.Uint64
	srv := NewServer(Config{Store: st, BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), Generation: func(...string) uint64 { return gen.Load() }})
	h := srv.Handler()
	const n = 20
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Go(func() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/posts/"+budgetSlug+"/comments.atom", nil))
			codes[i] = w.Code
		})
	}
	// Let the requests queue up behind the first render, then release it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		srv.docs.mu.Lock()
		waiting := len(srv.docs.flights)
		srv.docs.mu.Unlock()
		if waiting == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(st.gate)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Fatalf("request %d: %d", i, c)
		}
	}
	if got := st.reads.Load(); got != 1 {
		t.Errorf("%d renders for %d requests at once, want 1", got, n)
	}
}
