package crash

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/freshetdb/freshet/tests/oracle"
	"github.com/freshetdb/freshet/tests/testserver"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// views are the materialized views kept over the workload's tables, each
// with the query it must equal.
var views = []struct{ name, query string }{
	{"by_grp", "SELECT grp, count(*) AS n, sum(v) AS s, min(v) AS lo, max(v) AS hi FROM acct GROUP BY grp"},
	{"top", "SELECT id, v FROM acct ORDER BY v DESC, id LIMIT 5"},
	{"joined", "SELECT a.id, a.v, g.label FROM acct a JOIN grp_names g ON g.grp = a.grp WHERE a.v % 3 = 0"},
	{"ranked", "SELECT * FROM (SELECT id, grp, v, row_number() OVER (PARTITION BY grp ORDER BY v DESC, id) AS rn FROM acct) s WHERE rn <= 2"},
	{"totals", "SELECT count(*) AS n, sum(v) AS s FROM acct"},
	{"kinds", "SELECT DISTINCT grp, v % 4 AS m FROM acct"},
	{"missing", "SELECT grp FROM grp_names EXCEPT SELECT grp FROM acct WHERE v > 995"},
	{"running", "SELECT id, grp, v, sum(v) OVER (PARTITION BY grp ORDER BY id) AS run FROM acct WHERE id % 7 = 0"},
	{"lists", "SELECT grp, count(DISTINCT v % 7) AS d, string_agg(id::text, ',' ORDER BY id) FILTER (WHERE v % 97 = 0) AS ids FROM acct GROUP BY grp"},
	{"quiet", "SELECT g.grp, g.label FROM grp_names g WHERE g.grp NOT IN (SELECT grp FROM acct WHERE v > 990)"},
	{"over_view", "SELECT count(*) AS groups, sum(n) AS n, max(hi) AS hi FROM by_grp"},
}

// lateView is created while the load runs, to be killed during its backfill.
const lateView = "SELECT grp, count(*) AS n, sum(v) AS s FROM acct WHERE id % 2 = 0 GROUP BY grp"

// TestCrashLoop: see the package comment.
func TestCrashLoop(t *testing.T) {
	cycles := testserver.EnvInt(t, "FRESHET_CRASH_CYCLES", 20, 1)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FRESHET_CRASH_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FRESHET_CRASH_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("crash loop: %d cycles, seed %d (FRESHET_CRASH_SEED)", cycles, seed)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	s := testserver.Start(t)
	setup := s.Conn(t)
	testserver.Exec(t, setup,
		"CREATE TABLE acct (id bigint PRIMARY KEY, grp int NOT NULL, v bigint NOT NULL)",
		"CREATE TABLE grp_names (grp int PRIMARY KEY, label text)",
		"INSERT INTO grp_names SELECT g, 'group ' || g FROM generate_series(0, 5) g")
	for _, v := range views {
		testserver.Exec(t, setup, "CREATE MATERIALIZED VIEW "+v.name+" AS "+v.query)
	}
	workers := make([]*worker, 3)
	for i := range workers {
		workers[i] = &worker{n: i, rows: map[int64]int64{}, rng: rand.New(rand.NewPCG(rng.Uint64(), uint64(i)))}
	}
	lateState := lateAbsent
	writes := 0
	for c := 1; c <= cycles; c++ {
		mode := []string{"load", "load", "backfill", "restart"}[rng.IntN(4)]
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, w := range workers {
			conn := s.Conn(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.run(ctx, conn)
			}()
		}
		var late chan error
		switch mode {
		case "load":
			time.Sleep(time.Duration(20+rng.IntN(300)) * time.Millisecond)
		case "backfill":
			time.Sleep(time.Duration(20+rng.IntN(150)) * time.Millisecond)
			conn := s.Conn(t)
			if lateState != lateAbsent {
				testserver.Exec(t, conn, "DROP MATERIALIZED VIEW IF EXISTS late")
			}
			lateState = lateMaybe
			late = make(chan error, 1)
			go func() {
				_, err := conn.Exec(context.Background(), "CREATE MATERIALIZED VIEW late AS "+lateView)
				late <- err
			}()
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
		case "restart":
			// The kill comes right after the restart below, before any load.
		}
		s.Kill(t)
		cancel()
		wg.Wait()
		for _, w := range workers {
			if w.err != nil {
				t.Fatalf("worker %d: a write failed: %v", w.n, w.err)
			}
		}
		if late != nil {
			if err := <-late; err == nil {
				lateState = lateThere
			}
		}
		s.Restart(t)
		if mode == "restart" {
			s.Kill(t)
			s.Restart(t)
		}
		// The views that existed before the load started from the state
		// their last commit stored, not from a recomputation.
		if loaded := viewsStarted(t, s, "loaded"); loaded < len(views) {
			t.Fatalf("cycle %d: %d views loaded their stored state at the restart, want at least %d (%d rebuilt)",
				c, loaded, len(views), viewsStarted(t, s, "rebuilt"))
		}
		conn := s.Conn(t)
		for _, w := range workers {
			writes += w.settle(t, conn)
		}
		lateState = checkLate(t, conn, lateState)
		checkRows(t, conn, workers)
		for _, v := range views {
			checkView(t, conn, v.name, v.query)
		}
		t.Logf("cycle %d (%s): verified", c, mode)
	}
	t.Logf("crash loop: survived %d of %d kill -9 cycles, %d acknowledged writes checked, seed %d", cycles, cycles, writes, seed)
}

