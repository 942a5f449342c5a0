package oracle

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/freshetdb/freshet/tests/testserver"
	"github.com/jackc/pgx/v5/pgconn"
)

var (
	viewsFlag  = flag.Int("oracle.views", 0, "materialized views in TestOracleViews (0: FRESHET_ORACLE_VIEWS or 15)")
	roundsFlag = flag.Int("oracle.rounds", 0, "rounds of DML in TestOracleViews (0: FRESHET_ORACLE_ROUNDS or 20)")
)

// viewsTarget is the server under test in TestOracleViews: Freshet, or a
// second PostgreSQL database with plain views (-oracle.against=postgres).
type viewsTarget struct {
	name string
	conn *pgconn.PgConn
	srv  *testserver.Server // nil for PostgreSQL
	// seed picks the number of workers of each start; starts counts them.
	// varyWorkers (varyChunks) is false when FRESHET_WORKERS
	// (FRESHET_CHUNK_ROWS) was set from outside.
	seed        uint64
	starts      int
	varyWorkers bool
	varyChunks  bool
}

// workersEnv is the environment variable that sets the server's number of
// workers (shards per view); the server inherits the test's environment.
const workersEnv = "FRESHET_WORKERS"

// chunkRowsEnv is the environment variable that sets the server's chunk
// size; the server inherits the test's environment.
const chunkRowsEnv = "FRESHET_CHUNK_ROWS"

// setWorkers sets FRESHET_WORKERS (1 to 4) and FRESHET_CHUNK_ROWS (1, 7,
// 64 or 1024) for the next start of the server, a different draw from the
// seed for each start, since results must depend on neither. A variable
// set from outside stays as it is.
func (v *viewsTarget) setWorkers(t *testing.T) {
	rng := rand.New(rand.NewPCG(v.seed, uint64(v.starts)))
	v.starts++
	n := 1 + rng.IntN(4)
	rows := []int{1, 7, 64, 1024}[rng.IntN(4)]
	if v.varyWorkers {
		t.Setenv(workersEnv, fmt.Sprint(n))
	}
	if v.varyChunks {
		t.Setenv(chunkRowsEnv, fmt.Sprint(rows))
	}
	t.Logf("oracle views: start %d of Freshet with %s=%s %s=%s", v.starts, workersEnv, os.Getenv(workersEnv), chunkRowsEnv, os.Getenv(chunkRowsEnv))
}

// createView creates the view named name with columns c1 ... cN.
func (v *viewsTarget) createView(ctx context.Context, name string, q Query) (*pgconn.PgError, error) {
	kind := "MATERIALIZED VIEW"
	if v.srv == nil {
		kind = "VIEW"
	}
	res, err := Run(ctx, v.conn, fmt.Sprintf("CREATE %s %s (%s) AS %s", kind, name, columnList(q.NCols), q.SQL))
	return res.Err, err
}

// restart restarts Freshet and reconnects; on PostgreSQL it does nothing.
func (v *viewsTarget) restart(t *testing.T) {
	if v.srv == nil {
		return
	}
	v.setWorkers(t)
	v.srv.Restart(t)
	v.conn = connect(t, v.srv.ConnString())
}

// columnList returns "c1, c2, ..., cN".
func columnList(n int) string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i+1)
	}
	return strings.Join(cols, ", ")
}

