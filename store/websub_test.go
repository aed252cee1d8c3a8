package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// TestWebSubSubscriptions saves, renews, lists, expires and deletes
// subscriptions, and checks that none of it counts as a change to cached
// documents and that it all survives reopening the database.
func TestWebSubSubscriptions(t *testing.T) {
	ctx := context.Background()
	db, c, path := openTest(t)
	now := c.t
	gen := db.Generation()

	a := WebSubSubscription{Topic: "https://n.example/feed.atom", Callback: "https://a.example/cb", Secret: "s1", Expires: now.Add(time.Hour)}
	b := WebSubSubscription{Topic: "https://n.example/feed.atom", Callback: "https://b.example/cb?x=1", Expires: now.Add(48 * time.Hour)}
	other := WebSubSubscription{Topic: "https://n.example/other.atom", Callback: "https://a.example/cb", Expires: now.Add(2 * time.Hour)}
	for _, s := range []WebSubSubscription{a, b, other} {
		if err := db.SaveWebSubSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// Renewal replaces the secret and the expiry, keeps one row.
	a.Secret, a.Expires = "s2", now.Add(3*time.Hour)
	if err := db.SaveWebSubSubscription(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := db.WebSubSubscriptions(ctx, a.Topic, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := []WebSubSubscription{a, b}; !reflect.DeepEqual(got, want) {
		t.Fatalf("subscriptions = %+v, want %+v", got, want)
	}
	one, err := db.WebSubSubscription(ctx, a.Topic, a.Callback, now)
	if err != nil || one != a {
		t.Fatalf("subscription = %+v, %v; want %+v", one, err, a)
	}
	topics, err := db.WebSubTopics(ctx, now)
	if err != nil || !reflect.DeepEqual(topics, []string{a.Topic, other.Topic}) {
		t.Fatalf("topics = %v, %v", topics, err)
	}

	// Reading at a later time leaves out what expired by then.
	later := now.Add(150 * time.Minute) // a (3h) live, other (2h) expired
	if topics, _ := db.WebSubTopics(ctx, later); !reflect.DeepEqual(topics, []string{a.Topic}) {
		t.Errorf("topics later = %v", topics)
	}
	if _, err := db.WebSubSubscription(ctx, other.Topic, other.Callback, later); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("expired subscription read: %v, want ErrNotFound", err)
	}
	n, err := db.ExpireWebSubSubscriptions(ctx, later)
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if _, err := db.WebSubSubscription(ctx, other.Topic, other.Callback, now); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("expired subscription still stored: %v", err)
	}

	if err := db.DeleteWebSubSubscription(ctx, b.Topic, b.Callback); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWebSubSubscription(ctx, b.Topic, b.Callback); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if err := db.SaveWebSubSubscription(ctx, WebSubSubscription{Topic: "t"}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("save without callback: %v, want ErrInvalid", err)
	}

	// Topic hashes.
	if h, err := db.WebSubTopicHash(ctx, a.Topic); err != nil || h != "" {
		t.Fatalf("hash before any = %q, %v", h, err)
	}
	for _, h := range []string{"aa", "bb"} {
		if err := db.SetWebSubTopicHash(ctx, a.Topic, h, now); err != nil {
			t.Fatal(err)
		}
	}
	if h, err := db.WebSubTopicHash(ctx, a.Topic); err != nil || h != "bb" {
		t.Fatalf("hash = %q, %v; want bb", h, err)
	}
	if g := db.Generation(); g != gen {
		t.Errorf("websub writes moved the generation from %d to %d", gen, g)
	}

	// Everything survives reopening.
	db.Close()
	db2, err := Open(ctx, path, Options{Tagger: testTagger, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if got, err := db2.WebSubSubscriptions(ctx, a.Topic, now); err != nil || !reflect.DeepEqual(got, []WebSubSubscription{a}) {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
	if h, _ := db2.WebSubTopicHash(ctx, a.Topic); h != "bb" {
		t.Errorf("hash after reopen = %q", h)
	}
}
