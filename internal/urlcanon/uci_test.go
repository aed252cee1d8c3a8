package urlcanon

import (
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/feedcheck"
)

// uciRow is the URL of a row of the UCI sample and its story cluster.
type uciRow struct{ url, story string }

// uciRows returns the URL and STORY columns of shared/data/uci-news-dev.csv,
// found above the working directory; the test is skipped without it
// (failed when CI is set).
func uciRows(t testing.TB) []uciRow {
	t.Helper()
	var out []uciRow
	for _, r := range feedcheck.SharedCSV(t, "data/uci-news-dev.csv", "URL", "STORY") {
		out = append(out, uciRow{r["URL"], r["STORY"]})
	}
	return out
}

// TestUCI canonicalises every URL of the UCI News Aggregator sample: no
// errors for http(s) URLs, valid https output, idempotence, and distinct
// links merged only within one story cluster.
func TestUCI(t *testing.T) {
	rows := uciRows(t)
	distinctRaw := map[string]bool{}
	byCanon := map[string][]uciRow{}
	checked := 0
	for _, row := range rows {
		u := row.url
		low := strings.ToLower(strings.TrimSpace(u))
		if !strings.HasPrefix(low, "http://") && !strings.HasPrefix(low, "https://") {
			continue
		}
		got, err := Canonical(u)
		if err != nil {
			t.Errorf("Canonical(%q): %v", u, err)
			continue
		}
		checkOutput(t, u, got)
		if strings.ContainsAny(got, `\#`) || strings.Contains(got, "&amp;") {
			t.Errorf("Canonical(%q) = %q keeps a feed artefact", u, got)
		}
		if !distinctRaw[u] {
			distinctRaw[u] = true
			byCanon[got] = append(byCanon[got], row)
		}
		checked++
	}
	if checked < len(rows)*9/10 {
		t.Errorf("only %d of %d URLs are http(s)", checked, len(rows))
	}
	merged := 0
	for c, group := range byCanon {
		if len(group) < 2 {
			continue
		}
		merged += len(group) - 1
		for _, r := range group[1:] {
			if r.story != group[0].story {
				t.Errorf("%s merges %s (story %s) and %s (story %s)", c, group[0].url, group[0].story, r.url, r.story)
			}
		}
	}
	t.Logf("%d URLs, %d distinct, %d distinct canonical (%d merged)", checked, len(distinctRaw), len(byCanon), merged)
}
