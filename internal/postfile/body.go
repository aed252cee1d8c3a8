package postfile

import (
	"strconv"
	"strings"

	"github.com/newswire/newswire/internal/model"
)

// block is a run of non-blank text lines of the post.
type block struct {
	line  int
	lines []string
}

// text joins the block's lines with "\n".
func (b block) text() string { return strings.Join(b.lines, "\n") }

// parsePost fills in the post's body, sections, topics, author, related
// coverage and links from the lines between the title and the comments.
func parsePost(lines []line, p *model.Post) {
	meta := markMeta(lines, p)
	blocks := buildBlocks(lines, meta)
	b := &bodyBuilder{post: p, section: -1}
	for i := 0; i < len(blocks); i++ {
		i = b.add(blocks, i)
	}
	related := findSources(p.Body)
	related = appendMentions(related, p.Body)
	related = appendTitled(related, p.Body)
	for _, s := range p.Sections {
		related = appendMentions(related, s.Body)
		related = appendTitled(related, s.Body)
	}
	related = append(related, b.list...)
	p.Related = dedupRelated(related)
	p.Links = postLinks(p, b.list)
}

// buildBlocks groups the non-meta lines into blank-line separated blocks.
func buildBlocks(lines []line, meta []bool) []block {
	var out []block
	var cur *block
	for i, l := range lines {
		if l.text == "" || meta[i] {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, block{line: l.num})
			cur = &out[len(out)-1]
		}
		cur.lines = append(cur.lines, l.text)
	}
	return out
}

// bodyBuilder distributes blocks over the body, the update sections and the
// related-news list.
type bodyBuilder struct {
	post    *model.Post
	section int // index of the open section, or -1
	list    []model.RelatedItem
}

// add consumes blocks[i] (and, for a list, the blocks after it) and returns
// the index of the last block consumed.
func (b *bodyBuilder) add(blocks []block, i int) int {
	blk := blocks[i]
	if isListHeading(blk.lines[0]) {
		if items := blk.lines[1:]; len(items) > 0 && anyListLine(items) {
			b.section = -1
			b.addList(items)
			return b.continueList(blocks, i+1) - 1
		}
		if len(blk.lines) == 1 && i+1 < len(blocks) && anyListLine(blocks[i+1].lines) {
			b.section = -1
			b.addList(blocks[i+1].lines)
			return b.continueList(blocks, i+2) - 1
		}
	}
	text := blk.text()
	if label, rest, ok := updateLabel(text); ok {
		b.post.Sections = append(b.post.Sections, model.Section{Label: label, Body: []model.Block{}})
		b.section = len(b.post.Sections) - 1
		if rest != "" {
			b.paragraph(rest)
		}
		return i
	}
	b.paragraph(text)
	return i
}

// continueList adds the blocks from i on that consist only of list lines
// and returns the index of the first block that does not.
func (b *bodyBuilder) continueList(blocks []block, i int) int {
	for ; i < len(blocks); i++ {
		for _, l := range blocks[i].lines {
			if _, ok := parseListLine(l); !ok && !isURLLine(l) {
				return i
			}
		}
		b.addList(blocks[i].lines)
	}
	return i
}

// paragraph appends text to the open section, or to the body.
func (b *bodyBuilder) paragraph(text string) {
	blk := model.Block{Kind: model.Paragraph, Text: text}
	if b.section >= 0 {
		s := &b.post.Sections[b.section]
		s.Body = append(s.Body, blk)
		return
	}
	b.post.Body = append(b.post.Body, blk)
}

// addList adds list lines: "Title -- Outlet [URL]" items, URL lines that
// belong to the item before them, and bare titles.
func (b *bodyBuilder) addList(lines []string) {
	for _, l := range lines {
		if isURLLine(l) {
			if n := len(b.list); n > 0 && b.list[n-1].URL == "" {
				b.list[n-1].URL = firstURL(l)
			}
			continue
		}
		if it, ok := parseListLine(l); ok {
			b.list = append(b.list, it)
			continue
		}
		b.list = append(b.list, model.RelatedItem{Kind: model.RelatedList, Title: l})
	}
}

