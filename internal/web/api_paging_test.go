package web

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// /api/posts lists every post; with ?limit= it pages, and following next
// gives every post exactly once.
func TestAPIPostsPaging(t *testing.T) {
	ts := newTestServer(t, busyStore(3))
	type list struct {
		Posts []struct {
			Slug string `json:"slug"`
		} `json:"posts"`
		Next *string `json:"next"`
	}
	read := func(url string) list {
		t.Helper()
		resp, body := get(t, url)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
		}
		var l list
		if err := json.Unmarshal([]byte(body), &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	all := read(ts.URL + "/api/posts")
	if all.Next != nil || len(all.Posts) < 3 {
		t.Fatalf("every post: %d, next %v", len(all.Posts), all.Next)
	}
	var walked []string
	url := ts.URL + "/api/posts?limit=2"
	for range 10 {
		page := read(url)
		if len(page.Posts) > 2 {
			t.Fatalf("page of %d posts with limit 2", len(page.Posts))
		}
		for _, p := range page.Posts {
			walked = append(walked, p.Slug)
		}
		if page.Next == nil {
			break
		}
		url = ts.URL + strings.TrimPrefix(*page.Next, testBase)
	}
	var want []string
	for _, p := range all.Posts {
		want = append(want, p.Slug)
	}
	if strings.Join(walked, " ") != strings.Join(want, " ") {
		t.Errorf("paging gave %v, want %v", walked, want)
	}
	for _, bad := range []string{"?limit=0", "?limit=x", "?after=no-such-post"} {
		if resp, _ := get(t, ts.URL+"/api/posts"+bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, resp.StatusCode)
		}
	}
}

// /api says where the listings, feeds and hub are, and how to page.
func TestAPIIndex(t *testing.T) {
	srv := NewServer(Config{Store: newFakeStore(), BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), HubURL: testBase + "/hub"})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	resp, body := get(t, ts.URL+"/api")
	var idx struct {
		Posts struct {
			URL    string   `json:"url"`
			Item   string   `json:"item"`
			Paging []string `json:"paging"`
		} `json:"posts"`
		Hub   *string `json:"hub"`
		Feeds struct {
			Atom string `json:"atom"`
		} `json:"feeds"`
		PageSize int `json:"page_size"`
	}
	if err := json.Unmarshal([]byte(body), &idx); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/api: %d %v", resp.StatusCode, err)
	}
	if idx.Posts.URL != testBase+"/api/posts" || idx.Posts.Item != testBase+"/api/posts/{post}" ||
		len(idx.Posts.Paging) != 2 || idx.Hub == nil || *idx.Hub != testBase+"/hub" ||
		idx.Feeds.Atom != testBase+"/posts.atom" || idx.PageSize != DefaultPageSize {
		t.Errorf("/api: %s", body)
	}
	// Every URL it names answers.
	for _, u := range []string{idx.Posts.URL, idx.Feeds.Atom} {
		if resp, _ := get(t, ts.URL+strings.TrimPrefix(u, testBase)); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", u, resp.StatusCode)
		}
	}
}
