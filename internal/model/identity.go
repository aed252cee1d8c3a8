package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
)

// maxSlugLen bounds slugs so URLs stay readable; slugs are cut at a word.
const maxSlugLen = 80

// Slugify turns a title or name into a readable URL path segment:
// lower-case ASCII letters and digits separated by single hyphens.
// Apostrophes vanish ("Kushner’s" → "kushners"), common accented Latin
// letters lose their accents, and anything else separates words. It returns
// fallback when nothing is left.
func Slugify(s, fallback string) string {
	var b strings.Builder
	pendingHyphen := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == 'ʼ':
			continue
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			r = unicode.ToLower(r)
		default:
			if folded, ok := foldLatin(r); ok {
				r = folded
			} else {
				pendingHyphen = b.Len() > 0
				continue
			}
		}
		if pendingHyphen {
			b.WriteByte('-')
			pendingHyphen = false
		}
		b.WriteRune(r)
	}
	slug := b.String()
	if len(slug) > maxSlugLen {
		slug = slug[:maxSlugLen]
		if i := strings.LastIndexByte(slug, '-'); i > maxSlugLen/2 {
			slug = slug[:i]
		}
		slug = strings.Trim(slug, "-")
	}
	if slug == "" {
		return fallback
	}
	return slug
}

// foldLatin maps common accented Latin letters to their ASCII base letter.
func foldLatin(r rune) (rune, bool) {
	const from = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ"
	const to = "aaaaaaceeeeiiiinoooooouuuuyyaaaaaaceeeeiiiinoooooouuuuy"
	i := 0
	for _, f := range from {
		if f == r {
			return rune(to[i]), true
		}
		i++
	}
	return 0, false
}

// ShortHash returns the first n hex digits of the SHA-256 of the parts,
// joined by a separator no part can contain.
func ShortHash(n int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if n > len(sum) {
		n = len(sum)
	}
	return sum[:n]
}

// NormalizeTitle folds a headline for identity comparisons: lower case,
// typographic quotes and dashes made plain, whitespace collapsed.
func NormalizeTitle(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(plainPunctuation.Replace(s)), " "))
}

// plainPunctuation makes typographic quotes and dashes plain.
var plainPunctuation = strings.NewReplacer("’", "'", "‘", "'", "“", "\"", "”", "\"", "–", "-", "—", "-")

// Tagger mints tag: URIs (RFC 4151) from content identity. Authority is a
// DNS name or e-mail address the operator controls and Date the day (or
// year) it was controlled; both are configuration and must stay fixed once
// feeds are published.
type Tagger struct {
	Authority string
	Date      string
}

func (t Tagger) tag(specific string) string {
	return "tag:" + t.Authority + "," + t.Date + ":" + specific
}

// Post returns the ID of the post with the given slug.
func (t Tagger) Post(slug string) string { return t.tag("post/" + slug) }

// Comment returns the ID of comment n of the post with the given ID.
func (t Tagger) Comment(postID string, n int) string {
	return postID + "/comment/" + strconv.Itoa(n)
}

// FeedComment returns the ID of a comment read from a comment feed: the
// post's ID and a hash of the comment's GUID, so it does not depend on
// the order comments arrive in.
func (t Tagger) FeedComment(postID, guid string) string {
	return postID + "/comment/g" + ShortHash(12, guid)
}

// RelatedItem returns the ID of a piece of coverage known only by outlet and
// headline (no GUID, no URL): a hash of both, normalised.
func (t Tagger) RelatedItem(outlet, title string) string {
	return t.tag("item/" + ShortHash(16, NormalizeTitle(outlet), NormalizeTitle(title)))
}

// Item returns the ID of a piece of coverage from its identity: the source
// and GUID when the source gives a GUID, else the canonical URL, else the
// outlet and normalised headline (see RelatedItem).
func (t Tagger) Item(sourceKey, guid, canonicalURL, outlet, title string) string {
	switch {
	case strings.TrimSpace(guid) != "":
		return t.tag("item/" + ShortHash(16, "guid", sourceKey, strings.TrimSpace(guid)))
	case canonicalURL != "":
		return t.tag("item/" + ShortHash(16, "url", canonicalURL))
	}
	return t.RelatedItem(outlet, title)
}

// Story returns the ID of a story started by the item with ID firstItemID.
func (t Tagger) Story(firstItemID string) string {
	return t.tag("story/" + ShortHash(16, firstItemID))
}

// StoryKey is the readable URL segment of a story started by an item: its
// headline's slug and a short hash of the story ID.
func StoryKey(storyID, title string) string {
	slug := Slugify(title, "story")
	if len(slug) > 60 {
		slug = strings.Trim(slug[:60], "-")
		if i := strings.LastIndexByte(slug, '-'); i > 30 {
			slug = slug[:i]
		}
	}
	return slug + "-" + ShortHash(8, storyID)
}

// Feed returns the ID of the feed served at path (for example
// "/posts/x/comments"), independent of the format it is served in.
func (t Tagger) Feed(path string) string { return t.tag("feed" + path) }