// TestOracleViews checks materialized views against PostgreSQL. It creates
// the tables of TestOracle on Freshet and on PostgreSQL, creates K random
// materialized views on Freshet (and the same as plain views on PostgreSQL,
// so views over views work there too), half before the rows are loaded and
// half after, then runs M rounds of random DML on both. After every round,
// and again after each of the two restarts of the Freshet server (each start
// with another number of workers), every view's contents (SELECT * FROM v on
// Freshet) must equal, as a multiset, the view's query run on PostgreSQL, and
// also the same query run once on Freshet. View queries that Freshet refuses
// with 0A000 at CREATE are skipped and counted.
func TestOracleViews(t *testing.T) {
	seed := settingUint(t, *seedFlag, "FRESHET_ORACLE_SEED", 0)
	if seed == 0 {
		seed = rand.Uint64()
	}
	nViews := int(settingUint(t, uint64(*viewsFlag), "FRESHET_ORACLE_VIEWS", 15))
	rounds := int(settingUint(t, uint64(*roundsFlag), "FRESHET_ORACLE_ROUNDS", 20))
	t.Logf("oracle views: seed %d, %d views, %d rounds, PostgreSQL vs %s (replay with -oracle.seed=%d)",
		seed, nViews, rounds, *againstFlag, seed)

	ctx := context.Background()
	pg := connect(t, testserver.Postgres(t))
	target := &viewsTarget{name: *againstFlag, seed: seed}
	switch *againstFlag {
	case "freshet":
		_, set := os.LookupEnv(workersEnv)
		target.varyWorkers = !set
		_, set = os.LookupEnv(chunkRowsEnv)
		target.varyChunks = !set
		target.setWorkers(t)
		target.srv = testserver.Start(t)
		target.conn = connect(t, target.srv.ConnString())
	case "postgres":
		target.conn = connect(t, testserver.Postgres(t))
		// Other plans give other row orders and other choices among ties,
		// which shows up any view query whose result is not defined.
		if _, err := target.conn.Exec(ctx, "SET enable_hashjoin = off; SET enable_hashagg = off; SET enable_sort = off").ReadAll(); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("-oracle.against=%q: want freshet or postgres", *againstFlag)
	}

	rng := rand.New(rand.NewPCG(seed, 0x7e3a11e5))
	// The tables are created first. Half of the views are created over the
	// empty tables and receive the rows as changes; the other half are
	// filled (backfilled) from the loaded tables.
	var creates, loads []string
	for _, stmt := range Schema(rng) {
		if strings.HasPrefix(stmt, "CREATE") {
			creates = append(creates, stmt)
		} else {
			loads = append(loads, stmt)
		}
	}
	setUp := func(stmts []string) {
		for _, stmt := range stmts {
			for _, c := range []*pgconn.PgConn{pg, target.conn} {
				if _, err := c.Exec(ctx, stmt).ReadAll(); err != nil {
					t.Fatalf("seed %d: setting up: %v\n%.300s", seed, err, stmt)
				}
			}
		}
	}
	c := &viewChecker{t: t, seed: seed, pg: pg, target: target, failed: map[string]bool{}, dmlErrors: map[string]int{}}
	gen := NewGenerator(rng)
	vgen := NewViewGenerator(gen)
	setUp(creates)
	views := c.createViews(ctx, vgen, nil, nViews/2)
	before := len(views)
	setUp(loads)
	views = c.createViews(ctx, vgen, views, nViews)
	nRefused := 0
	for msg, n := range c.refused {
		nRefused += n
		t.Logf("oracle views: %d view queries refused with 0A000: %s", n, msg)
	}
	t.Logf("oracle views: created %d views (%d before the data), %d queries refused with 0A000", len(views), before, nRefused)

	c.check(ctx, views, "after CREATE", nil)

	restartAt := map[int]bool{}
	if rounds > 0 {
		restartAt[max(1, rounds/3)] = true
		restartAt[max(1, 2*rounds/3)] = true
	}
	dml := NewDMLGenerator(gen)
	for round := 1; round <= rounds; round++ {
		steps := dml.Round()
		for i := range steps {
			c.apply(ctx, round, steps[:i+1])
		}
		c.check(ctx, views, fmt.Sprintf("after round %d", round), steps)
		if restartAt[round] {
			start := time.Now()
			target.restart(t)
			t.Logf("oracle views: restart took %v", time.Since(start).Round(time.Millisecond))
			c.check(ctx, views, fmt.Sprintf("after round %d and a restart", round), steps)
		}
	}
	t.Logf("oracle views: %d DML statements, failing on both servers: %v", c.statements, c.dmlErrors)
	if !t.Failed() {
		t.Logf("oracle views: %d views agree through %d rounds (seed %d)", len(views), rounds, seed)
	}
}

// createViews creates views until there are n of them (or too many
// attempts were refused) and returns them: each as a plain view on
// PostgreSQL, which must accept it, and as a materialized view on the target.
// Queries the target refuses with 0A000 are counted in c.refused and left
// out; other errors fail the test.
func (c *viewChecker) createViews(ctx context.Context, vgen *ViewGenerator, views []View, n int) []View {
	t := c.t
	if c.refused == nil {
		c.refused = map[string]int{}
	}
	for attempt := 0; len(views) < n && attempt < 20*n; attempt++ {
		v := View{Name: fmt.Sprintf("v%d", len(views)+1), Query: vgen.NextView(views)}
		if pgErr, err := (&viewsTarget{conn: c.pg}).createView(ctx, v.Name, v.Query); err != nil || pgErr != nil {
			t.Fatalf("seed %d: the generator made a view PostgreSQL rejects: %v%v\n%s", c.seed, err, pgErr, v.Query.SQL)
		}
		pgErr, err := c.target.createView(ctx, v.Name, v.Query)
		if err != nil {
			t.Fatalf("seed %d: CREATE MATERIALIZED VIEW %s: %v\n%s", c.seed, v.Name, err, v.Query.SQL)
		}
		if pgErr != nil {
			if _, err := Run(ctx, c.pg, "DROP VIEW "+v.Name); err != nil {
				t.Fatal(err)
			}
			if pgErr.Code == "0A000" {
				c.refused[pgErr.Message]++
				t.Logf("oracle views: refused with 0A000: %s", v.Query.SQL)
				continue
			}
			t.Errorf("seed %d: CREATE MATERIALIZED VIEW %s failed with %s (%s), PostgreSQL accepts the query:\n%s",
				c.seed, v.Name, pgErr.Code, pgErr.Message, v.Query.SQL)
			continue
		}
		views = append(views, v)
		t.Logf("%s: %s", v.Name, v.Query.SQL)
	}
	return views
}

// slowStatement is how long a statement may take on the server under test
// before the test logs it (it does not fail for it).
const slowStatement = 2 * time.Second

