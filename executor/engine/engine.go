package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/sqlerr"
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
	// BarrierInterval is how often what the views' sources read is
	// committed as an epoch; default 100 ms. A write to a table is an epoch
	// of its own at once.
	BarrierInterval time.Duration
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
	if o.BarrierInterval <= 0 {
		o.BarrierInterval = 100 * time.Millisecond
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
	stats   stats
	// sources lists the views' source feeds; ingestWake asks for a source
	// epoch now; stopIngest and ingestDone stop the loop committing them.
	sources registry[*sourceFeed]
	// tableFeeds fill the tables created with a connector, by table id;
	// guarded by the views' lock.
	tableFeeds map[uint32]*sourceFeed
	sinkList   registry[*msink]
	ingestWake chan struct{}
	stopIngest chan struct{}
	ingestDone chan struct{}
	// bg counts the goroutines of feeds' readers and sinks' writers, which
	// may outlive their feed or sink by a connection timeout; Close waits
	// for them.
	bg sync.WaitGroup
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
	e := &Engine{opts: opts, store: opts.Store, cat: cat, start: opts.Clock(), views: newViewManager(opts.Workers),
		ingestWake: make(chan struct{}, 1), stopIngest: make(chan struct{}), ingestDone: make(chan struct{}),
		tableFeeds: map[uint32]*sourceFeed{}}
	e.nextPID.Store(1000)
	e.nextXID.Store(1000)
	if err := e.startViews(); err != nil {
		return nil, err
	}
	// Loading left the decoded records as garbage, as large as the state:
	// give that memory back now rather than at the heap's next goal.
	debug.FreeOSMemory()
	for _, t := range cat.Current().Tables() {
		if t.Kind == catalog.RelTable && t.Source != nil {
			if err := e.startTableFeed(t); err != nil {
				e.opts.Logger.Warn("the Kafka feed of a table cannot start", "table", t.Name, "err", err)
			}
		}
	}
	if err := e.startSinks(); err != nil {
		return nil, err
	}
	go e.runIngest(e.stopIngest, e.ingestDone)
	return e, nil
}

// startViews starts every materialized view: from its stored state when
// this plan wrote it, otherwise built again from the stored tables (and its
// state stored afresh). State left by views that no longer exist is
// deleted. Views load in parallel, level by level: a view starts after the
// views it reads.
func (e *Engine) startViews() error {
	cat := e.cat.Current()
	if err := e.sweepState(cat); err != nil {
		return err
	}
	snap := e.store.NewSnapshot()
	defer snap.Close()
	var levels [][]*catalog.Table
	depth := dependencyDepth(cat)
	for _, t := range cat.Tables() {
		if !maintained(t) {
			continue
		}
		l := depth(t.ID)
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], t)
	}
	for _, ts := range levels {
		started := make([]*startedView, len(ts))
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for i, t := range ts {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				started[i] = e.startView(cat, t, snap)
			})
		}
		wg.Wait()
		for i, sv := range started {
			if sv.err != nil {
				for _, other := range started[i:] {
					if other.v != nil {
						other.v.stop()
					}
				}
				return sv.err
			}
			if sv.v == nil {
				e.views.registerFailed(e, ts[i], sv.failed)
				continue
			}
			e.views.add(sv.v)
		}
	}
	return nil
}

// maintained says whether relation t has a dataflow kept up to date: a
// materialized view, or a sink of its own query.
func maintained(t *catalog.Table) bool {
	return t.Kind == catalog.RelMaterializedView || t.Kind == catalog.RelSink && t.Query != ""
}

// dependencyDepth returns a function giving the length of the longest
// chain of relations that relation id reads, through views of any kind: a
// materialized view starts after every view deeper than it.
func dependencyDepth(cat *catalog.Catalog) func(id uint32) int {
	memo := map[uint32]int{}
	var depth func(id uint32) int
	depth = func(id uint32) int {
		if d, ok := memo[id]; ok {
			return d
		}
		memo[id] = 0 // a cycle cannot happen; this only guards against one
		d := 0
		if t, ok := cat.TableByID(id); ok {
			for _, dep := range t.Depends {
				d = max(d, depth(dep)+1)
			}
		}
		memo[id] = d
		return d
	}
	return depth
}

// startedView is the outcome of starting one view: running (v), failing
// on the stored data (failed), or an error that stops the server (err).
type startedView struct {
	v      *mview
	failed error
	err    error
}

