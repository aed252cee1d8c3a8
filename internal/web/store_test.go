package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// fakeStore is an in-memory Store over hand-made posts and stories.
type fakeStore struct {
	posts   []model.Post      // full posts, with comments
	stories []model.Story     // live stories, in full
	merged  map[string]string // key of a merged story → key it lives in now
	panic   bool              // every method panics (recovery test)
	err     error             // every method fails with err (when set)

	mu      sync.Mutex     // guards sources (the admin API writes them)
	sources []model.Source // feeds polled, kept by URL
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

// TopicStories returns the live stories with an item filed under the
// topic (an item category slugifying to it), newest activity first.
func (s *fakeStore) TopicStories(ctx context.Context, slug string, limit int) ([]model.Story, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var out []model.Story
	for _, st := range s.stories {
		if len(out) < limit && slices.ContainsFunc(st.Members, func(m model.StoryMember) bool {
			return slices.ContainsFunc(m.Item.Categories, func(c string) bool { return model.Slugify(c, "") == slug })
		}) {
			out = append(out, st)
		}
	}
	return out, nil
}

// Stories pages the live stories, newest activity first; its cursor is
// the ID of the last story of the previous page.
func (s *fakeStore) Stories(ctx context.Context, limit int, cursor string) ([]model.Story, string, error) {
	if err := s.check(); err != nil {
		return nil, "", err
	}
	live := slices.Clone(s.stories)
	slices.SortStableFunc(live, func(a, b model.Story) int {
		if c := b.Updated.Compare(a.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	start := 0
	if cursor != "" {
		i := slices.IndexFunc(live, func(st model.Story) bool { return st.ID == cursor })
		if i < 0 {
			return nil, "", fmt.Errorf("cursor %q: %w", cursor, model.ErrInvalid)
		}
		start = i + 1
	}
	end := min(len(live), start+limit)
	next := ""
	if end < len(live) {
		next = live[end-1].ID
	}
	return live[start:end], next, nil
}

// StoryHeads is Stories without the stories' members, outlets and posts.
func (s *fakeStore) StoryHeads(ctx context.Context, limit int, cursor string) ([]model.Story, string, error) {
	stories, next, err := s.Stories(ctx, limit, cursor)
	heads := make([]model.Story, len(stories))
	for i, st := range stories {
		heads[i] = model.Story{ID: st.ID, Key: st.Key, Title: st.Title, FirstSeen: st.FirstSeen, Updated: st.Updated}
	}
	return heads, next, err
}

// LastStoriesCursor is the cursor of Stories' last page at limit.
func (s *fakeStore) LastStoriesCursor(ctx context.Context, limit int) (string, error) {
	cursor := ""
	for {
		_, next, err := s.Stories(ctx, limit, cursor)
		if err != nil || next == "" {
			return cursor, err
		}
		cursor = next
	}
}

// Story returns a live story by key, or *model.Moved for a merged one.
func (s *fakeStore) Story(ctx context.Context, key string) (*model.Story, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if to, ok := s.merged[key]; ok {
		return nil, fmt.Errorf("read story: %w", &model.Moved{What: "story", From: key, To: to})
	}
	for _, st := range s.stories {
		if st.Key == key {
			return &st, nil
		}
	}
	return nil, fmt.Errorf("story %q: %w", key, model.ErrNotFound)
}

func (s *fakeStore) ListSources(ctx context.Context) ([]model.Source, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.sources)
	slices.SortFunc(out, func(a, b model.Source) int { return strings.Compare(a.URL, b.URL) })
	return out, nil
}

// AddSources merges known URLs (by URL or key) as the real store does.
func (s *fakeStore) AddSources(ctx context.Context, sources []model.Source) (int, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	added := 0
	for _, src := range sources {
		if strings.TrimSpace(src.URL) == "" {
			return added, fmt.Errorf("source with no URL: %w", model.ErrInvalid)
		}
		i := slices.IndexFunc(s.sources, func(k model.Source) bool { return k.URL == src.URL || k.Key == src.URL })
		if i >= 0 {
			k := &s.sources[i]
			k.Title, k.Topic, k.HTMLURL = cmp.Or(k.Title, src.Title), cmp.Or(k.Topic, src.Topic), cmp.Or(k.HTMLURL, src.HTMLURL)
			continue
		}
		s.sources = append(s.sources, model.Source{Key: src.URL, URL: src.URL, Title: src.Title,
			Topic: src.Topic, HTMLURL: src.HTMLURL, Added: t0})
		added++
	}
	return added, nil
}

func (s *fakeStore) RemoveSource(ctx context.Context, url string) error {
	if err := s.check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.sources)
	s.sources = slices.DeleteFunc(s.sources, func(k model.Source) bool { return k.URL == url || k.Key == url })
	if len(s.sources) == n {
		return fmt.Errorf("source %q: %w", url, model.ErrNotFound)
	}
	return nil
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
	budget.StoryKey, budget.StoryTitle = budgetStoryKey, budgetStoryTitle
	budget.Related[0].StoryKey, budget.Related[0].StoryTitle = budgetStoryKey, budgetStoryTitle
	budget.Related = append(budget.Related,
		model.RelatedItem{ID: "r3", Kind: model.RelatedMention, Title: "Court hears tariff case", Outlet: "Reuters",
			StoryKey: courtStoryKey, StoryTitle: courtStoryTitle},
		model.RelatedItem{ID: "r4", Kind: model.RelatedList, Title: "Budget winners and losers", Outlet: "The Daily",
			StoryKey: budgetStoryKey, StoryTitle: budgetStoryTitle},
		model.RelatedItem{ID: "self", Kind: model.RelatedSelf, Title: budget.Title,
			StoryKey: budgetStoryKey, StoryTitle: budgetStoryTitle},
	)
	return &fakeStore{
		posts:   []model.Post{budget, kushner, quiet},
		stories: []model.Story{budgetStory(budget), courtStory()},
		merged:  map[string]string{mergedStoryKey: budgetStoryKey},
		sources: testSources(),
	}
}

// Feeds of the test data, one in each state, all older than the posts.
const (
	okFeed       = "https://daily.example.com/feed.xml"
	failingFeed  = "https://weekly.example.com/rss"
	goneFeed     = "https://gone.example.net/atom.xml"
	newFeed      = "https://new.example.org/feed"
	timeoutFeed  = "https://slow.example.org/feed"
	failingError = "404 Not Found: https://weekly.example.com/rss"
)

func testSources() []model.Source {
	before := t0.Add(-48 * time.Hour)
	return []model.Source{
		{Key: okFeed, URL: okFeed, Title: "The Daily", Topic: "News", HTMLURL: "https://daily.example.com/",
			ETag: `"abc"`, LastModified: "Sat, 01 Mar 2025 10:00:00 GMT", Interval: time.Hour,
			NextPoll: before.Add(time.Hour), LastStatus: 200, LastSuccess: before, Added: before.Add(-time.Hour)},
		{Key: failingFeed, URL: failingFeed, Title: "Weekly News", NextPoll: before.Add(2 * time.Hour),
			ErrorCount: 3, LastStatus: 404, LastError: failingError, LastSuccess: before.Add(-time.Hour), Added: before.Add(-2 * time.Hour)},
		{Key: goneFeed, URL: goneFeed, Title: "Gone", Disabled: true, ErrorCount: 1, LastStatus: 410,
			LastError: "410 Gone: " + goneFeed + " no longer exists; polling disabled", Added: before.Add(-3 * time.Hour)},
		{Key: newFeed, URL: newFeed, Added: before},
		{Key: timeoutFeed, URL: timeoutFeed, Title: "<b>Slow</b>", ErrorCount: 1, LastError: "timeout after 30s",
			NextPoll: before.Add(time.Minute), Added: before},
	}
}

// Stories of the test data.
const (
	budgetStoryTitle = "Senate Passes Budget in 51-49 Vote"
	courtStoryTitle  = "Court hears tariff case"
	mergedStoryKey   = "senate-budget-vote-0badc0de"
	reutersFeed      = "https://feeds.reuters.example/world.rss"
)

var (
	budgetStoryID  = testTagger.Story(nytItem().ID)
	budgetStoryKey = model.StoryKey(budgetStoryID, budgetStoryTitle)
	courtStoryID   = testTagger.Story(courtItem(1).ID)
	courtStoryKey  = model.StoryKey(courtStoryID, courtStoryTitle)
)

// item is a piece of coverage with its ID minted as ingest would.
func item(sourceKey, guid, url, outlet, title string, published time.Time) model.Item {
	return model.Item{
		ID:        testTagger.Item(sourceKey, guid, url, outlet, title),
		SourceKey: sourceKey, GUID: guid, URL: url, CanonicalURL: url,
		Outlet: outlet, Title: title, Published: published, FirstSeen: published,
	}
}

// nytItem is the first report of the budget story, read from a feed.
func nytItem() model.Item {
	it := item("https://rss.nytimes.example/politics.xml", "nyt-2025-budget",
		"https://www.nytimes.example/2025/03/01/us/senate-budget.html",
		"New York Times", budgetStoryTitle, t0.Add(10*time.Minute))
	it.Summary = "The Senate approved the budget late on Saturday."
	it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL = "NYT > Politics", it.SourceKey, "https://www.nytimes.example/"
	it.Categories = []string{"Budget"}
	return it
}

// member puts an item in a story.
func member(it model.Item, reason model.Reason, score float64, added time.Time) model.StoryMember {
	return model.StoryMember{Item: it, Reason: reason, Score: score, Added: added}
}

// budgetStory is covered by five outlets and discussed by the budget post,
// whose own item is in it.
func budgetStory(budget model.Post) model.Story {
	cnn := item("https://cnn.example/rss", "https://cnn.example/budget", "https://cnn.example/budget",
		"CNN", "Senate narrowly passes budget", t0.Add(20*time.Minute))
	usa := item("https://usatoday.example/rss", "usat-1", "https://usatoday.example/budget",
		"USA Today", "Budget clears the Senate", t0.Add(30*time.Minute))
	usa.DateEstimated = true
	fox := item("", "", "", "FOX News", "Senate Republicans pass budget", t0.Add(40*time.Minute))
	abc := item("https://abc.example/rss", "abc-9", "https://abc.example/budget",
		"ABC News", "Senate passes budget", t0.Add(50*time.Minute))
	abc.Summary = hostileText
	self := item(model.PostSourcePrefix+budget.IdentityKey(), budget.IdentityKey(), "", "", budget.Title, t0)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	return model.Story{
		ID: budgetStoryID, Key: budgetStoryKey, Title: budgetStoryTitle,
		FirstSeen: at(10), Updated: at(180),
		Members: []model.StoryMember{
			member(nytItem(), model.ReasonFirst, 1, at(10)),
			member(cnn, model.ReasonSameEvent, 0.71, at(20)),
			member(usa, model.ReasonSyndicated, 0.95, at(30)),
			member(fox, model.ReasonCitedBy, 1, at(40)),
			member(abc, model.ReasonSameEvent, 0.66, at(180)),
			member(self, model.ReasonSameEvent, 0.6, at(60)),
		},
		Outlets: []string{"New York Times", "CNN", "USA Today", "FOX News", "ABC News"},
		Posts:   []model.Post{summary(budget)},
	}
}

// courtItem is report n of the court story, from one Reuters feed.
func courtItem(n int) model.Item {
	it := item(reutersFeed, "reuters-court-"+strconv.Itoa(n), "https://reuters.example/court-"+strconv.Itoa(n),
		"Reuters", courtStoryTitle, t0.Add(time.Duration(n)*time.Hour))
	it.SourceTitle, it.SourceFeedURL, it.SourceSiteURL = "Reuters World", reutersFeed, "https://reuters.example/"
	return it
}

// courtStory has a single source: two reports from one Reuters feed.
func courtStory() model.Story {
	return model.Story{
		ID: courtStoryID, Key: courtStoryKey, Title: courtStoryTitle,
		FirstSeen: t0.Add(time.Hour), Updated: t0.Add(2 * time.Hour),
		Members: []model.StoryMember{
			member(courtItem(1), model.ReasonFirst, 1, t0.Add(time.Hour)),
			member(courtItem(2), model.ReasonSameEvent, 0.8, t0.Add(2*time.Hour)),
		},
		Outlets: []string{"Reuters"},
	}
}
