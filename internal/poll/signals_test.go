package poll

import (
	"testing"
	"time"
)

func TestSignals(t *testing.T) {
	tests := []struct {
		name string
		body string
		want FeedSignals
	}{
		{"rss ttl", `<rss version="2.0"><channel><title>t</title><ttl> 90 </ttl><item><title>i</title></item></channel></rss>`,
			FeedSignals{TTL: 90 * time.Minute}},
		{"sy prefix", `<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
			<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel></rss>`,
			FeedSignals{UpdatePeriod: 30 * time.Minute}},
		{"foo prefix bound to the sy URI", `<rss xmlns:foo="http://purl.org/rss/1.0/modules/syndication/"><channel>
			<foo:updatePeriod>daily</foo:updatePeriod><foo:updateFrequency>4</foo:updateFrequency></channel></rss>`,
			FeedSignals{UpdatePeriod: 6 * time.Hour}},
		{"sy prefix bound to another URI", `<rss xmlns:sy="http://example.com/not-syndication/"><channel>
			<sy:updatePeriod>hourly</sy:updatePeriod></channel></rss>`, FeedSignals{}},
		{"sy prefix never bound", `<rss><channel><sy:updatePeriod>hourly</sy:updatePeriod></channel></rss>`, FeedSignals{}},
		{"frequency alone means daily", `<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
			<sy:updateFrequency>2</sy:updateFrequency><sy:updatePeriod></sy:updatePeriod></channel></rss>`,
			FeedSignals{UpdatePeriod: 12 * time.Hour}},
		{"frequency without a period", `<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
			<sy:updateFrequency>3</sy:updateFrequency></channel></rss>`, FeedSignals{UpdatePeriod: 8 * time.Hour}},
		{"rss 1.0", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
			xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel rdf:about="x"><sy:updatePeriod>weekly</sy:updatePeriod>
			</channel></rdf:RDF>`, FeedSignals{UpdatePeriod: 7 * 24 * time.Hour}},
		{"atom feed level", `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:s="http://purl.org/rss/1.0/modules/syndication/">
			<s:updatePeriod>HOURLY</s:updatePeriod><entry><s:updatePeriod>yearly</s:updatePeriod></entry></feed>`,
			FeedSignals{UpdatePeriod: time.Hour}},
		{"ttl and period together", `<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><ttl>60</ttl>
			<sy:updatePeriod>daily</sy:updatePeriod></channel></rss>`, FeedSignals{TTL: time.Hour, UpdatePeriod: 24 * time.Hour}},
		{"item ttl ignored", `<rss><channel><item><ttl>5</ttl></item></channel></rss>`, FeedSignals{}},
		{"namespaced ttl ignored", `<rss xmlns:x="urn:x"><channel><x:ttl>5</x:ttl></channel></rss>`, FeedSignals{}},
		{"bad values ignored", `<rss xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><ttl>soon</ttl>
			<sy:updatePeriod>fortnightly</sy:updatePeriod><sy:updateFrequency>-3</sy:updateFrequency></channel></rss>`, FeedSignals{}},
		{"latin-1 with entities", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><title>Caf\xe9 &nbsp;</title><ttl>45</ttl></channel></rss>",
			FeedSignals{TTL: 45 * time.Minute}},
		{"truncated after the hint", `<rss><channel><ttl>30</ttl><item><title>cut`, FeedSignals{TTL: 30 * time.Minute}},
		{"not xml", `{"version":"https://jsonfeed.org/version/1.1","items":[]}`, FeedSignals{}},
		{"empty", ``, FeedSignals{}},
	}
	for _, tc := range tests {
		got := Signals([]byte(tc.body))
		if got.TTL != tc.want.TTL || got.UpdatePeriod != tc.want.UpdatePeriod || got.ItemTimes != nil {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestSignalsFeedUpdate(t *testing.T) {
	f := testFetcher(nil)
	body := `<rss xmlns:foo="http://purl.org/rss/1.0/modules/syndication/"><channel><ttl>180</ttl>
		<foo:updatePeriod>hourly</foo:updatePeriod><foo:updateFrequency>1</foo:updateFrequency></channel></rss>`
	src := f.Update(Source{}, Result{Status: 200, Body: []byte(body)}, Signals([]byte(body)))
	if src.Interval != time.Hour {
		t.Errorf("interval %s, want 1h (the smaller of ttl 3h and hourly)", src.Interval)
	}
}
