package feedcheck

import (
	"encoding/csv"
	"os"
	"testing"
)

// SharedCSV reads a CSV file under shared/ (see SharedPath) into one map
// per row, keyed by the header's column names; every column in want must
// be there.
func SharedCSV(t testing.TB, rel string, want ...string) []map[string]string {
	t.Helper()
	f, err := os.Open(SharedPath(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no rows", rel)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			t.Fatalf("%s: no %s column in %q", rel, w, rows[0])
		}
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := make(map[string]string, len(col))
		for name, i := range col {
			if i < len(r) {
				m[name] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}
