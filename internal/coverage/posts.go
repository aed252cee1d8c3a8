package coverage

import (
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// summaryWords bounds the summary of a post's own coverage item.
const summaryWords = 80

// PostItems returns a post's coverage: each related item, dated by the
// post when it carries no date of its own, and the post itself as an item
// (so the post is linked to the story it is about). It appends the post's
// own item to p.Related as a RelatedSelf entry. IDs are given by Ingest,
// which fills them in p.Related through LinkPostItems.
func PostItems(p *model.Post) []model.Item {
	var items []model.Item
	for _, r := range p.Related {
		if r.Kind == model.RelatedSelf {
			continue
		}
		it := model.Item{Title: r.Title, Outlet: r.Outlet, URL: r.URL, Published: r.Published}
		if it.Published.IsZero() && p.DateFromDump {
			it.Published, it.DateEstimated = p.Published, true
		}
		items = append(items, it)
	}
	self := model.Item{
		SourceKey: model.PostSourcePrefix + p.IdentityKey(),
		GUID:      p.IdentityKey(),
		Title:     p.Title,
		Summary:   postSummary(p),
	}
	if p.DateFromDump {
		self.Published = p.Published
	}
	return append(items, self)
}

// LinkPostItems sets the IDs of a post's related items (and adds its own
// item as RelatedSelf) from the batch Ingest prepared for PostItems(p).
func LinkPostItems(p *model.Post, batch *model.CoverageBatch) {
	byKey := map[string]string{}
	var selfID string
	for _, ci := range batch.Items {
		if model.IsPostSource(ci.Item.SourceKey) {
			selfID = ci.Item.ID
			continue
		}
		byKey[relatedKey(ci.Item.Outlet, ci.Item.Title, ci.Item.URL)] = ci.Item.ID
	}
	kept := p.Related[:0]
	for _, r := range p.Related {
		if r.Kind == model.RelatedSelf {
			continue
		}
		if id, ok := byKey[relatedKey(r.Outlet, strings.Join(strings.Fields(r.Title), " "), r.URL)]; ok {
			r.ID = id
			kept = append(kept, r)
		}
	}
	p.Related = kept
	if selfID != "" {
		p.Related = append(p.Related, model.RelatedItem{ID: selfID, Kind: model.RelatedSelf, Title: p.Title})
	}
}

// citedKeys are the relatedKeys of the items a post is about: the headline
// it summarises and the pieces it names as its subject.
func citedKeys(p *model.Post) map[string]bool {
	keys := map[string]bool{}
	for _, r := range p.Related {
		if r.Kind == model.RelatedSource || r.Kind == model.RelatedCited {
			keys[relatedKey(r.Outlet, strings.Join(strings.Fields(r.Title), " "), r.URL)] = true
		}
	}
	return keys
}

func relatedKey(outlet, title, url string) string {
	return outlet + "\x00" + title + "\x00" + url
}

// postSummary is the start of a post's body, as plain text.
func postSummary(p *model.Post) string {
	var words []string
	for _, b := range p.Body {
		if b.Kind != model.Paragraph {
			continue
		}
		words = append(words, strings.Fields(b.Text)...)
		if len(words) >= summaryWords {
			break
		}
	}
	return strings.Join(words[:min(len(words), summaryWords)], " ")
}
