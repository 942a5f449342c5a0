package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/server"
)

// noSync turns off fsync on commit, as server.Options.NoSync does. By default
// the server syncs every commit, as the shipped binary does.
var noSync = flag.Bool("freshet.nosync", false, "run the benchmark server without fsync on commit")

// shared is the one server all benchmarks of the process talk to, started on
// first use and closed by TestMain.
var shared struct {
	once    sync.Once
	srv     *server.Server
	dir     string
	cancel  context.CancelFunc
	done    chan error
	err     error
	connStr string
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if shared.srv != nil {
		shared.cancel()
		if err := <-shared.done; err != nil {
			fmt.Fprintf(os.Stderr, "bench: server: %v\n", err)
			code = 1
		}
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// serverOptions returns the options of a benchmark server on dir: loopback
// ports the kernel picks, logs discarded.
func serverOptions(dir string) server.Options {
	return server.Options{
		Listen:     "127.0.0.1:0",
		HTTPListen: "127.0.0.1:0",
		DataDir:    dir,
		Version:    "bench",
		Logger:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		NoSync:     *noSync,
	}
}

// startShared starts the in-process server with a fresh data directory.
func startShared() {
	dir, err := os.MkdirTemp("", "freshet-bench-")
	if err != nil {
		shared.err = err
		return
	}
	shared.dir = dir
	srv, err := server.Start(serverOptions(dir))
	if err != nil {
		shared.err = err
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	shared.srv, shared.cancel, shared.done = srv, cancel, make(chan error, 1)
	go func() { shared.done <- srv.Run(ctx) }()
	shared.connStr = fmt.Sprintf("postgres://bench@%s/dev?sslmode=disable", srv.PGAddr())
}

// connect returns a new pgx connection to the shared server, closed when the
// benchmark ends.
func connect(b *testing.B) *pgx.Conn {
	b.Helper()
	shared.once.Do(startShared)
	if shared.err != nil {
		b.Fatalf("start server: %v", shared.err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, shared.connStr)
	if err != nil {
		b.Fatalf("connect: %v", err)
	}
	b.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// exec runs statements that must succeed.
func exec(b *testing.B, conn *pgx.Conn, sqls ...string) {
	b.Helper()
	for _, s := range sqls {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			b.Fatalf("%s: %v", s, err)
		}
	}
}

// reportRowRate reports rows per second over the benchmark's measured time.
func reportRowRate(b *testing.B, rows int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(rows)/s, "rows/s")
	}
}
