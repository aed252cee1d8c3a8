package postfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/feedcheck"

	"github.com/newswire/newswire/internal/model"
)

const (
	bloggerSeed   = "000_7d95902a92babe24.txt"
	wordpressSeed = "004_6fa588ad377b4ea9.txt"
)

// readSeed returns a seed dump; without the seeds it fails under CI and
// skips otherwise.
func readSeed(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(feedcheck.SharedPath(t, "seeds"), name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parseSeed parses a seed dump or fails the test.
func parseSeed(t testing.TB, name string) *model.Post {
	t.Helper()
	p, err := Parse(name, readSeed(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return p
}

// relatedOf returns the related items of the given kind.
func relatedOf(p *model.Post, kind model.RelatedKind) []model.RelatedItem {
	var out []model.RelatedItem
	for _, it := range p.Related {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// checkMarkerLines checks that each comment's Line is its marker line.
func checkMarkerLines(t *testing.T, data []byte, p *model.Post) {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	for _, c := range p.Comments {
		if c.Line < 1 || c.Line > len(lines) || !strings.Contains(lines[c.Line-1], c.Author) {
			t.Errorf("comment %d: Line %d is not its marker line", c.Number, c.Line)
		}
	}
}

func TestParseBloggerSeed(t *testing.T) {
	p := parseSeed(t, bloggerSeed)
	if want := "Did Jared Kushner Want A Secret Communications Channel With The Kremlin?"; p.Title != want {
		t.Errorf("Title = %q, want %q", p.Title, want)
	}
	if want := time.Date(2017, 5, 27, 0, 0, 0, 0, time.UTC); !p.Published.Equal(want) || !p.DateFromDump {
		t.Errorf("Published = %v (from dump %v), want %v from the dump", p.Published, p.DateFromDump, want)
	}
	if p.ID != "" || p.Slug != "" || !p.FirstSeen.IsZero() || p.Author != "" || len(p.Topics) != 0 {
		t.Errorf("unexpected fields set: id %q slug %q author %q topics %v", p.ID, p.Slug, p.Author, p.Topics)
	}
	checkBloggerBody(t, p)
	checkBloggerSections(t, p)
	checkBloggerRelated(t, p)
	checkBloggerComments(t, p)
	checkMarkerLines(t, readSeed(t, bloggerSeed), p)
}

func checkBloggerBody(t *testing.T, p *model.Post) {
	t.Helper()
	if len(p.Body) != 8 {
		t.Fatalf("len(Body) = %d, want 8", len(p.Body))
	}
	if !strings.HasPrefix(p.Body[0].Text, "Russian Ambassador Sergey Kislyak") {
		t.Errorf("Body[0] = %q, want the photo caption", p.Body[0].Text)
	}
	if !strings.HasPrefix(p.Body[1].Text, "Washington Post: Russian ambassador told Moscow") {
		t.Errorf("Body[1] = %q, want the source headline kept in the body", p.Body[1].Text)
	}
	for _, b := range p.Body {
		if b.Kind != model.Paragraph {
			t.Errorf("body block kind %q", b.Kind)
		}
		for _, bad := range []string{"Saturday, May 27", p.Title, "More News On", "said...", " -- CNN", "Update"} {
			if strings.HasPrefix(b.Text, bad) {
				t.Errorf("body holds structure %q: %q", bad, b.Text)
			}
		}
	}
}

func checkBloggerSections(t *testing.T, p *model.Post) {
	t.Helper()
	labels := []string{"Update", "Update #2", "Update #3"}
	if len(p.Sections) != len(labels) {
		t.Fatalf("len(Sections) = %d, want %d", len(p.Sections), len(labels))
	}
	starts := []string{"The more that I think", "Former Bush-Clinton-Obama", "Someone who reads this blog"}
	for i, s := range p.Sections {
		if s.Label != labels[i] || len(s.Body) != 1 || !strings.HasPrefix(s.Body[0].Text, starts[i]) {
			t.Errorf("Sections[%d] = %q with %d blocks, want %q starting %q", i, s.Label, len(s.Body), labels[i], starts[i])
		}
	}
}

func checkBloggerRelated(t *testing.T, p *model.Post) {
	t.Helper()
	src := relatedOf(p, model.RelatedSource)
	if len(src) != 1 || src[0].Outlet != "Washington Post" ||
		src[0].Title != "Russian ambassador told Moscow that Kushner wanted secret communications channel with Kremlin" {
		t.Errorf("source = %+v", src)
	}
	list := relatedOf(p, model.RelatedList)
	outlets := []string{"New York Times", "CNN", "USA Today", "FOX News", "ABC News"}
	if len(list) != len(outlets) {
		t.Fatalf("list = %+v, want %d items", list, len(outlets))
	}
	for i, it := range list {
		if it.Outlet != outlets[i] || it.Title == "" || strings.Contains(it.Title, " -- ") {
			t.Errorf("list[%d] = %+v, want outlet %q", i, it, outlets[i])
		}
	}
	if want := "Washington Post: Kushner proposed secret communication channel with Kremlin"; list[1].Title != want {
		t.Errorf("list[1].Title = %q, want %q", list[1].Title, want)
	}
	checkBloggerMentions(t, relatedOf(p, model.RelatedMention))
}

func checkBloggerMentions(t *testing.T, got []model.RelatedItem) {
	t.Helper()
	want := []model.RelatedItem{
		{Kind: model.RelatedMention, Title: "Was A Trump-Putin Back Channel Established Between The Founder Of Blackwater And A Close Friend of Putin?",
			Published: time.Date(2017, 4, 3, 0, 0, 0, 0, time.UTC)},
		{Kind: model.RelatedMention, Title: "U.S. And Russia Are Not Hindering Each Other Over The Skies Of Syria",
			Published: time.Date(2017, 5, 24, 0, 0, 0, 0, time.UTC)},
		{Kind: model.RelatedMention, Title: "Lawyer: Kushner ‘has no recollection’ of reported undisclosed Russian contacts", Outlet: "Politico"},
	}
	if len(got) != len(want) {
		t.Fatalf("mentions = %+v, want %d", got, len(want))
	}
	for i := range want {
		if got[i].Title != want[i].Title || got[i].Outlet != want[i].Outlet || !got[i].Published.Equal(want[i].Published) {
			t.Errorf("mention %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func checkBloggerComments(t *testing.T, p *model.Post) {
	t.Helper()
	authors := []string{"Anonymous", "War News Updates Editor", "Unknown", "Jay Farquharson", "Anonymous"}
	paras := []int{4, 1, 1, 3, 1}
	if len(p.Comments) != len(authors) {
		t.Fatalf("len(Comments) = %d, want %d", len(p.Comments), len(authors))
	}
	for i, c := range p.Comments {
		if c.Number != i+1 || c.Author != authors[i] || len(c.Body) != paras[i] || c.Votes != nil {
			t.Errorf("comment %d = #%d %q %d paragraphs votes %v, want #%d %q %d paragraphs",
				i, c.Number, c.Author, len(c.Body), c.Votes, i+1, authors[i], paras[i])
		}
	}
	if got := p.Comments[3].Body[0].Text; !strings.HasPrefix(got, "\"Us Trumpista's") {
		t.Errorf("comment 4 starts %q", got)
	}
}

func TestParseWordPressSeed(t *testing.T) {
	data := readSeed(t, wordpressSeed)
	p := parseSeed(t, wordpressSeed)
	if want := "Kushner and Other Senior Trump Officials Used WhatsApp to Conduct Official Business"; p.Title != want {
		t.Errorf("Title = %q, want %q", p.Title, want)
	}
	if !p.Published.IsZero() || p.DateFromDump {
		t.Errorf("Published = %v, DateFromDump = %v; want none", p.Published, p.DateFromDump)
	}
	if p.Author != "James Joyner" || !strings.HasPrefix(p.AuthorBio, "James Joyner is Professor and Department Head") ||
		!strings.HasSuffix(p.AuthorBio, "@DrJJoyner.") {
		t.Errorf("Author = %q, AuthorBio = %q", p.Author, p.AuthorBio)
	}
	checkWordPressTopics(t, p)
	checkWordPressBody(t, p)
	checkWordPressComments(t, p)
	checkWordPressVotes(t, p)
	checkMarkerLines(t, data, p)
}

func checkWordPressTopics(t *testing.T, p *model.Post) {
	t.Helper()
	want := []model.Topic{
		{Name: "National Security", Slug: "national-security"},
		{Name: "Science & Technology", Slug: "science-technology"},
		{Name: "The Presidency", Slug: "the-presidency"},
		{Name: "US Politics", Slug: "us-politics"},
	}
	if len(p.Topics) != len(want) {
		t.Fatalf("Topics = %+v, want %+v", p.Topics, want)
	}
	for i := range want {
		if p.Topics[i] != want[i] {
			t.Errorf("Topics[%d] = %+v, want %+v", i, p.Topics[i], want[i])
		}
	}
}

func checkWordPressBody(t *testing.T, p *model.Post) {
	t.Helper()
	if len(p.Body) != 24 || p.Body[0].Text != "Lock them up." || !strings.HasPrefix(p.Body[23].Text, "Beyond that,") {
		t.Fatalf("Body: %d blocks, first %q", len(p.Body), p.Body[0].Text)
	}
	for _, b := range p.Body {
		for _, bad := range []string{"FILED UNDER", "About James Joyner", "James Joyner", "Comments", "mattbernius"} {
			if strings.HasPrefix(b.Text, bad) {
				t.Errorf("body holds %q: %q", bad, b.Text)
			}
		}
	}
	// The one related item is the WaPo analysis the post names with
	// "titled “…”"; "(D-Md.)" is no mention.
	wantRelated := []model.RelatedItem{{Kind: model.RelatedCited, Outlet: "Washington Post",
		Title: "The Cybersecurity 202: Kushner’s WhatsApp habit raises security concerns"}}
	if len(p.Sections) != 0 || !reflect.DeepEqual(p.Related, wantRelated) {
		t.Errorf("Sections = %+v, Related = %+v; want none and %+v", p.Sections, p.Related, wantRelated)
	}
}

func checkWordPressComments(t *testing.T, p *model.Post) {
	t.Helper()
	if len(p.Comments) != 38 {
		t.Fatalf("len(Comments) = %d, want 38", len(p.Comments))
	}
	authors := map[int]string{1: "mattbernius", 2: "An Interested Party", 5: "Daryl and his brother Darryl",
		24: "Daryl and his brother Darryl", 25: "Daryl and his brother Darryl", 31: "de stijl", 33: "de stijl",
		34: "An Interested Party", 38: "Matt"}
	for i, c := range p.Comments {
		if c.Number != i+1 {
			t.Errorf("comment at %d numbered %d", i, c.Number)
		}
		if want, ok := authors[c.Number]; ok && c.Author != want {
			t.Errorf("comment %d author %q, want %q", c.Number, c.Author, want)
		}
		for _, b := range c.Body {
			if _, isVote := voteCount(b.Text); isVote || b.Kind != model.Paragraph {
				t.Errorf("comment %d: block %q (%s) should not be in the body", c.Number, b.Text, b.Kind)
			}
		}
	}
	if l := p.Comments[0].Links; len(l) != 1 || l[0] != "https://thebulwark.com/the-crown-prince-of-trumpistan/" {
		t.Errorf("comment 1 links = %v", l)
	}
	if got := p.Comments[27].Body[0].Text; got != "@Daryl and his brother Darryl: Stephen Moore nominated to the Fed?!?!?!" {
		t.Errorf("comment 28 first paragraph = %q, want it intact", got)
	}
	if got := p.Comments[29].Body; !strings.HasPrefix(got[len(got)-1].Text, "Good governance") {
		t.Errorf("comment 30 ends %q", got[len(got)-1].Text)
	}
	if got := p.Comments[30].Body[0].Text; !strings.HasPrefix(got, "This is just going to be") {
		t.Errorf("comment 31 starts %q (vote swallowed?)", got)
	}
	if p.Comments[0].Line != 58 || p.Comments[37].Line != 398 {
		t.Errorf("Line of comments 1, 38 = %d, %d; want 58, 398", p.Comments[0].Line, p.Comments[37].Line)
	}
}

func checkWordPressVotes(t *testing.T, p *model.Post) {
	t.Helper()
	// 38 ends with a lone "1" paragraph, which by the rule is its vote count.
	want := map[int]int{1: 11, 2: 24, 3: 18, 5: 4, 29: 1, 31: 5, 38: 1, 30: -1, 35: -1, 36: -1, 37: -1}
	for n, v := range want {
		c := p.Comments[n-1]
		switch {
		case v < 0 && c.Votes != nil:
			t.Errorf("comment %d votes = %d, want none", n, *c.Votes)
		case v >= 0 && (c.Votes == nil || *c.Votes != v):
			t.Errorf("comment %d votes = %v, want %d", n, c.Votes, v)
		}
	}
}
