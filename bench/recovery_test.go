package bench

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/server"
)

// stateRows lists the fact-table sizes the state benchmarks run at.
var stateRows = flag.String("freshet.state.rows", "100000,1000000", "comma-separated row counts of the table under the five views of the state benchmarks")

// ownServer is a server of a benchmark's own, on a data directory that
// outlives it.
type ownServer struct {
	srv    *server.Server
	cancel context.CancelFunc
	done   chan error
}

// startOwn starts a server on dir.
func startOwn(b *testing.B, dir string) *ownServer {
	b.Helper()
	srv, err := server.Start(serverOptions(dir))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	o := &ownServer{srv: srv, cancel: cancel, done: make(chan error, 1)}
	go func() { o.done <- srv.Run(ctx) }()
	return o
}

// stop shuts the server down cleanly.
func (o *ownServer) stop(b *testing.B) {
	b.Helper()
	o.cancel()
	if err := <-o.done; err != nil {
		b.Fatal(err)
	}
}

func (o *ownServer) connect(b *testing.B) *pgx.Conn {
	b.Helper()
	conn, err := pgx.Connect(context.Background(), fmt.Sprintf("postgres://bench@%s/dev?sslmode=disable", o.srv.PGAddr()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// stateDir returns a data directory holding d and a fact table of rows
// rows under the five views of BenchmarkCopyIntoViews (without views when
// views is false).
func stateDir(b *testing.B, rows int, views bool) string {
	b.Helper()
	dir := b.TempDir()
	o := startOwn(b, dir)
	conn := o.connect(b)
	exec(b, conn,
		"CREATE TABLE d (id integer PRIMARY KEY, grp integer NOT NULL, name text)",
		"INSERT INTO d SELECT g, g % 10, 'dim-' || g FROM generate_series(1, 1000) g",
		"CREATE TABLE f "+factColumns)
	if views {
		for _, v := range copyViews {
			exec(b, conn, strings.ReplaceAll(v, "%s", "f"))
		}
	}
	if err := copyRows(context.Background(), conn, "f", 1, rows); err != nil {
		b.Fatal(err)
	}
	_ = conn.Close(context.Background())
	o.stop(b)
	return dir
}

// dirMB returns the size of the files under dir in MiB.
func dirMB(b *testing.B, dir string) float64 {
	b.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(n) / (1 << 20)
}

// stateSizes parses -freshet.state.rows.
func stateSizes(b *testing.B) []int {
	var out []int
	for _, f := range strings.Split(*stateRows, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("-freshet.state.rows: bad count %q", f)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkRecovery times a restart over the five views of
// BenchmarkCopyIntoViews: the server opens the store and loads every view's
// stored state. The data directory's size (tables and state) is reported.
func BenchmarkRecovery(b *testing.B) {
	for _, rows := range stateSizes(b) {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			dir := stateDir(b, rows, true)
			mb := dirMB(b, dir)
			for b.Loop() {
				o := startOwn(b, dir)
				b.StopTimer()
				o.stop(b)
				b.StartTimer()
			}
			b.ReportMetric(mb, "MB-on-disk")
			b.ReportMetric(mb/b.Elapsed().Seconds()*float64(b.N), "MB/s")
		})
	}
}

// BenchmarkCommitWithState times one-row INSERTs into a table of rows rows
// read by the five views of BenchmarkCopyIntoViews (and by none, for
// comparison). Each commit writes the views' state changes with the row:
// with changes rather than whole state written, the latency does not grow
// with the state. p50 and p99 are reported.
func BenchmarkCommitWithState(b *testing.B) {
	for _, rows := range stateSizes(b) {
		for _, views := range []bool{false, true} {
			name := fmt.Sprintf("rows=%d/no-views", rows)
			if views {
				name = fmt.Sprintf("rows=%d/five-views", rows)
			}
			b.Run(name, func(b *testing.B) {
				o := startOwn(b, stateDir(b, rows, views))
				defer o.stop(b)
				conn := o.connect(b)
				ctx := context.Background()
				id := rows
				var lat []time.Duration
				for b.Loop() {
					id++
					start := time.Now()
					if _, err := conn.Exec(ctx, "INSERT INTO f VALUES ($1, $2, $3, 'new', '2026-01-01')", id, id%1000+1, id%997); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
				}
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
