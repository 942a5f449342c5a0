// Command freshet is the Freshet server and its small command-line tools.
//
//	freshet server [--listen ADDR] [--http-listen ADDR] [--data-dir DIR] [--workers N] [--chunk-rows N] [--log-level LEVEL]
//	freshet version
//
// Every flag can also be set by an environment variable: FRESHET_LISTEN,
// FRESHET_HTTP_LISTEN, FRESHET_DATA_DIR, FRESHET_WORKERS, FRESHET_LOG_LEVEL
// (a flag wins).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/freshetdb/freshet/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "server":
		return serve(args[1:], stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "freshet %s\n", version)
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "freshet: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  freshet server [--listen ADDR] [--http-listen ADDR] [--data-dir DIR] [--workers N] [--chunk-rows N] [--log-level debug|info|warn|error]
  freshet version
`)
}

// envDefault returns the environment variable's value or def.
func envDefault(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the environment variable as an integer, or def.
func envInt(name string, def int) int {
	if v, ok := os.LookupEnv(name); ok {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
	}
	return def
}

// envDuration returns the environment variable as a duration (100ms,
// 1s), or def.
func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func serve(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", envDefault("FRESHET_LISTEN", "127.0.0.1:7432"), "Postgres protocol address (FRESHET_LISTEN)")
	httpListen := fs.String("http-listen", envDefault("FRESHET_HTTP_LISTEN", "127.0.0.1:7480"), "HTTP address for /healthz and /metrics (FRESHET_HTTP_LISTEN)")
	dataDir := fs.String("data-dir", envDefault("FRESHET_DATA_DIR", "./freshet-data"), "data directory (FRESHET_DATA_DIR)")
	workers := fs.Int("workers", envInt("FRESHET_WORKERS", 0), "shards per materialized view, 0 = GOMAXPROCS (FRESHET_WORKERS)")
	chunkRows := fs.Int("chunk-rows", envInt("FRESHET_CHUNK_ROWS", 0), "changes a dataflow moves at a time, 0 = 1024 (FRESHET_CHUNK_ROWS)")
	barrier := fs.Duration("barrier-interval", envDuration("FRESHET_BARRIER_INTERVAL", 100*time.Millisecond), "how often what sources read is committed as an epoch (FRESHET_BARRIER_INTERVAL)")
	logLevel := fs.String("log-level", envDefault("FRESHET_LOG_LEVEL", "info"), "log level: debug, info, warn, error (FRESHET_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fmt.Fprintf(stderr, "freshet: invalid --log-level %q\n", *logLevel)
		return 2
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	srv, err := server.Start(server.Options{Listen: *listen, HTTPListen: *httpListen, DataDir: *dataDir, Version: version, Logger: logger, Workers: *workers, ChunkRows: *chunkRows, BarrierInterval: *barrier})
	if err != nil {
		logger.Error("cannot start", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := srv.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("server stopped with an error", "err", err)
		return 1
	}
	return 0
}
