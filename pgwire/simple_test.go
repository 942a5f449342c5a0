package pgwire

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// query sends a Query and returns the reply up to ReadyForQuery.
func (c *rawClient) query(sql string) []string {
	c.t.Helper()
	c.send(&pgproto3.Query{String: sql})
	return c.untilReady()
}

func expectMessages(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestSimpleQuery(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)

	expectMessages(t, r.query("rows 2; create;;rows 0"),
		"RowDescription n:20/0 s:25/0",
		`DataRow "1","row 1"`,
		`DataRow "2","row 2"`,
		"CommandComplete SELECT 2",
		"CommandComplete CREATE TABLE",
		"RowDescription n:20/0 s:25/0",
		"CommandComplete SELECT 0",
		"ReadyForQuery I")

	expectMessages(t, r.query(""), "EmptyQueryResponse", "ReadyForQuery I")
	expectMessages(t, r.query(" ; ;\n"), "EmptyQueryResponse", "ReadyForQuery I")

	// An error skips the rest of the message; the connection goes on.
	expectMessages(t, r.query("rows 1; fail 22012 division by zero; rows 1"),
		"RowDescription n:20/0 s:25/0",
		`DataRow "1","row 1"`,
		"CommandComplete SELECT 1",
		"ErrorResponse ERROR 22012 division by zero @3",
		"ReadyForQuery I")
	expectMessages(t, r.query("rows 1; bogus"),
		"ErrorResponse ERROR 42601 syntax error at or near \"bogus\" @9",
		"ReadyForQuery I")
	expectMessages(t, r.query("preparefail"),
		`ErrorResponse ERROR 42P01 relation "missing" does not exist`,
		"ReadyForQuery I")
	expectMessages(t, r.query("plainfail"),
		"ErrorResponse ERROR XX000 plain failure",
		"ReadyForQuery I")
	expectMessages(t, r.query("rows 1 \xc3\x28"),
		`ErrorResponse ERROR 22021 invalid byte sequence for encoding "UTF8": 0xc3 0x28`,
		"ReadyForQuery I")

	expectMessages(t, r.query("notice; set application_name x"),
		"NoticeResponse NOTICE 00000 hello from notice",
		"CommandComplete DO",
		"ParameterStatus application_name=x",
		"CommandComplete SET",
		"ReadyForQuery I")
	expectMessages(t, r.query("begin"), "CommandComplete BEGIN", "ReadyForQuery T")
	expectMessages(t, r.query("commit"), "CommandComplete COMMIT", "ReadyForQuery I")

	r.send(&pgproto3.Query{String: "fatal"})
	if got := r.recv(); got != "ErrorResponse FATAL 57P01 terminating connection due to administrator command" {
		t.Errorf("fatal: %q", got)
	}
	r.expectClosed()
}

func TestErrorFields(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	_, err := c.Exec(testCtx(t), "fail 22012 division by zero").ReadAll()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		t.Fatalf("got %v", err)
	}
	want := pgconn.PgError{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: "22012",
		Message: "division by zero", Detail: "some detail", Hint: "some hint", Position: 3}
	if *pgErr != want {
		t.Errorf("got %+v\nwant %+v", *pgErr, want)
	}
	results, err := c.Exec(testCtx(t), "rows 3").ReadAll()
	if err != nil || len(results[0].Rows) != 3 {
		t.Errorf("after error: %v %v", results, err)
	}
}

func TestNoticesAndParameterStatus(t *testing.T) {
	ts := startServer(t, Options{})
	var notices []string
	cfg, err := pgconn.ParseConfig(ts.connString(""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Severity+" "+n.Message) }
	c, err := pgconn.ConnectConfig(testCtx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(testCtx(t))
	if _, err := c.Exec(testCtx(t), "notice; set TimeZone Europe/Paris").ReadAll(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(notices, []string{"NOTICE hello from notice"}) {
		t.Errorf("notices %q", notices)
	}
	if got := c.ParameterStatus("TimeZone"); got != "Europe/Paris" {
		t.Errorf("TimeZone = %q", got)
	}
	// The next statement formats values with the session's new zone.
	res := c.ExecParams(testCtx(t), "echo timestamptz", [][]byte{[]byte("2024-02-29 13:14:15.5+00")}, nil, nil, nil).Read()
	if res.Err != nil || string(res.Rows[0][0]) != "2024-02-29 14:14:15.5+01" {
		t.Errorf("timestamptz in Europe/Paris: %q %v", res.Rows, res.Err)
	}
}

// TestPsql runs the real psql against the server.
func TestPsql(t *testing.T) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		t.Fatal("psql is not installed: scripts/deps.sh (run by make test) installs it")
	}
	ts := startServer(t, Options{})
	host, port, _ := strings.Cut(ts.addr, ":")
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(testCtx(t), psql, append([]string{"-X", "-h", host, "-p", port, "-U", "alice", "-d", "db"}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("psql %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if got, want := run("", "-c", "rows 2"), " n |   s   \n---+-------\n 1 | row 1\n 2 | row 2\n(2 rows)\n\n"; got != want {
		t.Errorf("rows 2:\n%s\nwant\n%s", got, want)
	}
	if got, want := run("", "-c", "COPY t TO STDOUT"), "1\trow 1\n2\trow 2\n3\trow 3\n"; got != want {
		t.Errorf("COPY TO STDOUT: %q, want %q", got, want)
	}
	if got, want := run("7\tx\n8\ty\n", "-c", "COPY t FROM STDIN"), "COPY 2\n"; got != want {
		t.Errorf("COPY FROM STDIN: %q, want %q", got, want)
	}
	if got, want := run("", "-A", "-t", "-c", "rows 1", "-c", "rows 1"), "1|row 1\n1|row 1\n"; got != want {
		t.Errorf("two commands: %q, want %q", got, want)
	}
}
