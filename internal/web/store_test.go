package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// fakeStore is an in-memory Store over hand-made posts.
type fakeStore struct {
	posts []model.Post // full posts, with comments
	panic bool         // every method panics (recovery test)
	err   error        // every method fails with err (when set)
}

func (s *fakeStore) check() error {
	if s.panic {
		panic("fake store exploded")
	}
	return s.err
}

// summary is p as listed: no comments, CommentCount filled.
func summary(p model.Post) model.Post {
	p.CommentCount = len(p.Comments)
	p.Comments = nil
	return p
}

func (s *fakeStore) sorted() []model.Post {
	out := make([]model.Post, 0, len(s.posts))
	for _, p := range s.posts {
		out = append(out, summary(p))
	}
	slices.SortStableFunc(out, func(a, b model.Post) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (s *fakeStore) ListPosts(ctx context.Context) ([]model.Post, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.sorted(), nil
}

func (s *fakeStore) Post(ctx context.Context, slug string) (*model.Post, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	for _, p := range s.posts {
		if p.Slug == slug {
			p.CommentCount = len(p.Comments)
			p.Comments = slices.Clone(p.Comments)
			return &p, nil
		}
	}
	return nil, fmt.Errorf("post %q: %w", slug, model.ErrNotFound)
}

func (s *fakeStore) ListTopics(ctx context.Context) ([]model.Topic, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	counts := map[string]int{}
	var topics []model.Topic
	for _, p := range s.posts {
		for _, t := range p.Topics {
			if counts[t.Slug] == 0 {
				topics = append(topics, t)
			}
			counts[t.Slug]++
		}
	}
	for i := range topics {
		topics[i].Posts = counts[topics[i].Slug]
	}
	slices.SortFunc(topics, func(a, b model.Topic) int { return strings.Compare(a.Name, b.Name) })
	return topics, nil
}

func (s *fakeStore) TopicPosts(ctx context.Context, slug string) (model.Topic, []model.Post, error) {
	if err := s.check(); err != nil {
		return model.Topic{}, nil, err
	}
	topics, _ := s.ListTopics(ctx)
	i := slices.IndexFunc(topics, func(t model.Topic) bool { return t.Slug == slug })
	if i < 0 {
		return model.Topic{}, nil, fmt.Errorf("topic %q: %w", slug, model.ErrNotFound)
	}
	var posts []model.Post
	for _, p := range s.sorted() {
		if slices.ContainsFunc(p.Topics, func(t model.Topic) bool { return t.Slug == slug }) {
			posts = append(posts, p)
		}
	}
	return topics[i], posts, nil
}

// Test data.
var (
	testTagger = model.Tagger{Authority: "news.example.org", Date: "2025"}
	t0         = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	topicBudget   = model.Topic{Slug: "budget", Name: "Budget"}
	topicCongress = model.Topic{Slug: "congress", Name: "Congress"}
	topicCourts   = model.Topic{Slug: "courts", Name: "Courts & Law"}
)

const (
	budgetSlug  = "senate-passes-the-budget"
	kushnerSlug = "kushners-deal"
	quietSlug   = "a-quiet-day"
	hostileText = "<script>alert('x')</script> Tom &amp; Jerry"
)

func votes(n int) *int { return &n }

func para(text string) model.Block  { return model.Block{Kind: model.Paragraph, Text: text} }
func quote(text string) model.Block { return model.Block{Kind: model.Quote, Text: text} }

func comment(postID string, n, parent int, author string, v *int, at time.Time, body ...model.Block) model.Comment {
	return model.Comment{
		ID: testTagger.Comment(postID, n), Number: n, Parent: parent, Author: author,
		Votes: v, Body: body, FirstSeen: at, Updated: at,
	}
}

// newFakeStore holds three posts. The budget post has two threads with
// replies (1 → 3 → 4 and 2 → 6), a hostile root comment 5 and a childless
// root 7; the Kushner post has no date line and no comments.
func newFakeStore() *fakeStore {
	budgetID := testTagger.Post(budgetSlug)
	budget := model.Post{
		ID: budgetID, Slug: budgetSlug, Title: "Senate passes the budget",
		Author: "Jane Roe", AuthorBio: "Jane covers Congress.",
		Published: t0, DateFromDump: true, FirstSeen: t0, Updated: t0.Add(time.Hour),
		Body:     []model.Block{para("The Senate passed the budget 51-49."), quote("We did it,” said the leader.")},
		Sections: []model.Section{{Label: "Update #1", Body: []model.Block{para("The House votes next.")}}},
		Topics:   []model.Topic{topicBudget, topicCongress},
		Related: []model.RelatedItem{
			{ID: "r1", Kind: model.RelatedSource, Title: "Senate Passes Budget", Outlet: "The Daily", URL: "https://daily.example.com/budget", Published: t0},
			{ID: "r2", Kind: model.RelatedList, Title: "What the budget means", Outlet: "Weekly News"},
		},
		Comments: []model.Comment{
			comment(budgetID, 1, 0, "Kylopod", votes(5), t0.Add(1*time.Minute), para("First!\nSecond line.")),
			comment(budgetID, 2, 0, "An Interested Party", nil, t0.Add(2*time.Minute), para("Interesting.")),
			comment(budgetID, 3, 1, "An Interested Party", votes(1), t0.Add(3*time.Minute),
				model.Block{Kind: model.Quote, Text: "First!", QuotesComment: 1}, para("Really?")),
			comment(budgetID, 4, 3, "Kylopod", votes(0), t0.Add(4*time.Minute), para("Yes.")),
			comment(budgetID, 5, 0, "<b>Mallory</b>", nil, t0.Add(5*time.Minute), para(hostileText)),
			comment(budgetID, 6, 2, "", nil, t0.Add(6*time.Minute), para("Anonymous reply.")),
			comment(budgetID, 7, 0, "Loner", nil, t0.Add(6*time.Minute), para("Same minute as 6.")),
		},
	}
	kushner := model.Post{
		ID: testTagger.Post(kushnerSlug), Slug: kushnerSlug, Title: "Kushner’s deal",
		Published: t0.Add(24 * time.Hour), FirstSeen: t0.Add(24 * time.Hour),
		Body:   []model.Block{para("No date line in this dump.")},
		Topics: []model.Topic{topicCongress},
	}
	quiet := model.Post{
		ID: testTagger.Post(quietSlug), Slug: quietSlug, Title: "A quiet day",
		Published: t0.Add(-24 * time.Hour), DateFromDump: true,
		Body:   []model.Block{para("Nothing happened.")},
		Topics: []model.Topic{topicBudget, topicCourts},
	}
	return &fakeStore{posts: []model.Post{budget, kushner, quiet}}
}
