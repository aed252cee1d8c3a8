package postfile

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/model"
)

// badInputs are dumps Parse must reject, with a fragment of the message.
var badInputs = []struct {
	name, data, want string
}{
	{"empty", "", "empty"},
	{"whitespace only", " \n\t\r\n  \n", "empty"},
	{"BOM only", "\xef\xbb\xbf\n", "empty"},
	{"NUL bytes", "Title\n\nbody\x00\x00\x01", ":3: NUL"},
	{"binary", "Title\n" + strings.Repeat("\x01\x02\x03\x1b", 30), "binary"},
	{"invalid UTF-8", "Title\n\nbody \xff\xfe here\n", ":3: invalid UTF-8"},
	{"no title, date only", "Saturday, May 27, 2017\n\n", "no recognisable title"},
	{"no title, no letters", "----\n\n1234\n", ":1: no recognisable title"},
	{"no title, comments only", "  1. Bob says:\n\n    hi\n", ":1: no recognisable title"},
	{"comment marker with no body", "Title\n\nBody.\n\nComments\n\n  1. Bob says:\n  2. Ann says:\n\n    Hi\n", ":7: comment 1 has no body"},
	{"last comment with no body", "Title\n\nBody.\n\nAnonymous said...\n\nHi.\n\nBob said...\n\n\n", ":9: comment 2 has no body"},
	{"comment numbers going back", "Title\n\nBody.\n\n  2. Bob says:\n\n    a\n  1. Ann says:\n\n    b\n", ":8: comment 1 follows comment 2"},
}

func TestParseBadInput(t *testing.T) {
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("bad.txt", []byte(tc.data))
			if err == nil {
				t.Fatalf("Parse = %+v, want an error", p)
			}
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("error %q does not wrap model.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), "bad.txt") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to name bad.txt and contain %q", err, tc.want)
			}
		})
	}
}