// viewsStarted reads from the server's metrics how many views started the
// given way ("loaded" or "rebuilt").
func viewsStarted(t *testing.T, s *testserver.Server, how string) int {
	t.Helper()
	resp, err := http.Get("http://" + s.HTTPAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	prefix := `freshet_views_started_total{how="` + how + `"} `
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("metrics: %q", line)
			}
			return n
		}
	}
	t.Fatalf("metrics have no %s", strings.TrimSpace(prefix))
	return 0
}

// Whether the late view exists: not created, created and acknowledged, or
// created when the kill came (it may or may not exist).
const (
	lateAbsent = iota
	lateThere
	lateMaybe
)

// checkLate checks the late view after a restart: there when its creation
// was acknowledged, equal to its query whenever it is there.
func checkLate(t *testing.T, conn *pgx.Conn, state int) int {
	t.Helper()
	var exists bool
	if err := conn.QueryRow(context.Background(), "SELECT count(*) > 0 FROM pg_matviews WHERE matviewname = 'late'").Scan(&exists); err != nil {
		t.Fatalf("look for the late view: %v", err)
	}
	switch {
	case state == lateThere && !exists:
		t.Fatalf("the view created (and acknowledged) before the kill is gone")
	case state == lateAbsent && exists:
		t.Fatalf("a view that was never created exists")
	}
	if !exists {
		return lateAbsent
	}
	checkView(t, conn, "late", lateView)
	return lateThere
}

// checkRows checks that the table holds exactly the rows the workers'
// acknowledged writes left.
func checkRows(t *testing.T, conn *pgx.Conn, workers []*worker) {
	t.Helper()
	want := map[int64]int64{}
	for _, w := range workers {
		for id, v := range w.rows {
			want[id] = v
		}
	}
	got := map[int64]int64{}
	rows, err := conn.Query(context.Background(), "SELECT id, grp, v FROM acct")
	if err != nil {
		t.Fatalf("read acct: %v", err)
	}
	for rows.Next() {
		var id, v int64
		var grp int32
		if err := rows.Scan(&id, &grp, &v); err != nil {
			t.Fatalf("read acct: %v", err)
		}
		if _, dup := got[id]; dup {
			t.Fatalf("row %d is there twice", id)
		}
		if int64(grp) != id%6 {
			t.Fatalf("row %d has group %d, want %d", id, grp, id%6)
		}
		got[id] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read acct: %v", err)
	}
	for id, v := range want {
		g, ok := got[id]
		switch {
		case !ok:
			t.Fatalf("acknowledged row %d (v=%d) is lost", id, v)
		case g != v:
			t.Fatalf("row %d has v=%d, the acknowledged value is %d", id, g, v)
		}
	}
	for id, v := range got {
		if _, ok := want[id]; !ok {
			t.Fatalf("row %d (v=%d) is there, but no acknowledged write left it", id, v)
		}
	}
}

