package compat

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/freshetdb/freshet/tests/testserver"
	"github.com/jackc/pgx/v5/pgconn"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// TestCompatFreshet replays the captured client statements against Freshet.
func TestCompatFreshet(t *testing.T) {
	srv := testserver.Start(t)
	replay(t, srv.ConnString(), false)
}

// TestCompatPostgres replays them against PostgreSQL, where every one must
// succeed: it checks the parsing, the fixture and the OID substitution.
func TestCompatPostgres(t *testing.T) {
	replay(t, testserver.Postgres(t), true)
}

// captureFiles are the captures and the statement each replay starts at.
var captureFiles = []struct {
	name      string
	startMark string // for logs: skip statements before this one
}{
	{"psql15-meta-commands.txt", ""},
	{"driver-startup-python-go-node.log", ""},
	// The JDBC log starts with the tail of the Python run.
	{"driver-startup-jdbc.log", "MARK jdbc connected"},
}

func replay(t *testing.T, connString string, postgres bool) {
	dir, err := FindShared()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	setup := connect(t, connString)
	for _, step := range fixture {
		sql := step.SQL
		if !postgres {
			if step.PostgresOnly {
				continue
			}
			if step.Gap != "" {
				t.Logf("fixture: Freshet lacks %s: %s", step.Gap, step.SQL)
				if sql = step.Freshet; sql == "" {
					continue
				}
			}
		}
		if _, err := setup.Exec(ctx, sql).ReadAll(); err != nil {
			t.Fatalf("fixture: %v\n%s", err, sql)
		}
	}
	oids := lookupOIDs(t, setup, postgres)

	for _, f := range captureFiles {
		path := filepath.Join(dir, f.name)
		var stmts []Statement
		if strings.HasSuffix(f.name, ".txt") {
			stmts, err = ParsePsql(path)
		} else {
			stmts, err = ParseLog(path, f.startMark)
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(stmts) == 0 {
			t.Fatalf("%s: no statements found", path)
		}
		t.Run(f.name, func(t *testing.T) {
			conns := map[string]*pgconn.PgConn{}
			replayed := 0
			for _, st := range stmts {
				if st.Truncated {
					t.Logf("%s: skipped, the capture cut this statement off", st.Source)
					continue
				}
				replayed++
				conn, ok := conns[st.Group]
				if !ok {
					conn = connect(t, connString)
					conns[st.Group] = conn
				}
				msg := run(ctx, conn, st, oids)
				if gap := gapOf(st); gap != "" && !postgres {
					if msg == "" {
						t.Errorf("%s (%s): succeeds although knownGaps says Freshet lacks %s: remove it from knownGaps\n%s",
							st.Source, st.Group, gap, st.SQL)
					} else {
						t.Logf("%s: known gap, Freshet lacks %s: %s", st.Source, gap, msg)
					}
					continue
				}
				if msg != "" {
					t.Errorf("%s (%s): %s\n%s", st.Source, st.Group, msg, st.SQL)
				}
			}
			t.Logf("%d statements replayed", replayed)
		})
	}
}

// run executes one statement and returns what went wrong, or "".
func run(ctx context.Context, conn *pgconn.PgConn, st Statement, oids *strings.Replacer) string {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	sql := oids.Replace(st.SQL)
	var (
		fields []pgconn.FieldDescription
		err    error
	)
	if st.Protocol == Extended {
		params := make([][]byte, len(st.Params))
		for i, p := range st.Params {
			if p != nil {
				params[i] = []byte(oids.Replace(*p))
			}
		}
		rr := conn.ExecParams(ctx, sql, params, nil, nil, nil)
		for rr.NextRow() {
		}
		fields = rr.FieldDescriptions()
		_, err = rr.Close()
	} else {
		mrr := conn.Exec(ctx, sql)
		for mrr.NextResult() {
			rr := mrr.ResultReader()
			for rr.NextRow() {
			}
			fields = rr.FieldDescriptions()
			if _, cerr := rr.Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
		if cerr := mrr.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		var pgErr *pgconn.PgError
		msg := err.Error()
		if errors.As(err, &pgErr) {
			msg = fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
		}
		// Leave a failed transaction block, so that the statements after this
		// one are judged on their own.
		if conn.TxStatus() == 'E' {
			_, _ = conn.Exec(ctx, "ROLLBACK").ReadAll()
		}
		return "failed: " + msg
	}
	if st.Columns != nil {
		got := make([]string, len(fields))
		for i, f := range fields {
			got[i] = f.Name
		}
		if !slices.Equal(got, st.Columns) {
			return fmt.Sprintf("columns %q, psql printed %q", got, st.Columns)
		}
	}
	return ""
}

// oidWord matches a captured OID as a whole word.
var oidWord = regexp.MustCompile(`^[0-9]+$`)

// lookupOIDs finds the server's OIDs for the captured objects and returns a
// replacer from captured to actual OIDs. On Freshet (postgres false), an
// object it cannot create yet (capturedOID.Gap) gets OID 0.
func lookupOIDs(t *testing.T, conn *pgconn.PgConn, postgres bool) *strings.Replacer {
	var pairs []string
	for _, c := range capturedOIDs {
		if c.Gap != "" && !postgres {
			pairs = append(pairs, c.OID, "0")
			continue
		}
		res, err := conn.Exec(context.Background(), c.Lookup).ReadAll()
		if err != nil {
			t.Fatalf("looking up the OID captured as %s: %v\n%s", c.OID, err, c.Lookup)
		}
		if len(res) != 1 || len(res[0].Rows) != 1 || !oidWord.Match(res[0].Rows[0][0]) {
			t.Fatalf("looking up the OID captured as %s: want one OID, got %v\n%s", c.OID, res, c.Lookup)
		}
		pairs = append(pairs, c.OID, string(res[0].Rows[0][0]))
	}
	return strings.NewReplacer(pairs...)
}

// connect opens a connection closed at the end of the test.
func connect(t *testing.T, connString string) *pgconn.PgConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, connString)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}
