package importlint

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection lists every package of the module with its transitive
// non-test dependencies and checks them against Rules.
func TestImportDirection(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{range .Deps}} {{.}}{{end}}{{end}}", Module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	checked := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pkg, ok := relative(fields[0])
		if !ok {
			continue
		}
		var deps []string
		for _, d := range fields[1:] {
			if rel, ok := relative(d); ok {
				deps = append(deps, rel)
			}
		}
		for _, v := range Violations(pkg, deps) {
			t.Error(v)
		}
		checked++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("go list reported no packages of the module")
	}
	t.Logf("checked the imports of %d packages", checked)
}

// TestRules checks the rule matching on made-up dependency lists.
func TestRules(t *testing.T) {
	for _, c := range []struct {
		pkg  string
		deps []string
		bad  int
	}{
		{"pgwire", []string{"sql/types", "sql/sqlerr"}, 0},
		{"pgwire", []string{"executor/engine", "sql/types"}, 1},
		{"planner/bind", []string{"sql/parser", "sql/catalog", "executor/stream"}, 1},
		{"storage", []string{"sql/types", "sql/sqlerr"}, 0},
		{"storage/kv", []string{"storage", "sql/catalog"}, 1},
		{"sql/types", []string{"sql/sqlerr"}, 0},
		{"sql/typesx", []string{"planner"}, 0},
		{"sql/sqlerr", []string{"sql/types"}, 1},
		{"executor/stream", []string{"sql/parser", "planner/plan"}, 1},
		{"connectors/kafka", []string{"sql/types", "planner/plan"}, 1},
	} {
		if got := Violations(c.pkg, c.deps); len(got) != c.bad {
			t.Errorf("Violations(%q, %q) = %q, want %d", c.pkg, c.deps, got, c.bad)
		}
	}
}

// relative returns an import path relative to Module, and false for packages
// outside the module.
func relative(path string) (string, bool) {
	if path == Module {
		return ".", true
	}
	rel, ok := strings.CutPrefix(path, Module+"/")
	return rel, ok
}
