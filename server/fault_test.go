package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/freshetdb/freshet/storage"
)

// running is a server started in the test process on fs.
type running struct {
	srv *Server
	// stop shuts the server down and returns Run's error.
	stop func() error
}

// editStore opens the store of a stopped server on fs, lets edit write
// into a batch, and commits it: damage a test leaves between two starts.
func editStore(t *testing.T, fs vfs.FS, edit func(st *storage.Store, b *storage.Batch)) {
	t.Helper()
	st, err := storage.Open(storage.Options{Dir: "/data", FS: fs, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	b := st.NewBatch()
	edit(st, b)
	if err := st.Commit(b); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

func startOn(t *testing.T, fs vfs.FS) *running {
	t.Helper()
	srv, err := Start(Options{Listen: "127.0.0.1:0", HTTPListen: "127.0.0.1:0", DataDir: "/data", FS: fs,
		Workers: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	r := &running{srv: srv}
	var once sync.Once
	var runErr error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			runErr = <-done
		})
		return runErr
	}
	t.Cleanup(func() { _ = r.stop() })
	return r
}

func (r *running) conn(t *testing.T) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://test@%s/dev?sslmode=disable", r.srv.PGAddr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func mustExec(t *testing.T, c *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, s := range sqls {
		if _, err := c.Exec(context.Background(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// rows returns a query's rows as sorted text.
func rows(t *testing.T, c *pgx.Conn, sql string) []string {
	t.Helper()
	rs, err := c.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	for rs.Next() {
		vals, err := rs.Values()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(vals))
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	slices.Sort(out)
	return out
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// TestFailedWriteKeepsViewsReadable: a commit whose WAL write or fsync
// fails is not acknowledged (58030) and the store refuses later writes;
// reads go on, and the views agree with the tables. (Pebble may have
// applied the failed commit before its fsync failed, so reads may show it,
// as after a crash that cut off an acknowledgement; a restart keeps it or
// not, wholly.)
func TestFailedWriteKeepsViewsReadable(t *testing.T) {
	for name, kinds := range map[string][]errorfs.OpKind{
		"write": {errorfs.OpFileWrite, errorfs.OpFileWriteAt},
		"fsync": {errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo},
	} {
		t.Run(name, func(t *testing.T) { checkFailedWrite(t, kinds) })
	}
}

func checkFailedWrite(t *testing.T, kinds []errorfs.OpKind) {
	fault := &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if strings.HasSuffix(op.Path, ".log") && slices.Contains(kinds, op.Kind) {
			return errorfs.ErrInjected
		}
		return nil
	})}
	r := startOn(t, errorfs.Wrap(vfs.NewMem(), fault))
	c := r.conn(t)
	mustExec(t, c,
		"CREATE TABLE t (k int PRIMARY KEY, g int, v int)",
		"CREATE MATERIALIZED VIEW m AS SELECT g, count(*) AS n, sum(v) AS s, max(v) AS hi FROM t GROUP BY g",
		"INSERT INTO t VALUES (1, 1, 10), (2, 1, 20), (3, 2, 30)")
	const query = "SELECT g, count(*) AS n, sum(v) AS s, max(v) AS hi FROM t GROUP BY g"
	fault.On()
	_, err := c.Exec(context.Background(), "INSERT INTO t VALUES (4, 2, 40)")
	if sqlState(err) != "58030" {
		t.Fatalf("INSERT with a failing WAL: %v, want SQLSTATE 58030", err)
	}
	fault.Off()
	if got, want := rows(t, c, "SELECT * FROM m"), rows(t, c, query); !slices.Equal(got, want) {
		t.Fatalf("after the failed commit the view holds %v, its query gives %v", got, want)
	}
	if got := rows(t, c, "SELECT k FROM t WHERE k <= 3"); len(got) != 3 {
		t.Fatalf("after the failed commit the committed rows are %v", got)
	}
	if _, err := c.Exec(context.Background(), "INSERT INTO t VALUES (5, 1, 50)"); sqlState(err) != "58030" {
		t.Fatalf("INSERT after a failed commit: %v, want the store to refuse it with 58030", err)
	}
	if got, want := rows(t, c, "SELECT * FROM m"), rows(t, c, query); !slices.Equal(got, want) {
		t.Fatalf("the view holds %v, its query gives %v", got, want)
	}
}

// TestPowerLossKeepsViewsAtTheirTables simulates power losses while writes
// go on: the filesystem is cloned as a crash would leave it (what was
// synced, and a random share of the rest). A server started on the clone
// loads every view's stored state, and every view equals its query over the
// tables it has, before and after more writes. (tests/crash checks the
// acknowledged writes themselves, with kill -9.)
func TestPowerLossKeepsViewsAtTheirTables(t *testing.T) {
	views := []struct{ name, query string }{
		{"agg", "SELECT g, count(*) AS n, sum(v) AS s, min(v) AS lo, max(v) AS hi, string_agg(k::text, ',' ORDER BY k) AS ks FROM t GROUP BY g"},
		{"top", "SELECT k, v FROM t ORDER BY v DESC, k LIMIT 3"},
		{"pairs", "SELECT a.k, b.k AS k2 FROM t a JOIN t b ON a.v = b.v + 1"},
		{"kinds", "SELECT DISTINCT v % 5 AS r FROM t"},
		{"firsts", "SELECT * FROM (SELECT k, g, row_number() OVER (PARTITION BY g ORDER BY v, k) AS rn FROM t) s WHERE rn <= 2"},
		{"odd", "SELECT g FROM t WHERE v % 2 = 1 EXCEPT SELECT g FROM t WHERE v % 2 = 0"},
	}
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		fs := vfs.NewCrashableMem()
		r := startOn(t, fs)
		c := r.conn(t)
		mustExec(t, c, "CREATE TABLE t (k int PRIMARY KEY, g int, v int)")
		for _, v := range views {
			mustExec(t, c, "CREATE MATERIALIZED VIEW "+v.name+" AS "+v.query)
		}
		var acked atomic.Int64
		done := make(chan error, 1)
		go func() {
			wrng := rand.New(rand.NewPCG(seed, 12))
			for i := 1; i <= 200; i++ {
				var err error
				switch k := wrng.IntN(20) + 1; {
				case i%4 == 0:
					_, err = c.Exec(context.Background(), "DELETE FROM t WHERE k = $1", k)
				case i%4 == 1:
					_, err = c.Exec(context.Background(), "UPDATE t SET v = v + 1 WHERE k = $1", k)
				default:
					_, err = c.Exec(context.Background(), "INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, k%3, wrng.IntN(10))
				}
				if err != nil {
					done <- err
					return
				}
				acked.Store(int64(i))
			}
			done <- nil
		}()
		for target := int64(1 + rng.IntN(199)); acked.Load() < target; {
		}
		crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: rng.IntN(101), RNG: rng})
		if err := <-done; err != nil {
			t.Fatalf("seed %d: write: %v", seed, err)
		}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
		after := startOn(t, crashed)
		if s := after.srv.engine.Stats(); s.ViewsLoaded != int64(len(views)) {
			t.Fatalf("seed %d: %d views loaded their state after the crash, want %d (%d rebuilt)", seed, s.ViewsLoaded, len(views), s.ViewsRebuilt)
		}
		ac := after.conn(t)
		for _, v := range views {
			got, want := rows(t, ac, "SELECT * FROM "+v.name), rows(t, ac, v.query)
			if !slices.Equal(got, want) {
				t.Fatalf("seed %d: after the crash view %s holds\n%v\nits query gives\n%v", seed, v.name, got, want)
			}
		}
		// The views go on from their loaded state.
		mustExec(t, ac, "INSERT INTO t VALUES (100, 1, 7) ON CONFLICT (k) DO NOTHING", "DELETE FROM t WHERE k % 3 = 0")
		for _, v := range views {
			if got, want := rows(t, ac, "SELECT * FROM "+v.name), rows(t, ac, v.query); !slices.Equal(got, want) {
				t.Fatalf("seed %d: after more writes view %s holds\n%v\nits query gives\n%v", seed, v.name, got, want)
			}
		}
		if err := after.stop(); err != nil {
			t.Fatal(err)
		}
	}
}

