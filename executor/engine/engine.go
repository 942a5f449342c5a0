package engine

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/storage"
)

// Options configures an Engine.
type Options struct {
	// Store holds the catalog and tables. Required; the engine does not
	// close it.
	Store *storage.Store
	// Logger receives the engine's logs; default slog.Default().
	Logger *slog.Logger
	// Version is Freshet's version, shown by SELECT version().
	Version string
	// Clock returns the wall time for now() and friends; default time.Now.
	Clock func() time.Time
	// Workers is the number of shards each materialized view's stateful
	// operators run on, hash-partitioned by their keys; default GOMAXPROCS.
	// Results do not depend on it.
	Workers int
	// ChunkRows is the number of changes a dataflow moves at a time
	// (stream.SetChunkRows); default stream.DefaultChunkRows. Results do not
	// depend on it.
	ChunkRows int
}

// EnsureDefaults fills unset options with their defaults.
func (o *Options) EnsureDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = stream.DefaultChunkRows
	}
}

// Engine executes statements for every session. It is safe for concurrent
// use by many sessions.
type Engine struct {
	opts  Options
	store *storage.Store
	cat   *catalog.Manager
	// writeMu serialises the commit of writes to tables, so that checking
	// a primary key and writing it are atomic.
	writeMu sync.Mutex
	nextPID atomic.Int32
	nextXID atomic.Int64
	rowIDs  rowIDAllocator
	start   time.Time
	views   *viewManager
}

// New loads the catalog from the store and returns an engine.
func New(opts Options) (*Engine, error) {
	opts.EnsureDefaults()
	if opts.Store == nil {
		return nil, fmt.Errorf("engine: no store")
	}
	cat, err := catalog.Load(opts.Store)
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	stream.SetChunkRows(opts.ChunkRows)
	e := &Engine{opts: opts, store: opts.Store, cat: cat, start: opts.Clock(), views: newViewManager(opts.Workers)}
	e.nextPID.Store(1000)
	e.nextXID.Store(1000)
	if err := e.startViews(); err != nil {
		return nil, err
	}
	return e, nil
}

// startViews rebuilds every materialized view from the stored tables, in
// creation order (a view reads only older relations).
func (e *Engine) startViews() error {
	cat := e.cat.Current()
	snap := e.store.NewSnapshot()
	defer snap.Close()
	for _, t := range cat.Tables() {
		if t.Kind != catalog.RelMaterializedView {
			continue
		}
		if err := e.views.create(context.Background(), e, cat, t, snap); err != nil {
			// The view's query fails on the stored data: the server
			// starts, the view reports the error until the data changes.
			e.opts.Logger.Warn("materialized view cannot be computed from the stored data", "view", t.Name, "err", err)
			e.views.registerFailed(e, t, err)
			continue
		}
		e.opts.Logger.Info("materialized view rebuilt", "view", t.Name, "rows", e.views.views[t.ID].sink.Len())
	}
	return nil
}

// commit applies a transaction's writes and feeds their changes to the
// materialized views, atomically for readers. The caller holds writeMu.
func (e *Engine) commit(tx *txn) error {
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	if err := tx.commit(); err != nil {
		return err
	}
	e.views.apply(tx.changes)
	return nil
}

// NewSession implements pgwire.Handler.
func (e *Engine) NewSession(_ context.Context, params map[string]string) (pgwire.Session, error) {
	return newSession(e, params), nil
}

// Close stops the materialized views' workers.
func (e *Engine) Close() { e.views.close() }

// Catalog returns the current catalog snapshot.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat.Current() }
