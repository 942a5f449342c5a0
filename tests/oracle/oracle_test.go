package oracle

import (
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/freshetdb/freshet/tests/testserver"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	seedFlag    = flag.Uint64("oracle.seed", 0, "seed for tables and queries (0: FRESHET_ORACLE_SEED or random)")
	nFlag       = flag.Int("oracle.n", 0, "number of queries (0: FRESHET_ORACLE_N or 300)")
	againstFlag = flag.String("oracle.against", "freshet", "what to compare with PostgreSQL: freshet, or postgres to check the generator")
)

// maxMismatches stops the run after this many differing queries.
const maxMismatches = 5

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

func TestOracle(t *testing.T) {
	seed := settingUint(t, *seedFlag, "FRESHET_ORACLE_SEED", 0)
	if seed == 0 {
		seed = rand.Uint64()
	}
	n := int(settingUint(t, uint64(*nFlag), "FRESHET_ORACLE_N", 300))
	t.Logf("oracle: seed %d, %d queries, PostgreSQL vs %s (replay with -oracle.seed=%d)", seed, n, *againstFlag, seed)

	ctx := context.Background()
	pg := connect(t, testserver.Postgres(t))
	var other *pgconn.PgConn
	switch *againstFlag {
	case "freshet":
		other = connect(t, testserver.Start(t).ConnString())
	case "postgres":
		other = connect(t, testserver.Postgres(t))
		// Other plans give other row orders, which shows up any query whose
		// result order the comparison wrongly relies on.
		if _, err := other.Exec(ctx, "SET enable_hashjoin = off; SET enable_hashagg = off; SET enable_sort = off").ReadAll(); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("-oracle.against=%q: want freshet or postgres", *againstFlag)
	}

	rng := rand.New(rand.NewPCG(seed, 0x0f4e5e7))
	for _, stmt := range Schema(rng) {
		for _, c := range []struct {
			name string
			conn *pgconn.PgConn
		}{{"PostgreSQL", pg}, {*againstFlag, other}} {
			if _, err := c.conn.Exec(ctx, stmt).ReadAll(); err != nil {
				t.Fatalf("seed %d: setting up %s: %v\n%.300s", seed, c.name, err, stmt)
			}
		}
	}

	gen := NewGenerator(rng)
	mismatches := 0
	for i := range n {
		q := gen.Next()
		qctx, cancel := context.WithTimeout(ctx, time.Minute)
		want, err := Run(qctx, pg, q.SQL)
		if err != nil {
			cancel()
			t.Fatalf("seed %d query %d: PostgreSQL: %v\n%s", seed, i, err, q.SQL)
		}
		if want.Err != nil {
			cancel()
			t.Fatalf("seed %d query %d: the generator made a query PostgreSQL rejects: %s (%s)\n%s",
				seed, i, want.Err.Message, want.Err.Code, q.SQL)
		}
		got, err := Run(qctx, other, q.SQL)
		cancel()
		if err != nil {
			t.Fatalf("seed %d query %d: %s: %v\n%s", seed, i, *againstFlag, err, q.SQL)
		}
		if d := Compare(want, got, q.Ordered); d != "" {
			mismatches++
			t.Errorf("seed %d query %d (ordered=%v):\n%s\n%s", seed, i, q.Ordered, q.SQL, d)
			if mismatches == maxMismatches {
				t.Fatalf("seed %d: stopping after %d mismatches", seed, mismatches)
			}
		}
	}
	if !t.Failed() {
		t.Logf("oracle: %d queries agree (seed %d)", n, seed)
	}
}

// settingUint returns the flag value if set, else the environment variable,
// else def.
func settingUint(t *testing.T, flagVal uint64, env string, def uint64) uint64 {
	if flagVal != 0 {
		return flagVal
	}
	if s := os.Getenv(env); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", env, s, err)
		}
		return v
	}
	return def
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
