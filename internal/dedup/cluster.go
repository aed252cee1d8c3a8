// Package dedup groups coverage from many outlets into stories, cheapest
// evidence first:
//
//  1. the same article: the same canonical URL, the same GUID from the same
//     source, or the same outlet with the same normalised headline;
//  2. the same text syndicated: near-identical headline and summary, by a
//     64-bit SimHash within MaxSimHashDistance bits;
//  3. the same event in different words: TF-IDF cosine between the item
//     and a story's centroid, weighted toward rare terms, within a time
//     window around the story's activity.
//
// Items are assigned one at a time as they arrive. Candidates come from
// indexes (exact keys, SimHash bands, an inverted index of terms that are
// pruned as they leave the window), never from comparing every pair, so the
// cost per item stays close to constant. When an item ties two stories
// together strongly enough they merge: the older story's ID survives.
package dedup

import (
	"cmp"
	"hash/fnv"
	"math"
	"sort"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// Config holds the clustering thresholds. Zero fields take the defaults.
type Config struct {
	// Window is how far from a story's activity an item may be and still
	// join it by similarity (layers 2 and 3).
	Window time.Duration
	// JoinThreshold is the cosine similarity between an item and a story
	// centroid at which the item joins the story (layer 3).
	JoinThreshold float64
	// PairThreshold is the similarity needed to join a story that has a
	// single item: two headlines alone need more in common than a headline
	// and an established story.
	PairThreshold float64
	// MergeThreshold is the similarity at which an item that joined one
	// story also pulls a second story into it.
	MergeThreshold float64
	// MaxSimHashDistance is how many bits two fingerprints may differ by
	// and still count as the same text (layer 2); at most 3 (the index
	// relies on it).
	MaxSimHashDistance int
	// MinSimHashWords is the fewest words a text needs for layer 2; short
	// headlines alone are left to layer 3.
	MinSimHashWords int
	// MaxTermShare skips, when looking for candidates, terms carried by
	// more than this share of all items seen (they select nothing).
	MaxTermShare float64
	// MaxCentroidTerms bounds a story's centroid to its heaviest terms.
	MaxCentroidTerms int
	// MinSharedTerms is how many terms an item must share with a story to
	// join it by similarity.
	MinSharedTerms int
	// MaxPostings bounds how many of a term's most recent items are looked
	// at when gathering candidates.
	MaxPostings int
	// Background holds document frequencies from a reference corpus, so
	// term weights are sensible before many items have been seen; nil
	// means DefaultBackground, unless NoBackground is set.
	Background   *Background
	NoBackground bool
}

// Background is a table of document frequencies from a reference corpus.
type Background struct {
	Docs int
	DF   map[string]int
}

// DefaultConfig is tuned on the first half of the UCI News Aggregator
// sample (see cmd/newswire-bench).
var DefaultConfig = Config{
	Window:             72 * time.Hour,
	JoinThreshold:      0.15,
	PairThreshold:      0.25,
	MergeThreshold:     0.30,
	MaxSimHashDistance: 3,
	MinSimHashWords:    10,
	MaxTermShare:       0.05,
	MaxCentroidTerms:   48,
	MinSharedTerms:     2,
	MaxPostings:        256,
}

func (c Config) withDefaults() Config {
	d := DefaultConfig
	d.Window = cmp.Or(c.Window, d.Window)
	d.JoinThreshold = cmp.Or(c.JoinThreshold, d.JoinThreshold)
	d.PairThreshold = cmp.Or(c.PairThreshold, d.PairThreshold)
	d.MergeThreshold = cmp.Or(c.MergeThreshold, d.MergeThreshold)
	d.MaxSimHashDistance = min(cmp.Or(c.MaxSimHashDistance, d.MaxSimHashDistance), 3)
	d.MinSimHashWords = cmp.Or(c.MinSimHashWords, d.MinSimHashWords)
	d.MaxTermShare = cmp.Or(c.MaxTermShare, d.MaxTermShare)
	d.MaxCentroidTerms = cmp.Or(c.MaxCentroidTerms, d.MaxCentroidTerms)
	d.MinSharedTerms = cmp.Or(c.MinSharedTerms, d.MinSharedTerms)
	d.MaxPostings = cmp.Or(c.MaxPostings, d.MaxPostings)
	switch {
	case c.NoBackground:
		d.Background = nil
	case c.Background != nil:
		d.Background = c.Background
	default:
		d.Background = DefaultBackground()
	}
	return d
}

// Input is what clustering needs to know of an item.
type Input struct {
	// NewStoryID is the ID the item's story gets if the item starts one.
	NewStoryID   string
	SourceKey    string
	GUID         string
	CanonicalURL string
	Outlet       string
	Title        string
	Summary      string
	URLWords     []string
	Time         time.Time
	// Cites names stories the item is known to discuss (a post citing the
	// piece it summarises): it joins the first live one, unless it is the
	// same article as something already seen.
	Cites []string
}

// Decision is where an item went and why.
type Decision struct {
	StoryID string
	New     bool // the item started StoryID
	Reason  model.Reason
	Score   float64
	// Merged lists stories folded into StoryID by this item; they should
	// redirect to it.
	Merged []string
}

// Clusterer assigns items to stories incrementally. It is not safe for
// concurrent use.
type Clusterer struct {
	cfg      Config
	terms    map[string]int32 // term → term number
	df       []int32          // items carrying each term
	bgDF     []int            // background frequency of each term
	docs     int
	stories  []*story
	byID     map[string]int32
	keys     map[uint64]int32   // exact-match keys → story
	bands    map[uint32][]int32 // SimHash band → items
	postings [][]int32          // term → items, oldest first
	items    []item
	// active lists the stories that still hold a centroid; sweep drops
	// the centroids of stories long out of the window.
	active  []int32
	latest  int64 // latest item time seen
	assigns int
}

// sweepEvery is how many assignments pass between sweeps of old stories.
const sweepEvery = 4096

type item struct {
	story int32
	unix  int64
	hash  uint64 // SimHash; 0 when too short
}

// termWeight is one term of a vector.
type termWeight struct {
	t int32
	w float64
}

type story struct {
	id        string
	parent    int32 // self unless merged into another story
	first     int64
	last      int64
	centroid  map[int32]float64
	norm2     float64
	size      int
	lastPrune int // size when the centroid was last pruned
}

// New returns an empty Clusterer.
func New(cfg Config) *Clusterer {
	return &Clusterer{
		cfg:   cfg.withDefaults(),
		terms: map[string]int32{},
		byID:  map[string]int32{},
		keys:  map[uint64]int32{},
		bands: map[uint32][]int32{},
	}
}

// Stories is the number of live (unmerged) stories.
func (c *Clusterer) Stories() int {
	n := 0
	for i, s := range c.stories {
		if s.parent == int32(i) {
			n++
		}
	}
	return n
}

// Assign places an item in a story, starting one if nothing matches.
func (c *Clusterer) Assign(in Input) Decision {
	c.assigns++
	if c.assigns%sweepEvery == 0 {
		c.sweep()
	}
	f := c.features(in)
	if s, reason, ok := c.exactMatch(f); ok {
		return c.join(s, f, reason, 1)
	}
	for _, id := range in.Cites {
		if s, ok := c.byID[id]; ok {
			return c.join(c.root(s), f, model.ReasonCitedBy, 1)
		}
	}
	if s, ok := c.syndicated(f); ok {
		return c.join(s, f, model.ReasonSyndicated, 1)
	}
	best, score, second, score2 := c.similar(f)
	if best >= 0 && score >= c.joinThreshold(best) {
		d := c.join(best, f, model.ReasonSameEvent, score)
		if second >= 0 && score2 >= c.cfg.MergeThreshold {
			d = c.merge(d, best, second)
		}
		return d
	}
	return c.start(in.NewStoryID, f)
}

// Restore adds an item already assigned to storyID (when rebuilding the
// index from the store), creating the story if needed.
func (c *Clusterer) Restore(in Input, storyID string) {
	f := c.features(in)
	s, ok := c.byID[storyID]
	if !ok {
		c.start(storyID, f)
		return
	}
	c.join(c.root(s), f, model.ReasonFirst, 1)
}

// Alias records that story from was merged into story into (restore): a
// known story is folded in; an unknown ID resolves to into from now on.
func (c *Clusterer) Alias(from, into string) {
	f, okf := c.byID[from]
	t, okt := c.byID[into]
	switch {
	case !okt:
	case !okf:
		c.byID[from] = c.root(t)
	case c.root(f) != c.root(t):
		c.absorb(c.root(t), c.root(f))
	}
}

// features is an item prepared for matching.
type features struct {
	in    Input
	unix  int64
	vec   []termWeight // unit TF-IDF vector, by term number
	hash  uint64
	keys  []exactKey
	terms []int32
}

// termID numbers a term, registering it on first sight.
func (c *Clusterer) termID(t string) int32 {
	id, ok := c.terms[t]
	if !ok {
		id = int32(len(c.df))
		c.terms[t] = id
		c.df = append(c.df, 0)
		if bg := c.cfg.Background; bg != nil {
			c.bgDF = append(c.bgDF, bg.DF[t])
		}
		c.postings = append(c.postings, nil)
	}
	return id
}

func (c *Clusterer) features(in Input) *features {
	f := &features{in: in, unix: in.Time.Unix()}
	f.keys = exactKeys(in)
	weights := map[string]float64{}
	for _, t := range Tokens(in.Title) {
		weights[t] = 1
	}
	for _, t := range Tokens(in.Summary) {
		weights[t] = math.Max(weights[t], 0.5)
	}
	for _, t := range in.URLWords {
		weights[stem(t)] = math.Max(weights[stem(t)], 0.3)
	}
	c.docs++
	// Walk terms in a fixed order: term numbers, and so every sum below,
	// must not depend on map iteration, or the same input could cluster
	// differently from one run to the next.
	names := make([]string, 0, len(weights))
	for t := range weights {
		names = append(names, t)
	}
	sort.Strings(names)
	var norm float64
	for _, t := range names {
		id := c.termID(t)
		c.df[id]++
		w := weights[t] * c.idf(id)
		f.vec = append(f.vec, termWeight{id, w})
		norm += w * w
	}
	sort.Slice(f.vec, func(i, j int) bool { return f.vec[i].t < f.vec[j].t })
	if norm > 0 {
		norm = math.Sqrt(norm)
		for i := range f.vec {
			f.vec[i].w /= norm
		}
	}
	for _, tw := range f.vec {
		f.terms = append(f.terms, tw.t)
	}
	// Syndicated copies share their body while headlines get rewritten:
	// fingerprint the summary alone when it is long enough.
	words := splitWords(in.Summary)
	if len(words) < c.cfg.MinSimHashWords {
		words = splitWords(in.Title + " " + in.Summary)
	}
	if len(words) >= c.cfg.MinSimHashWords {
		f.hash = SimHash(words)
	}
	return f
}

// idf is the inverse document frequency of a term, smoothed, counting the
// background corpus as documents already seen.
func (c *Clusterer) idf(id int32) float64 {
	docs, df := c.docs, int(c.df[id])
	if bg := c.cfg.Background; bg != nil {
		docs += bg.Docs
		df += c.bgDF[id]
	}
	return math.Log(float64(docs+1)/float64(df+1)) + 1
}

// exactKey is a layer-1 identity of an item.
type exactKey struct {
	hash   uint64
	reason model.Reason
}

// exactKeys are the layer-1 identities of an item: its canonical URL, its
// GUID within its source, and its outlet with its normalised headline.
func exactKeys(in Input) []exactKey {
	var keys []exactKey
	if in.CanonicalURL != "" {
		keys = append(keys, exactKey{keyHash("url", in.CanonicalURL), model.ReasonSameURL})
	}
	if in.GUID != "" {
		keys = append(keys, exactKey{keyHash("guid", in.SourceKey, in.GUID), model.ReasonSameGUID})
	}
	if t := model.NormalizeTitle(in.Title); t != "" && in.Outlet != "" {
		keys = append(keys, exactKey{keyHash("title", model.NormalizeTitle(in.Outlet), t), model.ReasonSameTitle})
	}
	return keys
}

func keyHash(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// exactMatch finds a story holding the same article (layer 1). The same
// address or GUID is the same article whenever it comes; the same outlet
// and headline only within the window (a daily "Stocks close lower" is a
// new story each day).
func (c *Clusterer) exactMatch(f *features) (int32, model.Reason, bool) {
	for _, k := range f.keys {
		s, ok := c.keys[k.hash]
		if !ok {
			continue
		}
		s = c.root(s)
		if k.reason == model.ReasonSameTitle && !c.storyInWindow(s, f.unix) {
			continue
		}
		return s, k.reason, true
	}
	return -1, "", false
}

// syndicated finds a story with a near-identical text in the window (layer 2).
func (c *Clusterer) syndicated(f *features) (int32, bool) {
	if f.hash == 0 {
		return -1, false
	}
	for _, b := range simBands(f.hash) {
		for _, i := range c.bands[b] {
			it := c.items[i]
			if Hamming(it.hash, f.hash) <= c.cfg.MaxSimHashDistance && c.inWindow(f.unix, it.unix) {
				return c.root(it.story), true
			}
		}
	}
	return -1, false
}

// similar scores the stories sharing rare terms with the item (layer 3)
// and returns the best two.
func (c *Clusterer) similar(f *features) (best int32, score float64, second int32, score2 float64) {
	best, second = -1, -1
	seen := map[int32]bool{}
	for _, t := range f.terms {
		if c.tooCommon(t) {
			continue
		}
		c.prune(t, f.unix)
		list := c.postings[t]
		for _, i := range list[max(0, len(list)-c.cfg.MaxPostings):] {
			s := c.root(c.items[i].story)
			if seen[s] || !c.storyInWindow(s, f.unix) {
				continue
			}
			seen[s] = true
			sim := c.cosine(f.vec, c.stories[s])
			switch {
			case sim > score:
				second, score2 = best, score
				best, score = s, sim
			case sim > score2:
				second, score2 = s, sim
			}
		}
	}
	return best, score, second, score2
}

// joinThreshold is the similarity needed to join story s: higher for a
// story of one item, whose centroid is a single headline.
func (c *Clusterer) joinThreshold(s int32) float64 {
	if c.stories[s].size == 1 {
		return max(c.cfg.JoinThreshold, c.cfg.PairThreshold)
	}
	return c.cfg.JoinThreshold
}

// tooCommon reports whether a term is carried by more than MaxTermShare of
// the items seen (the background corpus counting as seen), with a floor so
// that the first few items can still find each other.
func (c *Clusterer) tooCommon(t int32) bool {
	docs, df := c.docs, int(c.df[t])
	if c.cfg.Background != nil {
		docs += c.cfg.Background.Docs
		df += c.bgDF[t]
	}
	return df > 3 && float64(df) > c.cfg.MaxTermShare*float64(docs)
}

// prune drops postings of term t that are older than the window before
// now; items arrive roughly in time order, so old postings lead the list.
func (c *Clusterer) prune(t int32, now int64) {
	list := c.postings[t]
	cut := 0
	for cut < len(list) && now-c.items[list[cut]].unix > int64(2*c.cfg.Window/time.Second) {
		cut++
	}
	if cut > 0 {
		c.postings[t] = append(list[:0:0], list[cut:]...)
	}
}

func (c *Clusterer) inWindow(a, b int64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= int64(c.cfg.Window/time.Second)
}

func (c *Clusterer) storyInWindow(s int32, t int64) bool {
	st := c.stories[s]
	w := int64(c.cfg.Window / time.Second)
	return t >= st.first-w && t <= st.last+w
}

// cosine is the similarity of an item to a story's centroid. It is 0 when
// they share fewer than MinSharedTerms terms (one rare word in common is
// a coincidence, not an event), unless the item has no more terms than
// that.
func (c *Clusterer) cosine(vec []termWeight, s *story) float64 {
	if s.norm2 <= 0 {
		return 0
	}
	var dot float64
	shared := 0
	for _, tw := range vec {
		if cw, ok := s.centroid[tw.t]; ok {
			dot += tw.w * cw
			shared++
		}
	}
	if shared < min(c.cfg.MinSharedTerms, len(vec)) {
		return 0
	}
	return dot / math.Sqrt(s.norm2)
}

// start makes a new story of the item.
func (c *Clusterer) start(id string, f *features) Decision {
	s := int32(len(c.stories))
	c.stories = append(c.stories, &story{id: id, parent: s, first: f.unix, last: f.unix,
		centroid: map[int32]float64{}})
	c.byID[id] = s
	c.active = append(c.active, s)
	c.add(s, f)
	return Decision{StoryID: id, New: true, Reason: model.ReasonFirst, Score: 1}
}

// join adds the item to story s.
func (c *Clusterer) join(s int32, f *features, reason model.Reason, score float64) Decision {
	c.add(s, f)
	return Decision{StoryID: c.stories[s].id, Reason: reason, Score: score}
}

// add records the item in story s and in every index.
func (c *Clusterer) add(s int32, f *features) {
	i := int32(len(c.items))
	c.items = append(c.items, item{story: s, unix: f.unix, hash: f.hash})
	st := c.stories[s]
	st.first = min(st.first, f.unix)
	st.last = max(st.last, f.unix)
	st.size++
	c.latest = max(c.latest, f.unix)
	if st.centroid == nil { // a dormant story woken by an exact match
		st.centroid = map[int32]float64{}
		c.active = append(c.active, s)
	}
	for _, tw := range f.vec {
		t, w := tw.t, tw.w
		old := st.centroid[t]
		st.centroid[t] = old + w
		st.norm2 += 2*old*w + w*w
	}
	if len(st.centroid) > 2*c.cfg.MaxCentroidTerms && st.size >= 2*st.lastPrune {
		c.pruneCentroid(st)
	}
	for _, k := range f.keys {
		// The first holder of an address or GUID keeps it; a headline
		// belongs to the latest story that used it.
		if _, ok := c.keys[k.hash]; !ok || k.reason == model.ReasonSameTitle {
			c.keys[k.hash] = s
		}
	}
	if f.hash != 0 {
		for _, b := range simBands(f.hash) {
			c.bands[b] = append(c.bands[b], i)
		}
	}
	for _, t := range f.terms {
		c.postings[t] = append(c.postings[t], i)
	}
}

// sweep frees the centroids of stories whose activity ended more than two
// windows before the latest item: no item within the window can join them
// by similarity any more, and memory stays bounded by the window, not by
// history. Exact matches still find them.
func (c *Clusterer) sweep() {
	horizon := c.latest - 2*int64(c.cfg.Window/time.Second)
	kept := c.active[:0]
	for _, s := range c.active {
		st := c.stories[s]
		switch {
		case st.parent != s || st.centroid == nil:
			// merged away, or already dormant
		case st.last < horizon:
			st.centroid, st.norm2 = nil, 0
		default:
			kept = append(kept, s)
		}
	}
	c.active = kept
}

// pruneCentroid keeps a story's heaviest terms.
func (c *Clusterer) pruneCentroid(st *story) {
	type tw struct {
		t int32
		w float64
	}
	all := make([]tw, 0, len(st.centroid))
	for t, w := range st.centroid {
		all = append(all, tw{t, w})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].w != all[j].w {
			return all[i].w > all[j].w
		}
		return all[i].t < all[j].t
	})
	st.centroid = make(map[int32]float64, c.cfg.MaxCentroidTerms)
	st.norm2 = 0
	for _, x := range all[:c.cfg.MaxCentroidTerms] {
		st.centroid[x.t] = x.w
		st.norm2 += x.w * x.w
	}
	st.lastPrune = st.size
}

