package parser

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// CreateSource is a CREATE SOURCE statement, or a CREATE TABLE fed by a
// connector (IsTable):
//
//	CREATE SOURCE [IF NOT EXISTS] name [(column definitions)]
//	  [INCLUDE partition | offset | timestamp | key [AS column]] ...
//	  WITH (connector = 'kafka', topic = '...', ...)
//	  [FORMAT PLAIN ENCODE JSON [(options)]]
//	CREATE TABLE [IF NOT EXISTS] name (column definitions, PRIMARY KEY ...)
//	  WITH (connector = 'kafka', ...) FORMAT UPSERT | DEBEZIUM ENCODE JSON
type CreateSource struct {
	// IsTable says the statement is CREATE TABLE.
	IsTable bool
	// Table holds the name and the column definitions, parsed by
	// Postgres' grammar as those of a CREATE TABLE.
	Table *pg.CreateStmt
	// Includes lists the INCLUDE clauses in order.
	Includes []Include
	// With holds the WITH options, keys lower-cased, in order.
	With []Option
	// Format and Encode are the FORMAT and ENCODE names, upper-cased; ""
	// when the clause is absent.
	Format, Encode string
	// EncodeOptions are the options after ENCODE, keys lower-cased.
	EncodeOptions []Option
	// ProcTime names the columns declared `name type AS PROCTIME()`: the
	// time each row is read (processing time). Table holds them without
	// the AS PROCTIME().
	ProcTime []string
}

// Include is one INCLUDE clause: a message attribute made a column.
type Include struct {
	// Kind is the attribute, lower-cased: key, partition, offset,
	// timestamp or header.
	Kind string
	// As is the column's name; "" for the default (_rw_kafka_<kind>, as
	// RisingWave names it).
	As string
	// Header names the one header INCLUDE header 'name' takes; "" for
	// all of them.
	Header string
}

// Option is one key = 'value' option.
type Option struct {
	Key, Value string
}

// CreateSink is a CREATE SINK statement:
//
//	CREATE SINK [IF NOT EXISTS] name FROM relation | AS query
//	  WITH (connector = 'kafka', topic = '...', ...)
//	  FORMAT PLAIN | UPSERT | DEBEZIUM ENCODE JSON [(options)]
type CreateSink struct {
	// Schema and Name name the sink; FromSchema and From the relation
	// whose changes it writes, or Query the query.
	Schema, Name     string
	FromSchema, From string
	Query            string
	IfNotExists      bool
	// With holds the WITH options, keys lower-cased, in order.
	With []Option
	// Format and Encode are upper-cased.
	Format, Encode string
	EncodeOptions  []Option
}

// DropSinkObject is the object type of the DropStmt that DROP SINK parses
// into: one Postgres' DROP never produces (user mappings have a statement
// of their own).
const DropSinkObject = pg.ObjectType_OBJECT_USER_MAPPING

// token is one token of an extension statement.
type token struct {
	kind pg.Token
	text string // as written
	pos  int    // byte offset in the statement
}

// scanTokens splits text into tokens, dropping comments.
func scanTokens(text string) ([]token, error) {
	res, err := pg.Scan(text)
	if err != nil {
		return nil, sqlerr.Newf(sqlerr.SyntaxError, "%s", err.Error())
	}
	var out []token
	for _, t := range res.Tokens {
		if t.Token == pg.Token_SQL_COMMENT || t.Token == pg.Token_C_COMMENT {
			continue
		}
		out = append(out, token{kind: t.Token, text: text[t.Start:t.End], pos: int(t.Start)})
	}
	return out, nil
}

// tokenReader walks the tokens of one statement.
type tokenReader struct {
	text string
	toks []token
	i    int
}

func (r *tokenReader) peek() *token {
	if r.i < len(r.toks) {
		return &r.toks[r.i]
	}
	return nil
}

