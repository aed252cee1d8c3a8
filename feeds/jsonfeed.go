package feeds

import (
	"bytes"
	"encoding/json"
	"io"
	"time"

	gfeeds "github.com/gorilla/feeds"
)

// JSONExtensionKey is the key of newswire's extension object in JSON Feed
// documents, on the feed and on items. JSON Feed reserves keys beginning
// with an underscore for extensions; readers that do not know them ignore
// them.
const JSONExtensionKey = "_newswire"

// jsonFeed is gorilla's JSON Feed with our items and feed extension. Items
// shadows gorilla's to drop omitempty: JSON Feed requires "items".
type jsonFeed struct {
	gfeeds.JSONFeed
	Ext   *jsonFeedExt `json:"_newswire,omitempty"`
	Items []*jsonItem  `json:"items"`
}

// jsonItem is gorilla's item with our extension.
type jsonItem struct {
	gfeeds.JSONItem
	Ext *jsonItemExt `json:"_newswire,omitempty"`
}

// jsonFeedExt holds what JSON Feed has no field for at the feed level.
type jsonFeedExt struct {
	ID         string         `json:"id,omitempty"`
	Categories []jsonCategory `json:"categories,omitempty"`
	Links      []jsonLink     `json:"links,omitempty"`
}

// jsonItemExt holds threading, categories and provenance of an item.
type jsonItemExt struct {
	InReplyTo      string         `json:"in_reply_to,omitempty"`
	InReplyToURL   string         `json:"in_reply_to_url,omitempty"`
	RepliesCount   *int           `json:"replies_count,omitempty"`
	RepliesFeedURL string         `json:"replies_feed_url,omitempty"`
	RepliesURL     string         `json:"replies_url,omitempty"`
	Categories     []jsonCategory `json:"categories,omitempty"`
	Source         *jsonSource    `json:"source,omitempty"`
}

type jsonCategory struct {
	Term   string `json:"term"`
	Label  string `json:"label,omitempty"`
	Scheme string `json:"scheme,omitempty"`
}

type jsonLink struct {
	Rel  string `json:"rel,omitempty"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

type jsonSource struct {
	ID      string `json:"id,omitempty"`
	Title   string `json:"title,omitempty"`
	URL     string `json:"url,omitempty"`
	FeedURL string `json:"feed_url,omitempty"`
}

// RenderJSON writes feed to w as a JSON Feed 1.1 document, indented by two
// spaces, with HTML characters unescaped (they are safe in JSON strings).
// See Render for how missing values are filled in.
//
// Threading, category terms and schemes, provenance and the feed's ID and
// other links go in an extension object under JSONExtensionKey. A Link
// with rel "next" becomes next_url and one with rel "hub" a hub.
func RenderJSON(w io.Writer, feed *Feed) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(buildJSON(prepare(feed))); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func buildJSON(d *doc) *jsonFeed {
	jf := &jsonFeed{JSONFeed: gfeeds.JSONFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       d.Title,
		HomePageUrl: d.HTMLURL,
		FeedUrl:     d.SelfURL,
		Description: d.Subtitle,
		Authors:     jsonAuthors(d.Author),
	}}
	ext := &jsonFeedExt{ID: d.id, Categories: jsonCategories(d.Categories)}
	for _, l := range d.Links {
		switch {
		case l.Href == "":
		case l.Rel == "next" && jf.NextUrl == "":
			jf.NextUrl = l.Href
		case l.Rel == "hub":
			jf.Hubs = append(jf.Hubs, &gfeeds.JSONHub{Type: firstNonEmpty(l.Type, "WebSub"), Url: l.Href})
		default:
			ext.Links = append(ext.Links, jsonLink{Rel: l.Rel, Href: l.Href, Type: l.Type})
		}
	}
	jf.Ext = ext
	jf.Items = make([]*jsonItem, 0, len(d.entries))
	for i := range d.entries {
		jf.Items = append(jf.Items, buildJSONItem(&d.entries[i]))
	}
	return jf
}

func buildJSONItem(e *entry) *jsonItem {
	it := &jsonItem{JSONItem: gfeeds.JSONItem{
		Id:          e.id,
		Url:         e.URL,
		Title:       e.Title,
		ContentHTML: e.html,
		ContentText: e.text,
		Summary:     e.Summary,
		Authors:     jsonAuthors(e.Author),
		Tags:        jsonTags(e.Categories),
	}}
	if e.dated() {
		it.PublishedDate = timePtr(e.published)
		it.ModifiedDate = timePtr(e.updated)
	}
	ext := &jsonItemExt{Categories: jsonCategories(e.Categories)}
	if irt := e.InReplyTo; irt != nil && irt.Ref != "" {
		ext.InReplyTo, ext.InReplyToURL = irt.Ref, irt.Href
	}
	if r := e.Replies; r != nil {
		ext.RepliesCount = statedCount(r.Count)
		ext.RepliesFeedURL = firstNonEmpty(r.JSONHref, r.AtomHref, r.RSSHref)
		ext.RepliesURL = r.HTMLHref
	}
	if s := e.Source; s != nil && *s != (Source{}) {
		ext.Source = &jsonSource{ID: s.ID, Title: s.Title, URL: s.URL, FeedURL: s.FeedURL}
	}
	if ext.InReplyTo != "" || ext.RepliesCount != nil || ext.Source != nil || ext.Categories != nil {
		it.Ext = ext
	}
	return it
}

func timePtr(t time.Time) *time.Time { return &t }

func jsonAuthors(p Person) []*gfeeds.JSONAuthor {
	name := personName(p)
	if name == "" {
		return nil
	}
	return []*gfeeds.JSONAuthor{{Name: name, Url: p.URI}}
}

func jsonTags(cs []Category) []string {
	var out []string
	for _, c := range cs {
		if l := catLabel(c); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func jsonCategories(cs []Category) []jsonCategory {
	var out []jsonCategory
	for _, c := range cs {
		if catTerm(c) == "" {
			continue
		}
		out = append(out, jsonCategory{Term: catTerm(c), Label: catLabel(c), Scheme: c.Scheme})
	}
	return out
}
