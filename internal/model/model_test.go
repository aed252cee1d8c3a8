package model

import (
	"errors"
	"testing"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Did Jared Kushner Want A Secret Communications Channel With The Kremlin?", "did-jared-kushner-want-a-secret-communications-channel-with-the-kremlin"},
		{"Science & Technology", "science-technology"},
		{"US Politics", "us-politics"},
		{"Kushner’s WhatsApp habit", "kushners-whatsapp-habit"},
		{"  --Café Naïve--  ", "cafe-naive"},
		{"東京", "fallback"},
		{"", "fallback"},
		{"a_b.c/d", "a-b-c-d"},
		{"Kushner and Other Senior Trump Officials Used WhatsApp to Conduct Official Business", "kushner-and-other-senior-trump-officials-used-whatsapp-to-conduct-official"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in, "fallback"); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Slugify(tt.in, "fallback"); len(got) > maxSlugLen {
			t.Errorf("Slugify(%q) is %d long", tt.in, len(got))
		}
	}
}

func TestTaggerIsStable(t *testing.T) {
	tg := Tagger{Authority: "example.org", Date: "2026"}
	if got := tg.Post("x"); got != "tag:example.org,2026:post/x" {
		t.Errorf("Post = %q", got)
	}
	if got := tg.Comment(tg.Post("x"), 7); got != "tag:example.org,2026:post/x/comment/7" {
		t.Errorf("Comment = %q", got)
	}
	a := tg.RelatedItem("CNN", "Kushner  proposed ‘secret’ channel")
	b := tg.RelatedItem("cnn", "kushner proposed 'secret' channel")
	if a != b {
		t.Errorf("RelatedItem depends on case/quotes/spacing: %q vs %q", a, b)
	}
	if a == tg.RelatedItem("Fox", "kushner proposed 'secret' channel") {
		t.Error("RelatedItem ignores the outlet")
	}
}

func threadPost() *Post {
	return &Post{Slug: "p", Title: "T", Comments: []Comment{
		{Number: 1}, {Number: 2, Parent: 1}, {Number: 3}, {Number: 4, Parent: 2}, {Number: 5, Parent: 3}, {Number: 6, Parent: 1},
	}}
}

func TestThread(t *testing.T) {
	p := threadPost()
	got, err := p.Thread(1)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, c := range got {
		nums = append(nums, c.Number)
	}
	if len(nums) != 4 || nums[0] != 1 || nums[1] != 2 || nums[2] != 4 || nums[3] != 6 {
		t.Errorf("Thread(1) = %v, want [1 2 4 6]", nums)
	}
	if _, err := p.Thread(9); !errors.Is(err, ErrNotFound) {
		t.Errorf("Thread(9) err = %v", err)
	}
	if p.Replies(1) != 2 || p.Replies(4) != 0 {
		t.Errorf("Replies(1) = %d, Replies(4) = %d", p.Replies(1), p.Replies(4))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Post)
		ok   bool
	}{
		{"valid", func(*Post) {}, true},
		{"no title", func(p *Post) { p.Title = " " }, false},
		{"zero number", func(p *Post) { p.Comments[0].Number = 0 }, false},
		{"duplicate number", func(p *Post) { p.Comments[2].Number = 2 }, false},
		{"parent later", func(p *Post) { p.Comments[1].Parent = 3 }, false},
		{"parent missing", func(p *Post) { p.Comments[5].Parent = 42 }, false},
	}
	for _, tt := range tests {
		p := threadPost()
		tt.edit(p)
		err := p.Validate()
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalid)) {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
	}
}
