package thread

import (
	"reflect"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/model"
)

// wordpressParents are the expected replies of the WordPress seed; every
// other comment is a thread root.
var wordpressParents = map[int]int{
	7: 2, 9: 6, 10: 1, 12: 7, 13: 6, 14: 12, 16: 15, 18: 16, 19: 18, 20: 12,
	21: 18, 22: 6, 23: 21, 25: 6, 26: 25, 27: 17, 28: 24, 29: 20, 30: 27,
	32: 31, 33: 32, 34: 6, 36: 35, 37: 36, 38: 37,
}

func TestResolveWordPressParents(t *testing.T) {
	p := resolvedSeed(t, wordpressSeed)
	roots := 0
	for _, c := range p.Comments {
		want := wordpressParents[c.Number]
		if c.Parent != want {
			t.Errorf("comment %d (%s): parent %d, want %d", c.Number, c.Author, c.Parent, want)
		}
		if want == 0 {
			roots++
		}
	}
	if roots != 13 {
		t.Errorf("%d roots, want 13 (1-6, 8, 11, 15, 17, 24, 31, 35)", roots)
	}
	thread, err := p.Thread(35)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, c := range thread {
		nums = append(nums, c.Number)
	}
	if !reflect.DeepEqual(nums, []int{35, 36, 37, 38}) {
		t.Errorf("Thread(35) = %v, want [35 36 37 38]", nums)
	}
}

func TestResolveWordPressMentions(t *testing.T) {
	p := resolvedSeed(t, wordpressSeed)
	want := map[int]string{7: "An Interested Party", 26: "Daryl and his brother Darryl", 28: "Daryl and his brother Darryl",
		32: "de stijl", 23: "Monala", 1: "", 6: "", 24: ""}
	for n, name := range want {
		if got := p.Comments[n-1].Mention; got != name {
			t.Errorf("comment %d mention %q, want %q", n, got, name)
		}
	}
}

// quoteWant is one expected block of a resolved comment.
type quoteWant struct {
	comment, block int
	kind           model.BlockKind
	quotes         int
	prefix         string
}

func TestResolveWordPressQuotes(t *testing.T) {
	p := resolvedSeed(t, wordpressSeed)
	tests := []quoteWant{
		{2, 0, model.Quote, 0, "That this is not only outrageous"},
		{2, 1, model.Paragraph, 0, "As is so often the case"},
		{6, 0, model.Paragraph, 0, "Apples and oranges."},
		{6, 2, model.Quote, 3, "“Pfft, we can’t even keep count"},
		{6, 5, model.Quote, 0, "“Like Tom Nichols"},
		{6, 11, model.Quote, 0, "” Second, she was"},
		{7, 0, model.Paragraph, 0, "@An Interested Party:"},
		{7, 1, model.Quote, 2, "As is so often the case"},
		{7, 2, model.Paragraph, 0, "In fairness, it hasn’t"},
		{12, 0, model.Paragraph, 0, "@Kylopod:"},
		{12, 1, model.Quote, 7, "“In fairness, it hasn’t been discovered"},
		{12, 2, model.Paragraph, 0, "But was Trump born in Kenya?"},
		{14, 1, model.Quote, 12, "But was Trump born in Kenya?"},
		{14, 2, model.Paragraph, 0, "No, Jamaica."},
		{27, 1, model.Quote, 17, "I’m guessing ignorance"},
		{27, 3, model.Quote, 17, "This fits high crimes"},
		{27, 4, model.Paragraph, 0, "There’s literally no chance"},
		{28, 0, model.Paragraph, 0, "@Daryl and his brother Darryl:"},
		{28, 1, model.Quote, 24, "Stephen Moore nominated to the Fed?!?!?!"},
		{28, 2, model.Paragraph, 0, "For those who may have forgotten"},
		{26, 0, model.Paragraph, 0, "@Daryl and his brother Darryl: Moore is a partisan hack"},
		{37, 1, model.Quote, 36, "It was a secured email server."},
		{38, 0, model.Paragraph, 0, "@Andy: Where do you know"},
	}
	for _, tc := range tests {
		body := p.Comments[tc.comment-1].Body
		if tc.block >= len(body) {
			t.Errorf("comment %d has %d blocks, want block %d", tc.comment, len(body), tc.block)
			continue
		}
		b := body[tc.block]
		if b.Kind != tc.kind || b.QuotesComment != tc.quotes || !strings.HasPrefix(b.Text, tc.prefix) {
			t.Errorf("comment %d block %d = %s(%d) %.50q, want %s(%d) %q", tc.comment, tc.block, b.Kind, b.QuotesComment, b.Text, tc.kind, tc.quotes, tc.prefix)
		}
	}
	if got := p.Comments[27].Body[0].Text; got != "@Daryl and his brother Darryl:" {
		t.Errorf("comment 28 mention paragraph = %q", got)
	}
}

// TestResolveNoFalseQuotes checks that the commenters' own words in the
// WordPress seed stay paragraphs: only the known quotations are quotes.
func TestResolveNoFalseQuotes(t *testing.T) {
	p := resolvedSeed(t, wordpressSeed)
	quotes := map[int]int{2: 1, 6: 5, 7: 1, 12: 1, 13: 1, 14: 1, 20: 1, 22: 1, 27: 3, 28: 1, 37: 1}
	for _, c := range p.Comments {
		n := 0
		for _, b := range c.Body {
			if b.Kind == model.Quote {
				n++
			}
		}
		if n != quotes[c.Number] {
			t.Errorf("comment %d has %d quotes, want %d", c.Number, n, quotes[c.Number])
		}
	}
}