// word reports whether the next token is the keyword or identifier w
// (lower case), and consumes it if so.
func (r *tokenReader) word(w string) bool {
	if t := r.peek(); t != nil && t.kind != pg.Token_SCONST && strings.ToLower(t.text) == w {
		r.i++
		return true
	}
	return false
}

func (r *tokenReader) punct(p string) bool {
	if t := r.peek(); t != nil && t.text == p {
		r.i++
		return true
	}
	return false
}

// fail is a syntax error at the next token, positioned as Postgres does
// (1-based characters).
func (r *tokenReader) fail(want string) error {
	t := r.peek()
	if t == nil {
		return sqlerr.Newf(sqlerr.SyntaxError, "syntax error at end of input: expected %s", want)
	}
	e := sqlerr.Newf(sqlerr.SyntaxError, "syntax error at or near %q: expected %s", t.text, want)
	e.Position = len([]rune(r.text[:t.pos])) + 1
	return e
}

// ident reads an identifier: lower-cased unless double-quoted.
func (r *tokenReader) ident(what string) (string, error) {
	t := r.peek()
	if t == nil || t.kind == pg.Token_SCONST || t.kind == pg.Token_ICONST || t.kind == pg.Token_FCONST || len(t.text) == 0 || strings.ContainsAny(t.text[:1], "(),;=.'") {
		return "", r.fail(what)
	}
	r.i++
	if strings.HasPrefix(t.text, `"`) {
		return strings.ReplaceAll(strings.Trim(t.text, `"`), `""`, `"`), nil
	}
	return strings.ToLower(t.text), nil
}

// options reads '(' key = value, ... ')'; a key is dotted identifiers
// (properties.bootstrap.server), a value a string, a number or a word.
func (r *tokenReader) options() ([]Option, error) {
	if !r.punct("(") {
		return nil, r.fail("'('")
	}
	var out []Option
	for {
		var key []string
		for {
			k, err := r.ident("an option name")
			if err != nil {
				return nil, err
			}
			key = append(key, strings.ToLower(k))
			if !r.punct(".") {
				break
			}
		}
		if !r.punct("=") {
			return nil, r.fail("'='")
		}
		t := r.peek()
		if t == nil || t.text == "," || t.text == ")" {
			return nil, r.fail("an option value")
		}
		r.i++
		val := t.text
		switch {
		case t.kind == pg.Token_SCONST && strings.HasPrefix(val, "'"):
			val = strings.ReplaceAll(val[1:len(val)-1], "''", "'")
		case t.kind == pg.Token_SCONST:
			return nil, sqlerr.Newf(sqlerr.SyntaxError, "option %q: write the value as a plain 'string'", strings.Join(key, "."))
		}
		out = append(out, Option{Key: strings.Join(key, "."), Value: val})
		if r.punct(")") {
			return out, nil
		}
		if !r.punct(",") {
			return nil, r.fail("',' or ')'")
		}
	}
}

// parens returns the text inside the parenthesised list that starts at
// the next token, and moves past it.
func (r *tokenReader) parens() (string, error) {
	open := r.peek()
	if open == nil || open.text != "(" {
		return "", r.fail("'('")
	}
	depth := 0
	for j := r.i; j < len(r.toks); j++ {
		switch r.toks[j].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				inner := r.text[open.pos+1 : r.toks[j].pos]
				r.i = j + 1
				return inner, nil
			}
		}
	}
	r.i = len(r.toks)
	return "", r.fail("')'")
}

