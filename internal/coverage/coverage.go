// Package coverage turns items (from feeds, feed files and posts' related
// news) into stored coverage grouped into stories. It gives each item its
// identity, tells new items from known ones, asks the dedup clusterer
// where new items go, and hands the result to the store in one
// transaction. The clusterer's index lives in memory and is rebuilt from
// the store at first use, or after a failed write.
package coverage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newswire/newswire/internal/dedup"
	"github.com/newswire/newswire/internal/model"
	"github.com/newswire/newswire/internal/urlcanon"
)

// Store is what the service reads; writes go through the commit function
// handed to Ingest, so they share the caller's transaction.
type Store interface {
	StoredItems(ctx context.Context, ids []string) (map[string]model.StoredItem, error)
	SourceItemsByURL(ctx context.Context, source string, urls []string) (map[string]model.StoredItem, error)
	StoryAliases(ctx context.Context) (map[string]string, error)
	CoverageInTimeOrder(ctx context.Context, fn func(it model.Item, storyID string) error) error
	PostCitations(ctx context.Context) (map[string][]string, error)
}

// Config configures a Service.
type Config struct {
	Store  Store
	Tagger model.Tagger
	Dedup  dedup.Config
	// Now is the clock (time.Now when nil); undated items are dated by it.
	Now func() time.Time
}

// Service assigns coverage to stories. Its methods are safe for concurrent
// use; ingests are serialised, as the clusterer's state must follow the
// store's.
type Service struct {
	cfg Config
	mu  sync.Mutex
	c   *dedup.Clusterer // nil until restored
	// last is the latest item, in clustering order, the clusterer has
	// placed; lateFrom is the time of the earliest item placed after a
	// later one since the last Settle (zero if none).
	last     orderKey
	lateFrom time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{cfg: cfg}
}

// Rejected is an item that could not be stored, and why.
type Rejected struct {
	Index int // position in the input
	Title string
	Err   error
}

// Unwrap returns the reason.
func (r Rejected) Unwrap() error { return r.Err }

func (r Rejected) Error() string {
	return fmt.Sprintf("item %d (%q): %v", r.Index+1, truncate(r.Title, 60), r.Err)
}

// IngestItems prepares a batch from items and passes it to commit, which
// must store it in one transaction (store.ApplyCoverage). Invalid items are
// left out and returned as rejected (each a Rejected). If commit fails, the
// clusterer is rebuilt from the store before the next ingest.
func (s *Service) IngestItems(ctx context.Context, items []model.Item, commit func(*model.CoverageBatch) error) ([]error, error) {
	return s.ingest(ctx, items, nil, nil, commit)
}

// IngestPost does the same for a post's coverage (PostItems): its related
// items and itself. Before commit, which must store the post and the batch
// in one transaction, p.Related carries the items' IDs and the post's own
// item as RelatedSelf.
func (s *Service) IngestPost(ctx context.Context, p *model.Post, commit func(*model.CoverageBatch) error) ([]error, error) {
	return s.ingest(ctx, PostItems(p), citedKeys(p), func(b *model.CoverageBatch) { LinkPostItems(p, b) }, commit)
}

func (s *Service) ingest(ctx context.Context, items []model.Item, cited map[string]bool, link func(*model.CoverageBatch), commit func(*model.CoverageBatch) error) ([]error, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.restore(ctx); err != nil {
		return nil, err
	}
	batch, rejected, err := s.prepare(ctx, items, cited)
	if err != nil {
		return rejected, err
	}
	if link != nil {
		link(batch)
	}
	if err := commit(batch); err != nil {
		s.c = nil // the clusterer saw items the store did not keep
		return rejected, err
	}
	return rejected, nil
}

