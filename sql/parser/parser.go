package parser

import (
	"errors"
	"strings"
	"unicode/utf8"

	pg "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Stmt is one parsed statement.
type Stmt struct {
	// AST is the statement's Postgres parse tree.
	AST *pg.Node
	// Text is the statement's own text (without the trailing semicolon).
	Text string
	// Offset is the byte offset of Text within the string given to Parse.
	Offset int
	// Source is set for CREATE SOURCE, a statement Postgres' grammar
	// lacks; AST is then its column definitions as a CREATE TABLE.
	Source *CreateSource
	// Sink is set for CREATE SINK; AST is then a CREATE TABLE of its name.
	Sink *CreateSink
}

// SQL returns the statement's text.
func (s *Stmt) SQL() string { return s.Text }

// Parse parses sql into its statements. Empty statements (";;" or only
// comments) are dropped, so an empty string yields no statements.
func Parse(sql string) ([]*Stmt, error) {
	parsed, lookups := blankProcTimeLookups(sql)
	tree, err := pg.Parse(parsed)
	if err != nil {
		stmts, ok, xerr := parseExtensions(sql)
		if xerr != nil {
			return nil, xerr
		}
		if ok {
			return stmts, nil
		}
		return nil, syntaxError(sql, err)
	}
	out := make([]*Stmt, 0, len(tree.Stmts))
	marked := 0
	for _, raw := range tree.Stmts {
		if raw.Stmt == nil {
			continue
		}
		if lookups != nil {
			marked += markProcTimeLookups(raw.Stmt, lookups)
		}
		start := int(raw.StmtLocation)
		end := len(sql)
		if raw.StmtLen > 0 {
			end = start + int(raw.StmtLen)
		}
		if start < 0 || start > len(sql) || end > len(sql) || start > end {
			start, end = 0, len(sql)
		}
		out = append(out, &Stmt{AST: raw.Stmt, Text: strings.TrimSpace(sql[start:end]), Offset: start})
	}
	if marked != len(lookups) {
		return nil, errMisplacedLookup
	}
	return out, nil
}

// syntaxError converts a pg_query error into a 42601 error whose position
// counts characters, not bytes, as Postgres does.
func syntaxError(sql string, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		return sqlerr.Newf(sqlerr.SyntaxError, "%s", err.Error())
	}
	e := sqlerr.New(sqlerr.SyntaxError, pe.Message)
	if pe.Cursorpos > 0 {
		b := pe.Cursorpos - 1
		if b > len(sql) {
			b = len(sql)
		}
		e.Position = utf8.RuneCountInString(sql[:b]) + 1
	}
	return e
}
