package slt

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is the kind of a record.
type Kind int

// The record kinds.
const (
	KindStatement Kind = iota
	KindQuery
	KindHalt
	KindRestart
)

// SortMode says how a query's rows are ordered before comparing.
type SortMode int

// The sort modes of a query record.
const (
	NoSort SortMode = iota
	RowSort
	ValueSort
)

// Target names accepted by skipif / onlyif.
const (
	TargetFreshet  = "freshet"
	TargetPostgres = "postgres"
)

// Condition is a skipif or onlyif line before a record.
type Condition struct {
	Skip   bool   // skipif when true, onlyif when false
	Target string // TargetFreshet or TargetPostgres
}

// Applies reports whether a record with this condition runs on target.
func (c Condition) Applies(target string) bool {
	return (c.Target == target) != c.Skip
}

// Record is one parsed record of an .slt file.
type Record struct {
	Kind       Kind
	Line       int // 1-based line of the record's header
	Conditions []Condition
	SQL        string

	// For statements and queries that expect an error.
	ExpectError bool
	ErrCode     string         // SQLSTATE; empty means any
	ErrRegex    *regexp.Regexp // nil means any message

	// For queries that expect rows.
	Types    string
	Sort     SortMode
	Label    string
	Expected []string // result lines as written

	// Line indexes (0-based, into the file's lines) used by rewrite.
	headerIdx int // the statement/query line
	sqlEnd    int // one past the last SQL line
	resultEnd int // one past the last result line (== sqlEnd without ----)
	errRest   string
}

// issueRef matches an issue reference such as #12.
var issueRef = regexp.MustCompile(`#[0-9]+`)

// pgcodeRe matches a five-character SQLSTATE.
var pgcodeRe = regexp.MustCompile(`^[0-9A-Z]{5}$`)

// Parse parses the text of an .slt file into its records and also returns
// the file's lines (which rewriting splices). name is used in error messages.
func Parse(name, text string) ([]*Record, []string, error) {
	lines := strings.Split(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	var (
		records  []*Record
		conds    []Condition
		comments []string // comment lines since the last blank line
	)
	errf := func(i int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, i+1, fmt.Sprintf(format, args...))
	}
	for i := 0; i < len(lines); {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			if len(conds) > 0 {
				return nil, nil, errf(i, "skipif/onlyif must be followed directly by a record")
			}
			comments = nil
			i++
			continue
		case strings.HasPrefix(trimmed, "#"):
			comments = append(comments, trimmed)
			i++
			continue
		}
		fields := strings.Fields(line)
		switch fields[0] {
		case "skipif", "onlyif":
			head, comment, _ := strings.Cut(line, "#")
			fields = strings.Fields(head)
			if len(fields) != 2 || (fields[1] != TargetFreshet && fields[1] != TargetPostgres) {
				return nil, nil, errf(i, "want `%s freshet` or `%s postgres`", fields[0], fields[0])
			}
			c := Condition{Skip: fields[0] == "skipif", Target: fields[1]}
			if !c.Applies(TargetFreshet) && !issueRef.MatchString(comment+" "+strings.Join(comments, " ")) {
				return nil, nil, errf(i, "%q keeps the record from running on Freshet: name the issue "+
					"that tracks it (#N) in a comment on this line or just above", strings.TrimSpace(head))
			}
			conds = append(conds, c)
			i++
			continue
		case "halt", "restart":
			if len(fields) != 1 {
				return nil, nil, errf(i, "%s takes no arguments", fields[0])
			}
			r := &Record{Kind: KindHalt, Line: i + 1, Conditions: conds, headerIdx: i}
			if fields[0] == "restart" {
				r.Kind = KindRestart
			}
			r.sqlEnd, r.resultEnd = i+1, i+1
			records = append(records, r)
			conds, comments = nil, nil
			i++
			continue
		case "statement", "query":
		default:
			return nil, nil, errf(i, "unknown record %q", fields[0])
		}

		r := &Record{Kind: KindStatement, Line: i + 1, Conditions: conds, headerIdx: i}
		if fields[0] == "query" {
			r.Kind = KindQuery
		}
		if len(fields) < 2 {
			return nil, nil, errf(i, "%s needs ok, error or column types", fields[0])
		}
		switch {
		case fields[1] == "error":
			if err := r.parseError(afterFields(line, 2)); err != nil {
				return nil, nil, errf(i, "%v", err)
			}
		case r.Kind == KindStatement && fields[1] == "ok":
			if len(fields) > 2 {
				return nil, nil, errf(i, "statement ok takes no arguments")
			}
		case r.Kind == KindStatement:
			return nil, nil, errf(i, "want `statement ok` or `statement error`")
		default:
			if err := r.parseQueryHeader(fields[1:]); err != nil {
				return nil, nil, errf(i, "%v", err)
			}
		}

		// The SQL runs to a blank line, or to ---- for a query with results.
		j := i + 1
		var sql []string
		for j < len(lines) && strings.TrimSpace(lines[j]) != "" && lines[j] != "----" {
			sql = append(sql, lines[j])
			j++
		}
		if len(sql) == 0 {
			return nil, nil, errf(i, "record has no SQL")
		}
		r.SQL = strings.Join(sql, "\n")
		r.sqlEnd = j
		r.resultEnd = j
		if j < len(lines) && lines[j] == "----" {
			if r.Kind != KindQuery || r.ExpectError {
				return nil, nil, errf(j, "only a query that expects rows has a ---- section")
			}
			j++
			for j < len(lines) && lines[j] != "" {
				r.Expected = append(r.Expected, lines[j])
				j++
			}
			r.resultEnd = j
		}
		records = append(records, r)
		conds, comments = nil, nil
		i = j
	}
	if len(conds) > 0 {
		return nil, nil, errf(len(lines)-1, "skipif/onlyif at the end of the file")
	}
	return records, lines, nil
}