// viewChecker applies DML to both servers and compares the views.
type viewChecker struct {
	t          *testing.T
	seed       uint64
	pg         *pgconn.PgConn
	target     *viewsTarget
	mismatches int
	// refused counts the view queries the target refused with 0A000, by
	// message.
	refused map[string]int
	// statements counts the DML statements run, dmlErrors those that
	// failed (on both servers), by SQLSTATE.
	statements int
	dmlErrors  map[string]int
	// failed holds the views that mismatched once; they are not checked
	// again, so that one bug is reported once.
	failed map[string]bool
}

// apply runs the last of steps (the round's statements so far) on
// PostgreSQL and on the target, which must both succeed or both fail with
// the same SQLSTATE; otherwise the tables differ from then on and the test
// stops, printing the round's statements.
func (c *viewChecker) apply(ctx context.Context, round int, steps []Step) {
	t := c.t
	s := steps[len(steps)-1]
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var errs [2]*pgconn.PgError
	for i, conn := range []*pgconn.PgConn{c.pg, c.target.conn} {
		var err error
		start := time.Now()
		switch {
		case s.Copy != "":
			_, err = conn.CopyFrom(ctx, strings.NewReader(s.Copy), s.SQL)
		case s.Extended:
			_, err = conn.ExecParams(ctx, s.SQL, nil, nil, nil, nil).Close()
		default:
			_, err = conn.Exec(ctx, s.SQL).ReadAll()
		}
		if err != nil && !errors.As(err, &errs[i]) {
			t.Fatalf("seed %d round %d: %v\n%s", c.seed, round, err, s)
		}
		if d := time.Since(start); i == 1 && d > slowStatement {
			t.Logf("seed %d round %d: %s took %v:\n%.300s", c.seed, round, c.target.name, d.Round(time.Millisecond), s)
		}
	}
	c.statements++
	if errs[0] != nil {
		c.dmlErrors[errs[0].Code]++
	}
	if code(errs[0]) != code(errs[1]) {
		t.Fatalf("seed %d round %d: PostgreSQL and %s disagree on the last statement: PostgreSQL %v, %s %v\nthe round's statements:\n%s",
			c.seed, round, c.target.name, errs[0], c.target.name, errs[1], formatSteps(steps))
	}
}

// code returns the SQLSTATE of err, "" for nil.
func code(err *pgconn.PgError) string {
	if err == nil {
		return ""
	}
	return err.Code
}

// check compares every view with its query on PostgreSQL and, run once, on
// the target. steps are the round's DML, printed with a mismatch.
func (c *viewChecker) check(ctx context.Context, views []View, when string, steps []Step) {
	t := c.t
	for _, v := range views {
		if c.failed[v.Name] {
			continue
		}
		qctx, cancel := context.WithTimeout(ctx, time.Minute)
		want, err := Run(qctx, c.pg, v.Query.SQL)
		if err == nil && want.Err != nil {
			err = want.Err
		}
		if err != nil {
			cancel()
			t.Fatalf("seed %d %s: PostgreSQL: view %s's query: %v\n%s", c.seed, when, v.Name, err, v.Query.SQL)
		}
		got, err := Run(qctx, c.target.conn, "SELECT * FROM "+v.Name)
		if err != nil {
			cancel()
			t.Fatalf("seed %d %s: SELECT * FROM %s: %v", c.seed, when, v.Name, err)
		}
		start := time.Now()
		once, err := Run(qctx, c.target.conn, v.Query.SQL)
		cancel()
		if err != nil {
			t.Fatalf("seed %d %s: the query of %s run once: %v", c.seed, when, v.Name, err)
		}
		if d := time.Since(start); d > slowStatement {
			t.Logf("seed %d %s: the query of %s took %v on %s", c.seed, when, v.Name, d.Round(time.Millisecond), c.target.name)
		}
		var diffs []string
		if d := Compare(want, got, false); d != "" {
			diffs = append(diffs, "SELECT * FROM "+v.Name+" differs from the query on PostgreSQL: "+d)
		}
		if d := Compare(want, once, false); d != "" {
			diffs = append(diffs, "the query run once on "+c.target.name+" differs from PostgreSQL: "+d)
		}
		if len(diffs) == 0 {
			continue
		}
		c.failed[v.Name] = true
		c.mismatches++
		t.Errorf("seed %d, view %s, %s (earlier rounds agreed):\nCREATE MATERIALIZED VIEW %s (%s) AS %s\nDML of the round:\n%s%s",
			c.seed, v.Name, when, v.Name, columnList(v.Query.NCols), v.Query.SQL, formatSteps(steps), strings.Join(diffs, "\n"))
		if c.mismatches == maxMismatches {
			t.Fatalf("seed %d: stopping after %d mismatches", c.seed, c.mismatches)
		}
	}
}

// formatSteps renders statements for a failure report, one per line.
func formatSteps(steps []Step) string {
	if len(steps) == 0 {
		return "  (none)\n"
	}
	var b strings.Builder
	for _, s := range steps {
		fmt.Fprintf(&b, "  %s;\n", strings.ReplaceAll(s.String(), "\n", "\n  "))
	}
	return b.String()
}
