package urlcanon

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// canonicalCases are real-world URL shapes and their canonical forms.
var canonicalCases = []struct {
	name, in, want string
}{
	// New York Times.
	{"nyt rss", "https://www.nytimes.com/2014/03/10/business/fed-plosser.html?partner=rss&emc=rss&smid=tw-nytimes&_r=0",
		"https://nytimes.com/2014/03/10/business/fed-plosser.html"},
	{"nyt amp", "https://www.nytimes.com/2019/01/01/us/politics/shutdown.amp.html",
		"https://nytimes.com/2019/01/01/us/politics/shutdown.html"},
	{"nyt mobile", "http://mobile.nytimes.com/2014/03/10/business/fed-plosser.html?hp",
		"https://nytimes.com/2014/03/10/business/fed-plosser.html"},
	// CNN.
	{"cnn index.html", "http://www.cnn.com/2014/03/10/politics/snowden-sxsw/index.html?hpt=hp_t2&iref=allsearch",
		"https://cnn.com/2014/03/10/politics/snowden-sxsw"},
	{"cnn edition", "http://edition.cnn.com/2014/03/10/world/europe/ukraine-crisis/index.html?iid=article_sidebar",
		"https://edition.cnn.com/2014/03/10/world/europe/ukraine-crisis"},
	// Fox News.
	{"fox intcmp", "http://www.foxnews.com/politics/2014/03/10/snowden-speaks.html?intcmp=latestnews",
		"https://foxnews.com/politics/2014/03/10/snowden-speaks.html"},
	{"fox amp", "https://www.foxnews.com/us/some-story.amp", "https://foxnews.com/us/some-story"},
	// BBC.
	{"bbc at_", "http://www.bbc.co.uk/news/world-europe-26516573?ocid=socialflow_twitter&at_medium=RSS&at_campaign=KARANGA",
		"https://bbc.co.uk/news/world-europe-26516573"},
	{"bbc mobile fragment", "http://m.bbc.co.uk/news/world-europe-26516573#sa-ns_mchannel=rss&ns_source=PublicRSS20-sa",
		"https://bbc.co.uk/news/world-europe-26516573"},
	// Reuters.
	{"reuters feed params", "http://uk.reuters.com/article/2014/03/11/uk-markets-sterling-idUKBREA060NG20140311?feedType=RSS&feedName=topNews&rpc=401",
		"https://uk.reuters.com/article/2014/03/11/uk-markets-sterling-idUKBREA060NG20140311"},
	{"reuters feedburner", "http://feeds.reuters.com/~r/Reuters/worldNews/~3/Q0vVg7GqC2A/story01.htm",
		"https://feeds.reuters.com/~r/Reuters/worldNews/~3/Q0vVg7GqC2A/story01.htm"},
	// Washington Post.
	{"wapo amp", "https://www.washingtonpost.com/news/the-switch/wp/2014/03/11/comcast/?outputType=amp",
		"https://washingtonpost.com/news/the-switch/wp/2014/03/11/comcast"},
	{"wapo tid", "http://www.washingtonpost.com/blogs/the-switch/wp/2014/03/10/snowden/?tid=hpModule_1728cf4a-8a79-11e2-98d9-3012c1cd8d1e",
		"https://washingtonpost.com/blogs/the-switch/wp/2014/03/10/snowden"},
	// Guardian.
	{"guardian CMP", "https://www.theguardian.com/world/2014/mar/10/snowden-sxsw?CMP=twt_gu",
		"https://theguardian.com/world/2014/mar/10/snowden-sxsw"},
	{"guardian amp host", "https://amp.theguardian.com/world/2014/mar/10/snowden-sxsw",
		"https://theguardian.com/world/2014/mar/10/snowden-sxsw"},
	// Google.
	{"google news url=", "http://news.google.com/news/url?sa=t&fd=R&ct2=us&usg=AFQjCNE&clid=c3a7d30bb8a4878e06b80cf16b898331&cid=52778&ei=abc&url=http://www.latimes.com/business/la-fi-x-20140310,0,1.story",
		"https://latimes.com/business/la-fi-x-20140310,0,1.story"},
	{"google news q=", "https://news.google.com/news/url?q=https%3A%2F%2Fwww.cnbc.com%2F2014%2F03%2F10%2Fx.html&sa=U",
		"https://cnbc.com/2014/03/10/x.html"},
	{"google search url=", "https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=1&url=https%3A%2F%2Fen.wikipedia.org%2Fwiki%2FGo_(programming_language)&usg=X",
		"https://en.wikipedia.org/wiki/Go_(programming_language)"},
	{"google.co.uk q=", "https://www.google.co.uk/url?q=http://www.bbc.co.uk/news/uk-123&sa=U&ved=0",
		"https://bbc.co.uk/news/uk-123"},
	{"google amp viewer", "https://www.google.com/amp/s/www.foxnews.com/politics/x.amp",
		"https://foxnews.com/politics/x"},
	{"google news article id", "https://news.google.com/rss/articles/CBMiSGh0dHBzOi8vd3d3LnJldXRlcnMuY29tL2FydGljbGUvdXMtdXNhLWZlZC1wbG9zc2VyLWlkVVNCUkVBMjkwWFoyMDE0MDMxMNIBAA?oc=5",
		"https://reuters.com/article/us-usa-fed-plosser-idUSBREA290XZ20140310"},
	{"amp cache", "https://www-theguardian-com.cdn.ampproject.org/c/s/amp.theguardian.com/world/2014/mar/10/snowden-sxsw",
		"https://theguardian.com/world/2014/mar/10/snowden-sxsw"},
	// FeedBurner and FeedPortal.
	{"feedproxy kept", "http://feedproxy.google.com/~r/TechCrunch/~3/AbC123/",
		"https://feedproxy.google.com/~r/TechCrunch/~3/AbC123"},
	{"feedsportal", "http://rss.feedsportal.com/c/34005/f/617036/s/318f908b/sc/5/l/0L0Smobile0Ereview0N0Carticles0C20A130Cbirulki0E2430Bshtml/story01.htm",
		"https://mobile-review.com/articles/2013/birulki-243.shtml"},
	{"feedburner utm", "http://www.hypebot.com/hypebot/2014/03/sxsw-music.html?utm_source=feedburner&utm_medium=feed&utm_campaign=Feed%3A+typepad%2FDqMf+(hypebot)",
		"https://hypebot.com/hypebot/2014/03/sxsw-music.html"},
	// Social redirectors.
	{"facebook l.php", "https://l.facebook.com/l.php?u=https%3A%2F%2Fwww.nytimes.com%2F2014%2F03%2F10%2Fus%2Fx.html%3Fsmid%3Dfb-share&h=AT0",
		"https://nytimes.com/2014/03/10/us/x.html"},
	{"facebook m l.php", "https://m.facebook.com/l.php?u=http%3A%2F%2Fedition.cnn.com%2F2014%2F03%2F10%2Fworld%2Fx%2Findex.html&h=x",
		"https://edition.cnn.com/2014/03/10/world/x"},
	{"tumblr", "https://t.umblr.com/redirect?z=https%3A%2F%2Fwww.theverge.com%2F2014%2F3%2F10%2Fx&t=abc",
		"https://theverge.com/2014/3/10/x"},
	{"reddit", "https://out.reddit.com/t3_abc?url=https%3A%2F%2Fwww.bbc.com%2Fnews%2Fworld-1&token=x&app_name=reddit.com",
		"https://bbc.com/news/world-1"},
	{"slack", "https://slack-redir.net/link?url=https%3A%2F%2Fwww.example.com%2Fstory", "https://example.com/story"},
	{"skimlinks", "http://go.redirectingat.com/?id=123X&xs=1&url=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB00X&sref=x",
		"https://amazon.com/dp/B00X"},
	{"bing ck", "https://www.bing.com/ck/a?!&&p=abc&ptn=3&u=a1aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vc3Rvcnk&ntb=1",
		"https://example.com/story"},
	{"nested google facebook", "https://news.google.com/news/url?url=https%3A%2F%2Fl.facebook.com%2Fl.php%3Fu%3Dhttps%253A%252F%252Fwww.bbc.co.uk%252Fnews%252Fworld-1%253Fat_medium%253DRSS%26h%3Dx",
		"https://bbc.co.uk/news/world-1"},
	// Yahoo.
	{"yahoo search RU", "https://r.search.yahoo.com/_ylt=AwrX;_ylu=X3/RV=2/RE=1/RO=10/RU=https%3a%2f%2fwww.reuters.com%2farticle%2fus-x-idUSKBN1%3ffeedType%3dRSS/RK=2/RS=abc-",
		"https://reuters.com/article/us-x-idUSKBN1"},
	{"yahoo guce", "https://news.yahoo.com/snowden-sxsw-123.html?guccounter=1&guce_referrer=aHR0cHM6Ly93d3cuZ29vZ2xlLmNvbS8&guce_referrer_sig=AQAAA&soc_src=social-sh&soc_trk=tw&.tsrc=fauxdal",
		"https://news.yahoo.com/snowden-sxsw-123.html"},
	// Other outlets of the UCI data.
	{"uci latimes \\?track=rss", `http://www.latimes.com/business/money/la-fi-mo-federal-reserve-plosser-stimulus-economy-20140310,0,1312750.story\?track=rss`,
		"https://latimes.com/business/money/la-fi-mo-federal-reserve-plosser-stimulus-economy-20140310,0,1312750.story"},
	{"uci msn &amp;", `http://money.msn.com/business-news/article.aspx\?feed=OBR&amp;date=20140310&amp;id=17419449`,
		"https://money.msn.com/business-news/article.aspx?date=20140310&feed=OBR&id=17419449"},
	{"uci &#39; in utm", `http://www.travelweekly.com/Travel-News/Airline-News/AA-and-JetBlue-end-ticketing-agreement/\?utm_source=feedburner&amp;utm_medium=feed&amp;utm_campaign=Feed%3A+TravelWeeklysTopStories+(Travel+Weekly&#39;s+Top+Stories)`,
		"https://travelweekly.com/Travel-News/Airline-News/AA-and-JetBlue-end-ticketing-agreement"},
	{"uci huffpost", `http://www.huffingtonpost.com/2014/03/10/mcdonalds-sales-winter_n_4933738.html\?utm_hp_ref=food&amp;ir=Food`,
		"https://huffingtonpost.com/2014/03/10/mcdonalds-sales-winter_n_4933738.html"},
	{"uci dailymail", `http://www.dailymail.co.uk/news/article-2578443/Interest-rate.html\?ITO=1490&amp;ns_mchannel=rss&amp;ns_campaign=1490`,
		"https://dailymail.co.uk/news/article-2578443/Interest-rate.html"},
	{"uci marketwatch", `http://www.marketwatch.com/story/feds-plosser-taper-pace-may-be-too-slow-2014-03-10\?reflink=MW_news_stmp`,
		"https://marketwatch.com/story/feds-plosser-taper-pace-may-be-too-slow-2014-03-10"},
	{"uci upi", `http://www.upi.com/Top_News/US/2014/03/10/Snowden/UPI-26521394479681/\?spt=rln&amp;or=5`,
		"https://upi.com/Top_News/US/2014/03/10/Snowden/UPI-26521394479681"},
	{"uci examiner cid=rss", `http://www.examiner.com/article/george-zimmerman-fails\?cid=rss`,
		"https://examiner.com/article/george-zimmerman-fails"},
	{"uci seekingalpha source", `http://seekingalpha.com/article/2076353-fannie-mae-hitting-10-soon\?source=google_news`,
		"https://seekingalpha.com/article/2076353-fannie-mae-hitting-10-soon"},
	{"uci menafn src", `http://www.menafn.com/5e7c7687-99d4-4a26-8428-f318c1fd8a78/Wall-Street-dips\?src=main`,
		"https://menafn.com/5e7c7687-99d4-4a26-8428-f318c1fd8a78/Wall-Street-dips"},
	{"uci abc story id kept", `http://abcnews.go.com/US/sheryl-sandberg-launches-ban-bossy-campaign/story\?id=22819181`,
		"https://abcnews.go.com/US/sheryl-sandberg-launches-ban-bossy-campaign/story?id=22819181"},
	{"uci westport index.php route", `http://www.westportnow.com/index.php\?/v2_5/comments/47738/`,
		"https://westportnow.com?/v2_5/comments/47738/"},
	{"uci base64 value", `http://www.ibtimes.co.in/video/\?video_id=NTM0MzU1fHwxNDcxfHx8fHx8MTZ8fA==&amp;video_tile=NSA+leaks%2C+Snowden`,
		"https://ibtimes.co.in/video?video_id=NTM0MzU1fHwxNDcxfHx8fHx8MTZ8fA==&video_tile=NSA+leaks%2C+Snowden"},
	{"uci latin-1 escape", "http://www.heraldnet.com/article/20140311/BIZ/140319834/Men%92s-Wearhouse",
		"https://heraldnet.com/article/20140311/BIZ/140319834/Men%92s-Wearhouse"},
	// Content ids survive.
	{"wordpress p", "http://blog.example.com/?p=123&utm_medium=rss", "https://blog.example.com?p=123"},
	{"youtube v", "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be", "https://youtube.com/watch?v=dQw4w9WgXcQ"},
	{"numeric cid kept", "http://example.com/view?cid=12345&utm_source=x", "https://example.com/view?cid=12345"},
	{"sorted query", "http://example.com/article.aspx?storyid=9&id=5&a=1&utm_source=x", "https://example.com/article.aspx?a=1&id=5&storyid=9"},
	{"index.php with query", "http://example.com/index.php?story_id=7", "https://example.com?story_id=7"},
	// Hosts, ports, user info.
	{"upper case", "HTTP://WWW.EXAMPLE.COM/Story", "https://example.com/Story"},
	{"root", "http://example.com/", "https://example.com"},
	{"port 80", "http://example.com:80/a", "https://example.com/a"},
	{"port 443", "https://example.com:443/a", "https://example.com/a"},
	{"port 8080 kept", "http://example.com:08080/a", "https://example.com:8080/a"},
	{"userinfo", "http://user:pass@www.example.com/x", "https://example.com/x"},
	{"trailing dot", "http://www.example.com./story/", "https://example.com/story"},
	{"idn", "http://www.BÜCHER.de/", "https://xn--bcher-kva.de"},
	{"idn cyrillic", "http://пример.рф/статья", "https://xn--e1afmkfd.xn--p1ai/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F"},
	{"ipv6", "http://[2001:DB8::1]:8080/x", "https://[2001:db8::1]:8080/x"},
	// Paths.
	{"dot segments and slashes", "http://example.com//a/./b/../c///", "https://example.com/a/c"},
	{"percent decoding", "http://example.com/%7euser/%41bc%2fdef/caf%c3%a9", "https://example.com/~user/Abc%2Fdef/caf%C3%A9"},
	{"raw unicode and space", "http://example.com/beyoncé a", "https://example.com/beyonc%C3%A9%20a"},
	{"bad escape", "http://example.com/100%/x", "https://example.com/100%25/x"},
	{"amp suffix", "https://example.com/2014/03/10/story/amp/", "https://example.com/2014/03/10/story"},
	{"amp param", "https://example.com/story?amp", "https://example.com/story"},
	{"jsessionid", "http://example.com/story.jsp;jsessionid=ABC123?id=7", "https://example.com/story.jsp?id=7"},
	{"backslashes", `http:\\example.com\a\b`, "https://example.com/a/b"},
	{"white space", " \thttp://example.com/a\n/b  ", "https://example.com/a/b"},
	{"query space", "http://example.com/s?q=a%20b&r=c d", "https://example.com/s?q=a+b&r=c+d"},
	{"hashbang kept", "https://twitter.com/#!/user/status/123", "https://twitter.com#!/user/status/123"},
}

