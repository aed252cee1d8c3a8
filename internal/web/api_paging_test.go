package web

import (
	"encoding/json"
	"net/http"
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
