package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/freshetdb/freshet/executor/engine"
	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/storage"
)

// Options configures a server.
type Options struct {
	// Listen is the Postgres protocol address. Default 127.0.0.1:7432.
	Listen string
	// HTTPListen is the HTTP address for /healthz and /metrics. Default
	// 127.0.0.1:7480.
	HTTPListen string
	// DataDir holds all state. Default ./freshet-data.
	DataDir string
	// Version is reported by SELECT version() and the freshet_build_info metric.
	Version string
	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
	// Workers is the number of shards of each materialized view's
	// dataflow; default GOMAXPROCS.
	Workers int
	// ChunkRows is the number of changes a dataflow moves at a time;
	// default 1024.
	ChunkRows int
	// BarrierInterval is how often what sources read is committed as an
	// epoch; default 100 ms.
	BarrierInterval time.Duration
	// NoSync skips fsync on commit (tests only: data survives a process
	// crash but not a power loss).
	NoSync bool
	// FS is the filesystem of the data directory; default the operating
	// system's. Tests pass one that injects faults or loses unsynced data.
	FS vfs.FS
}

// EnsureDefaults fills unset options.
func (o *Options) EnsureDefaults() {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:7432"
	}
	if o.HTTPListen == "" {
		o.HTTPListen = "127.0.0.1:7480"
	}
	if o.DataDir == "" {
		o.DataDir = "./freshet-data"
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Server is a running Freshet.
type Server struct {
	opts    Options
	store   *storage.Store
	engine  *engine.Engine
	pg      *pgwire.Server
	pgLn    net.Listener
	httpSrv *http.Server
	httpLn  net.Listener
	metrics *metrics
}

// Start opens the data directory and starts listening. It fails at once if
// the data directory is locked by another server or damaged, or a port is
// taken. The caller must Close the server.
func Start(opts Options) (*Server, error) {
	opts.EnsureDefaults()
	s := &Server{opts: opts}
	st, err := storage.Open(storage.Options{Dir: opts.DataDir, FS: opts.FS, Logger: opts.Logger.With("component", "storage"), NoSync: opts.NoSync})
	if err != nil {
		return nil, err
	}
	s.store = st
	if s.engine, err = engine.New(engine.Options{Store: st, Logger: opts.Logger.With("component", "engine"), Version: opts.Version, Workers: opts.Workers, ChunkRows: opts.ChunkRows, BarrierInterval: opts.BarrierInterval}); err != nil {
		_ = st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	s.metrics = newMetrics(reg, opts.Version, st, s.engine)
	s.pg, err = pgwire.New(pgwire.Options{Addr: opts.Listen, Logger: opts.Logger.With("component", "pgwire"), Handler: s.engine, Observer: s.metrics})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	if s.pgLn, err = net.Listen("tcp", opts.Listen); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("listen on %s: %w", opts.Listen, err)
	}
	if s.httpLn, err = net.Listen("tcp", opts.HTTPListen); err != nil {
		_ = s.pgLn.Close()
		_ = st.Close()
		return nil, fmt.Errorf("listen on %s: %w", opts.HTTPListen, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", s.healthz)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	// Go's profiles, for `go tool pprof http://<http-listen>/debug/pprof/profile`.
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	s.httpSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

// PGAddr returns the Postgres listener's address.
func (s *Server) PGAddr() net.Addr { return s.pgLn.Addr() }

// HTTPAddr returns the HTTP listener's address.
func (s *Server) HTTPAddr() net.Addr { return s.httpLn.Addr() }

// Run serves until ctx is done or a listener fails, then shuts down.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 2)
	go func() { errc <- s.pg.Serve(ctx, s.pgLn) }()
	go func() {
		if err := s.httpSrv.Serve(s.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- err
			return
		}
		errc <- nil
	}()
	s.opts.Logger.Info("freshet ready", "version", s.opts.Version, "listen", s.pgLn.Addr().String(), "http", s.httpLn.Addr().String(), "data_dir", s.opts.DataDir)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	return err
}

// Close stops accepting, closes every connection, and closes the store.
// It is idempotent.
func (s *Server) Close() error {
	if s.store == nil {
		return nil
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.httpSrv.Shutdown(shut)
	err := s.pg.Close()
	s.engine.Close()
	if cerr := s.store.Close(); err == nil {
		err = cerr
	}
	s.store = nil
	s.opts.Logger.Info("freshet stopped")
	return err
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	if err := s.store.Err(); err != nil {
		http.Error(w, "storage failed: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	// The pid tells a caller which process answered (a test harness that
	// picked a port another server took meanwhile).
	w.Header().Set("X-Freshet-Pid", strconv.Itoa(os.Getpid()))
	_, _ = w.Write([]byte("ok\n"))
}