func TestCanonical(t *testing.T) {
	for _, c := range canonicalCases {
		got, err := Canonical(c.in)
		if err != nil {
			t.Errorf("%s: Canonical(%q): %v", c.name, c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: Canonical(%q)\n got %s\nwant %s", c.name, c.in, got, c.want)
		}
		checkOutput(t, c.in, got)
	}
}

// checkOutput checks that out is an absolute https URL and a fixed point.
func checkOutput(t testing.TB, in, out string) {
	t.Helper()
	u, err := url.Parse(out)
	if err != nil || u.Scheme != "https" || u.Host == "" || !u.IsAbs() {
		t.Errorf("Canonical(%q) = %q: not an absolute https URL (%v)", in, out, err)
	}
	again, err := Canonical(out)
	if err != nil || again != out {
		t.Errorf("not idempotent: Canonical(%q) = %q, Canonical of that = %q, %v", in, out, again, err)
	}
}

func TestCanonicalEqual(t *testing.T) {
	pairs := [][2]string{
		{"http://example.com/a", "https://example.com/a"},
		{"https://www.example.com/a", "https://example.com/a"},
		{"https://m.example.com/a", "https://www.example.com/a"},
		{"https://mobile.example.com/a", "https://amp.example.com/a"},
		{"https://example.com/a/", "https://example.com/a"},
		{"https://example.com/a#top", "https://example.com/a"},
		{"https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"},
		{"https://example.com/a?fbclid=IwAR0abc", "https://example.com/a?gclid=xyz&mc_cid=1&mc_eid=2"},
		{"https://example.com/a/amp", "https://example.com/a?outputType=amp"},
		{"https://example.com/a.amp", "https://example.com/a?amp=1"},
		{"https://example.com/a/index.html", "https://example.com/a/"},
		{"https://example.com/index.php", "https://example.com"},
		{"https://example.com/a?x=1&y=2", "https://example.com/a?y=2&x=1"},
		{"https://example.com/%7Euser", "https://example.com/~user"},
		{"https://example.com/caf%c3%a9", "https://example.com/café"},
		{"http://example.com:80/a", "https://example.com/a"},
		{"http://bücher.de/a", "https://xn--bcher-kva.de/a"},
		{"https://EXAMPLE.com./a", "https://example.com/a"},
		{"https://example.com//a//b", "https://example.com/a/b"},
		{"https://example.com/a/b/../c", "https://example.com/a/c"},
		{`http://example.com/story\?track=rss`, "https://example.com/story"},
		{"http://example.com/a?id=1&amp;feed=x", "http://example.com/a?feed=x&id=1"},
		{"https://example.com/s?q=a+b", "https://example.com/s?q=a%20b"},
		{"https://news.google.com/news/url?url=https://www.bbc.co.uk/news/x-1", "http://www.bbc.co.uk/news/x-1"},
		{"https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fa", "https://example.com/a"},
		{"https://www.google.com/amp/s/example.com/a/amp", "https://example.com/a"},
		{"http://www.washingtonpost.com/x/?tid=ss_tw", "http://www.washingtonpost.com/x/?tid=pm_pop"},
		{"http://example.com/a?ref=twitter", "http://example.com/a?ref_src=twsrc"},
		{"http://example.com/a?cid=rss", "http://example.com/a?cid=rssentertainment"},
		{"http://example.com/a?source=rss_latest_content", "http://example.com/a?src=twitter"},
		{"http://example.com/a?track=rss", "http://example.com/a?tracking=abc"},
		{"http://user@example.com/a", "http://example.com/a"},
	}
	checkPairs(t, pairs, true)
}

func TestCanonicalDifferent(t *testing.T) {
	pairs := [][2]string{
		{"http://money.msn.com/article.aspx?feed=OBR&id=17419449", "http://money.msn.com/article.aspx?feed=OBR&id=17421337"},
		{"https://example.com/?p=1", "https://example.com/?p=2"},
		{"https://example.com/article.aspx?storyid=a", "https://example.com/article.aspx?storyid=b"},
		{"https://example.com/view?articleId=1", "https://example.com/view?articleId=2"},
		{"https://youtube.com/watch?v=abc", "https://youtube.com/watch?v=abd"},
		{"https://example.com/a", "https://example.com/b"},
		{"https://example.com/a/b", "https://example.com/a/c"},
		{"https://example.com/Story", "https://example.com/story"},
		{"https://example.com/a/b", "https://example.com/a%2Fb"},
		{"https://example.com/view?cid=123", "https://example.com/view?cid=456"},
		{"https://example.com/view?cid=fb3a9c1d77", "https://example.com/view?cid=fb3a9c1d78"},
		{"https://music.example.com/album?track=1", "https://music.example.com/album?track=2"},
		{"https://example.com/a?x=1&x=2", "https://example.com/a?x=2&x=1"},
		{"https://example.com/s?q=a+b", "https://example.com/s?q=a%2Bb"},
		{"https://bbc.co.uk/news/x", "https://bbc.com/news/x"},
		{"https://news.example.com/x", "https://example.com/x"},
		{"https://example.com:8080/x", "https://example.com/x"},
		{"https://example.com/#!/story/1", "https://example.com/#!/story/2"},
		{"https://example.com/amp-guide", "https://example.com"},
		{"https://example.com/a?tid=1", "https://example.com/a?tid=2"},
		{"https://www.google.com/search?q=a", "https://www.google.com/search?q=b"},
		{"https://news.google.com/news/url?url=https://a.com/x", "https://news.google.com/news/url?url=https://a.com/y"},
		{"http://www.news-sentinel.com/apps/pbcs.dll/article?AID=/20140310/AP01/303109948", "http://www.news-sentinel.com/apps/pbcs.dll/article?AID=/20140311/NEWS/140319941/1006"},
		{"http://www.lse.co.uk/AllNews.asp?code=odr954yx&headline=A", "http://www.lse.co.uk/AllNews.asp?code=kjufeau4&headline=B"},
	}
	checkPairs(t, pairs, false)
}

// checkPairs canonicalises both URLs of each pair and wants the results
// equal (or, with equal false, different).
func checkPairs(t *testing.T, pairs [][2]string, equal bool) {
	t.Helper()
	for _, p := range pairs {
		a, errA := Canonical(p[0])
		b, errB := Canonical(p[1])
		switch {
		case errA != nil || errB != nil:
			t.Errorf("%q, %q: errors %v, %v", p[0], p[1], errA, errB)
		case equal && a != b:
			t.Errorf("want equal:\n %s -> %s\n %s -> %s", p[0], a, p[1], b)
		case !equal && a == b:
			t.Errorf("want different: %s and %s both -> %s", p[0], p[1], a)
		}
	}
}

func TestCanonicalErrors(t *testing.T) {
	bad := []string{
		"", "   ", "\t\n", "/relative/path", "relative/path", "?q=1", "#frag",
		"javascript:alert(1)", "mailto:someone@example.com", "ftp://example.com/x",
		"data:text/html,hi", "file:///etc/passwd", "//example.com/x",
		"http://", "https://", "http:///", "http://:80/", "http:example.com",
		"garbage", "://x", ":", "1http://example.com", "http://exa mple.com/",
		"http://example.com:99999/", "http://example.com:8a/", "http://[::1/",
		"http://[zz::1]/", "http://a..b/", "http://.example.com/", "http://%zz/",
		"http://ex<ample.com/", "http://@/", "http://ex%00ample.com/",
	}
	for _, in := range bad {
		got, err := Canonical(in)
		if err == nil {
			t.Errorf("Canonical(%q) = %q, want an error", in, got)
			continue
		}
		if !errors.Is(err, ErrBadURL) {
			t.Errorf("Canonical(%q): error %v does not wrap ErrBadURL", in, err)
		}
	}
}

func TestCanonicalTooDeep(t *testing.T) {
	// Four nested google.com/url redirectors: one more than Canonical follows.
	four := "https://www.google.com/url?q=https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%253A%252F%252Fwww.google.com%252Furl%253Fq%253Dhttps%25253A%25252F%25252Fwww.google.com%25252Furl%25253Fq%25253Dhttps%2525253A%2525252F%2525252Fexample.com%2525252Ffinal"
	if got, err := Canonical(four); !errors.Is(err, ErrBadURL) {
		t.Errorf("Canonical(4 levels) = %q, %v; want ErrBadURL", got, err)
	}
	three := strings.Replace(four, "https://www.google.com/url?q=", "", 1)
	three, _ = url.QueryUnescape(three)
	if got, err := Canonical(three); err != nil || got != "https://example.com/final" {
		t.Errorf("Canonical(3 levels) = %q, %v", got, err)
	}
}

func TestUnwrap(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"https://news.google.com/news/url?sa=t&url=http://www.latimes.com/a.story&usg=x", "http://www.latimes.com/a.story", true},
		{"https://www.google.com/url?q=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc", "https://example.com/a?b=c", true},
		{"https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fa&h=x", "https://example.com/a", true},
		{"https://lm.facebook.com/l.php?u=http%3A%2F%2Fexample.com%2F", "http://example.com/", true},
		{"https://t.umblr.com/redirect?z=http%3A%2F%2Fexample.com%2Fa", "http://example.com/a", true},
		{"https://out.reddit.com/t3_x?url=https%3A%2F%2Fexample.com%2Fa", "https://example.com/a", true},
		{"https://slack-redir.net/link?url=http%3A%2F%2Fexample.com", "http://example.com", true},
		{"http://go.redirectingat.com/?id=1&url=http%3A%2F%2Fexample.com%2Fa", "http://example.com/a", true},
		{"https://www.bing.com/ck/a?!&&p=x&u=a1aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20vc3Rvcnk&ntb=1", "https://www.example.com/story", true},
		{"https://r.search.yahoo.com/_ylt=A/RV=2/RE=1/RO=10/RU=http%3a%2f%2fexample.com%2fa/RK=0/RS=x-", "http://example.com/a", true},
		{"https://www.google.com/amp/s/example.com/a?x=1", "https://example.com/a?x=1", true},
		{"https://www.google.com/amp/example.com/a", "http://example.com/a", true},
		{"https://share.feedsportal.com/share/twitter/?u=http%3A%2F%2Fwww.example.com%2Fa&t=T", "http://www.example.com/a", true},
		{`https://news.google.com/news/url?url=http://example.com/a\?track=rss`, "http://example.com/a?track=rss", true},
		// Not redirectors, or no target in the URL.
		{"http://feedproxy.google.com/~r/TechCrunch/~3/AbC123/", "http://feedproxy.google.com/~r/TechCrunch/~3/AbC123/", false},
		{"https://www.google.com/search?q=http://example.com", "https://www.google.com/search?q=http://example.com", false},
		{"https://www.google.com/url?q=not-a-url", "https://www.google.com/url?q=not-a-url", false},
		{"https://www.google.com/url?q=javascript:alert(1)", "https://www.google.com/url?q=javascript:alert(1)", false},
		{"https://example.com/l.php?u=http://x.com", "https://example.com/l.php?u=http://x.com", false},
		{"https://google.evil.example/url?q=http://x.com", "https://google.evil.example/url?q=http://x.com", false},
		{"https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vZXhhbXBsZQ?oc=5", "https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vZXhhbXBsZQ?oc=5", false},
		{"not a url", "not a url", false},
	}
	for _, c := range cases {
		got, ok := Unwrap(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Unwrap(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestPathWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"https://x.com/2014/03/10/fed-plosser-taper-123.html", []string{"fed", "plosser", "taper"}},
		{`http://www.latimes.com/business/money/la-fi-mo-federal-reserve-plosser-stimulus-economy-20140310,0,1312750.story\?track=rss`,
			[]string{"la", "fi", "mo", "federal", "reserve", "plosser", "stimulus", "economy"}},
		{"http://www.livemint.com/Politics/H2EvwJSK2VE6OF7iK1g3PP/Feds-Charles-Plosser-sees-high-bar.html",
			[]string{"feds", "charles", "plosser", "sees", "high", "bar"}},
		{"https://www.theguardian.com/world/2014/mar/10/snowden-sxsw-speech", []string{"snowden", "sxsw", "speech"}},
		{"http://www.tulsaworld.com/news/egypt-s-military-chief/article_8c5c0e2f-8108-5aa9-a7d5-e6d647c52080.html",
			[]string{"egypt", "military", "chief"}},
		{"http://uk.reuters.com/article/2014/03/11/uk-markets-sterling-idUKBREA060NG20140311", []string{"uk", "markets", "sterling"}},
		{"http://www.edmontonjournal.com/business/Lamphier+Bull+market+still+legs/9601913/story.html",
			[]string{"lamphier", "bull", "market", "still", "legs"}},
		{"http://www.holymoly.com/celebrity/news/ban-bossy-beyonc%C3%A9-victoria-beckham", []string{"ban", "bossy", "beyoncé", "victoria", "beckham"}},
		{"http://money.msn.com/business-news/article.aspx?id=17419449", []string{"business"}},
		{"https://news.google.com/news/url?url=https://x.com/2014/03/10/fed-plosser-taper.html", []string{"fed", "plosser", "taper"}},
		{"http://www.hartfordbusiness.com/article/20140310/NEWS02/303109950", nil},
		{"http://www.greenfieldreporter.com/view/story/898b9e7061b8445185688d9e379e9385/EU-Germany-NSA-Surveillance",
			[]string{"eu", "germany", "nsa", "surveillance"}},
		{"https://example.com/", nil},
		{"https://example.com/12345/678", nil},
		{"not a url", nil},
	}
	for _, c := range cases {
		if got := PathWords(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("PathWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPunycode(t *testing.T) {
	// Expected values from Python's "punycode" codec.
	cases := map[string]string{
		"bücher": "bcher-kva", "münchen": "mnchen-3ya", "例え": "r8jz45g",
		"пример": "e1afmkfd", "ñandú": "and-6ma2c", "straße": "strae-oqa",
		"日本語": "wgv71a119e", "ü": "tda",
	}
	for in, want := range cases {
		if got, ok := punycode(in); !ok || got != want {
			t.Errorf("punycode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

var benchURLs = []string{
	`http://www.latimes.com/business/money/la-fi-mo-federal-reserve-plosser-stimulus-economy-20140310,0,1312750.story\?track=rss`,
	"http://www.livemint.com/Politics/H2EvwJSK2VE6OF7iK1g3PP/Feds-Charles-Plosser-sees-high-bar-for-change-in-pace-of-ta.html",
	`http://money.msn.com/business-news/article.aspx\?feed=OBR&amp;date=20140310&amp;id=17419449`,
	"https://news.google.com/news/url?sa=t&fd=R&url=http://www.bbc.co.uk/news/world-europe-26516573?at_medium=RSS&usg=x",
	"http://www.bbc.co.uk/news/world-europe-26516573",
}

func BenchmarkCanonical(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Canonical(benchURLs[i%len(benchURLs)]); err != nil {
			b.Fatal(err)
		}
	}
}
