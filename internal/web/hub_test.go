package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
)

// With a hub configured, every feed names it and itself, as link elements
// (Atom, RSS's atom:link, JSON Feed's hubs) and as Link headers; POST
// /hub reaches the hub; Content gives a feed's bytes as served.
func TestHubDiscoveryAndContent(t *testing.T) {
	const hubURL = testBase + "/hub"
	hubCalls := 0
	srv := NewServer(Config{Store: newFakeStore(), BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), HubURL: hubURL,
		Hub: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hubCalls++; w.WriteHeader(http.StatusAccepted) })})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	for path, want := range map[string]string{
		"/posts.atom": `<link href="` + hubURL + `" rel="hub">`,
		"/posts.rss":  `<atom:link href="` + hubURL + `" rel="hub">`,
		"/posts.json": `"url": "` + hubURL + `"`,
		"/posts/" + budgetSlug + "/comments.atom": `rel="hub"`,
		"/topics/budget.atom":                     `rel="hub"`,
	} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		if !strings.Contains(strings.ReplaceAll(body, "></link>", ">"), want) {
			t.Errorf("%s does not name the hub (%s)", path, want)
		}
		links := resp.Header.Values("Link")
		self := `<` + testBase + path + `>; rel="self"`
		if len(links) != 2 || links[0] != self || links[1] != `<`+hubURL+`>; rel="hub"` {
			t.Errorf("%s: Link headers %q", path, links)
		}
		got, ctype, etag, err := srv.Content(context.Background(), testBase+path)
		if err != nil || string(got) != body || ctype != resp.Header.Get("Content-Type") || etag != resp.Header.Get("ETag") {
			t.Errorf("Content(%s): %d bytes, %q, %v; GET gave %d bytes", path, len(got), ctype, err, len(body))
		}
	}
	for _, topic := range []string{testBase + "/", testBase + "/posts/" + budgetSlug, testBase + "/posts.xml",
		"https://elsewhere.example/posts.atom", testBase + "/api/posts"} {
		if _, _, _, err := srv.Content(context.Background(), topic); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("Content(%s): %v, want ErrNotFound", topic, err)
		}
	}
	resp, err := http.Post(ts.URL+"/hub", "application/x-www-form-urlencoded", strings.NewReader("hub.mode=subscribe"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || hubCalls != 1 {
		t.Errorf("POST /hub: %d, hub called %d times", resp.StatusCode, hubCalls)
	}
}

// An external hub is told only about the listed feeds: only their
// subscription documents name it.
func TestHubListedOnly(t *testing.T) {
	const hubURL = "https://hub.example/"
	srv := NewServer(Config{Store: newFakeStore(), BaseURL: testBase, Tagger: testTagger,
		Logger: slog.New(slog.DiscardHandler), HubURL: hubURL, HubListedOnly: true})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	urls, err := srv.FeedURLs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, u := range urls {
		listed[strings.TrimPrefix(u, testBase)] = true
	}
	for path, named := range map[string]bool{
		"/posts.atom":  true,
		"/stories.rss": true,
		"/posts/" + budgetSlug + "/comments.json":  true,
		"/topics/budget.atom":                      true,
		"/posts/" + budgetSlug + "/threads/1.atom": false,
		"/stories.atom?after=x":                    false,
	} {
		resp, body := get(t, ts.URL+path)
		has := strings.Contains(body, hubURL) || len(resp.Header.Values("Link")) == 2
		if has != named {
			t.Errorf("%s names the hub: %v, want %v", path, has, named)
		}
		if p, _, _ := strings.Cut(path, "?"); named && !listed[p] {
			t.Errorf("%s names the hub but FeedURLs does not list it", path)
		}
	}
}
