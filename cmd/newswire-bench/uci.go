package main

import (
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"time"
)

// uciRow is one headline of the UCI News Aggregator data set.
type uciRow struct {
	ID        string
	Title     string
	URL       string
	Publisher string
	Category  string
	Story     string // ground-truth cluster
	Host      string
	Time      time.Time
}

// readUCI reads the CSV (ID,TITLE,URL,PUBLISHER,CATEGORY,STORY,HOSTNAME,TIMESTAMP).
func readUCI(path string) ([]uciRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"ID", "TITLE", "URL", "PUBLISHER", "STORY", "TIMESTAMP"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("%s: no %s column", path, h)
		}
	}
	var rows []uciRow
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		ms, err := strconv.ParseInt(rec[col["TIMESTAMP"]], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: timestamp: %w", path, line, err)
		}
		row := uciRow{ID: rec[col["ID"]], Title: rec[col["TITLE"]], URL: rec[col["URL"]],
			Publisher: rec[col["PUBLISHER"]], Story: rec[col["STORY"]], Time: time.UnixMilli(ms).UTC()}
		if i, ok := col["CATEGORY"]; ok {
			row.Category = rec[i]
		}
		if i, ok := col["HOSTNAME"]; ok {
			row.Host = rec[i]
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// split divides rows by story into the half tuned on ("tune") and the half
// held out ("test"), by a hash of the story label; "all" keeps every row.
func split(rows []uciRow, part string) []uciRow {
	if part == "all" {
		return rows
	}
	var out []uciRow
	for _, r := range rows {
		h := fnv.New32a()
		h.Write([]byte(r.Story))
		half := "tune"
		if h.Sum32()%2 == 1 {
			half = "test"
		}
		if half == part {
			out = append(out, r)
		}
	}
	return out
}
