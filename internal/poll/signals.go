package poll

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// nsSyndication is the RSS 1.0 syndication module, matched by URI: the
// prefix a feed binds it to ("sy" by convention) does not matter.
const nsSyndication = "http://purl.org/rss/1.0/modules/syndication/"

// maxSignalTokens bounds the scan of a huge or hostile document.
const maxSignalTokens = 1 << 20

// Signals extracts the polling hints written into a feed's XML: the RSS
// channel's <ttl> (minutes) and the syndication module's updatePeriod and
// updateFrequency on the channel or feed, matched by namespace URI. Item
// times are left to the caller's parser. A body that is not XML, or breaks
// partway, yields what was found before the break.
func Signals(body []byte) FeedSignals {
	sc := signalScanner{freq: 1}
	dec := newDecoder(body)
	for range maxSignalTokens {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			sc.path = append(sc.path, t.Name)
			sc.text.Reset()
		case xml.CharData:
			if sc.text.Len() < 256 {
				sc.text.Write(t)
			}
		case xml.EndElement:
			sc.end()
		}
	}
	return sc.signals()
}

// signalScanner keeps the open elements and the text of the innermost one.
type signalScanner struct {
	path              []xml.Name
	text              strings.Builder
	ttl, period       time.Duration
	freq              int
	sawTTL, sawPeriod bool
	sawFreq           bool
}

// end closes the innermost element, noting it if it is a hint.
func (sc *signalScanner) end() {
	if len(sc.path) == 0 {
		return
	}
	name, parent := sc.path[len(sc.path)-1], parentLocal(sc.path)
	sc.path = sc.path[:len(sc.path)-1]
	v := strings.TrimSpace(sc.text.String())
	sc.text.Reset()
	switch {
	case name.Space == "" && name.Local == "ttl" && parent == "channel" && !sc.sawTTL:
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			sc.ttl, sc.sawTTL = time.Duration(n)*time.Minute, true
		}
	case name.Space != nsSyndication || (parent != "channel" && parent != "feed"):
	case name.Local == "updatePeriod" && !sc.sawPeriod:
		sc.period, sc.sawPeriod = periodLength(v), true
	case name.Local == "updateFrequency":
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			sc.freq, sc.sawFreq = n, true
		}
	}
}

func (sc *signalScanner) signals() FeedSignals {
	sig := FeedSignals{TTL: sc.ttl}
	if !sc.sawPeriod && sc.sawFreq {
		sc.period = periodLength("") // the module's default period
	}
	if sc.period > 0 {
		sig.UpdatePeriod = sc.period / time.Duration(sc.freq)
	}
	return sig
}

// parentLocal is the local name of the element enclosing the last in path.
func parentLocal(path []xml.Name) string {
	if len(path) < 2 {
		return ""
	}
	return path[len(path)-2].Local
}

// periodLength reads sy:updatePeriod; the module's default is daily.
func periodLength(v string) time.Duration {
	switch strings.ToLower(v) {
	case "hourly":
		return time.Hour
	case "daily", "":
		return 24 * time.Hour
	case "weekly":
		return 7 * 24 * time.Hour
	case "monthly":
		return 30 * 24 * time.Hour
	case "yearly":
		return 365 * 24 * time.Hour
	}
	return 0
}

// newDecoder is a lenient decoder: HTML entities, unclosed tags and
// single-byte charsets (read as Latin-1) do not stop the scan.
func newDecoder(body []byte) *xml.Decoder {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return r, nil
		}
		return latin1Reader{bufio.NewReader(r)}, nil
	}
	return dec
}

// latin1Reader decodes ISO-8859-1 (and, near enough for the ASCII hints
// read here, any single-byte charset) to UTF-8.
type latin1Reader struct{ r *bufio.Reader }

func (l latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if utf8.RuneLen(rune(b)) > len(p)-n {
			_ = l.r.UnreadByte()
			break
		}
		n += utf8.EncodeRune(p[n:], rune(b))
	}
	return n, nil
}
