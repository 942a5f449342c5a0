package slt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// statementTimeout bounds each record, so that a server that hangs fails the
// file instead of the whole test binary.
const statementTimeout = 2 * time.Minute

// Target is a server that .slt files run against.
type Target interface {
	// Name is TargetFreshet or TargetPostgres; skipif/onlyif compare with it.
	Name() string
	// Connect opens a new connection to the target's database.
	Connect(ctx context.Context) (*pgconn.PgConn, error)
	// Restart restarts the server (a no-op where that is not possible); the
	// runner reconnects afterwards.
	Restart(t testing.TB)
}

// Protocol selects how query records are sent.
type Protocol int

// The protocols a file runs under. Statement records always use the simple
// protocol (they may hold several statements).
const (
	Simple   Protocol = iota // Query message
	Extended                 // Parse/Bind/Describe/Execute/Sync, text results
)

// String returns "simple" or "extended".
func (p Protocol) String() string {
	if p == Extended {
		return "extended"
	}
	return "simple"
}

// outcome is what one record produced.
type outcome struct {
	err      *pgconn.PgError
	lines    []string // rendered result, sorted as the record asks
	mismatch string   // set when the result does not fit the record's shape
}

// RunFile runs the .slt file at path against target with the given protocol
// for queries. Each failing record is reported with t.Errorf and the file goes
// on, except after a broken connection. With rewrite, the file is written back
// with the results and SQLSTATEs that the target returned.
func RunFile(t *testing.T, path string, target Target, proto Protocol, rewrite bool) {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	records, lines, err := Parse(path, string(text))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := target.Connect(ctx)
	if err != nil {
		t.Fatalf("connect to %s: %v", target.Name(), err)
	}
	defer func() { conn.Close(ctx) }()

	results := map[*Record]outcome{}
	labels := map[string][]string{}
records:
	for _, r := range records {
		if !r.Runs(target.Name()) {
			continue
		}
		where := fmt.Sprintf("%s:%d", path, r.Line)
		switch r.Kind {
		case KindHalt:
			break records
		case KindRestart:
			conn.Close(ctx)
			target.Restart(t)
			if conn, err = target.Connect(ctx); err != nil {
				t.Fatalf("%s: reconnect after restart: %v", where, err)
			}
			continue
		}
		out, err := execute(ctx, conn, r, proto)
		if err != nil {
			t.Fatalf("%s: %v\n%s", where, err, r.SQL)
		}
		results[r] = out
		if msg := check(r, out, rewrite); msg != "" {
			t.Errorf("%s (%s protocol, %s):\n%s\n%s", where, proto, target.Name(), r.SQL, msg)
		}
		if r.Label != "" && out.err == nil && out.mismatch == "" {
			if prev, ok := labels[r.Label]; ok && !slices.Equal(prev, out.lines) {
				t.Errorf("%s: label %s: result differs from the earlier query with that label\n%s",
					where, r.Label, diff(prev, out.lines))
			}
			labels[r.Label] = out.lines
		}
	}
	if rewrite && !t.Failed() {
		if err := os.WriteFile(path, []byte(rewriteFile(records, lines, results)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// execute runs one record. It returns an error only when the connection is
// unusable; SQL errors are part of the outcome.
func execute(ctx context.Context, conn *pgconn.PgConn, r *Record, proto Protocol) (outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, statementTimeout)
	defer cancel()
	var (
		res *pgconn.Result
		err error
	)
	if r.Kind == KindQuery && proto == Extended {
		res = readResult(conn.ExecParams(ctx, r.SQL, nil, nil, nil, nil))
		err = res.Err
	} else {
		mrr := conn.Exec(ctx, r.SQL)
		for mrr.NextResult() {
			res = readResult(mrr.ResultReader())
		}
		err = mrr.Close()
	}
	var out outcome
	if err != nil {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			return out, err
		}
		out.err = pgErr
		return out, nil
	}
	if r.Kind != KindQuery {
		return out, nil
	}
	if res == nil {
		return out, fmt.Errorf("query returned no result")
	}
	if len(res.FieldDescriptions) != len(r.Types) {
		out.mismatch = fmt.Sprintf("query returned %d columns but the record declares %d (%q)",
			len(res.FieldDescriptions), len(r.Types), r.Types)
		return out, nil
	}
	out.lines = render(res.Rows, r.Sort)
	if r.Sort == NoSort && len(res.Rows) > 1 && !hasTopLevelOrderBy(r.SQL) {
		out.mismatch = fmt.Sprintf("query returned %d rows in an order the SQL does not define: "+
			"add an ORDER BY that makes the order total, or use rowsort", len(res.Rows))
	}
	return out, nil
}

// readResult reads a whole result. Unlike pgconn's ResultReader.Read it keeps
// the column descriptions of a result without rows.
func readResult(rr *pgconn.ResultReader) *pgconn.Result {
	res := &pgconn.Result{}
	for rr.NextRow() {
		vals := rr.Values()
		row := make([][]byte, len(vals))
		for i, v := range vals {
			if v != nil {
				row[i] = append([]byte{}, v...)
			}
		}
		res.Rows = append(res.Rows, row)
	}
	res.FieldDescriptions = rr.FieldDescriptions()
	res.CommandTag, res.Err = rr.Close()
	return res
}

// check compares an outcome with the record's expectation and returns a
// description of the difference, or "" if they agree. With rewrite, result
// lines and SQLSTATEs are not compared (they are about to be rewritten).
func check(r *Record, out outcome, rewrite bool) string {
	if out.mismatch != "" {
		return out.mismatch
	}
	if r.ExpectError {
		if out.err == nil {
			return "expected an error, but it succeeded"
		}
		if r.ErrCode != "" && r.ErrCode != out.err.Code && !rewrite {
			return fmt.Sprintf("expected SQLSTATE %s, got %s: %s", r.ErrCode, out.err.Code, out.err.Message)
		}
		if r.ErrRegex != nil && !r.ErrRegex.MatchString(out.err.Message) {
			return fmt.Sprintf("error message %q does not match %q", out.err.Message, r.ErrRegex)
		}
		return ""
	}
	if out.err != nil {
		return fmt.Sprintf("unexpected error: %s (SQLSTATE %s)", out.err.Message, out.err.Code)
	}
	if r.Kind != KindQuery || rewrite {
		return ""
	}
	want := r.Expected
	if r.Sort != NoSort {
		want = slices.Clone(want)
		slices.Sort(want)
	}
	if slices.Equal(want, out.lines) {
		return ""
	}
	return diff(want, out.lines)
}

// render turns result rows into lines as the .slt format writes them.
func render(rows [][][]byte, mode SortMode) []string {
	lines := make([]string, 0, len(rows))
	if mode == ValueSort {
		for _, row := range rows {
			for _, v := range row {
				lines = append(lines, formatValue(v))
			}
		}
		slices.Sort(lines)
		return lines
	}
	vals := make([]string, 0, 8)
	for _, row := range rows {
		vals = vals[:0]
		for _, v := range row {
			vals = append(vals, formatValue(v))
		}
		lines = append(lines, strings.Join(vals, " "))
	}
	if mode == RowSort {
		slices.Sort(lines)
	}
	return lines
}

// formatValue renders one value: NULL, (empty), or its text with newlines
// written as \n.
func formatValue(v []byte) string {
	switch {
	case v == nil:
		return "NULL"
	case len(v) == 0:
		return "(empty)"
	}
	s := string(v)
	s = strings.ReplaceAll(s, "\r", `\r`)
	return strings.ReplaceAll(s, "\n", `\n`)
}

// diff shows expected and actual lines side by side, marking the differences.
func diff(want, got []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected %d lines, got %d (- expected, + got):\n", len(want), len(got))
	n := max(len(want), len(got))
	for i := range n {
		var w, g string
		wok, gok := i < len(want), i < len(got)
		if wok {
			w = want[i]
		}
		if gok {
			g = got[i]
		}
		switch {
		case wok && gok && w == g:
			fmt.Fprintf(&b, "  %s\n", w)
		default:
			if wok {
				fmt.Fprintf(&b, "- %s\n", w)
			}
			if gok {
				fmt.Fprintf(&b, "+ %s\n", g)
			}
		}
	}
	return b.String()
}

// hasTopLevelOrderBy reports whether sql has an ORDER BY outside parentheses,
// string literals and quoted identifiers: the order of the rows it returns is
// then defined (ORDER BY inside OVER (...), an aggregate call or a subquery does
// not order the result).
func hasTopLevelOrderBy(sql string) bool {
	depth := 0
	upper := strings.ToUpper(sql)
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; c {
		case '\'', '"':
			end := strings.IndexByte(sql[i+1:], c)
			if end < 0 {
				return false
			}
			i += end + 1
		case '(':
			depth++
		case ')':
			depth--
		case 'O', 'o':
			if depth == 0 && strings.HasPrefix(upper[i:], "ORDER") && (i == 0 || !isIdentByte(sql[i-1])) {
				rest := strings.TrimLeft(upper[i+len("ORDER"):], " \t\n")
				if strings.HasPrefix(rest, "BY") && len(upper[i:]) > len("ORDER") && !isIdentByte(upper[i+len("ORDER")]) {
					return true
				}
			}
		}
	}
	return false
}

// isIdentByte reports whether c can be part of an unquoted identifier.
func isIdentByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
