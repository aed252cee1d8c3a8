package coverage

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/newswire/newswire/internal/dedup"
	"github.com/newswire/newswire/internal/model"
)

// Settling
//
// Items are clustered one at a time as they arrive, and where an item goes
// depends on what came before it. Items rarely arrive in the order they
// were published (feeds are polled at different times; an archive is
// ingested in any order), so the same items ingested in another order
// could form other stories. Settle removes that dependence: it clusters
// again, in clustering order (date, then ID), every item from two windows
// before the earliest late arrival on, starting from the stories of the
// items before that point, and stores the difference. Once settled, the
// stories of a range of items are a function of the items, not of the
// order they came in.
//
// Story IDs stay stable: a cluster keeps the ID of the stored story it
// shares most items with (the older story on a tie), so a story that
// gained a late item does not change its ID. A stored story left without
// items redirects to the cluster that took most of them, as a merge does.

// orderKey places an item in clustering order: by time, then by ID (the
// order store.CoverageInTimeOrder lists them in).
type orderKey struct {
	nanos int64
	id    string
}

func keyOf(t time.Time, id string) orderKey { return orderKey{t.UnixNano(), id} }

func (k orderKey) less(o orderKey) bool {
	if k.nanos != o.nanos {
		return k.nanos < o.nanos
	}
	return k.id < o.id
}

func maxKey(a, b orderKey) orderKey {
	if a.less(b) {
		return b
	}
	return a
}

// noteOrder records an item about to be clustered, and whether it came
// after an item that should have followed it.
func (s *Service) noteOrder(t time.Time, id string) {
	k := keyOf(t, id)
	if k.less(s.last) && (s.lateFrom.IsZero() || t.Before(s.lateFrom)) {
		s.lateFrom = t
	}
	s.last = maxKey(s.last, k)
}

// SettleReport says what a Settle did.
type SettleReport struct {
	From    time.Time // items from this time on were clustered again
	Items   int       // items clustered again
	Moved   int       // items that changed story
	Started int       // stories started or brought back
	Folded  int       // stories that now redirect to another
}

// Pending reports whether items arrived out of order since the last
// Settle.
func (s *Service) Pending() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.lateFrom.IsZero()
}

// Settle clusters again, in clustering order, the range of items that
// arrived out of order since the last Settle, and passes the changes to
// apply, which must store them in one transaction (store.ApplyRegroup).
// It does nothing when every item arrived in order.
func (s *Service) Settle(ctx context.Context, apply func(context.Context, *model.Regroup) error) (SettleReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lateFrom.IsZero() {
		return SettleReport{}, nil
	}
	window := s.cfg.Dedup.Window
	if window == 0 {
		window = dedup.DefaultConfig.Window
	}
	// The index is rebuilt below; drop the old one now (memory), and if
	// the settle fails the next ingest restores it from the store.
	s.c = nil
	st := &settling{svc: s, from: s.lateFrom.Add(-2 * window), c: dedup.New(s.cfg.Dedup)}
	if err := st.recluster(ctx); err != nil {
		return SettleReport{}, fmt.Errorf("settle stories: %w", err)
	}
	r, rename := st.regroup()
	if err := apply(ctx, r); err != nil {
		return SettleReport{}, fmt.Errorf("settle stories: %w", err)
	}
	st.c.Rename(rename)
	for gone, keep := range r.Folded {
		st.c.Alias(gone, keep)
	}
	s.c, s.last, s.lateFrom = st.c, st.last, time.Time{}
	return SettleReport{From: st.from, Items: len(st.region), Moved: len(r.Moves),
		Started: len(r.Start), Folded: len(r.Folded)}, nil
}

// settling is one Settle in progress.
type settling struct {
	svc  *Service
	from time.Time
	c    *dedup.Clusterer
	last orderKey

	// region holds the items from `from` on, in clustering order, with
	// where they go now.
	region []regionItem
	cites  map[string][]string
	// cited holds the stories of cited items, as stored before `from` or
	// as decided since.
	cited map[string]string
	// live holds every stored story with items; prefix those with items
	// before `from`; dead those merged away.
	live, prefix map[string]bool
	dead         map[string]string
	aliased      bool
}

