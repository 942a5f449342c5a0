package importlint

import "strings"

// Module is Freshet's module path; rules name packages relative to it.
const Module = "github.com/freshetdb/freshet"

// Rule constrains what the packages under From may depend on. A pattern names
// a package and everything under it ("planner" matches planner and
// planner/bind).
type Rule struct {
	From string
	// Forbidden lists packages that From must not depend on.
	Forbidden []string
	// AllowedOnly, when not nil, lists the only packages of ours that From may
	// depend on (besides its own subtree).
	AllowedOnly []string
	Why         string
}

// Rules is the import direction of shared/STYLE.md.
var Rules = []Rule{
	{
		From:      "pgwire",
		Forbidden: []string{"executor", "planner", "storage"},
		Why:       "pgwire never imports the engine; cmd wires them together",
	},
	{
		From:      "planner",
		Forbidden: []string{"executor"},
		Why:       "the planner produces plans; it never runs them",
	},
	{
		From:      "executor/stream",
		Forbidden: []string{"sql/parser", "planner/bind"},
		Why:       "operators never import the parser or the binder",
	},
	{
		From:      "connectors",
		Forbidden: []string{"planner", "executor", "sql/parser", "pgwire"},
		Why:       "connectors see rows and offsets, not plans",
	},
	{
		From:        "storage",
		AllowedOnly: []string{"sql/types", "sql/sqlerr"},
		Why:         "storage knows nothing above sql/types",
	},
	{
		From:        "sql/types",
		AllowedOnly: []string{"sql/sqlerr"},
		Why:         "sql/types is the shared vocabulary: it imports only sql/sqlerr of ours",
	},
	{
		From:        "sql/sqlerr",
		AllowedOnly: []string{},
		Why:         "sql/sqlerr imports only the standard library",
	},
}

// under reports whether the package path rel (relative to Module) is pattern
// or below it.
func under(rel, pattern string) bool {
	return rel == pattern || strings.HasPrefix(rel, pattern+"/")
}

// Violations returns a description of every way pkg (relative to Module) and
// its dependencies deps (also relative; packages outside the module left out)
// break the rules.
func Violations(pkg string, deps []string) []string {
	var out []string
	for _, r := range Rules {
		if !under(pkg, r.From) {
			continue
		}
		for _, d := range deps {
			if under(d, r.From) {
				continue
			}
			bad := false
			for _, f := range r.Forbidden {
				bad = bad || under(d, f)
			}
			if r.AllowedOnly != nil {
				allowed := false
				for _, a := range r.AllowedOnly {
					allowed = allowed || under(d, a)
				}
				bad = bad || !allowed
			}
			if bad {
				out = append(out, pkg+" depends on "+d+": "+r.Why)
			}
		}
	}
	return out
}
