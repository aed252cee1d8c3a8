// Package thread works out who replies to whom in a post's comments and
// which comment paragraphs quote earlier text.
//
// A comment whose first paragraph starts "@NAME:" replies to a comment by
// NAME: the earlier comment of NAME whose text it quotes, if any, otherwise
// NAME's latest comment before it. NAME is matched against the authors of
// earlier comments, longest name first; an unknown NAME leaves the comment a
// thread root. Independently of mentions, a paragraph that repeats text of
// an earlier comment or of the post is marked as a quotation.
package thread

import (
	"index/suffixarray"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// Tuning limits that keep resolution linear in the number of comments.
const (
	minQuoteLen   = 20 // shortest normalised text matched as a substring
	minShortWords = 3  // shorter quotes must repeat a whole paragraph of this many words
	authorScan    = 16 // latest comments of the mentioned author searched in full
	maxPostings   = 8  // comments remembered per indexed sentence
	maxLookupKeys = 6  // sentences of a candidate quote looked up
	maxIndexKeys  = 64 // sentences of one paragraph indexed
)

// Resolve sets Parent and Mention on every comment of p and marks quoted
// paragraphs as model.Quote blocks, with QuotesComment naming the quoted
// comment (0 for the post). Comments are taken in order; a parent or quoted
// comment is always an earlier one with a smaller number. Resolve may be
// called again on its own output.
func Resolve(p *model.Post) {
	if p == nil || len(p.Comments) == 0 {
		return
	}
	r := newResolver(p)
	for i := range p.Comments {
		r.resolveComment(i)
	}
}

// resolver holds what is known about the post and the comments seen so far.
type resolver struct {
	p         *model.Post
	names     nameIndex
	byAuthor  map[string][]int // folded author → indexes of their comments
	norms     [][]string       // per comment index: its own normalised paragraphs
	keys      map[string][]int // normalised paragraph or sentence → comment indexes
	post      *suffixarray.Index
	postParas map[string]bool
}

// source says where a quotation comes from.
type source struct {
	ok     bool
	idx    int // comment index, or -1 for the post
	author bool
}

// newResolver indexes the post's own text.
func newResolver(p *model.Post) *resolver {
	r := &resolver{
		p:         p,
		byAuthor:  map[string][]int{},
		norms:     make([][]string, len(p.Comments)),
		keys:      map[string][]int{},
		postParas: map[string]bool{},
	}
	var all []string
	add := func(blocks []model.Block) {
		for _, b := range blocks {
			if nt := normalize(b.Text); nt != "" {
				all = append(all, nt)
				r.postParas[nt] = true
			}
		}
	}
	add(p.Body)
	for _, s := range p.Sections {
		add(s.Body)
	}
	if len(all) > 0 {
		r.post = suffixarray.New([]byte(strings.Join(all, "\n")))
	}
	return r
}

// resolveComment resolves comment i and then adds it to the indexes.
func (r *resolver) resolveComment(i int) {
	c := &r.p.Comments[i]
	c.Parent, c.Mention = 0, ""
	q, rest, mentioned := r.mention(c)
	out, parent := r.markBody(c.Body, q, rest, mentioned)
	if mentioned && parent < 0 && len(q.cands) > 0 {
		parent = q.cands[len(q.cands)-1]
	}
	if parent >= 0 {
		c.Parent = r.p.Comments[parent].Number
	}
	if len(out) > 0 && out[0].Text != c.Body[0].Text {
		rest = "" // split off as a quote or a line of its own
	}
	c.Body = out
	r.add(i, rest)
}

// mention resolves the "@NAME:" opening of c, if any, and sets c.Mention.
func (r *resolver) mention(c *model.Comment) (q quoter, rest string, ok bool) {
	q.num = c.Number
	if len(c.Body) == 0 {
		return q, "", false
	}
	name, rest, ok := r.names.match(c.Body[0].Text)
	if !ok {
		return q, "", false
	}
	c.Mention = name
	q.author = nameKey(name)
	q.cands = r.earlier(r.byAuthor[q.author], c.Number)
	return q, rest, true
}

// markBody returns body with quotations marked (and a quoting "@NAME:"
// paragraph split), and the index of the first of the mentioned author's
// comments it quotes, or -1.
func (r *resolver) markBody(body []model.Block, q quoter, rest string, mentioned bool) ([]model.Block, int) {
	parent := -1
	out := make([]model.Block, 0, len(body)+2)
	for bi, b := range body {
		var src source
		if bi == 0 && mentioned {
			out, src = r.splitMention(out, b.Text, rest, q)
		} else {
			b.Kind, b.QuotesComment = model.Paragraph, 0
			src = r.findQuote(b.Text, q)
			out = append(out, r.mark(b, src))
		}
		if parent < 0 && src.author {
			parent = src.idx
		}
	}
	return out, parent
}

// earlier keeps the comment indexes whose numbers are below num.
func (r *resolver) earlier(idx []int, num int) []int {
	out := idx[:0:0]
	for _, j := range idx {
		if n := r.p.Comments[j].Number; n > 0 && n < num {
			out = append(out, j)
		}
	}
	return out
}

// mark turns b into a quote block when src found a quotation.
func (r *resolver) mark(b model.Block, src source) model.Block {
	if !src.ok {
		return b
	}
	b.Kind = model.Quote
	if src.idx >= 0 {
		b.QuotesComment = r.p.Comments[src.idx].Number
	}
	return b
}

// splitMention handles a first paragraph "@NAME: rest": when rest (or its
// first line) quotes earlier text it becomes a quote block of its own after
// an "@NAME:" paragraph; otherwise the paragraph is kept whole.
func (r *resolver) splitMention(out []model.Block, text, rest string, q quoter) ([]model.Block, source) {
	para := model.Block{Kind: model.Paragraph, Text: text}
	if rest == "" {
		return append(out, para), source{}
	}
	prefix := model.Block{Kind: model.Paragraph, Text: strings.TrimSpace(text[:len(text)-len(rest)])}
	if src := r.findQuote(rest, q); src.ok {
		return append(out, prefix, r.mark(model.Block{Kind: model.Paragraph, Text: rest}, src)), src
	}
	first, after, multi := strings.Cut(rest, "\n")
	if !multi {
		return append(out, para), source{}
	}
	if src := r.findQuote(first, q); src.ok {
		q := r.mark(model.Block{Kind: model.Paragraph, Text: first}, src)
		return append(out, prefix, q, model.Block{Kind: model.Paragraph, Text: after}), src
	}
	return append(out, para), source{}
}

// quoter describes the comment whose paragraphs are being checked.
type quoter struct {
	num    int    // its number: only smaller numbers can be quoted
	author string // folded name it mentions, or ""
	cands  []int  // indexes of the mentioned author's earlier comments
}

// findQuote reports where text was quoted from: first the mentioned
// author's latest comments, then the post, then any earlier comment found
// through the sentence index.
func (r *resolver) findQuote(text string, q quoter) source {
	nq := normalize(text)
	if nq == "" {
		return source{}
	}
	cands := q.cands
	if len(nq) < minQuoteLen {
		return r.findShortQuote(nq, cands)
	}
	for k := len(cands) - 1; k >= 0 && k >= len(cands)-authorScan; k-- {
		if containsAny(r.norms[cands[k]], nq) {
			return source{ok: true, idx: cands[k], author: true}
		}
	}
	if r.post != nil && len(r.post.Lookup([]byte(nq), 1)) > 0 {
		return source{ok: true, idx: -1}
	}
	return r.lookup(nq, q)
}

// findShortQuote matches a short text only when it repeats a whole
// paragraph of the mentioned author or of the post.
func (r *resolver) findShortQuote(nq string, cands []int) source {
	if wordCount(nq) < minShortWords {
		return source{}
	}
	for k := len(cands) - 1; k >= 0 && k >= len(cands)-authorScan; k-- {
		for _, np := range r.norms[cands[k]] {
			if np == nq {
				return source{ok: true, idx: cands[k], author: true}
			}
		}
	}
	if r.postParas[nq] {
		return source{ok: true, idx: -1}
	}
	return source{}
}

// lookup finds an earlier comment containing nq through the index of its
// paragraphs and sentences. A hit by the mentioned author (one older than
// the comments findQuote searched in full) still counts as the author's.
func (r *resolver) lookup(nq string, q quoter) source {
	keys := append([]string{nq}, sentences(nq, maxLookupKeys)...)
	for _, k := range keys {
		for _, j := range r.keys[k] {
			c := &r.p.Comments[j]
			if c.Number > 0 && c.Number < q.num && containsAny(r.norms[j], nq) {
				return source{ok: true, idx: j, author: q.author != "" && nameKey(c.Author) == q.author}
			}
		}
	}
	return source{}
}

// containsAny reports whether any of the normalised paragraphs contains nq.
func containsAny(paras []string, nq string) bool {
	for _, np := range paras {
		if len(np) >= len(nq) && strings.Contains(np, nq) {
			return true
		}
	}
	return false
}

// add indexes comment i: its own (unquoted) paragraphs, their sentences and
// those of the text after its mention, and its author's name. Quoted
// paragraphs are left out, so a quotation is traced to its origin and a
// reply is never attributed to someone who merely quoted the same text.
func (r *resolver) add(i int, mentionRest string) {
	c := &r.p.Comments[i]
	norms := make([]string, 0, len(c.Body))
	for _, b := range c.Body {
		if b.Kind == model.Quote {
			continue
		}
		nt := normalize(b.Text)
		norms = append(norms, nt)
		r.index(nt, i)
	}
	r.norms[i] = norms
	if mentionRest != "" {
		r.index(normalize(mentionRest), i)
	}
	if key := nameKey(c.Author); key != "" {
		r.names.add(c.Author)
		r.byAuthor[key] = append(r.byAuthor[key], i)
	}
}

// index records that comment i contains normalised paragraph nt.
func (r *resolver) index(nt string, i int) {
	if len(nt) < minKeyLen {
		return
	}
	r.post1(nt, i)
	for _, s := range sentences(nt, maxIndexKeys) {
		r.post1(s, i)
	}
}

// post1 adds comment i to the postings of key, keeping the earliest few.
func (r *resolver) post1(key string, i int) {
	list := r.keys[key]
	if len(list) >= maxPostings || (len(list) > 0 && list[len(list)-1] == i) {
		return
	}
	r.keys[key] = append(list, i)
}
