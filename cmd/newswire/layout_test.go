package main

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/newswire/newswire"

// TestLayout holds the import rules of DESIGN.md: model imports only the
// standard library; store and feeds import only model of this module;
// pipeline packages never import store; only cmd/ wires store in.
func TestLayout(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Standard", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range p.Imports {
			if msg := layoutViolation(p.ImportPath, imp); msg != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, msg)
			}
		}
	}
	if seen < 5 {
		t.Fatalf("go list saw only %d packages", seen)
	}
}

// layoutViolation says why pkg may not import imp, or "" if it may.
func layoutViolation(pkg, imp string) string {
	own := strings.HasPrefix(imp, module+"/")
	std := !strings.Contains(strings.Split(imp, "/")[0], ".")
	rel := strings.TrimPrefix(pkg, module+"/")
	switch {
	case rel == "internal/model" && !std:
		return "model imports only the standard library"
	case (rel == "store" || rel == "feeds") && own && imp != module+"/internal/model":
		return rel + " imports only internal/model of this module"
	case strings.HasPrefix(rel, "internal/") && imp == module+"/store":
		return "pipeline packages declare the interfaces they need instead of importing store"
	case !strings.HasPrefix(rel, "cmd/") && imp == module+"/store":
		return "only cmd/ wires the store in"
	}
	return ""
}