func TestResolveBlogger(t *testing.T) {
	p := resolvedSeed(t, bloggerSeed)
	for _, c := range p.Comments {
		if c.Parent != 0 || c.Mention != "" {
			t.Errorf("comment %d: parent %d mention %q, want a root", c.Number, c.Parent, c.Mention)
		}
		for _, b := range c.Body {
			if b.Kind != model.Paragraph {
				t.Errorf("comment %d: unexpected %s block %.40q", c.Number, b.Kind, b.Text)
			}
		}
	}
}

func TestResolveIdempotent(t *testing.T) {
	p := resolvedSeed(t, wordpressSeed)
	again := resolvedSeed(t, wordpressSeed)
	Resolve(again)
	if !reflect.DeepEqual(p, again) {
		t.Error("a second Resolve changed the post")
	}
}

func TestResolveUnknownMentionAndOrder(t *testing.T) {
	p := &model.Post{
		Title: "T",
		Body:  []model.Block{{Kind: model.Paragraph, Text: "The post says something rather long about things."}},
		Comments: []model.Comment{
			{Number: 1, Author: "Ann", Body: []model.Block{{Kind: model.Paragraph, Text: "@Bob: are you there?"}}},
			{Number: 2, Author: "Bob", Body: []model.Block{{Kind: model.Paragraph, Text: "@ann yes, right here."}}},
			{Number: 3, Author: "Ann Marie", Body: []model.Block{{Kind: model.Paragraph, Text: "@Bob, The post says something rather long"}}},
			{Number: 4, Author: "Cy", Body: []model.Block{{Kind: model.Paragraph, Text: "@Ann Marie: hi"}, {Kind: model.Paragraph, Text: "@Ann: hi"}}},
			{Number: 5, Author: "Dee", Body: []model.Block{{Kind: model.Paragraph, Text: "@Ann Mariette: hi"}}},
		},
	}
	Resolve(p)
	want := []struct {
		parent  int
		mention string
	}{{0, ""}, {1, "Ann"}, {2, "Bob"}, {3, "Ann Marie"}, {0, ""}}
	for i, w := range want {
		c := p.Comments[i]
		if c.Parent != w.parent || c.Mention != w.mention {
			t.Errorf("comment %d: parent %d mention %q, want %d %q", c.Number, c.Parent, c.Mention, w.parent, w.mention)
		}
	}
	if b := p.Comments[2].Body; len(b) != 2 || b[0].Text != "@Bob," || b[1].Kind != model.Quote || b[1].QuotesComment != 0 {
		t.Errorf("comment 3 body = %+v, want a quote of the post", b)
	}
	if b := p.Comments[3].Body; b[1].Kind != model.Paragraph {
		t.Errorf("comment 4 second paragraph = %+v: mentions count only at the start", b[1])
	}
}

func TestParseMention(t *testing.T) {
	names := []string{"Daryl", "Daryl and his brother Darryl", "de stijl", "CSK", "An Interested Party", "Matt", "mattbernius"}
	tests := []struct {
		text, name, rest string
	}{
		{"@Daryl and his brother Darryl: Stephen Moore nominated", "Daryl and his brother Darryl", "Stephen Moore nominated"},
		{"@Daryl: hi", "Daryl", "hi"},
		{"@Daryl and his friend: hi", "Daryl", "and his friend: hi"},
		{"@Daryl Smith: hi", "", ""},
		{"@Daryl @CSK: hi", "Daryl", "@CSK: hi"},
		{"@de stijl: This is kind of why", "de stijl", "This is kind of why"},
		{"@csk:\nYes", "CSK", "Yes"},
		{"  @An Interested Party:", "An Interested Party", ""},
		{"@mattbernius: read it", "mattbernius", "read it"},
		{"@Matt, where", "Matt", "where"},
		{"@Mattress: no", "", ""},
		{"@Nobody: no", "", ""},
		{"Daryl: no @", "", ""},
		{"@", "", ""},
	}
	for _, tc := range tests {
		name, rest, ok := parseMention(tc.text, names)
		if ok != (tc.name != "") || name != tc.name || rest != tc.rest {
			t.Errorf("parseMention(%q) = %q, %q, %v; want %q, %q", tc.text, name, rest, ok, tc.name, tc.rest)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"“In fairness, it hasn’t been discovered. Yet.”": "in fairness, it hasn't been discovered. yet",
		"” Second,   she was\ndeemed":                    "second, she was deemed",
		"Yup…egregious….":                                "yup...egregious",
		"Stephen Moore nominated to the Fed?!?!?!":       "stephen moore nominated to the fed",
		"@Andy:": "andy",
		"—–":     "",
	}
	for in, want := range tests {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

// parseMention resolves a leading "@NAME:" in text against the known
// commenter names. The longest name that text starts with (after the "@",
// ignoring case, ending at a word boundary) wins, so "@Daryl and his brother
// Darryl:" resolves to that name even when "Daryl" is also known. It returns
// the name as given in names (without surrounding white space) and the text
// after the name and its ":" or ",".
// A short "@NAME:" that is not a known name ("@Ann Mariette:" when only
// "Ann" is known) resolves to nothing.
func parseMention(text string, names []string) (name, rest string, ok bool) {
	var x nameIndex
	for _, n := range names {
		x.add(n)
	}
	return x.match(text)
}