// parseCreateSource parses text, which starts with CREATE SOURCE, or with
// CREATE TABLE when isTable.
func parseCreateSource(text string, isTable bool) (*CreateSource, error) {
	toks, err := scanTokens(text)
	if err != nil {
		return nil, err
	}
	r := &tokenReader{text: text, toks: toks}
	r.word("create")
	if !r.word("source") && !r.word("table") {
		return nil, r.fail("SOURCE or TABLE")
	}
	ifNotExists := false
	if r.word("if") {
		if !r.word("not") || !r.word("exists") {
			return nil, r.fail("IF NOT EXISTS")
		}
		ifNotExists = true
	}
	nameStart := r.peek()
	if _, err := r.ident("a source name"); err != nil {
		return nil, err
	}
	if r.punct(".") {
		if _, err := r.ident("a source name"); err != nil {
			return nil, err
		}
	}
	name := text[nameStart.pos : r.toks[r.i-1].pos+len(r.toks[r.i-1].text)]
	cols := ""
	if t := r.peek(); t != nil && t.text == "(" {
		inner, err := r.parens()
		if err != nil {
			return nil, err
		}
		if err := refuseWatermark(inner); err != nil {
			return nil, err
		}
		cols = inner
	}
	cs := &CreateSource{IsTable: isTable}
	if cols, cs.ProcTime, err = procTimeColumns(cols); err != nil {
		return nil, err
	}
	tree, err := pg.Parse("CREATE TABLE " + name + " (" + cols + ")")
	if err != nil || len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetCreateStmt() == nil {
		if err == nil {
			err = sqlerr.New(sqlerr.SyntaxError, "malformed column definitions")
		}
		return nil, sqlerr.Newf(sqlerr.SyntaxError, "in the column definitions of CREATE SOURCE: %s", strings.TrimPrefix(err.Error(), "syntax error "))
	}
	cs.Table = tree.Stmts[0].Stmt.GetCreateStmt()
	cs.Table.IfNotExists = ifNotExists
	for !isTable && r.word("include") {
		kind, err := r.ident("what to include (key, partition, offset, timestamp or header)")
		if err != nil {
			return nil, err
		}
		inc := Include{Kind: kind}
		if t := r.peek(); kind == "header" && t != nil && t.kind == pg.Token_SCONST && strings.HasPrefix(t.text, "'") {
			inc.Header = strings.ReplaceAll(t.text[1:len(t.text)-1], "''", "'")
			r.i++
		}
		if r.word("as") {
			if inc.As, err = r.ident("a column name"); err != nil {
				return nil, err
			}
		}
		cs.Includes = append(cs.Includes, inc)
	}
	if !r.word("with") {
		return nil, r.fail("WITH (connector = '...', ...)")
	}
	if cs.With, err = r.options(); err != nil {
		return nil, err
	}
	if t := r.peek(); t != nil && strings.EqualFold(t.text, "format") {
		if cs.Format, cs.Encode, cs.EncodeOptions, err = r.formatClause("PLAIN"); err != nil {
			return nil, err
		}
	}
	r.punct(";")
	if r.peek() != nil {
		return nil, r.fail("the end of the statement")
	}
	return cs, nil
}

// qualifiedName reads name or schema.name.
func (r *tokenReader) qualifiedName(what string) (schema, name string, err error) {
	if name, err = r.ident(what); err != nil {
		return "", "", err
	}
	if r.punct(".") {
		schema = name
		if name, err = r.ident(what); err != nil {
			return "", "", err
		}
	}
	return schema, name, nil
}

// formatClause reads FORMAT name ENCODE name [(options)], required.
func (r *tokenReader) formatClause(formats string) (format, encode string, opts []Option, err error) {
	if !r.word("format") {
		return "", "", nil, r.fail("FORMAT " + formats + " ENCODE JSON")
	}
	f, err := r.ident("a format name (" + formats + ")")
	if err != nil {
		return "", "", nil, err
	}
	if !r.word("encode") {
		return "", "", nil, r.fail("ENCODE")
	}
	e, err := r.ident("an encoding name (JSON)")
	if err != nil {
		return "", "", nil, err
	}
	if t := r.peek(); t != nil && t.text == "(" {
		if opts, err = r.options(); err != nil {
			return "", "", nil, err
		}
	}
	return strings.ToUpper(f), strings.ToUpper(e), opts, nil
}

