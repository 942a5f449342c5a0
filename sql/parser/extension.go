package parser

import (
	"regexp"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// showExtension matches the SHOW statements Freshet adds to Postgres'
// grammar, whose object names are several words: SHOW MATERIALIZED VIEWS.
var showExtension = regexp.MustCompile(`(?is)^\s*show\s+(materialized\s+views|sources|sinks)\s*;?\s*$`)

// createSource and createSink match the start of CREATE SOURCE and CREATE
// SINK.
var (
	createSource = regexp.MustCompile(`(?is)^\s*create\s+source\b`)
	createSink   = regexp.MustCompile(`(?is)^\s*create\s+sink\b`)
	// dropSource matches DROP SOURCE and captures the rest, parsed as
	// DROP FOREIGN TABLE's: a source is a foreign table to Postgres.
	dropSource = regexp.MustCompile(`(?is)^\s*drop\s+source\b(.*)$`)
	// dropSink matches DROP SINK, parsed the same way into a DropStmt of
	// DropSinkObject.
	dropSink = regexp.MustCompile(`(?is)^\s*drop\s+sink\b(.*)$`)
	// connectorTable matches a CREATE TABLE with a FORMAT clause: a table
	// fed by a connector.
	connectorTable = regexp.MustCompile(`(?is)^\s*create\s+table\b.*\bformat\s+\w+\s+encode\b`)
)

// parseExtensions parses sql when Postgres' grammar rejected it: each
// statement is either one of Freshet's extension statements or must parse
// as Postgres on its own. It returns ok false when some statement is
// neither, so that the caller reports Postgres' own syntax error; an
// extension statement that does not parse is its own error.
func parseExtensions(sql string) ([]*Stmt, bool, error) {
	pieces, err := pg.SplitWithScanner(sql, false)
	if err != nil {
		return nil, false, nil
	}
	var out []*Stmt
	offset, extensions := 0, 0
	for _, piece := range pieces {
		start := strings.Index(sql[offset:], piece)
		if start < 0 {
			return nil, false, nil
		}
		start += offset
		offset = start + len(piece)
		text := strings.TrimSpace(piece)
		if text == "" {
			continue
		}
		if m := showExtension.FindStringSubmatch(text); m != nil {
			name := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
			ast := &pg.Node{Node: &pg.Node_VariableShowStmt{VariableShowStmt: &pg.VariableShowStmt{Name: name}}}
			out = append(out, &Stmt{AST: ast, Text: text, Offset: start})
			extensions++
			continue
		}
		if createSink.MatchString(text) {
			cs, err := parseCreateSink(text)
			if err != nil {
				return nil, false, err
			}
			// The tree Postgres would have: a no-op it never runs.
			ast := &pg.Node{Node: &pg.Node_CreateStmt{CreateStmt: &pg.CreateStmt{Relation: &pg.RangeVar{Relname: cs.Name, Schemaname: cs.Schema}}}}
			out = append(out, &Stmt{AST: ast, Text: text, Offset: start, Sink: cs})
			extensions++
			continue
		}
		if m := dropSink.FindStringSubmatch(text); m != nil {
			tree, err := pg.Parse("DROP FOREIGN TABLE " + m[1])
			if err != nil || len(tree.Stmts) != 1 {
				return nil, false, nil
			}
			tree.Stmts[0].Stmt.GetDropStmt().RemoveType = DropSinkObject
			out = append(out, &Stmt{AST: tree.Stmts[0].Stmt, Text: text, Offset: start})
			extensions++
			continue
		}
		if isTable := connectorTable.MatchString(text); isTable || createSource.MatchString(text) {
			cs, err := parseCreateSource(text, isTable)
			if err != nil {
				return nil, false, err
			}
			ast := &pg.Node{Node: &pg.Node_CreateStmt{CreateStmt: cs.Table}}
			out = append(out, &Stmt{AST: ast, Text: text, Offset: start, Source: cs})
			extensions++
			continue
		}
		if m := dropSource.FindStringSubmatch(text); m != nil {
			tree, err := pg.Parse("DROP FOREIGN TABLE " + m[1])
			if err != nil || len(tree.Stmts) != 1 {
				return nil, false, nil
			}
			out = append(out, &Stmt{AST: tree.Stmts[0].Stmt, Text: text, Offset: start})
			extensions++
			continue
		}
		parsed, lookups := blankProcTimeLookups(piece)
		tree, err := pg.Parse(parsed)
		if err != nil || len(tree.Stmts) != 1 {
			return nil, false, nil
		}
		if lookups != nil && markProcTimeLookups(tree.Stmts[0].Stmt, lookups) != len(lookups) {
			return nil, false, errMisplacedLookup
		}
		out = append(out, &Stmt{AST: tree.Stmts[0].Stmt, Text: text, Offset: start})
	}
	// The scanner may drop a trailing statement it cannot split; then the
	// text is not fully accounted for and Postgres' error stands.
	if strings.Trim(sql[offset:], " \t\r\n;") != "" {
		return nil, false, nil
	}
	return out, extensions > 0, nil
}
