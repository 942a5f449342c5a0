package oracle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// Result is what a server returned for one query: its rows rendered as text
// (values separated by " | ", NULL for SQL NULL) or its error.
type Result struct {
	Rows []string
	Err  *pgconn.PgError
}

// Run executes one statement over the simple query protocol. It returns an error only when the
// connection fails; SQL errors are part of the Result.
func Run(ctx context.Context, conn *pgconn.PgConn, sql string) (Result, error) {
	var res Result
	mrr := conn.Exec(ctx, sql)
	if !mrr.NextResult() {
		return res, closeResult(&res, mrr.Close())
	}
	rr := mrr.ResultReader()
	for rr.NextRow() {
		vals := rr.Values()
		parts := make([]string, len(vals))
		for i, v := range vals {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = string(v)
			}
		}
		res.Rows = append(res.Rows, strings.Join(parts, " | "))
	}
	_, err := rr.Close()
	if cerr := mrr.Close(); err == nil {
		err = cerr
	}
	return res, closeResult(&res, err)
}

// MustRun is Run, ending the test when the connection fails.
func MustRun(t testing.TB, conn *pgconn.PgConn, sql string) Result {
	t.Helper()
	res, err := Run(context.Background(), conn, sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return res
}

// closeResult records a server error in res and returns any other error.
func closeResult(res *Result, err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	res.Rows, res.Err = nil, pgErr
	return nil
}

// Compare returns "" when got matches want, or a description of the
// difference. Unordered results are compared as multisets.
func Compare(want, got Result, ordered bool) string {
	switch {
	case want.Err != nil && got.Err != nil:
		if want.Err.Code == got.Err.Code {
			return ""
		}
		return fmt.Sprintf("both failed, with different SQLSTATEs: PostgreSQL %s (%s), Freshet %s (%s)",
			want.Err.Code, want.Err.Message, got.Err.Code, got.Err.Message)
	case want.Err != nil:
		return fmt.Sprintf("PostgreSQL failed with %s (%s) but Freshet returned %d rows",
			want.Err.Code, want.Err.Message, len(got.Rows))
	case got.Err != nil:
		return fmt.Sprintf("Freshet failed with %s (%s) but PostgreSQL returned %d rows",
			got.Err.Code, got.Err.Message, len(want.Rows))
	}
	w, g := want.Rows, got.Rows
	if !ordered {
		w, g = slices.Clone(w), slices.Clone(g)
		slices.Sort(w)
		slices.Sort(g)
	}
	if slices.Equal(w, g) {
		return ""
	}
	return diff(w, g, ordered)
}

// maxDiffLines bounds how many differing rows a report shows.
const maxDiffLines = 40

// diff describes the difference between two row lists: for ordered results
// the first position where they differ, for multisets the rows only one side
// has.
func diff(want, got []string, ordered bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "PostgreSQL returned %d rows, Freshet %d (- only PostgreSQL, + only Freshet):\n", len(want), len(got))
	shown := 0
	emit := func(prefix, row string) {
		if shown < maxDiffLines {
			fmt.Fprintf(&b, "%s %s\n", prefix, row)
		}
		shown++
	}
	if ordered {
		for i := range max(len(want), len(got)) {
			switch {
			case i >= len(want):
				emit("+", fmt.Sprintf("[%d] %s", i, got[i]))
			case i >= len(got):
				emit("-", fmt.Sprintf("[%d] %s", i, want[i]))
			case want[i] != got[i]:
				emit("-", fmt.Sprintf("[%d] %s", i, want[i]))
				emit("+", fmt.Sprintf("[%d] %s", i, got[i]))
			}
		}
	} else {
		i, j := 0, 0
		for i < len(want) || j < len(got) {
			switch {
			case j >= len(got) || i < len(want) && want[i] < got[j]:
				emit("-", want[i])
				i++
			case i >= len(want) || got[j] < want[i]:
				emit("+", got[j])
				j++
			default:
				i++
				j++
			}
		}
	}
	if shown > maxDiffLines {
		fmt.Fprintf(&b, "... and %d more differences\n", shown-maxDiffLines)
	}
	return b.String()
}
