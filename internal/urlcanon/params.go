package urlcanon

import "strings"

// Query parameters removed by Canonical. Keys are compared case-blind
// after percent-decoding (ITO, CMP and WT.mc_id are the same as ito, cmp
// and wt.mc_id). Everything not listed is kept: a parameter that may name
// content (id, p, v, story_id, articleId, storyid, cid=12345, ...) must
// survive, because dropping it would merge different articles, while
// keeping a tracking parameter only costs a missed duplicate.

// trackingKeys are removed whatever their value.
var trackingKeys = setOf(
	// Ad-click and analytics identifiers.
	"fbclid", "gclid", "gclsrc", "dclid", "wbraid", "gbraid", "msclkid",
	"yclid", "twclid", "ttclid", "igshid", "li_fat_id", "mkt_tok", "_ga", "_gl",
	"_hsenc", "_hsmi", "hsctatracking", "vero_id", "vero_conv", "oly_enc_id",
	"oly_anon_id", "rb_clickid", "s_kwcid", "mc_cid", "mc_eid",
	"__twitter_impression", "action_object_map", "action_type_map",
	"action_ref_map", "pk_campaign", "pk_kwd", "pk_keyword", "pk_source",
	"pk_medium", "pk_content",
	// Referrer and campaign tags used by news sites.
	"ref", "ref_src", "ref_url", "referrer", "referer", "reflink", "oref",
	"cmpid", "cmp", "ncid", "ocid", "icid", "intcmp", "s_cid", "xtor",
	"sr_share", "partner", "tracking", "rss", "feedtype", "feedname", "spm",
	"share", "smid", "smtyp", "ito", "_r", "hpt", "ir", "ftag", "soc_src",
	"soc_trk", "mod", "feature", "guccounter", "odyssey", "wpisrc", "wpmm",
	"clienttype", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
	"ns_fee",
)

// trackingPrefixes start the keys of whole families of tracking parameters.
var trackingPrefixes = []string{
	"utm_",       // Google Analytics campaigns (utm_source, utm_hp_ref, ...)
	"itm_",       // internal campaigns
	"mtm_",       // Matomo
	"hmb_",       // Hearst
	"at_",        // AT Internet (BBC at_medium, at_campaign, at_custom1, ...)
	"wt.",        // Webtrends (WT.mc_id, WT.mc_ev, ...)
	"guce_",      // Yahoo consent redirects (guce_referrer, guce_referrer_sig)
	"ref_",       // ref_type, ref_source, ...
	"fb_",        // fb_action_ids, fb_source, fb_ref, ...
	"__twitter_", // __twitter_impression and friends
	"trk_",       // trk_contact, trk_msg, ...
	"cm_mmc",     // IBM Coremetrics
	"sc_cid",     // Adobe
	"_branch_",   // Branch deep links
	"mc_",        // Mailchimp (mc_cid, mc_eid, mc_tc)
	"__hs",       // HubSpot (__hstc, __hssc, __hsfp)
	"hsa_",       // HubSpot ads
}

// hostTrackingKeys are removed only on the named site (and its subdomains):
// elsewhere the same keys may carry content.
var hostTrackingKeys = map[string]map[string]bool{
	"washingtonpost.com": setOf("tid", "itid", "hpid", "wprss"),
	"marketwatch.com":    setOf("link", "siteid"),
	"wsj.com":            setOf("link"),
	"upi.com":            setOf("spt", "or"),
	"cnn.com":            setOf("iid", "iref", "sr"),
	"nytimes.com":        setOf("emc", "hp", "pagewanted", "smprod"),
	"reuters.com":        setOf("rpc"),
	"yahoo.com":          setOf(".tsrc"),
	"usatoday.com":       setOf("csp"),
}

// isTracking reports whether the parameter q of a URL on host is removed.
func isTracking(host string, q param) bool {
	k, _ := unescape(q.key, true, false)
	k = strings.ToLower(k)
	if trackingKeys[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	switch k {
	case "amp":
		// ?amp, ?amp=1 and ?amp=true ask for the AMP rendering.
		switch v := lowerValue(q.val); v {
		case "", "1", "true", "yes", "on":
			return true
		}
		return false
	case "outputtype":
		// Washington Post and others: ?outputType=amp.
		return lowerValue(q.val) == "amp"
	case "track":
		// ?track=rss is a tag; ?track=7 may be a music track.
		return !isDigits(q.val)
	case "cid", "source", "src", "from":
		// Content ids as often as channel tags: removed only when the
		// value names a channel (cid=rss, source=google_news, src=main).
		return channelValue(lowerValue(q.val))
	}
	for suffix, keys := range hostTrackingKeys {
		if keys[k] && (host == suffix || strings.HasSuffix(host, "."+suffix)) {
			return true
		}
	}
	return false
}

// lowerValue decodes and lower-cases a parameter value.
func lowerValue(v string) string {
	d, _ := unescape(v, true, false)
	return strings.ToLower(d)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// channelWords are values, or the first word of values, that name a
// distribution channel rather than content.
var channelWords = setOf(
	"", "rss", "feed", "feeds", "atom", "fb", "tw", "nl", "hp", "em", "sm",
	"sf", "ec", "li", "yt", "ig", "gn", "soc", "app", "ios", "web", "mob",
	"main", "top", "nav", "push", "mail", "home", "homepage",
)

// channelPrefixes begin the first word of values that name a channel:
// cid=rssentertainment, source=twitterfeed.
var channelPrefixes = []string{
	"rss", "feed", "atom", "twitter", "tweet", "facebook", "email",
	"newsletter", "social", "share", "sharing", "google", "yahoo", "msn",
	"aol", "bing", "partner", "syndicat", "widget", "promo", "campaign",
	"referral", "outbrain", "taboola", "flipboard", "linkedin", "reddit",
	"pinterest", "instagram", "whatsapp", "telegram", "alert", "mobile",
	"android", "iphone", "sidebar", "footer", "header", "related", "recirc",
	"trending", "dlvr", "hootsuite", "ifttt",
}

// channelValue reports whether a (lower-case, decoded) value names a
// channel: its first run of letters, which must start the value, is a
// channel word or starts with a channel prefix. Numbers and ids such as
// "12345" or "a1b2" are content.
func channelValue(v string) bool {
	if isHexID(v) {
		return false
	}
	n := 0
	for n < len(v) && 'a' <= v[n] && v[n] <= 'z' {
		n++
	}
	if n == 0 && v != "" {
		return false
	}
	word := v[:n]
	if channelWords[word] {
		// A lone short word followed by digits (sf12345, nl_20140310)
		// still names a channel; only "" needs the whole value empty.
		return word != "" || v == ""
	}
	for _, p := range channelPrefixes {
		if strings.HasPrefix(word, p) {
			return true
		}
	}
	return false
}

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// isHexID reports whether v looks like a hexadecimal id or UUID, whose
// first letters (fb, ec, feed) could otherwise pass for a channel word.
func isHexID(v string) bool {
	if len(v) < 8 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || c == '-') {
			return false
		}
	}
	return true
}