// TestParseLineEnds checks that CRLF, lone CR, a BOM and tab indentation
// parse exactly like the plain LF dump.
func TestParseLineEnds(t *testing.T) {
	for _, seed := range []string{bloggerSeed, wordpressSeed} {
		data := readSeed(t, seed)
		want, err := Parse(seed, data)
		if err != nil {
			t.Fatal(err)
		}
		variants := map[string][]byte{
			"CRLF":    bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")),
			"CR":      bytes.ReplaceAll(data, []byte("\n"), []byte("\r")),
			"BOM":     append([]byte("\xef\xbb\xbf"), data...),
			"tabs":    bytes.ReplaceAll(data, []byte("\n    "), []byte("\n\t")),
			"all":     append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\n    "), []byte("\n\t")), []byte("\n"), []byte("\r\n"))...),
			"no tail": bytes.TrimRight(data, "\n"),
		}
		for name, v := range variants {
			got, err := Parse(seed, v)
			if err != nil {
				t.Errorf("%s %s: %v", seed, name, err)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: parse differs from the LF dump", seed, name)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	day := time.Date(2017, 5, 27, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"Saturday, May 27, 2017", "May 27, 2017", "2017-05-27", "27 May 2017",
		"Sat, May 27, 2017", "May 27 2017", "saturday, may 27, 2017", "  May  27,  2017 ", "2017/05/27"} {
		if got, ok := parseDate(s); !ok || !got.Equal(day) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", s, got, ok, day)
		}
	}
	for _, s := range []string{"", "May 2017", "Saturday", "2017", "Did Jared Kushner Want A Channel?", "check the link here", "D-Md."} {
		if got, ok := parseDate(s); ok {
			t.Errorf("parseDate(%q) = %v, want no date", s, got)
		}
	}
}

func TestParseHeaderShapes(t *testing.T) {
	tests := []struct {
		data, title string
		date        string
	}{
		{"2017-05-27\n\nA Title Here\n\nBody.\n", "A Title Here", "2017-05-27"},
		{"A Title Here\nMay 27, 2017\n\nBody.\n", "A Title Here", "2017-05-27"},
		{"\n\n  A   Title  Here  \n\nBody.\n", "A Title Here", ""},
	}
	for _, tc := range tests {
		p, err := Parse("h.txt", []byte(tc.data))
		if err != nil {
			t.Fatalf("%q: %v", tc.data, err)
		}
		got := ""
		if p.DateFromDump {
			got = p.Published.Format("2006-01-02")
		}
		if p.Title != tc.title || got != tc.date || len(p.Body) != 1 || p.Body[0].Text != "Body." {
			t.Errorf("%q: title %q date %q body %+v", tc.data, p.Title, got, p.Body)
		}
	}
}

func TestSourceHeadline(t *testing.T) {
	tests := []struct {
		text, outlet string
	}{
		{"Washington Post: Russian ambassador told Moscow that Kushner wanted secret communications channel with Kremlin", "Washington Post"},
		{"Reuters: Syria talks collapse again", "Reuters"},
		{"The New York Times: Kushner Is Said to Have Discussed a Secret Channel", "The New York Times"},
		{"WNU Editor: This is not the first time that the Washington Post (and the same reporters) are pushing a story", ""},
		{"Russian Ambassador Sergey Kislyak and President Donald Trump at the White House last week. Photo Credit: @RusEmbUSA", ""},
		{"Update: The more that I think about this", ""},
		{"Reuters: Too short", ""},
		{"Washington Post: a two-line\nheadline is not one", ""},
	}
	for _, tc := range tests {
		it, ok := sourceHeadline(tc.text)
		if ok != (tc.outlet != "") || it.Outlet != tc.outlet {
			t.Errorf("sourceHeadline(%.50q) = %+v, %v; want outlet %q", tc.text, it, ok, tc.outlet)
		}
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		text         string
		title, label string // label: outlet or date
	}{
		{"Old news .... Lawyer: Kushner ‘has no recollection’ of reported undisclosed Russian contacts (Politico). LOL.",
			"Lawyer: Kushner ‘has no recollection’ of reported undisclosed Russian contacts", "Politico"},
		{"right now .... U.S. And Russia Are Not Hindering Each Other Over The Skies Of Syria (May 24, 2017). As for",
			"U.S. And Russia Are Not Hindering Each Other Over The Skies Of Syria", "2017-05-24"},
		{"Then Amb. Kislyak Meets Flynn Again At Trump Tower (CNN)", "Then Amb. Kislyak Meets Flynn Again At Trump Tower", "CNN"},
		{"He left. Trump Praises Putin Again In Helsinki (The New York Times)", "Trump Praises Putin Again In Helsinki", "The New York Times"},
		{"The back channels of the early 1970s (check the link here). This is", "", ""},
		{"This time, it’s presidential adviser and son-in-law Jared Kushner who’s in Congress’s crosshairs for using the messaging tool WhatsApp – including, possibly, communicating with world leaders on the app — according to a Thursday letter to the White House from House Oversight Committee Chairman Elijah Cummings (D-Md.).", "", ""},
		{"Senator Says No (R-Texas)", "", ""},
		{"It is. Too Short (Reuters)", "", ""},
		{"he said something quite long here (Reuters)", "", ""},
		{"An Interesting Story About Things (UPDATED)", "", ""},
		{"A story about something in the news (Photos)", "", ""},
	}
	for _, tc := range tests {
		got := appendTextMentions(nil, tc.text)
		if tc.title == "" {
			if len(got) != 0 {
				t.Errorf("%.50q: mentions %+v, want none", tc.text, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Errorf("%.50q: mentions %+v, want one", tc.text, got)
			continue
		}
		label := got[0].Outlet
		if label == "" {
			label = got[0].Published.Format("2006-01-02")
		}
		if got[0].Title != tc.title || label != tc.label || got[0].Kind != model.RelatedMention {
			t.Errorf("%.50q: mention %q (%s), want %q (%s)", tc.text, got[0].Title, label, tc.title, tc.label)
		}
	}
}

func TestParseList(t *testing.T) {
	data := "T\n\nBody text.\n\nMore News On Something\n\n" +
		"First Story -- Outlet One\n" +
		"Second Story — Outlet Two https://two.example/story.\n" +
		"Third Story – Outlet Three\n" +
		"https://three.example/a_(b)\n" +
		"\nFourth Story -- Outlet Four\n\n" +
		"A closing paragraph.\n"
	p, err := Parse("l.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.RelatedItem{
		{Kind: model.RelatedList, Title: "First Story", Outlet: "Outlet One"},
		{Kind: model.RelatedList, Title: "Second Story", Outlet: "Outlet Two", URL: "https://two.example/story"},
		{Kind: model.RelatedList, Title: "Third Story", Outlet: "Outlet Three", URL: "https://three.example/a_(b)"},
		{Kind: model.RelatedList, Title: "Fourth Story", Outlet: "Outlet Four"},
	}
	if !reflect.DeepEqual(p.Related, want) {
		t.Errorf("Related = %+v\nwant %+v", p.Related, want)
	}
	if len(p.Body) != 2 || p.Body[1].Text != "A closing paragraph." {
		t.Errorf("Body = %+v", p.Body)
	}
	if len(p.Links) != 2 {
		t.Errorf("Links = %v", p.Links)
	}
}

func TestParseSectionsAndLinks(t *testing.T) {
	data := "T\n\nIntro, see https://a.example/x.\n\nUPDATE #2: second (https://b.example/y)\n\nMore of it,\nover two lines.\n\n" +
		"Update:\n\nThird.\n\nUpdate 4: fourth https://a.example/x\n"
	p, err := Parse("s.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Section{
		{Label: "Update #2", Body: []model.Block{{Kind: model.Paragraph, Text: "second (https://b.example/y)"},
			{Kind: model.Paragraph, Text: "More of it,\nover two lines."}}},
		{Label: "Update", Body: []model.Block{{Kind: model.Paragraph, Text: "Third."}}},
		{Label: "Update #4", Body: []model.Block{{Kind: model.Paragraph, Text: "fourth https://a.example/x"}}},
	}
	if !reflect.DeepEqual(p.Sections, want) {
		t.Errorf("Sections = %+v\nwant %+v", p.Sections, want)
	}
	if wantLinks := []string{"https://a.example/x", "https://b.example/y"}; !reflect.DeepEqual(p.Links, wantLinks) {
		t.Errorf("Links = %v, want %v", p.Links, wantLinks)
	}
}

func TestParseCommentMarkers(t *testing.T) {
	data := "T\n\nShe wrote it down.\n\nHe said...\n\nAnd here is what Putin said...\n\nThe president said...\n\nAnd nothing more.\n\n5 comments:\n\n" +
		"Jane Q. Public said...\nFirst line.\n\n42\n\nbob said…\n\n7\n"
	p, err := Parse("m.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Body) != 5 || p.Body[1].Text != "He said..." || p.Body[2].Text != "And here is what Putin said..." {
		t.Errorf("Body = %+v; sentences ending \"said...\" are not markers", p.Body)
	}
	if len(p.Comments) != 2 {
		t.Fatalf("Comments = %+v", p.Comments)
	}
	c1, c2 := p.Comments[0], p.Comments[1]
	if c1.Author != "Jane Q. Public" || c1.Votes == nil || *c1.Votes != 42 || c1.Body[0].Text != "First line." || c1.Line != 15 {
		t.Errorf("comment 1 = %+v", c1)
	}
	if c2.Author != "bob" || c2.Number != 2 || c2.Votes != nil || len(c2.Body) != 1 || c2.Body[0].Text != "7" {
		t.Errorf("comment 2 = %+v: a lone number is its body", c2)
	}
}

func TestTrimURL(t *testing.T) {
	tests := map[string]string{
		"see https://x.example/a.":                "https://x.example/a",
		"(https://x.example/a)":                   "https://x.example/a",
		"https://en.wikipedia.org/wiki/A_(b)":     "https://en.wikipedia.org/wiki/A_(b)",
		"“https://x.example/q?a=1&b=2”, he said":  "https://x.example/q?a=1&b=2",
		"https:// nothing":                        "",
		"http://x.example/ and http://x.example/": "http://x.example/",
	}
	for in, want := range tests {
		if got := appendURLs(nil, map[string]bool{}, in); (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			t.Errorf("URLs of %q = %v, want %q", in, got, want)
		}
	}
}

func TestParseCommentsHeadings(t *testing.T) {
	for _, heading := range []string{"Comments", "38 Responses", "2 Responses to “T”", "2 comments:", "Replies"} {
		for _, sep := range []string{"\n\n", "\n"} {
			data := "T\n\nBody.\n\n" + heading + sep + "  1. Ann says:\n\n    Hi.\n\n    3\n  2. Bob says:\n    Yo.\n"
			p, err := Parse("c.txt", []byte(data))
			if err != nil {
				t.Fatalf("%q: %v", data, err)
			}
			if len(p.Body) != 1 || len(p.Comments) != 2 || *p.Comments[0].Votes != 3 || p.Comments[1].Body[0].Text != "Yo." {
				t.Errorf("%q: body %+v comments %+v", data, p.Body, p.Comments)
			}
		}
	}
}

// TestParseOtherBloggerPost parses a Blogger-style post unlike the seed:
// two summarised sources, no date line, an update, a list with URLs.
func TestParseOtherBloggerPost(t *testing.T) {
	data := "Syria Talks Collapse Again\n\n" +
		"Reuters: Syria peace talks collapse as delegations walk out\n\nThe talks ended early.\n\nRead more ....\n\n" +
		"Al Jazeera: Opposition blames Damascus for failed Geneva round\n\nBoth sides traded blame.\n\nRead more ....\n\n" +
		"WNU Editor: Nobody expected anything else from this round of talks in Geneva, and the delegations knew it.\n\n" +
		"Update: Russia Calls For New Round (TASS).\n\n" +
		"More news on the talks:\n\nTalks stall -- BBC\nhttps://bbc.example/1\n\n\n" +
		"Anonymous said...\n\nAs expected.\n\nsome reader said...\n\nIndeed https://x.example/y.\n"
	p, err := Parse("other.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.RelatedItem{
		{Kind: model.RelatedSource, Outlet: "Reuters", Title: "Syria peace talks collapse as delegations walk out"},
		{Kind: model.RelatedSource, Outlet: "Al Jazeera", Title: "Opposition blames Damascus for failed Geneva round"},
		{Kind: model.RelatedMention, Outlet: "TASS", Title: "Russia Calls For New Round"},
		{Kind: model.RelatedList, Outlet: "BBC", Title: "Talks stall", URL: "https://bbc.example/1"},
	}
	if !reflect.DeepEqual(p.Related, want) {
		t.Errorf("Related = %+v\nwant %+v", p.Related, want)
	}
	if p.DateFromDump || len(p.Body) != 7 || len(p.Sections) != 1 || len(p.Comments) != 2 {
		t.Fatalf("date %v, %d body blocks, %d sections, %d comments", p.DateFromDump, len(p.Body), len(p.Sections), len(p.Comments))
	}
	if c := p.Comments[1]; c.Author != "some reader" || c.Number != 2 || len(c.Links) != 1 || c.Links[0] != "https://x.example/y" {
		t.Errorf("comment 2 = %+v", c)
	}
}

// TestParseOtherWordPressPost parses a WordPress-style post without topics,
// whose author block and comment heading differ from the seed's.
func TestParseOtherWordPressPost(t *testing.T) {
	data := "A Post About Things\n\nFirst paragraph.\n\nSecond, with https://a.example/p.\n\n" +
		"Jane Roe\nAbout Jane Roe\n\nJane Roe writes about things.\n\n" +
		"3 Responses to “A Post About Things”\n\n" +
		"  1. de stijl says:\n\n    Hmm.\n\n    2\n" +
		"  2. Daryl and his brother Darryl says:\n\n    @de stijl: Hmm.\n" +
		"  4. X says:\n\n    5\n"
	p, err := Parse("wp.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if p.Author != "Jane Roe" || p.AuthorBio != "Jane Roe writes about things." || len(p.Topics) != 0 {
		t.Errorf("author %q bio %q topics %v", p.Author, p.AuthorBio, p.Topics)
	}
	if len(p.Body) != 2 || len(p.Links) != 1 {
		t.Errorf("body %+v links %v", p.Body, p.Links)
	}
	nums := []int{1, 2, 4}
	for i, c := range p.Comments {
		if c.Number != nums[i] {
			t.Errorf("comment %d numbered %d, want the printed %d", i, c.Number, nums[i])
		}
	}
	if c := p.Comments[2]; c.Votes != nil || c.Body[0].Text != "5" {
		t.Errorf("comment 4 = %+v: a lone number is its body", c)
	}
}

func TestTitledMentions(t *testing.T) {
	tests := []struct{ text, title, outlet string }{
		{"The only story was a WaPo analysis piece by Joseph Marks titled “The Cybersecurity 202: Kushner’s WhatsApp habit raises security concerns” that required scrolling.",
			"The Cybersecurity 202: Kushner’s WhatsApp habit raises security concerns", "Washington Post"},
		{`Reuters ran a story headlined "Fed holds rates steady as inflation cools" this morning.`,
			"Fed holds rates steady as inflation cools", "Reuters"},
		{`My friend wrote a post titled "Ten things" once.`, "", ""}, // too short a headline
		{`A piece entitled “Why the Senate stalled on the budget bill” ran somewhere.`,
			"Why the Senate stalled on the budget bill", ""},
	}
	for _, tt := range tests {
		got := appendTitled(nil, []model.Block{{Kind: model.Paragraph, Text: tt.text}})
		if tt.title == "" {
			if len(got) != 0 {
				t.Errorf("%q: got %+v, want nothing", tt.text, got)
			}
			continue
		}
		if len(got) != 1 || got[0].Title != tt.title || got[0].Outlet != tt.outlet || got[0].Kind != model.RelatedCited {
			t.Errorf("%q: got %+v, want %q from %q", tt.text, got, tt.title, tt.outlet)
		}
	}
}