// restore rebuilds the clusterer from the store when it has none, in
// clustering order, as Settle does.
func (s *Service) restore(ctx context.Context) error {
	if s.c != nil {
		return nil
	}
	c := dedup.New(s.cfg.Dedup)
	err := s.cfg.Store.CoverageInTimeOrder(ctx, func(it model.Item, storyID string) error {
		in := s.clusterInput(&it, "")
		c.Restore(in, storyID)
		s.last = maxKey(s.last, keyOf(in.Time, it.ID))
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild story index: %w", err)
	}
	aliases, err := s.cfg.Store.StoryAliases(ctx)
	if err != nil {
		return fmt.Errorf("rebuild story index: %w", err)
	}
	for from, to := range aliases {
		c.Alias(from, to)
	}
	s.c = c
	return nil
}

// prepare gives items their identity and state and decides the stories of
// the new ones, in time order.
func (s *Service) prepare(ctx context.Context, items []model.Item, cited map[string]bool) (*model.CoverageBatch, []error, error) {
	var rejected []error
	batch := &model.CoverageBatch{}
	index := map[string]int{}
	for i := range items {
		it := items[i]
		if err := s.identify(&it); err != nil {
			rejected = append(rejected, Rejected{Index: i, Title: it.Title, Err: err})
			continue
		}
		if _, dup := index[it.ID]; dup {
			continue // the same item twice in one input: the first wins
		}
		index[it.ID] = len(batch.Items)
		batch.Items = append(batch.Items, model.CoverageItem{Item: it})
	}
	stories, err := s.classify(ctx, batch)
	if err != nil {
		return nil, rejected, err
	}
	s.assign(batch, stories, cited)
	return batch, rejected, nil
}

// identify cleans an item and gives it its ID.
func (s *Service) identify(it *model.Item) error {
	it.Title = strings.Join(strings.Fields(it.Title), " ")
	if len(it.Title) > model.MaxTitleLen {
		it.Title = truncate(it.Title, model.MaxTitleLen)
	}
	if err := it.Validate(); err != nil {
		return err
	}
	it.CanonicalURL = ""
	if it.URL != "" {
		if c, err := urlcanon.Canonical(it.URL); err == nil {
			it.CanonicalURL = c
		}
	}
	if it.Title == "" {
		it.Title = it.URL
	}
	it.ID = s.cfg.Tagger.Item(it.SourceKey, it.GUID, it.CanonicalURL, it.Outlet, it.Title)
	return nil
}

// classify marks each item new, updated or unchanged against the store. A
// GUID the source reused for a different article gives the newcomer an ID
// of its own instead of overwriting the old item.
func (s *Service) classify(ctx context.Context, batch *model.CoverageBatch) (map[string]string, error) {
	stories := map[string]string{}
	stored, err := s.lookup(ctx, batch)
	if err != nil {
		return nil, err
	}
	for id, st := range stored {
		stories[id] = st.StoryID
	}
	if err := s.sameLinkNewGUID(ctx, batch, stored); err != nil {
		return nil, err
	}
	var reused []int
	for i := range batch.Items {
		ci := &batch.Items[i]
		old, ok := stored[ci.Item.ID]
		if ok && ci.Item.GUID != "" && differentArticle(&old.Item, &ci.Item) {
			ci.Item.ID = s.cfg.Tagger.Item(ci.Item.SourceKey, reusedGUID(&ci.Item), "", "", "")
			reused = append(reused, i)
			continue
		}
		setState(ci, old, ok)
	}
	if len(reused) == 0 {
		return stories, nil
	}
	again, err := s.lookup(ctx, batch)
	if err != nil {
		return nil, err
	}
	for _, i := range reused {
		old, ok := again[batch.Items[i].Item.ID]
		setState(&batch.Items[i], old, ok)
		if ok {
			stories[old.Item.ID] = old.StoryID
		}
	}
	return stories, nil
}

// sameLinkNewGUID gives an item whose GUID is new, but whose canonical URL
// its source already has, the ID of the item stored under that URL: a
// feed that mints new GUIDs on every fetch must not store the same article
// again and again. stored gains those items.
func (s *Service) sameLinkNewGUID(ctx context.Context, batch *model.CoverageBatch, stored map[string]model.StoredItem) error {
	bySource := map[string][]int{}
	for i, ci := range batch.Items {
		// Only a link the index has seen can be stored: most new items
		// need no look-up at all.
		if _, known := stored[ci.Item.ID]; !known && ci.Item.GUID != "" && ci.Item.CanonicalURL != "" &&
			s.c.KnowsURL(ci.Item.CanonicalURL) {
			bySource[ci.Item.SourceKey] = append(bySource[ci.Item.SourceKey], i)
		}
	}
	for source, idx := range bySource {
		urls := make([]string, len(idx))
		for j, i := range idx {
			urls[j] = batch.Items[i].Item.CanonicalURL
		}
		found, err := s.cfg.Store.SourceItemsByURL(ctx, source, urls)
		if err != nil {
			return fmt.Errorf("look up items by link: %w", err)
		}
		for _, i := range idx {
			if old, ok := found[batch.Items[i].Item.CanonicalURL]; ok {
				batch.Items[i].Item.ID = old.Item.ID
				stored[old.Item.ID] = old
			}
		}
	}
	return nil
}

func (s *Service) lookup(ctx context.Context, batch *model.CoverageBatch) (map[string]model.StoredItem, error) {
	ids := make([]string, len(batch.Items))
	for i, ci := range batch.Items {
		ids[i] = ci.Item.ID
	}
	stored, err := s.cfg.Store.StoredItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("look up items: %w", err)
	}
	return stored, nil
}

func setState(ci *model.CoverageItem, old model.StoredItem, found bool) {
	switch {
	case !found:
		ci.State = model.ItemNew
	default:
		if ci.Item.Published.IsZero() || ci.Item.DateEstimated {
			ci.Item.Published, ci.Item.DateEstimated = old.Item.Published, old.Item.DateEstimated
		}
		if model.ItemHash(&ci.Item) == old.Hash {
			ci.State = model.ItemUnchanged
		} else {
			ci.State = model.ItemUpdated
		}
	}
}

// differentArticle reports whether two items with one GUID are in fact
// different articles: other links, or headlines with little in common.
func differentArticle(a, b *model.Item) bool {
	if a.CanonicalURL != "" && b.CanonicalURL != "" {
		return a.CanonicalURL != b.CanonicalURL
	}
	return overlap(dedup.Tokens(a.Title), dedup.Tokens(b.Title)) < 0.3
}