// stateKeys counts the stored state keys of every object, and those whose
// value is a zero weight.
func stateKeys(t *testing.T, st *storage.Store) (byID map[uint32]int, zeros int) {
	t.Helper()
	lo, hi := storage.StateSpan()
	it, err := st.NewIter(lo, hi)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	byID = map[uint32]int{}
	for it.First(); it.Valid(); it.Next() {
		id, _ := storage.StateIDFromKey(it.Key())
		byID[id]++
		if v := it.Value(); len(v) == 1 && v[0] == 0 {
			zeros++
		}
	}
	if err := it.Error(); err != nil {
		t.Fatal(err)
	}
	return byID, zeros
}

// TestStateIsFreed: DROP deletes a view's state; a start deletes the state
// of views that no longer exist and the records whose weight summed to
// zero.
func TestStateIsFreed(t *testing.T) {
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	mustExec(t, c,
		"CREATE TABLE t (k int PRIMARY KEY, v int)",
		"CREATE MATERIALIZED VIEW keep AS SELECT k, v FROM t ORDER BY v DESC LIMIT 2",
		"CREATE MATERIALIZED VIEW gone AS SELECT v, count(*) FROM t GROUP BY v",
		"INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 100) g",
		"DELETE FROM t WHERE k > 10")
	byID, zeros := stateKeys(t, r.srv.store)
	if len(byID) != 2 || zeros == 0 {
		t.Fatalf("before DROP: state keys per view %v, %d of weight zero; want two views, and deleted rows at weight zero", byID, zeros)
	}
	mustExec(t, c, "DROP MATERIALIZED VIEW gone")
	if byID, _ = stateKeys(t, r.srv.store); len(byID) != 1 {
		t.Fatalf("after DROP: state keys per view %v, want one view's", byID)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	// State of a view that no longer exists, as a crash between a DROP
	// and the deletion of its state leaves it.
	editStore(t, fs, func(_ *storage.Store, b *storage.Batch) {
		b.Set(append(storage.StateKey(nil, 9999), 1, 2, 3), []byte("stale"))
	})
	r = startOn(t, fs)
	byID, zeros = stateKeys(t, r.srv.store)
	if len(byID) != 1 || byID[9999] != 0 || zeros != 0 {
		t.Fatalf("after a restart: state keys per view %v, %d of weight zero; want one view's, none of weight zero", byID, zeros)
	}
	c = r.conn(t)
	if got := rows(t, c, "SELECT * FROM keep"); !slices.Equal(got, []string{"[5 5]", "[6 6]"}) {
		t.Fatalf("keep holds %v", got)
	}
}

// TestSpilledBackfill: a view built over more input than a backfill takes
// in one epoch stores its state as it goes, and equals its query, after a
// restart too; a query that fails on part of its input only (here when 256
// rows are counted) is built again in one epoch.
func TestSpilledBackfill(t *testing.T) {
	fs := vfs.NewMem()
	start := func() *running {
		srv, err := Start(Options{Listen: "127.0.0.1:0", HTTPListen: "127.0.0.1:0", DataDir: "/data", FS: fs,
			Workers: 2, ChunkRows: 1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- srv.Run(ctx) }()
		r := &running{srv: srv, stop: func() error { cancel(); return <-done }}
		return r
	}
	views := []struct{ name, query string }{
		{"agg", "SELECT k % 10 AS g, count(*) AS n, sum(v) AS s, max(v) AS hi FROM t GROUP BY k % 10"},
		{"top", "SELECT k, v FROM t ORDER BY v DESC, k LIMIT 5"},
		{"pairs", "SELECT a.k, b.k AS k2 FROM t a JOIN t b ON a.v = b.k"},
		{"odd", "SELECT 1000 / (count(*) - 256) AS q FROM t"},
	}
	r := start()
	c := r.conn(t)
	mustExec(t, c, "CREATE TABLE t (k int PRIMARY KEY, v int)", "INSERT INTO t SELECT g, (g * 37) % 1000 FROM generate_series(1, 1000) g")
	for _, v := range views {
		mustExec(t, c, "CREATE MATERIALIZED VIEW "+v.name+" AS "+v.query)
	}
	check := func(c *pgx.Conn, when string) {
		for _, v := range views {
			if got, want := rows(t, c, "SELECT * FROM "+v.name), rows(t, c, v.query); !slices.Equal(got, want) {
				t.Fatalf("%s view %s holds\n%v\nits query gives\n%v", when, v.name, got, want)
			}
		}
	}
	check(c, "after CREATE")
	mustExec(t, c, "DELETE FROM t WHERE k % 3 = 0")
	check(c, "after a DELETE")
	_ = c.Close(context.Background())
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = start()
	defer func() {
		if err := r.stop(); err != nil {
			t.Error(err)
		}
	}()
	if s := r.srv.engine.Stats(); s.ViewsLoaded != int64(len(views)) {
		t.Fatalf("%d views loaded their state at the restart, want %d", s.ViewsLoaded, len(views))
	}
	check(r.conn(t), "after a restart")
}
