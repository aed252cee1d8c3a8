// Package feedcheck runs external feed validators from tests: jing with the
// Atom RELAX NG grammar, xmllint for well-formedness, and Python's
// feedparser as a reader would. It is meant for _test.go files only.
//
// When a tool is missing, the calling test is skipped, or failed when the
// environment variable CI is set, so that continuous integration cannot
// pass without actually validating.
package feedcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// SchemaEnv names an environment variable that, when set, gives the path of
// the Atom RELAX NG compact grammar and overrides the search of SchemaPath.
const SchemaEnv = "NEWSWIRE_ATOM_SCHEMA"

// schemaRel is where the grammar lives relative to a directory above the
// working directory (the repository's parent holds shared/).
var schemaRel = filepath.Join("schema", "atom.rnc")

// Python is the interpreter that has feedparser (Debian's python3-feedparser).
const Python = "/usr/bin/python3"

// Missing reports that a tool needed by the test is unavailable: it fails
// the test when the environment variable CI is set and skips it otherwise.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("feedcheck: "+format, args...)
	}
	t.Skipf("feedcheck: "+format, args...)
}

// SchemaPath finds the Atom RELAX NG grammar: $NEWSWIRE_ATOM_SCHEMA if set,
// or else shared/schema/atom.rnc found by SharedPath.
func SchemaPath(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(SchemaEnv); p != "" {
		if _, err := os.Stat(p); err != nil {
			Missing(t, "%s=%s: %v", SchemaEnv, p, err)
		}
		return p
	}
	return SharedPath(t, schemaRel)
}

// SharedPath finds shared/rel (the shared material checked out beside the
// repository) with FindShared. The test is skipped (failed under CI) if it
// is not found.
func SharedPath(t testing.TB, rel string) string {
	t.Helper()
	p := FindShared(rel)
	if p == "" {
		Missing(t, "no shared/%s above the working directory", rel)
	}
	return p
}

// FindShared returns the path of shared/rel in the working directory or the
// nearest directory above it, or "" if there is none.
func FindShared(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "shared", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// lookTool returns the path of an executable, or calls Missing.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s not installed: %v", name, err)
	}
	return p
}

// run runs a command and returns its combined output and whether it exited
// with status zero; failures to start it fail the test.
func run(t testing.TB, name string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("feedcheck: running %s: %v", name, err)
	}
	return out.String(), err == nil
}

// Jing validates file against the RELAX NG compact grammar at schemaPath
// with `jing -c`, failing the test with jing's messages if it is invalid.
// It returns jing's output (empty for a valid document).
func Jing(t testing.TB, schemaPath, file string) string {
	t.Helper()
	jing := lookTool(t, "jing")
	out, ok := run(t, jing, "-c", schemaPath, file)
	out = dropJingWarnings(out)
	if !ok {
		t.Errorf("jing -c %s %s: invalid:\n%s", schemaPath, file, out)
	}
	return out
}

// Xmllint checks that file is well-formed XML with `xmllint --noout`,
// failing the test with xmllint's messages if it is not. It returns
// xmllint's output (empty for a well-formed document).
func Xmllint(t testing.TB, file string) string {
	t.Helper()
	xmllint := lookTool(t, "xmllint")
	out, ok := run(t, xmllint, "--noout", file)
	if !ok {
		t.Errorf("xmllint --noout %s: not well-formed:\n%s", file, out)
	}
	return out
}

// Result is what feedparser made of a document.
type Result struct {
	Bozo      bool   `json:"bozo"`      // feedparser found the document malformed
	Entries   int    `json:"n"`         // number of entries
	Exception string `json:"exc"`       // bozo_exception, if any
	Version   string `json:"version"`   // feedparser's format name, e.g. "atom10", "rss20", "json11"
	Title     string `json:"title"`     // feed title
	Items     []Item `json:"entries"`   // the entries, in document order
	Raw       string `json:"-"`         // feedparser's output, for messages
	Links     []Link `json:"links"`     // feed-level links
	Author    string `json:"author"`    // feed author name
	Subtitle  string `json:"subtitle"`  // feed subtitle or description
	Updated   string `json:"updated"`   // feed date as written
	Published string `json:"published"` // feed publication date as written
}

// Item is one entry as feedparser reads it.
type Item struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Link      string   `json:"link"`
	Author    string   `json:"author"`
	Content   []string `json:"content"` // content[].value, HTML sanitized by feedparser
	Summary   string   `json:"summary"`
	Tags      []string `json:"tags"` // tags[].term
	Published string   `json:"published"`
	Updated   string   `json:"updated"`
	Links     []Link   `json:"links"`
}

// Link is a link as feedparser reads it.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type"`
}

const feedparserScript = `
import feedparser, sys, json
d = feedparser.parse(sys.argv[1])
def links(o):
    return [{"rel": l.get("rel", ""), "href": l.get("href", ""), "type": l.get("type", "")} for l in o.get("links", [])]
f = d.get("feed", {})
print(json.dumps({
    "bozo": bool(d.bozo),
    "n": len(d.entries),
    "exc": str(d.get("bozo_exception", "")),
    "version": d.get("version", ""),
    "title": f.get("title", ""),
    "author": f.get("author", ""),
    "subtitle": f.get("subtitle", ""),
    "updated": f.get("updated", ""),
    "published": f.get("published", ""),
    "links": links(f),
    "entries": [{
        "id": e.get("id", ""),
        "title": e.get("title", ""),
        "link": e.get("link", ""),
        "author": e.get("author", ""),
        "content": [c.get("value", "") for c in e.get("content", [])],
        "summary": e.get("summary", ""),
        "tags": [t.get("term", "") for t in e.get("tags", [])],
        "published": e.get("published", ""),
        "updated": e.get("updated", ""),
        "links": links(e),
    } for e in d.entries],
}))
`

// FeedparserParse parses file with Python's feedparser (Debian's
// python3-feedparser, run by /usr/bin/python3) and returns what it read.
// It does not judge the result: check Bozo and Entries yourself.
func FeedparserParse(t testing.TB, file string) Result {
	t.Helper()
	requireFeedparser(t)
	cmd := exec.Command(Python, "-c", feedparserScript, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser %s: %v\n%s", file, err, stderr.String())
	}
	var r Result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("feedparser %s: decoding its output: %v\n%s", file, err, out)
	}
	r.Raw = string(out)
	return r
}

// requireFeedparser skips the test (fails it under CI) unless
// /usr/bin/python3 can import feedparser.
func requireFeedparser(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(Python); err != nil {
		Missing(t, "%s: %v", Python, err)
	}
	if out, ok := run(t, Python, "-c", "import feedparser"); !ok {
		Missing(t, "python feedparser not installed: %s", strings.TrimSpace(out))
	}
}

// Feedparser parses file with FeedparserParse and fails the test unless
// feedparser found it well-formed with exactly wantEntries entries.
func Feedparser(t testing.TB, file string, wantEntries int) Result {
	t.Helper()
	r := FeedparserParse(t, file)
	if r.Bozo {
		t.Errorf("feedparser %s: bozo: %s", file, r.Exception)
	}
	if r.Entries != wantEntries {
		t.Errorf("feedparser %s: %d entries, want %d", file, r.Entries, wantEntries)
	}
	return r
}

// dropJingWarnings removes the Debian wrapper's complaints about optional
// jars ("[warning] /usr/bin/jing: Unable to locate ..."), which say nothing
// about the document.
func dropJingWarnings(out string) string {
	var keep []string
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "[warning] ") && strings.Contains(line, "Unable to locate") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}
