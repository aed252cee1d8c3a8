package blogpost

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

func TestFromItem(t *testing.T) {
	at := time.Date(2017, 5, 27, 9, 0, 0, 0, time.UTC)
	p := FromItem(model.Item{ID: "tag:x,2026:item/1", Title: "LNG exports", URL: "https://blog.example/lng/",
		Published: at, Summary: "  Why LNG matters. ", Categories: []string{"Energy", "energy", " ", "Russia"}})
	if p.Origin != "tag:x,2026:item/1" || p.URL != "https://blog.example/lng/" || !p.DateFromDump || !p.Published.Equal(at) {
		t.Errorf("post = %+v", p)
	}
	if len(p.Body) != 1 || p.Body[0].Text != "Why LNG matters." {
		t.Errorf("body = %+v", p.Body)
	}
	if len(p.Topics) != 2 || p.Topics[0].Slug != "energy" || p.Topics[1].Name != "Russia" {
		t.Errorf("topics = %+v", p.Topics)
	}
	if len(p.Related) != 1 || p.Related[0].Kind != model.RelatedSelf || p.Related[0].ID != "tag:x,2026:item/1" {
		t.Errorf("related = %+v", p.Related)
	}
	if q := FromItem(model.Item{ID: "i", Title: "Undated", Published: at, DateEstimated: true}); q.DateFromDump || q.Body != nil {
		t.Errorf("an estimated date is not the post's own: %+v", q)
	}
}

type fakeStore struct {
	items map[string]model.StoredItem
	got   *model.Post
}

func (f *fakeStore) StoredItems(_ context.Context, ids []string) (map[string]model.StoredItem, error) {
	out := map[string]model.StoredItem{}
	for _, id := range ids {
		if it, ok := f.items[id]; ok {
			out[id] = it
		}
	}
	return out, nil
}

func (f *fakeStore) IngestPost(_ context.Context, p *model.Post, _ *model.CoverageBatch) (model.IngestResult, error) {
	f.got = p
	return model.IngestResult{Comments: model.IngestCounts{New: len(p.Comments)}}, nil
}

func TestCommentsNeedTheirPost(t *testing.T) {
	at := time.Date(2017, 5, 27, 9, 0, 0, 0, time.UTC)
	st := &fakeStore{items: map[string]model.StoredItem{"i1": {Item: model.Item{ID: "i1", Title: "Post", Published: at}}}}
	in := &Ingester{Store: st}
	comments := []model.Comment{{GUID: "c1", Author: "Ann"}}
	counts, posted, err := in.Comments(context.Background(), model.Source{URL: "https://b.example/c", PostItem: "i1"}, comments)
	if err != nil || counts.New != 1 || !posted.Equal(at) || st.got.Title != "Post" || len(st.got.Comments) != 1 {
		t.Fatalf("Comments = %+v, %v, %v (post %+v)", counts, posted, err, st.got)
	}
	if _, _, err := in.Comments(context.Background(), model.Source{URL: "u", PostItem: "gone"}, comments); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown post item: %v", err)
	}
	if _, _, err := in.Comments(context.Background(), model.Source{URL: "u"}, comments); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("no post item: %v", err)
	}
}
