package clients

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freshetdb/freshet/tests/testserver"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// TestPsqlFreshet runs the psql session on Freshet and on PostgreSQL and
// compares the query output.
func TestPsqlFreshet(t *testing.T) {
	pg := loadSession(t, testserver.Postgres(t))
	fr := loadSession(t, testserver.Start(t).ConnString())
	for _, q := range Queries {
		t.Run(q.Name, func(t *testing.T) {
			want, err := pg.Run(context.Background(), "", "-c", q.SQL)
			if err != nil {
				t.Fatalf("PostgreSQL: %v", err)
			}
			got, err := fr.Run(context.Background(), "", "-c", q.SQL)
			if err != nil {
				t.Fatalf("Freshet: %v", err)
			}
			if got != want {
				t.Errorf("%s\noutput differs:\n--- PostgreSQL\n%s--- Freshet\n%s", q.SQL, head(want), head(got))
			}
		})
	}
	checkMetaCommands(t, fr)
}

// TestPsqlPostgres runs the psql session on PostgreSQL alone.
func TestPsqlPostgres(t *testing.T) {
	p := loadSession(t, testserver.Postgres(t))
	for _, q := range Queries {
		if _, err := p.Run(context.Background(), "", "-c", q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
	checkMetaCommands(t, p)
}

// loadSession creates the tables on the server and loads them through psql,
// checking the COPY row counts psql reports.
func loadSession(t *testing.T, connString string) *Psql {
	t.Helper()
	ctx := context.Background()
	p, err := NewPsql(connString)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(ctx, "", "-c", setupSQL); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "t.csv")
	if err := os.WriteFile(csv, []byte(TCSV()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := p.Run(ctx, "", "-c", `\copy t FROM '`+csv+`' WITH (FORMAT csv)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "COPY 100000\n"; out != want {
		t.Fatalf(`\copy t: psql printed %q, want %q`, out, want)
	}
	out, err = p.Run(ctx, "COPY d FROM STDIN;\n"+DText(), "-f", "-")
	if err != nil {
		t.Fatal(err)
	}
	if want := "COPY 97\n"; out != want {
		t.Fatalf(`COPY d FROM STDIN: psql printed %q, want %q`, out, want)
	}
	out, err = p.Run(ctx, "", "-c", "SELECT count(*), count(DISTINCT g) FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if want := "100000|97\n"; out != want {
		t.Fatalf("after loading, counts are %q, want %q", out, want)
	}
	return p
}

// checkMetaCommands runs psql's \dt, \d t, \dn and \l and checks that they
// succeed and list what the session created.
func checkMetaCommands(t *testing.T, p *Psql) {
	for _, c := range []struct{ cmd, want string }{
		{`\dt`, "|t|table|"},
		{`\d t`, "id|integer|"},
		{`\dn`, "public|"},
		{`\l`, "|"},
	} {
		out, err := p.Run(context.Background(), "", "-c", c.cmd)
		if err != nil {
			t.Errorf("%s: %v", c.cmd, err)
			continue
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("%s printed no line with %q:\n%s", c.cmd, c.want, out)
		}
	}
}

// head returns the first lines of s, enough to show a difference.
func head(s string) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > 60 {
		return strings.Join(lines[:60], "") + "...\n"
	}
	return s
}