// parseCreateSink parses text, which starts with CREATE SINK.
func parseCreateSink(text string) (*CreateSink, error) {
	toks, err := scanTokens(text)
	if err != nil {
		return nil, err
	}
	r := &tokenReader{text: text, toks: toks}
	r.word("create")
	r.word("sink")
	cs := &CreateSink{}
	if r.word("if") {
		if !r.word("not") || !r.word("exists") {
			return nil, r.fail("IF NOT EXISTS")
		}
		cs.IfNotExists = true
	}
	if cs.Schema, cs.Name, err = r.qualifiedName("a sink name"); err != nil {
		return nil, err
	}
	switch {
	case r.word("from"):
		if cs.FromSchema, cs.From, err = r.qualifiedName("the materialized view the sink writes"); err != nil {
			return nil, err
		}
	case r.word("as"):
		// The query runs to the WITH that opens the options: the last
		// WITH followed by '(' outside parentheses (a CTE's WITH is
		// followed by its name).
		start, at, depth := r.i, -1, 0
		for j := r.i; j+1 < len(r.toks); j++ {
			switch r.toks[j].text {
			case "(":
				depth++
			case ")":
				depth--
			}
			if depth == 0 && strings.EqualFold(r.toks[j].text, "with") && r.toks[j+1].text == "(" {
				at = j
			}
		}
		if at <= start {
			return nil, r.fail("a query, then WITH (connector = 'kafka', ...)")
		}
		cs.Query = strings.TrimSpace(text[r.toks[start].pos:r.toks[at].pos])
		r.i = at
	default:
		return nil, r.fail("FROM a materialized view")
	}
	if !r.word("with") {
		return nil, r.fail("WITH (connector = 'kafka', ...)")
	}
	if cs.With, err = r.options(); err != nil {
		return nil, err
	}
	if t := r.peek(); t != nil && strings.EqualFold(t.text, "format") {
		if cs.Format, cs.Encode, cs.EncodeOptions, err = r.formatClause("PLAIN, UPSERT or DEBEZIUM"); err != nil {
			return nil, err
		}
	}
	r.punct(";")
	if r.peek() != nil {
		return nil, r.fail("the end of the statement")
	}
	return cs, nil
}

// procTimeColumns takes `AS PROCTIME()` out of the column definitions
// cols and returns them with the names of the columns that had it (the
// first token of their definition).
func procTimeColumns(cols string) (string, []string, error) {
	toks, err := scanTokens(cols)
	if err != nil {
		return "", nil, err
	}
	var names []string
	var b strings.Builder
	last, depth, defStart := 0, 0, 0
	for i := 0; i < len(toks); i++ {
		switch toks[i].text {
		case "(":
			depth++
		case ")":
			depth--
		case ",":
			if depth == 0 {
				defStart = i + 1
			}
		}
		if depth != 0 || i+3 >= len(toks) || !strings.EqualFold(toks[i].text, "as") || !strings.EqualFold(toks[i+1].text, "proctime") ||
			toks[i+2].text != "(" || toks[i+3].text != ")" {
			continue
		}
		name := toks[defStart].text
		if strings.HasPrefix(name, `"`) {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		} else {
			name = strings.ToLower(name)
		}
		names = append(names, name)
		b.WriteString(cols[last:toks[i].pos])
		last = toks[i+3].pos + 1
		i += 3
	}
	b.WriteString(cols[last:])
	return b.String(), names, nil
}

// refuseWatermark fails on a WATERMARK FOR clause in a column list:
// watermarks are not supported yet.
func refuseWatermark(cols string) error {
	toks, err := scanTokens(cols)
	if err != nil {
		return err
	}
	for i := 0; i+1 < len(toks); i++ {
		if strings.EqualFold(toks[i].text, "watermark") && strings.EqualFold(toks[i+1].text, "for") {
			return sqlerr.Unsupported("WATERMARK FOR in CREATE SOURCE (event-time watermarks)")
		}
	}
	return nil
}
