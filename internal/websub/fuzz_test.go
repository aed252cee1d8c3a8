package websub

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzSubscriptionRequest feeds arbitrary bodies to the hub endpoint: it
// must answer 202 (a request to verify later), 400 with a reason or 503
// (too many waiting), never panic, and accept only a well-formed request
// for the published topic.
//
//	go test ./internal/websub -run XXX -fuzz FuzzSubscriptionRequest -fuzztime 30s
func FuzzSubscriptionRequest(f *testing.F) {
	f.Add("hub.mode=subscribe&hub.topic=" + topic + "&hub.callback=http://sub.example/cb")
	f.Add("hub.mode=unsubscribe&hub.topic=" + topic + "&hub.callback=https://sub.example/cb?x=1")
	f.Add("hub.mode=subscribe&hub.topic=" + topic + "&hub.callback=http://sub.example/cb&hub.lease_seconds=99999999999999999999")
	f.Add("hub.mode=subscribe&hub.topic=%zz&hub.callback=:")
	f.Add("hub.mode=publish&hub.url=" + topic)
	f.Add("hub.secret=" + strings.Repeat("s", 300))
	e := newEnv(f, nil) // never started: nothing is verified
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/hub", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.hub.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusAccepted:
			form := req.PostForm
			if form.Get("hub.topic") != topic || !strings.HasPrefix(form.Get("hub.callback"), "http") {
				t.Fatalf("accepted %q", body)
			}
		case http.StatusServiceUnavailable:
			// The hub is not running, so accepted requests pile up to
			// the bound of those waiting for verification.
			if !strings.Contains(w.Body.String(), "try again later") {
				t.Fatalf("503 without a reason: %q", w.Body.String())
			}
		case http.StatusBadRequest:
			if !strings.HasPrefix(w.Body.String(), "hub: ") {
				t.Fatalf("400 without a reason: %q", w.Body.String())
			}
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
	})
}