// merge folds story b into a (or a into b, whichever is older) after an
// item joined a.
func (c *Clusterer) merge(d Decision, a, b int32) Decision {
	keep, gone := a, b
	if older(c.stories[b], c.stories[a]) {
		keep, gone = b, a
	}
	c.absorb(keep, gone)
	d.StoryID = c.stories[keep].id
	d.Merged = append(d.Merged, c.stories[gone].id)
	return d
}

// older reports whether story x is older than y (ties: smaller ID).
func older(x, y *story) bool {
	if x.first != y.first {
		return x.first < y.first
	}
	return x.id < y.id
}

// absorb moves story gone into keep.
func (c *Clusterer) absorb(keep, gone int32) {
	k, g := c.stories[keep], c.stories[gone]
	g.parent = keep
	k.first, k.last = min(k.first, g.first), max(k.last, g.last)
	k.size += g.size
	terms := make([]int32, 0, len(g.centroid))
	for t := range g.centroid {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i] < terms[j] })
	for _, t := range terms {
		w := g.centroid[t]
		old := k.centroid[t]
		k.centroid[t] = old + w
		k.norm2 += 2*old*w + w*w
	}
	g.centroid, g.norm2 = nil, 0
}

// root follows merges to the live story.
func (c *Clusterer) root(s int32) int32 {
	for c.stories[s].parent != s {
		p := c.stories[s].parent
		c.stories[s].parent = c.stories[p].parent // path halving
		s = p
	}
	return s
}

// Resolve returns the live story a story ID now belongs to (itself unless
// it was merged away), or id unchanged if the ID is unknown.
func (c *Clusterer) Resolve(id string) string {
	s, ok := c.byID[id]
	if !ok {
		return id
	}
	return c.stories[c.root(s)].id
}

// KnowsURL reports whether an item with this canonical URL has been seen
// (assigned or restored). It lets callers skip looking for it elsewhere.
func (c *Clusterer) KnowsURL(canonicalURL string) bool {
	_, ok := c.keys[keyHash("url", canonicalURL)]
	return ok
}

// Rename gives live stories new IDs (from → to, where from is any ID that
// resolves to the story). Every old ID still resolves, to the story it
// named; each new ID resolves to its story even if it was an alias before.
func (c *Clusterer) Rename(names map[string]string) {
	roots := make(map[string]int32, len(names))
	for from := range names {
		if s, ok := c.byID[from]; ok {
			roots[from] = c.root(s)
		}
	}
	for from, s := range roots {
		c.stories[s].id = names[from]
	}
	for from, s := range roots {
		c.byID[names[from]] = s
	}
}