// regionItem is an item clustered again. It keeps only what naming the
// clusters needs: a settle may cover every item in the store.
type regionItem struct {
	id     string
	stored string // its story in the store
	title  string // set for an item that started a story
	story  string // the story it went to (before merges)
	reason model.Reason
	score  float64
}

// recluster streams the stored items in clustering order (date, then ID):
// those before st.from rebuild their stories as stored, those from st.from
// on are clustered again. Posts' own items, which cite coverage, go last.
func (st *settling) recluster(ctx context.Context) error {
	store := st.svc.cfg.Store
	var err error
	if st.cites, err = store.PostCitations(ctx); err != nil {
		return err
	}
	if st.dead, err = store.StoryAliases(ctx); err != nil {
		return err
	}
	st.cited = map[string]string{}
	for _, ids := range st.cites {
		for _, id := range ids {
			st.cited[id] = ""
		}
	}
	st.live, st.prefix = map[string]bool{}, map[string]bool{}
	stories := map[string]string{} // interned story IDs
	type post struct {
		in         dedup.Input
		id, stored string
	}
	var posts []post
	err = store.CoverageInTimeOrder(ctx, func(it model.Item, storyID string) error {
		if s, ok := stories[storyID]; ok {
			storyID = s
		} else {
			stories[storyID] = storyID
		}
		st.live[storyID] = true
		in := st.svc.clusterInput(&it, st.svc.cfg.Tagger.Story(it.ID))
		st.last = maxKey(st.last, keyOf(in.Time, it.ID))
		switch {
		case in.Time.Before(st.from):
			st.c.Restore(in, storyID)
			st.prefix[storyID] = true
			if _, ok := st.cited[it.ID]; ok {
				st.cited[it.ID] = storyID
			}
		case model.IsPostSource(it.SourceKey):
			posts = append(posts, post{in, it.ID, storyID})
		default:
			st.assign(in, it.ID, storyID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, p := range posts {
		for _, id := range st.cites[p.id] {
			if story := st.cited[id]; story != "" {
				p.in.Cites = append(p.in.Cites, story)
			}
		}
		st.assign(p.in, p.id, p.stored)
	}
	return nil
}

// assign clusters one item of the region again.
func (st *settling) assign(in dedup.Input, id, stored string) {
	if !st.aliased { // the stories before `from` are all in: alias the merged ones
		for from, to := range st.dead {
			st.c.Alias(from, to)
		}
		st.aliased = true
	}
	d := st.c.Assign(in)
	r := regionItem{id: id, stored: stored, story: d.StoryID, reason: d.Reason, score: d.Score}
	if d.New {
		r.title = in.Title
	}
	st.region = append(st.region, r)
	if _, ok := st.cited[id]; ok {
		st.cited[id] = d.StoryID
	}
}

// regroup compares the new clusters with the stored stories. It names each
// cluster, and returns the changes and the clusters to rename in the
// clusterer.
func (st *settling) regroup() (*model.Regroup, map[string]string) {
	clusters := map[string][]int{} // clusterer story → region items
	var roots []string             // in order of first member
	for i := range st.region {
		root := st.c.Resolve(st.region[i].story)
		if _, ok := clusters[root]; !ok {
			roots = append(roots, root)
		}
		clusters[root] = append(clusters[root], i)
	}
	names := st.name(roots, clusters)
	r := &model.Regroup{Folded: map[string]string{}}
	for _, root := range roots {
		name := names[root]
		if !st.live[name] {
			title := cmp.Or(st.region[clusters[root][0]].title, "story")
			r.Start = append(r.Start, model.StoryStart{ID: name, Key: model.StoryKey(name, title), Title: title})
		}
		for _, i := range clusters[root] {
			it := &st.region[i]
			if it.stored != name {
				r.Moves = append(r.Moves, model.StoryMove{ItemID: it.id, From: it.stored, To: name,
					Reason: it.reason, Score: it.score})
			}
		}
	}
	st.fold(r, names, clusters, roots)
	rename := map[string]string{}
	for root, name := range names {
		if root != name {
			rename[root] = name
		}
	}
	return r, rename
}

// name gives each cluster its story ID. A cluster holding items before
// `from` keeps that story's ID. Any other takes the stored story whose
// items it holds most of (each story once; the story with the earlier
// member on a tie), else a story ID derived from its first item that no
// story has, else one that was merged away and now comes back.
func (st *settling) name(roots []string, clusters map[string][]int) map[string]string {
	names := map[string]string{}
	used := map[string]bool{}
	type pair struct {
		root, story string
		count       int
		first       int // position of the story's first member in the region
	}
	var pairs []pair
	firstOf := map[string]int{}
	for i := range st.region {
		if _, ok := firstOf[st.region[i].stored]; !ok {
			firstOf[st.region[i].stored] = i
		}
	}
	for _, root := range roots {
		if st.prefix[root] {
			names[root], used[root] = root, true
			continue
		}
		counts := map[string]int{}
		var order []string
		for _, i := range clusters[root] {
			s := st.region[i].stored
			if st.prefix[s] {
				continue
			}
			if counts[s] == 0 {
				order = append(order, s)
			}
			counts[s]++
		}
		for _, s := range order {
			pairs = append(pairs, pair{root, s, counts[s], firstOf[s]})
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].count != pairs[j].count {
			return pairs[i].count > pairs[j].count
		}
		return pairs[i].first < pairs[j].first
	})
	for _, p := range pairs {
		if _, named := names[p.root]; !named && !used[p.story] {
			names[p.root], used[p.story] = p.story, true
		}
	}
	for _, root := range roots {
		if _, named := names[root]; named {
			continue
		}
		names[root] = st.freshName(clusters[root], used)
		used[names[root]] = true
	}
	return names
}

// freshName is a story ID for a cluster that matches no stored story: the
// ID its first item would start, or failing that the next item's. When
// every such ID is taken (a cluster split off a story whose ID went with
// the larger part), the ID is derived from the first item and a split
// number.
func (st *settling) freshName(members []int, used map[string]bool) string {
	tagger := st.svc.cfg.Tagger
	free := func(id string) bool { return !used[id] && !st.live[id] && st.dead[id] == "" }
	for _, i := range members {
		if id := tagger.Story(st.region[i].id); free(id) {
			return id
		}
	}
	first := st.region[members[0]].id
	for n := 1; ; n++ {
		if id := tagger.Story(fmt.Sprintf("%s#split-%d", first, n)); free(id) {
			return id
		}
	}
}

// fold redirects stored stories that are no longer any cluster's name: a
// story with items before `from` that the clusterer merged into another,
// and a story whose items all went elsewhere (to the cluster that took the
// most of them).
func (st *settling) fold(r *model.Regroup, names map[string]string, clusters map[string][]int, roots []string) {
	named := map[string]bool{}
	for _, n := range names {
		named[n] = true
	}
	for story := range st.prefix {
		if root := st.c.Resolve(story); root != story {
			r.Folded[story] = st.finalName(root, names)
		}
	}
	took := map[string]map[string]int{} // stored story → new name → items
	var order []string
	for _, root := range roots {
		for _, i := range clusters[root] {
			s := st.region[i].stored
			if named[s] || st.prefix[s] {
				continue
			}
			if took[s] == nil {
				took[s] = map[string]int{}
				order = append(order, s)
			}
			took[s][names[root]]++
		}
	}
	rank := make(map[string]int, len(roots))
	for i, root := range roots {
		rank[names[root]] = i
	}
	for _, s := range order {
		best, bestN := "", 0
		for name, n := range took[s] { // ties go to the earlier cluster
			if n > bestN || n == bestN && rank[name] < rank[best] {
				best, bestN = name, n
			}
		}
		r.Folded[s] = best
	}
}

// finalName is the name of the cluster a clusterer story belongs to.
func (st *settling) finalName(id string, names map[string]string) string {
	root := st.c.Resolve(id)
	if n, ok := names[root]; ok {
		return n
	}
	return root
}
