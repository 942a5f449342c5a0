package compat

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Protocol says how a captured statement is sent.
type Protocol int

// The protocols of captured statements.
const (
	Simple   Protocol = iota // a Query message
	Extended                 // Parse/Bind/Execute with text parameters
)

// Statement is one captured statement.
type Statement struct {
	Source   string // file:line where it was captured
	Group    string // psql meta-command, or the driver log's connection
	SQL      string
	Protocol Protocol
	Params   []*string // extended protocol parameters; nil entries are NULL

	// Columns are the column names psql printed for this statement's result,
	// when the capture shows them.
	Columns []string

	// Truncated is set for a statement the capture cut off (its log line is
	// captureLineLimit long); it cannot be replayed.
	Truncated bool
}

// captureLineLimit is the length at which the capture tool cut log lines.
const captureLineLimit = 1500

// FindShared returns the shared/compat directory: ../shared/compat from the
// root of the repository that holds the current directory.
func FindShared() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the current directory")
		}
		dir = parent
	}
	compat := filepath.Join(filepath.Dir(dir), "shared", "compat")
	if _, err := os.Stat(compat); err != nil {
		return "", fmt.Errorf("the client captures are missing: %s must exist beside the repository "+
			"(shared/ next to the clone, as CI lays it out): %v", compat, err)
	}
	return compat, nil
}

// Markers of psql -E output.
const (
	psqlSection  = "=================== "
	psqlQuery    = "********* QUERY **********"
	psqlQueryEnd = "**************************"
)

// ParsePsql parses psql15-meta-commands.txt: sections that start with
// "=================== <meta-command>", each with the queries psql sent
// between QUERY markers and then what psql printed.
func ParsePsql(path string) ([]Statement, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var (
		stmts   []Statement
		section string
		start   int      // index in stmts of the section's first statement
		printed []string // lines printed after the section's last query
	)
	finish := func() {
		if len(stmts) > start {
			last := &stmts[len(stmts)-1]
			if hasColumnAliases(last.SQL) {
				last.Columns = printedColumns(printed)
			}
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, psqlSection):
			finish()
			section = strings.TrimPrefix(line, psqlSection)
			start, printed = len(stmts), nil
		case line == psqlQuery:
			j := i + 1
			for j < len(lines) && lines[j] != psqlQueryEnd {
				j++
			}
			if j == len(lines) {
				return nil, fmt.Errorf("%s:%d: query without end marker", path, i+1)
			}
			stmts = append(stmts, Statement{
				Source:   fmt.Sprintf("%s:%d", filepath.Base(path), i+2),
				Group:    section,
				SQL:      strings.Join(lines[i+1:j], "\n"),
				Protocol: Simple,
			})
			printed = nil
			i = j
		default:
			printed = append(printed, line)
		}
	}
	finish()
	return stmts, nil
}

// aliasRe finds column aliases of the form AS "Name", which psql's list
// commands use for the headers they print.
var aliasRe = regexp.MustCompile(`(?i)\bas "`)

// hasColumnAliases reports whether psql names the result columns in the query
// itself (rather than formatting the result in its own code).
func hasColumnAliases(sql string) bool { return aliasRe.MatchString(sql) }

// dashesRe matches the line under a psql table header.
var dashesRe = regexp.MustCompile(`^-[-+]*$`)

// printedColumns returns the header of the table psql printed, or nil if it
// printed none.
func printedColumns(printed []string) []string {
	for i := 1; i < len(printed); i++ {
		if dashesRe.MatchString(printed[i]) {
			var cols []string
			for _, c := range strings.Split(printed[i-1], "|") {
				cols = append(cols, strings.TrimSpace(c))
			}
			return cols
		}
	}
	return nil
}

// logLineRe matches the first line of a logged statement, with an optional
// [pid] prefix.
var logLineRe = regexp.MustCompile(`^(?:\[(\d+)\] )?LOG:  (statement|execute ([^:]+)): (.*)$`)

// detailRe matches a DETAIL line with the parameters of the statement above.
var detailRe = regexp.MustCompile(`^(?:\[\d+\] )?DETAIL:  parameters: (.*)$`)

// ParseLog parses a PostgreSQL statement log (log_statement=all). Statements
// before the line whose SQL contains startMark are skipped (empty: none).
// Continuation lines of multi-line statements start with a tab.
func ParseLog(path, startMark string) ([]Statement, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var stmts []Statement
	started := startMark == ""
	var cur *Statement
	flush := func() {
		if cur != nil && started {
			stmts = append(stmts, *cur)
		}
		cur = nil
	}
	for i, line := range lines {
		if m := logLineRe.FindStringSubmatch(line); m != nil {
			flush()
			if !started && strings.Contains(m[4], startMark) {
				started = true
			}
			group := filepath.Base(path)
			if m[1] != "" {
				group += " pid " + m[1]
			}
			cur = &Statement{
				Source:    fmt.Sprintf("%s:%d", filepath.Base(path), i+1),
				Group:     group,
				SQL:       m[4],
				Truncated: len(line) == captureLineLimit,
			}
			if m[2] != "statement" {
				cur.Protocol = Extended
			}
			continue
		}
		if m := detailRe.FindStringSubmatch(line); m != nil && cur != nil {
			params, err := parseParams(m[1])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, i+1, err)
			}
			cur.Params = params
			continue
		}
		if strings.HasPrefix(line, "\t") && cur != nil {
			cur.SQL += "\n" + line[1:]
			continue
		}
		flush()
	}
	flush()
	if !started {
		return nil, fmt.Errorf("%s: no statement contains %q", path, startMark)
	}
	for i := range stmts {
		stmts[i].SQL = strings.TrimSpace(stmts[i].SQL)
	}
	return stmts, nil
}

// paramRe matches one "$n = 'value'" or "$n = NULL" of a parameters DETAIL.
var paramRe = regexp.MustCompile(`^\$(\d+) = (NULL|'((?:[^']|'')*)')(?:, |$)`)

// parseParams parses "$1 = '1', $2 = NULL".
func parseParams(s string) ([]*string, error) {
	var params []*string
	for s != "" {
		m := paramRe.FindStringSubmatch(s)
		if m == nil {
			return nil, fmt.Errorf("cannot parse parameters at %q", s)
		}
		if m[2] == "NULL" {
			params = append(params, nil)
		} else {
			v := strings.ReplaceAll(m[3], "''", "'")
			params = append(params, &v)
		}
		s = s[len(m[0]):]
	}
	return params, nil
}

// readLines reads a file as lines without their newlines.
func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}