// startView loads view t, or builds it again, and stores its state; it may
// run concurrently with the start of views that t does not read.
func (e *Engine) startView(cat *catalog.Catalog, t *catalog.Table, snap *storage.Snapshot) *startedView {
	start := time.Now()
	b := e.store.NewBatch()
	defer func() { b.Close() }()
	v, err := e.views.build(context.Background(), e, cat, t, snap, buildHow{load: b})
	if err == nil && t.Kind == catalog.RelSink && t.Sink.Connector != "blackhole" && v.sink.Forwarding() {
		// A sink's own query whose sink never logged its first epoch (a
		// crash came between): build it again, so that its backfill is
		// that first epoch. (A blackhole sink logs nothing.)
		if _, logged, gerr := snap.Get(loggedKey(t.ID)); gerr != nil || !logged {
			v.stop()
			v, err = nil, errNoState
		}
	}
	how := "loaded"
	if err != nil {
		if !errors.Is(err, errNoState) {
			e.opts.Logger.Warn("stored state of materialized view cannot be loaded; building it again", "view", t.Name, "err", err)
		}
		b.Close()
		b = e.store.NewBatch()
		how = "rebuilt"
		if v, err = e.views.build(context.Background(), e, cat, t, snap, buildHow{spill: true}); err == nil {
			err = v.writeState(b, true)
		}
	}
	if err != nil {
		// The view's query fails on the stored data: the server starts,
		// the view reports the error until the data changes.
		e.opts.Logger.Warn("materialized view cannot be computed from the stored data", "view", t.Name, "err", err)
		if v != nil {
			v.stop()
		}
		b.Close()
		b = e.store.NewBatch()
		clearState(b, t.ID)
		if cerr := e.store.Commit(b); cerr != nil {
			return &startedView{err: cerr}
		}
		return &startedView{failed: err}
	}
	if err := e.store.Commit(b); err != nil {
		v.stop()
		return &startedView{err: fmt.Errorf("store the state of materialized view %q: %w", t.Name, err)}
	}
	if how == "loaded" {
		e.stats.viewsLoaded.Add(1)
	} else {
		e.stats.viewsRebuilt.Add(1)
	}
	e.opts.Logger.Info("materialized view "+how, "view", t.Name, "rows", v.sink.Len(), "duration", time.Since(start).Round(time.Millisecond))
	return &startedView{v: v}
}

// sweepState deletes the stored state of objects that are not
// materialized views of cat (a view dropped by a crash before its state
// was deleted).
func (e *Engine) sweepState(cat *catalog.Catalog) error {
	lo, hi := storage.StateSpan()
	it, err := e.store.NewIter(lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	b := e.store.NewBatch()
	defer b.Close()
	for it.First(); it.Valid(); {
		id, ok := storage.StateIDFromKey(it.Key())
		if !ok {
			return sqlerr.Newf(sqlerr.DataCorrupted, "stored operator state has a malformed key %x", it.Key())
		}
		_, end := storage.StatePrefix(id)
		if t, ok := cat.TableByID(id); !ok || !maintained(t) && t.Source == nil {
			e.opts.Logger.Info("deleting the state of a dropped materialized view", "id", id)
			clearState(b, id)
		}
		it.SeekGE(end)
	}
	if err := it.Error(); err != nil {
		return err
	}
	if err := sweepSourceErrors(e.store, cat, b); err != nil {
		return err
	}
	if err := sweepSinkLogs(e.store, cat, b); err != nil {
		return err
	}
	if b.Len() == 0 {
		return nil
	}
	return e.store.Commit(b)
}

// commit applies a transaction's writes and feeds their changes to the
// materialized views, atomically for readers: the rows, and the views'
// state changes for them, are written in one batch, synced before the
// commit returns. The caller holds writeMu.
func (e *Engine) commit(tx *txn) error {
	defer tx.batch.Close()
	if tx.batch.Len() == 0 {
		return nil
	}
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	if err := tx.check(); err != nil {
		return err
	}
	return e.writeEpoch(tx, nil, nil)
}

// writeEpoch feeds one epoch to the views (the changes of tx's writes, and
// what the source feeds took) and writes tx's writes, the views' state
// changes, what extra adds and the sinks' logs in one synced batch. The
// caller holds writeMu and the views' lock.
func (e *Engine) writeEpoch(tx *txn, taken map[*sourceFeed]*feedTake, extra func(b *storage.Batch)) error {
	// The views' state changes can be many and are never read back: they
	// go with the transaction's writes into a batch that is not indexed.
	b := e.store.NewBatch()
	defer b.Close()
	b.Include(tx.batch)
	before := b.Size()
	e.views.apply(tx.changes, tx.batch, b, taken)
	if extra != nil {
		extra(b)
	}
	e.views.logSinks(b)
	if n := b.Size() - before; n > 0 {
		e.stats.checkpoints.Add(1)
		e.stats.checkpointBytes.Add(int64(n))
	}
	if err := e.store.Commit(b); err != nil {
		// The views are ahead of what is stored: build them again from
		// what is, so that reads go on seeing the committed data.
		snap := e.store.NewSnapshot()
		defer snap.Close()
		e.views.reset(snap)
		return err
	}
	e.views.committedSinks()
	return nil
}

// NewSession implements pgwire.Handler.
func (e *Engine) NewSession(_ context.Context, params map[string]string) (pgwire.Session, error) {
	return newSession(e, params), nil
}

// Close stops committing source epochs, then the materialized views'
// source readers and workers.
func (e *Engine) Close() {
	close(e.stopIngest)
	<-e.ingestDone
	e.views.mu.Lock()
	for _, s := range e.views.sinks {
		s.close()
	}
	e.views.sinks = nil
	for id, f := range e.tableFeeds {
		f.close()
		delete(e.tableFeeds, id)
	}
	e.views.mu.Unlock()
	e.views.close()
	e.bg.Wait()
}

// Catalog returns the current catalog snapshot.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat.Current() }