// parseError parses what follows "statement error" / "query error".
func (r *Record) parseError(rest string) error {
	r.ExpectError = true
	if f := strings.Fields(rest); len(f) > 0 && f[0] == "pgcode" {
		if len(f) < 2 || !pgcodeRe.MatchString(f[1]) {
			return fmt.Errorf("pgcode needs a five-character SQLSTATE")
		}
		r.ErrCode = f[1]
		rest = afterFields(rest, 2)
	}
	r.errRest = rest
	if rest != "" {
		re, err := regexp.Compile(rest)
		if err != nil {
			return fmt.Errorf("error regex: %v", err)
		}
		r.ErrRegex = re
	}
	return nil
}

// parseQueryHeader parses "<types> [sortmode] [label]".
func (r *Record) parseQueryHeader(f []string) error {
	for _, c := range f[0] {
		if c < 'A' || c > 'Z' {
			return fmt.Errorf("column types %q: want one capital letter per column", f[0])
		}
	}
	r.Types = f[0]
	f = f[1:]
	if len(f) > 0 {
		switch f[0] {
		case "nosort":
			r.Sort, f = NoSort, f[1:]
		case "rowsort":
			r.Sort, f = RowSort, f[1:]
		case "valuesort":
			r.Sort, f = ValueSort, f[1:]
		}
	}
	if len(f) > 1 {
		return fmt.Errorf("unexpected %q after the label", f[1])
	}
	if len(f) == 1 {
		r.Label = f[0]
	}
	return nil
}

// Runs reports whether the record runs on target.
func (r *Record) Runs(target string) bool {
	for _, c := range r.Conditions {
		if !c.Applies(target) {
			return false
		}
	}
	return true
}

// afterFields returns what follows the first n space-separated fields of line,
// without the surrounding spaces.
func afterFields(line string, n int) string {
	s := strings.TrimLeft(line, " \t")
	for ; n > 0 && s != ""; n-- {
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			return ""
		}
		s = strings.TrimLeft(s[end:], " \t")
	}
	return strings.TrimRight(s, " \t")
}
