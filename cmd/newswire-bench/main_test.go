package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// writeCSV writes a small labelled sample: three stories from several
// publishers over a day.
func writeCSV(t *testing.T) string {
	t.Helper()
	stories := map[string][]string{
		"mh370": {"Malaysia Airlines flight MH370 missing over South China Sea",
			"Search for missing Malaysia Airlines jet MH370 widens", "MH370: families wait for news of missing Malaysia Airlines plane",
			"Missing Malaysia Airlines MH370 search expands to Indian Ocean"},
		"snowden": {"Snowden tells SXSW crowd encryption can stop NSA spying",
			"Edward Snowden at SXSW: encryption is the answer to NSA surveillance", "Snowden urges tech firms at SXSW to adopt encryption against NSA"},
		"gm": {"GM recall probe led by legal heavyweight Valukas", "GM hires Valukas to lead internal ignition recall probe",
			"General Motors recall: Valukas to investigate ignition switch delay"},
	}
	var b strings.Builder
	b.WriteString("ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP\n")
	id := 0
	for story, titles := range stories {
		for i, title := range titles {
			id++
			pub := fmt.Sprintf("Outlet %d", i)
			fmt.Fprintf(&b, "%d,%q,http://outlet%d.example/%s-%d.html,%s,b,%s,outlet%d.example,%d\n",
				id, title, i, story, id, pub, story, i, 1394470370000+int64(id)*600000)
		}
	}
	path := filepath.Join(t.TempDir(), "sample.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var scoreRE = regexp.MustCompile(`(\w+)\s+all\s+items=(\d+) stories=(\d+) truth=3\s+B3 P=([\d.]+) R=([\d.]+) F1=([\d.]+)`)

func TestDedupBothPaths(t *testing.T) {
	csv := writeCSV(t)
	for _, path := range []string{"memory", "ingest"} {
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"dedup", "--csv", csv, "--part", "all", "--path", path}, &out, &errb); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, errb.String())
		}
		m := scoreRE.FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("%s: no score line in %q", path, out.String())
		}
		if m[2] != "10" {
			t.Errorf("%s: %s items, want 10", path, m[2])
		}
		// Three clear stories: perfect precision, and most of them found.
		if p, _ := strconv.ParseFloat(m[4], 64); p != 1 {
			t.Errorf("%s: precision %v, want 1:\n%s", path, p, out.String())
		}
		if f1, _ := strconv.ParseFloat(m[6], 64); f1 < 0.7 {
			t.Errorf("%s: F1 %v:\n%s", path, f1, out.String())
		}
	}
}

func TestScaleAndOrderRun(t *testing.T) {
	csv := writeCSV(t)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"scale", "--csv", csv, "--sizes", "300", "--batch", "50"}, &out, &errb); err != nil {
		t.Fatalf("scale: %v\n%s", err, errb.String())
	}
	if !regexp.MustCompile(`(?m)^\s+300\s+[\d.]+\s+\d+\s+\d+`).MatchString(out.String()) {
		t.Errorf("scale output: %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"order", "--csv", csv, "--runs", "2"}, &out, &errb); err != nil {
		t.Fatalf("order: %v", err)
	}
	if !strings.Contains(out.String(), "mean over 2 orders") {
		t.Errorf("order output: %q", out.String())
	}
}