// reusedGUID is the identity of an article whose GUID its source had
// already given to another article.
func reusedGUID(it *model.Item) string { return it.GUID + "\x00" + articleKey(it) }

// articleKey tells apart articles that share a GUID.
func articleKey(it *model.Item) string {
	if it.CanonicalURL != "" {
		return it.CanonicalURL
	}
	return model.NormalizeTitle(it.Title)
}

// overlap is the Jaccard similarity of two word lists.
func overlap(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	set := map[string]int{}
	for _, w := range a {
		set[w] |= 1
	}
	for _, w := range b {
		set[w] |= 2
	}
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	return float64(both) / float64(len(set))
}

// assign asks the clusterer for the story of each new item, oldest first
// and posts' own items last. A post's own item is told the stories of the
// pieces it cites (stories maps known item IDs to their stories; cited
// holds the relatedKey of each cited item).
func (s *Service) assign(batch *model.CoverageBatch, stories map[string]string, cited map[string]bool) {
	now := s.cfg.Now().UTC()
	var fresh []int
	for i := range batch.Items {
		if batch.Items[i].State == model.ItemNew {
			fresh = append(fresh, i)
		}
	}
	sort.SliceStable(fresh, func(x, y int) bool {
		a, b := &batch.Items[fresh[x]].Item, &batch.Items[fresh[y]].Item
		if pa, pb := model.IsPostSource(a.SourceKey), model.IsPostSource(b.SourceKey); pa != pb {
			return pb
		}
		return keyOf(itemTime(a, now), a.ID).less(keyOf(itemTime(b, now), b.ID))
	})
	for _, i := range fresh {
		ci := &batch.Items[i]
		in := s.clusterInput(&ci.Item, s.cfg.Tagger.Story(ci.Item.ID))
		in.Time = itemTime(&ci.Item, now)
		if model.IsPostSource(ci.Item.SourceKey) {
			in.Cites = citedStories(batch, stories, cited)
		}
		s.noteOrder(in.Time, ci.Item.ID)
		d := s.c.Assign(in)
		ci.Story = model.StoryAssignment{StoryID: d.StoryID, NewStory: d.New, Reason: d.Reason,
			Score: d.Score, Merged: d.Merged}
		if d.New {
			ci.Story.Key = model.StoryKey(d.StoryID, ci.Item.Title)
		}
		stories[ci.Item.ID] = d.StoryID
	}
	// Store new items in the order they were assigned: an item may join a
	// story that an item later in the input started.
	order := make([]model.CoverageItem, 0, len(batch.Items))
	for _, ci := range batch.Items {
		if ci.State != model.ItemNew {
			order = append(order, ci)
		}
	}
	for _, i := range fresh {
		order = append(order, batch.Items[i])
	}
	batch.Items = order
}

// citedStories lists the stories of the batch's cited items.
func citedStories(batch *model.CoverageBatch, stories map[string]string, cited map[string]bool) []string {
	var out []string
	for _, ci := range batch.Items {
		if cited[relatedKey(ci.Item.Outlet, ci.Item.Title, ci.Item.URL)] && stories[ci.Item.ID] != "" {
			out = append(out, stories[ci.Item.ID])
		}
	}
	return out
}

func itemTime(it *model.Item, now time.Time) time.Time {
	if it.Published.IsZero() {
		return now
	}
	return it.Published
}

// input is what the clusterer sees of an item.
func input(it *model.Item, newStoryID string) dedup.Input {
	in := dedup.Input{NewStoryID: newStoryID, SourceKey: it.SourceKey, GUID: it.GUID,
		CanonicalURL: it.CanonicalURL, Outlet: it.Outlet, Title: it.Title, Summary: it.Summary,
		Time: it.Published}
	if it.URL != "" {
		in.URLWords = urlcanon.PathWords(it.URL)
	}
	if in.Time.IsZero() {
		in.Time = it.FirstSeen
	}
	return in
}

// clusterInput is input with the item's GUID told apart from the GUID's
// first holder when the source reused it for another article.
func (s *Service) clusterInput(it *model.Item, newStoryID string) dedup.Input {
	in := input(it, newStoryID)
	if it.GUID != "" && it.ID != s.cfg.Tagger.Item(it.SourceKey, it.GUID, "", "", "") {
		in.GUID = reusedGUID(it)
	}
	return in
}

// truncate cuts s to at most n bytes at a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// IngestAndApply is IngestItems for callers that store the batch alone:
// apply stores it (store.ApplyCoverage). It returns what apply did and how
// many items were rejected.
func (s *Service) IngestAndApply(ctx context.Context, items []model.Item,
	apply func(context.Context, *model.CoverageBatch) (model.IngestCounts, error)) (model.IngestCounts, int, error) {
	var counts model.IngestCounts
	rejected, err := s.IngestItems(ctx, items, func(b *model.CoverageBatch) error {
		var err error
		counts, err = apply(ctx, b)
		return err
	})
	return counts, len(rejected), err
}