// checkView compares a view's contents with its query run from scratch.
func checkView(t *testing.T, conn *pgx.Conn, name, query string) {
	t.Helper()
	got, want := rowsText(t, conn, "SELECT * FROM "+name), rowsText(t, conn, query)
	if !slices.Equal(got, want) {
		t.Fatalf("view %s differs from its query\nview:\n%s\nquery:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// rowsText runs a query and returns its rows as sorted text lines.
func rowsText(t *testing.T, conn *pgx.Conn, sql string) []string {
	t.Helper()
	res, err := oracle.Run(context.Background(), conn.PgConn(), sql)
	if err == nil && res.Err != nil {
		err = res.Err
	}
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	slices.Sort(res.Rows)
	return res.Rows
}

// worker is one client of the load. Its rows (ids n, n+3, n+6, ...) are
// its own, so workers never conflict; rows holds the state its
// acknowledged writes left, and pending the writes of the statement or
// block whose acknowledgement the kill may have cut off.
type worker struct {
	n       int
	next    int64
	rows    map[int64]int64
	pending []change
	rng     *rand.Rand
	acked   int
	// err is an SQL error a write got: the workload expects none.
	err error
}

// change is one row's write: its value before and after (nil: absent).
type change struct {
	id            int64
	before, after *int64
}

// run issues writes until the connection fails (the kill) or ctx ends.
func (w *worker) run(ctx context.Context, conn *pgx.Conn) {
	for ctx.Err() == nil {
		if err := w.step(ctx, conn); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				w.err = err
			}
			return
		}
		w.apply()
	}
}

// step issues one statement or block, recording its writes as pending
// first; an error leaves them pending.
func (w *worker) step(ctx context.Context, conn *pgx.Conn) error {
	switch op := w.rng.IntN(10); {
	case op < 4 || len(w.rows) == 0:
		id, v := w.newID(), w.rng.Int64N(1000)
		w.pend(id, nil, &v)
		_, err := conn.Exec(ctx, "INSERT INTO acct VALUES ($1, $2, $3)", id, id%6, v)
		return err
	case op < 6:
		id := w.someID()
		old := w.rows[id]
		d := 1 + w.rng.Int64N(5)
		nv := old + d
		w.pend(id, &old, &nv)
		_, err := conn.Exec(ctx, "UPDATE acct SET v = v + $2 WHERE id = $1", id, d)
		return err
	case op < 7:
		id := w.someID()
		old := w.rows[id]
		w.pend(id, &old, nil)
		_, err := conn.Exec(ctx, "DELETE FROM acct WHERE id = $1", id)
		return err
	case op < 8:
		// Several rows in one statement.
		var vals []string
		for range 1 + w.rng.IntN(20) {
			id, v := w.newID(), w.rng.Int64N(1000)
			w.pend(id, nil, &v)
			vals = append(vals, fmt.Sprintf("(%d, %d, %d)", id, id%6, v))
		}
		_, err := conn.Exec(ctx, "INSERT INTO acct VALUES "+strings.Join(vals, ", "))
		return err
	default:
		// A block: its writes are there together or not at all.
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.Background()) }() // after COMMIT a no-op
		id, v := w.newID(), w.rng.Int64N(1000)
		w.pend(id, nil, &v)
		if _, err := tx.Exec(ctx, "INSERT INTO acct VALUES ($1, $2, $3)", id, id%6, v); err != nil {
			return err
		}
		up := w.someID()
		if up != id {
			old := w.rows[up]
			nv := old * 2
			w.pend(up, &old, &nv)
			if _, err := tx.Exec(ctx, "UPDATE acct SET v = v * 2 WHERE id = $1", up); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	}
}

func (w *worker) newID() int64 {
	w.next++
	return w.next*3 + int64(w.n)
}

// someID returns one of the worker's rows (the map's order is random).
func (w *worker) someID() int64 {
	for id := range w.rows {
		if _, pending := w.pendingIdx(id); !pending {
			return id
		}
	}
	return -1
}

func (w *worker) pend(id int64, before, after *int64) {
	w.pending = append(w.pending, change{id: id, before: before, after: after})
}

func (w *worker) pendingIdx(id int64) (int, bool) {
	for i, c := range w.pending {
		if c.id == id {
			return i, true
		}
	}
	return 0, false
}

// apply makes the pending writes acknowledged.
func (w *worker) apply() {
	for _, c := range w.pending {
		if c.after == nil {
			delete(w.rows, c.id)
		} else {
			w.rows[c.id] = *c.after
		}
	}
	w.acked += len(w.pending)
	w.pending = w.pending[:0]
}

// settle resolves the writes the kill left unacknowledged: after the
// restart they must be there all or not at all. It returns the writes
// acknowledged since the last call.
func (w *worker) settle(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	if len(w.pending) > 0 {
		applied, kept := 0, 0
		for _, c := range w.pending {
			cur, err := value(conn, c.id)
			if err != nil {
				t.Fatalf("read row %d: %v", c.id, err)
			}
			switch {
			case same(c.before, c.after):
				// A write that changes nothing (0 doubled) tells nothing.
				if !same(cur, c.before) {
					t.Fatalf("row %d is %s after the kill, the unchanged value %s before and after the interrupted write",
						c.id, show(cur), show(c.before))
				}
			case same(cur, c.after):
				applied++
			case same(cur, c.before):
				kept++
			default:
				t.Fatalf("row %d is %s after the kill: neither its value before (%s) nor after (%s) the interrupted write",
					c.id, show(cur), show(c.before), show(c.after))
			}
		}
		switch {
		case applied > 0 && kept > 0:
			t.Fatalf("an interrupted statement or block left %d of its %d writes applied: %v", applied, len(w.pending), w.pending)
		case applied > 0:
			w.apply()
		default:
			w.pending = w.pending[:0]
		}
	}
	n := w.acked
	w.acked = 0
	return n
}

// value reads row id's v (nil when the row is absent).
func value(conn *pgx.Conn, id int64) (*int64, error) {
	var v int64
	err := conn.QueryRow(context.Background(), "SELECT v FROM acct WHERE id = $1", id).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func same(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func show(v *int64) string {
	if v == nil {
		return "absent"
	}
	return strconv.FormatInt(*v, 10)
}
