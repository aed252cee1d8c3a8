package postfile

import (
	"regexp"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// titledRE finds a quoted headline introduced by "titled", "headlined" or
// "entitled": …a WaPo analysis piece by Joseph Marks titled “The
// Cybersecurity 202: …”.
var titledRE = regexp.MustCompile(`(?i)\b(?:en)?titled\s*[:,]?\s*[“"]([^”"]{8,300})[”"]|\bheadlined\s*[:,]?\s*[“"]([^”"]{8,300})[”"]`)

// outletAliases are the short names bloggers use for outlets.
var outletAliases = map[string]string{
	"wapo": "Washington Post", "washington post": "Washington Post",
	"nyt": "New York Times", "nytimes": "New York Times", "new york times": "New York Times",
	"wsj": "Wall Street Journal", "wall street journal": "Wall Street Journal",
	"ap": "Associated Press", "associated press": "Associated Press",
	"reuters": "Reuters", "politico": "Politico", "cnn": "CNN", "bbc": "BBC", "npr": "NPR",
	"fox": "FOX News", "fox news": "FOX News", "abc": "ABC News", "abc news": "ABC News",
	"nbc": "NBC News", "nbc news": "NBC News", "cbs": "CBS News", "cbs news": "CBS News",
	"usa today": "USA Today", "guardian": "The Guardian", "the guardian": "The Guardian",
	"bloomberg": "Bloomberg", "axios": "Axios", "the hill": "The Hill", "ft": "Financial Times",
	"financial times": "Financial Times", "economist": "The Economist", "atlantic": "The Atlantic",
	"new yorker": "The New Yorker", "daily beast": "The Daily Beast", "huffpost": "HuffPost",
	"buzzfeed": "BuzzFeed News", "vox": "Vox", "slate": "Slate", "bulwark": "The Bulwark",
}

// appendTitled appends the headlines a paragraph names with "titled “…”"
// (as RelatedCited: the pieces the post discusses), with the outlet when
// the words just before name one.
func appendTitled(dst []model.RelatedItem, blocks []model.Block) []model.RelatedItem {
	for _, b := range blocks {
		for _, m := range titledRE.FindAllStringSubmatchIndex(b.Text, -1) {
			start, end := m[2], m[3]
			if start < 0 {
				start, end = m[4], m[5]
			}
			title := strings.TrimSpace(b.Text[start:end])
			if wordCount(title) < minTitleWords || !headlineStart(title) {
				continue
			}
			dst = append(dst, model.RelatedItem{Kind: model.RelatedCited, Title: title,
				Outlet: outletBefore(b.Text[:m[0]])})
		}
	}
	return dst
}

// outletBefore looks through the dozen words before a "titled" for an
// outlet's name or usual short name.
func outletBefore(s string) string {
	words := strings.Fields(s)
	words = words[max(0, len(words)-12):]
	for n := 3; n >= 1; n-- { // longest names first
		for i := len(words) - n; i >= 0; i-- {
			phrase := strings.ToLower(strings.Trim(strings.Join(words[i:i+n], " "), ".,;:\"“”"))
			phrase = strings.TrimSuffix(strings.TrimSuffix(phrase, "’s"), "'s")
			if name, ok := outletAliases[phrase]; ok {
				return name
			}
		}
	}
	return ""
}