// listHeadings are the openings of a related-news list heading.
var listHeadings = []string{
	"more news on", "more news about", "more news:", "more on ", "related news",
	"related stories", "related coverage", "related links", "further reading", "more coverage",
	"other news on",
}

// isListHeading reports whether t introduces a related-news list.
func isListHeading(t string) bool {
	if wordCount(t) > 25 || strings.HasSuffix(t, ".") {
		return false
	}
	for _, h := range listHeadings {
		if hasPrefixFold(t, h) {
			return true
		}
	}
	return false
}

// anyListLine reports whether any of lines is a "Title -- Outlet" line.
func anyListLine(lines []string) bool {
	for _, l := range lines {
		if _, ok := parseListLine(l); ok {
			return true
		}
	}
	return false
}

// listSeparators split a list line's title from its outlet, best first.
var listSeparators = []string{" -- ", " — ", " – ", " - "}

// parseListLine parses "Title -- Outlet" with an optional trailing URL.
func parseListLine(t string) (model.RelatedItem, bool) {
	for _, sep := range listSeparators {
		i := strings.LastIndex(t, sep)
		if i <= 0 {
			continue
		}
		title := strings.TrimSpace(t[:i])
		outlet, url := splitOutletURL(strings.TrimSpace(t[i+len(sep):]))
		if title == "" || outlet == "" || wordCount(outlet) > 8 {
			return model.RelatedItem{}, false
		}
		return model.RelatedItem{Kind: model.RelatedList, Title: title, Outlet: outlet, URL: url}, true
	}
	return model.RelatedItem{}, false
}

// splitOutletURL splits "Outlet https://..." into the outlet and the URL.
func splitOutletURL(s string) (string, string) {
	i := indexURL(s)
	if i < 0 {
		return s, ""
	}
	outlet := strings.TrimRight(strings.TrimSpace(s[:i]), "([<")
	return strings.TrimSpace(outlet), firstURL(s[i:])
}

// updateLabel parses a paragraph opening "Update:" or "Update #N:" and
// returns the section label and the text after it.
func updateLabel(text string) (label, rest string, ok bool) {
	s, ok := cutPrefixFold(text, "update")
	if !ok {
		return "", "", false
	}
	s = strings.TrimLeft(s, " ")
	s = strings.TrimPrefix(s, "#")
	s = strings.TrimLeft(s, " ")
	digits := 0
	for digits < len(s) && digits < 6 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	num := s[:digits]
	s = strings.TrimLeft(s[digits:], " ")
	if !strings.HasPrefix(s, ":") {
		return "", "", false
	}
	label = "Update"
	if num != "" {
		n, _ := strconv.Atoi(num)
		label = "Update #" + strconv.Itoa(n)
	}
	return label, strings.TrimSpace(s[1:]), true
}

// dedupRelated drops repeated related items, keeping the first.
func dedupRelated(items []model.RelatedItem) []model.RelatedItem {
	seen := make(map[string]bool, len(items))
	out := items[:0]
	for _, it := range items {
		k := string(it.Kind) + "\x00" + it.Title + "\x00" + it.Outlet
		if !seen[k] {
			seen[k] = true
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// postLinks collects the bare URLs of the body, the sections and the list.
func postLinks(p *model.Post, list []model.RelatedItem) []string {
	var out []string
	seen := map[string]bool{}
	for _, b := range p.Body {
		out = appendURLs(out, seen, b.Text)
	}
	for _, s := range p.Sections {
		for _, b := range s.Body {
			out = appendURLs(out, seen, b.Text)
		}
	}
	for _, it := range list {
		out = appendURLs(out, seen, it.URL)
	}
	return out
}
