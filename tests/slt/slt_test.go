package slt

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/freshetdb/freshet/tests/testserver"
	"github.com/jackc/pgx/v5/pgconn"
)

var rewrite = flag.Bool("rewrite", false,
	"regenerate the expected results of the .slt files from PostgreSQL (TestSLTPostgres only)")

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// TestSLTPostgres runs every .slt file against the private PostgreSQL: the
// expected results are PostgreSQL's own.
func TestSLTPostgres(t *testing.T) {
	for _, path := range sltFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".slt"), func(t *testing.T) {
			t.Parallel()
			for _, proto := range []Protocol{Simple, Extended} {
				t.Run(proto.String(), func(t *testing.T) {
					target := &postgresTarget{conn: testserver.Postgres(t)}
					RunFile(t, path, target, proto, *rewrite && proto == Simple)
				})
			}
		})
	}
}

// TestSLTFreshet runs every .slt file against a Freshet server, a fresh one for
// each file and protocol.
func TestSLTFreshet(t *testing.T) {
	if *rewrite {
		t.Skip("-rewrite takes expectations from PostgreSQL only")
	}
	for _, path := range sltFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".slt"), func(t *testing.T) {
			t.Parallel()
			for _, proto := range []Protocol{Simple, Extended} {
				t.Run(proto.String(), func(t *testing.T) {
					RunFile(t, path, &freshetTarget{srv: testserver.Start(t)}, proto, false)
				})
			}
		})
	}
}

// sltFiles lists the .slt files beside this test.
func sltFiles(t *testing.T) []string {
	files, err := filepath.Glob("*.slt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .slt files in tests/slt")
	}
	return files
}

// postgresTarget is a database on the private PostgreSQL.
type postgresTarget struct{ conn string }

func (p *postgresTarget) Name() string { return TargetPostgres }

func (p *postgresTarget) Connect(ctx context.Context) (*pgconn.PgConn, error) {
	return pgconn.Connect(ctx, p.conn)
}

// Restart does nothing: the runner's reconnect is all PostgreSQL needs.
func (p *postgresTarget) Restart(testing.TB) {}

// freshetTarget is a Freshet server started for one file.
type freshetTarget struct{ srv *testserver.Server }

func (f *freshetTarget) Name() string { return TargetFreshet }

func (f *freshetTarget) Connect(ctx context.Context) (*pgconn.PgConn, error) {
	return pgconn.Connect(ctx, f.srv.ConnString())
}

func (f *freshetTarget) Restart(t testing.TB) { f.srv.Restart(t) }
