package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/executor/query"
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/planner/bind"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// viewManager maintains every materialized view: one dataflow each, whose
// table leaves receive the changes of every committed write, in commit
// order, and whose sink holds the view's contents.
//
// Consistency: a commit writes storage and applies its changes to every
// view under mu (write); a query reads storage and views under mu (read),
// so every SELECT sees all views and tables at the same prefix of commits.
type viewManager struct {
	mu    sync.RWMutex
	views map[uint32]*mview
	// order lists the views in creation order: a view only reads relations
	// created before it, so this order feeds upstream views first.
	order []*mview
	// workers is the number of shards (and worker goroutines) of each view.
	workers int
	// sinks write the changes of views to Kafka.
	sinks []*msink
}

// mview is one maintained view: a dataflow sharded over workers.
type mview struct {
	t    *catalog.Table
	flow *stream.Dataflow
	sink *stream.ViewSink
	// fingerprint identifies the plan whose state the view stores.
	fingerprint []byte
	// cleared says the backfill deleted the state stored before it.
	cleared bool
	workers *stream.Workers
	// done receives once per epoch, when the sink has flushed.
	done   chan struct{}
	tables map[uint32][]*stream.ShardLeaf // table id -> leaves reading it
	consts []*stream.ShardLeaf            // leaves without changes after backfill
	// feeds read the sources the view scans, one per source leaf.
	feeds []*sourceFeed
	// upstream lists the views whose sinks feed this one.
	upstream []*mview
	// err is set when the view's query failed on the data; reads report
	// it, and each later commit tries to build the view again.
	err    error
	engine *Engine
}

// doneSink is the end of a view's dataflow on shard 0: the view's sink
// (whose state the dataflow saves with its operators'), and a signal to
// the goroutine applying the epoch that it is complete.
type doneSink struct {
	*stream.ViewSink
	done chan struct{}
}

// Flush implements stream.Operator.
func (d *doneSink) Flush(port int) error {
	err := d.ViewSink.Flush(port)
	d.done <- struct{}{}
	return err
}

// doneForwarder is doneSink for a forwarding sink (a sink's own query):
// not Stateful, so the dataflow neither logs nor saves what it passes on.
type doneForwarder struct {
	sink *stream.ViewSink
	done chan struct{}
}

// Push implements stream.Operator.
func (d *doneForwarder) Push(port int, c *types.Chunk) error { return d.sink.Push(port, c) }

// Flush implements stream.Operator.
func (d *doneForwarder) Flush(port int) error {
	err := d.sink.Flush(port)
	d.done <- struct{}{}
	return err
}

// wait blocks until the epoch posted to the view completes, and returns the
// error of a failed operator.
func (v *mview) wait() error {
	select {
	case <-v.done:
		return v.workers.Err()
	case <-v.workers.Failed():
		return v.workers.Err()
	}
}

func newViewManager(workers int) *viewManager {
	return &viewManager{views: map[uint32]*mview{}, workers: workers}
}

// viewEvalContext is the evaluation context of view dataflows: independent
// of any session, in UTC.
func (e *Engine) viewEvalContext() *builtin.EvalContext {
	return &builtin.EvalContext{
		Format:        types.NewFormatContext(nil),
		Clock:         e.opts.Clock,
		ServerVersion: e.opts.Version,
		Cache:         &builtin.EvalCache{},
	}
}

// bindView binds and normalises a view's stored query against cat.
func (e *Engine) bindView(cat *catalog.Catalog, query string) (plan.Node, *bind.Binder, error) {
	stmts, err := parser.Parse(query)
	if err != nil {
		return nil, nil, err
	}
	if len(stmts) != 1 || stmts[0].AST.GetSelectStmt() == nil {
		return nil, nil, sqlerr.New(sqlerr.WrongObjectType, "a materialized view must be defined by a query")
	}
	b := bind.New(cat, []string{"public"}, e.viewEvalContext(), query, nil)
	n, err := b.Query(stmts[0].AST.GetSelectStmt())
	if err != nil {
		return nil, nil, err
	}
	n = norm.Normalize(n)
	if err := checkMaintainable(n); err != nil {
		return nil, nil, err
	}
	return norm.PruneColumns(n), b, nil
}

// checkMaintainable refuses what the incremental engine cannot keep
// correct yet, naming the construct (0A000), rather than accepting the view
// and computing a wrong result later.
func checkMaintainable(n plan.Node) error {
	var err error
	plan.Walk(n, func(x plan.Node) {
		if err != nil {
			return
		}
		switch x := x.(type) {
		case *plan.Apply:
			err = sqlerr.Unsupported("LATERAL subqueries in a materialized view")
		case *plan.RecursiveUnion, *plan.WorkTable:
			err = sqlerr.Unsupported("WITH RECURSIVE in a materialized view")
		case *plan.Scan:
			if x.Table.Kind == catalog.RelSystem {
				err = sqlerr.Unsupported("system catalog relations in a materialized view")
			}
		case *plan.Join:
			if x.Lookup && !insertOnly(x.Left) {
				err = sqlerr.Unsupported("FOR SYSTEM_TIME AS OF PROCTIME() in a materialized view whose left side can change or delete rows (it must read sources, filtered, projected or joined as of processing time)")
			}
		}
		for _, ex := range plan.Exprs(x) {
			expr.Walk(ex, func(s expr.Expr) bool {
				switch s := s.(type) {
				case *expr.Subquery:
					err = sqlerr.Unsupported("a subquery that cannot be turned into a join (correlated other than by equalities, or of a shape the planner does not decorrelate) in a materialized view")
				case *expr.Param:
					err = sqlerr.New(sqlerr.UndefinedParameter, "there is no parameter $"+fmt.Sprint(s.Idx+1))
				case *expr.Call:
					if s.Fn.Vol != builtin.Immutable {
						err = sqlerr.Unsupported(fmt.Sprintf("function %s() in a materialized view (its result changes over time)", s.Fn.Name))
					}
				}
				return err == nil
			})
		}
	})
	return err
}

// insertOnly says whether the rows of n can only be inserted: a source,
// filtered, projected or expanded, or joined as of processing time. A
// lookup join needs such a left side: what a left row joined depends on
// when it came, so its retraction could not be matched.
func insertOnly(n plan.Node) bool {
	switch x := n.(type) {
	case *plan.Scan:
		return x.Table.Kind == catalog.RelSource
	case *plan.Filter:
		return insertOnly(x.Input)
	case *plan.Project:
		return insertOnly(x.Input)
	case *plan.FlatMap:
		return insertOnly(x.Input)
	case *plan.Join:
		return x.Lookup && insertOnly(x.Left)
	}
	return false
}

// create builds the dataflow of view t over the current contents of its
// inputs (read through r), returns once the view holds its complete
// result, and stores its whole state, then registers it. The caller holds
// the engine's write lock and mu.
func (m *viewManager) create(ctx context.Context, e *Engine, cat *catalog.Catalog, t *catalog.Table, r reader) error {
	v, err := m.build(ctx, e, cat, t, r, buildHow{spill: true})
	if err != nil {
		return err
	}
	b := e.store.NewBatch()
	defer b.Close()
	err = v.writeState(b, true)
	if err == nil {
		err = e.store.Commit(b)
	}
	if err != nil {
		v.stop()
		return err
	}
	m.add(v)
	return nil
}

// add subscribes a built view to its inputs and registers it.
func (m *viewManager) add(v *mview) {
	m.subscribe(v)
	m.views[v.t.ID] = v
	m.order = append(m.order, v)
	for _, f := range v.feeds {
		f.start()
		v.engine.sources.add(f)
	}
}

// register adds a view that could not be built (its query fails on the
// current data): reads report the failure, and every later commit tries to
// build it again. The caller holds mu.
func (m *viewManager) registerFailed(e *Engine, t *catalog.Table, err error) {
	v := &mview{t: t, err: err, engine: e}
	m.views[t.ID] = v
	m.order = append(m.order, v)
}

// buildHow says how build fills a view's state.
type buildHow struct {
	// load, when set, makes build load the view's stored state instead of
	// backfilling it; the stored records that summed to nothing are
	// deleted through it.
	load *storage.Batch
	// spill, when set, cuts a backfill into epochs of backfillEpochChunks
	// chunks and is called after each but the last, to store the state
	// logged so far (see mview.spill). A backfill whose query fails on an
	// intermediate epoch is done again in one epoch.
	spill bool
	// unlogged backfills without logging the state (it is stored already).
	unlogged bool
}

// backfillEpochChunks is the number of chunks of input a spilled backfill
// processes per epoch (256Ki rows at the default chunk size).
const backfillEpochChunks = 256

// build builds the dataflow of view t and fills its state, as how says:
// loaded through r (errNoState when no state this plan can load is stored),
// or backfilled from the current contents of its inputs (read through r),
// logging the whole state for writeState.
func (m *viewManager) build(ctx context.Context, e *Engine, cat *catalog.Catalog, t *catalog.Table, r reader, how buildHow) (*mview, error) {
	n, _, err := e.bindView(cat, t.Query)
	if err != nil {
		return nil, err
	}
	sink := stream.NewViewSink(len(n.Columns()))
	if t.Kind == catalog.RelSink {
		// A sink's own query: only its changes are wanted.
		sink = stream.NewForwardingSink(len(n.Columns()))
	}
	v := &mview{t: t, sink: sink, tables: map[uint32][]*stream.ShardLeaf{},
		workers: stream.StartWorkers(m.workers), done: make(chan struct{}, 1), engine: e,
		fingerprint: stateFingerprint(t, n)}
	ecs := make([]*expr.Ctx, v.workers.N())
	ev := e.viewEvalContext()
	for i := range ecs {
		ecs[i] = &expr.Ctx{Eval: ev}
	}
	var end stream.Operator = &doneSink{ViewSink: v.sink, done: v.done}
	if sink.Forwarding() {
		end = &doneForwarder{sink: v.sink, done: v.done}
	}
	v.flow, err = stream.BuildSharded(ecs, n, end, v.workers)
	if err != nil {
		v.workers.Close()
		return nil, err
	}
	switch {
	case how.load != nil:
		err = m.load(v, r, how.load)
	case how.spill:
		v.flow.SetLogging(true)
		if err = m.backfill(ctx, v, ecs[0], r, backfillEpochChunks*stream.ChunkRows()); err != nil && !errors.Is(err, context.Canceled) {
			// The query may fail on a part of its input only: build
			// the view again in one epoch.
			v.stop()
			return m.build(ctx, e, cat, t, r, buildHow{})
		}
	default:
		v.flow.SetLogging(!how.unlogged)
		err = m.backfill(ctx, v, ecs[0], r, 0)
	}
	if err == nil {
		err = m.addFeeds(v, r, how.load != nil)
	}
	if err != nil {
		v.stop()
		return nil, err
	}
	v.flow.SetLogging(true)
	return v, nil
}

// addFeeds gives view v a feed for every source leaf: from the offsets
// stored with its state when it was loaded, else from each source's start
// mode (resolved now, so that a restart before the first epoch starts at
// the same offsets).
func (m *viewManager) addFeeds(v *mview, r reader, loaded bool) error {
	var stored map[int]map[int32]int64
	if loaded {
		var err error
		if stored, err = readOffsets(r, v.t.ID); err != nil {
			return err
		}
	}
	for i := range v.flow.Leaves {
		s, ok := v.flow.Leaves[i].Node.(*plan.Scan)
		if !ok || s.Table.Kind != catalog.RelSource {
			continue
		}
		offsets := stored[i]
		if !loaded && s.Table.Source.Connector == "kafka" {
			cfg, err := kafka.ParseConfig(s.Table.Source.Options)
			if err != nil {
				return err
			}
			if offsets, err = kafka.StartOffsets(cfg); err != nil {
				return err
			}
		}
		if offsets == nil {
			offsets = map[int32]int64{}
		}
		f, err := v.engine.newFeed(v, i, s.Table, offsets)
		if err != nil {
			return err
		}
		v.feeds = append(v.feeds, f)
	}
	return nil
}

// load loads view v's stored state, when every view it reads runs.
func (m *viewManager) load(v *mview, r reader, dead *storage.Batch) error {
	for _, l := range v.flow.Leaves {
		if s, ok := l.Node.(*plan.Scan); ok && s.Table.Kind == catalog.RelMaterializedView {
			if up, ok := m.views[s.Table.ID]; !ok || up.err != nil {
				return errNoState
			}
		}
	}
	return v.loadState(r, dead)
}

// subscribe connects view v's leaves to the changes of the tables and
// views it reads; a view is subscribed once, before it takes changes.
func (m *viewManager) subscribe(v *mview) {
	for i := range v.flow.Leaves {
		l := &v.flow.Leaves[i]
		if s, ok := l.Node.(*plan.Scan); ok {
			if up, isView := m.views[s.Table.ID]; isView && up.err == nil {
				up.sink.Subscribe(stream.Leaf{Out: &stream.ShardInput{Leaf: l, Workers: v.workers}}, v)
				v.upstream = append(v.upstream, up)
			} else if s.Table.Kind != catalog.RelSource {
				v.tables[s.Table.ID] = append(v.tables[s.Table.ID], l)
			}
		} else {
			v.consts = append(v.consts, l)
		}
	}
}

// backfill posts the current rows of every leaf of view v and waits for
// them to be processed: in one epoch, or, with epochRows > 0, in epochs of
// that many rows, after each of which (but the last) the state logged so
// far is stored (v.spill).
func (m *viewManager) backfill(ctx context.Context, v *mview, ec *expr.Ctx, r reader, epochRows int) error {
	leaves := v.flow.Leaves
	src := &tableSource{r: r, views: m}
	inEpoch := 0
	// cut ends an epoch: every leaf is flushed once.
	cut := func() error {
		for i := range leaves {
			leaves[i].PostFlush(v.workers)
		}
		if err := v.wait(); err != nil {
			return err
		}
		inEpoch = 0
		return v.spill()
	}
	var err error
	for i := range leaves {
		l := &leaves[i]
		width := len(l.Node.Columns())
		chunk := types.NewChunk(width, stream.ChunkRows())
		post := func(row types.Row) error {
			chunk.Append(row, 1)
			if chunk.Len() >= stream.ChunkRows() {
				l.PostShared(v.workers, []*types.Chunk{chunk})
				inEpoch += chunk.Len()
				chunk = types.NewChunk(width, stream.ChunkRows())
				if epochRows > 0 && inEpoch >= epochRows {
					return cut()
				}
			}
			return nil
		}
		switch x := l.Node.(type) {
		case *plan.Scan:
			if x.Table.Kind != catalog.RelSource {
				// A source's rows come from its feed.
				err = src.ScanTable(ctx, x.Table, query.KeySpan{}, post)
			}
		case *plan.Values:
			for _, exprs := range x.Rows {
				row := make(types.Row, len(exprs))
				for j, ex := range exprs {
					if row[j], err = ex.Eval(ec, nil); err != nil {
						break
					}
				}
				if err == nil {
					err = post(row)
				}
			}
		default:
			err = sqlerr.Unsupported(fmt.Sprintf("%T in a materialized view", l.Node))
		}
		if err != nil {
			return err
		}
		l.PostShared(v.workers, []*types.Chunk{chunk})
	}
	for i := range leaves {
		leaves[i].PostFlush(v.workers)
	}
	return v.wait()
}

// stop stops the view's source feeds, unsubscribes it from its upstream
// views and stops its workers.
func (v *mview) stop() {
	for _, f := range v.feeds {
		f.close()
		v.engine.sources.remove(f)
	}
	for _, up := range v.upstream {
		if up.sink != nil {
			up.sink.Unsubscribe(v)
		}
	}
	if v.workers != nil {
		v.workers.Close()
	}
}

// apply feeds one epoch to every view, upstream views first: a commit's
// table changes, and what the source feeds read (taken), waits for each
// view to complete, and writes the state changes of the epoch and the
// feeds' offsets into b, the epoch's batch; r reads the committed data
// with the commit's writes. The caller holds mu and commits b afterwards.
// A view whose update fails keeps the error and reports it on every read,
// and its stored state is deleted; the others go on.
func (m *viewManager) apply(changes map[uint32][]*types.Chunk, r reader, b *storage.Batch, taken map[*sourceFeed]*feedTake) {
	for i, v := range m.order {
		if v.err != nil && v.readsSource() {
			// Its sources' messages are not stored: it cannot be built
			// again from what is; it reports its error until dropped.
			continue
		}
		if v.err != nil {
			// A failed view is built again from the data as of this
			// commit: it recovers once the input that made it fail is
			// gone.
			nv, err := m.build(context.Background(), v.engine, v.engine.cat.Current(), v.t, r, buildHow{})
			if err == nil {
				err = nv.writeState(b, true)
			}
			if err != nil {
				if nv != nil {
					nv.stop()
				}
				v.err = err
				continue
			}
			m.subscribe(nv)
			m.order[i], m.views[v.t.ID] = nv, nv
			continue
		}
		if err := v.upstreamFailure(); err != nil {
			// An upstream view failed this epoch: this one cannot go on;
			// it is built again at the next commit.
			v.fail(b, err)
			continue
		}
		for id, leaves := range v.tables {
			for _, l := range leaves {
				l.PostShared(v.workers, changes[id])
				l.PostFlush(v.workers)
			}
		}
		for _, l := range v.consts {
			l.PostFlush(v.workers)
		}
		for _, f := range v.feeds {
			f.post(v.workers, taken[f])
		}
		err := v.wait()
		if err == nil {
			err = v.writeState(b, false)
		}
		for _, f := range v.feeds {
			if t := taken[f]; t != nil && err == nil {
				err = f.writeOffsets(newStateBatch(b, v.t.ID), t.next)
			}
		}
		if err != nil {
			v.fail(b, err)
		}
	}
}

// fail stops a view whose epoch failed and deletes its stored state (in
// b): reads report err, and the next commit builds the view again.
func (v *mview) fail(b *storage.Batch, err error) {
	v.stop()
	v.err = err
	clearState(b, v.t.ID)
}

// reset builds every view again from the committed data (r), after a
// commit whose batch could not be written: the views had taken its epoch,
// storage had not. Their stored state is that of the committed data
// already, so the rebuild logs nothing. A view that cannot be
// built reports the error on reads, as at startup.
func (m *viewManager) reset(r reader) {
	old := m.order
	m.order, m.views = nil, map[uint32]*mview{}
	for _, v := range old {
		v.stop()
	}
	for _, v := range old {
		if v.readsSource() {
			m.registerFailed(v.engine, v.t, sqlerr.Newf(sqlerr.IOError, "materialized view %q stopped reading its sources when a write failed; restart the server", v.t.Name))
			continue
		}
		nv, err := m.build(context.Background(), v.engine, v.engine.cat.Current(), v.t, r, buildHow{unlogged: true})
		if err != nil {
			m.registerFailed(v.engine, v.t, err)
			continue
		}
		m.add(nv)
	}
}

// upstreamFailure returns the error of a failed view this view reads.
func (v *mview) upstreamFailure() error {
	for _, up := range v.upstream {
		if up.err != nil {
			return up.err
		}
		if err := up.upstreamFailure(); err != nil {
			return err
		}
	}
	return nil
}

// scan calls fn for every row of view id (repeated by multiplicity). The
// caller holds mu for reading.
func (m *viewManager) scan(id uint32, name string, fn func(types.Row) error) error {
	v, ok := m.views[id]
	if !ok {
		return sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState, "materialized view %q is not running", name)
	}
	if v.err != nil {
		// The query's own error, as a recomputation would report it.
		if se := sqlerr.As(v.err); se != nil {
			cp := *se
			cp.Detail = fmt.Sprintf("Materialized view %q cannot be computed from the current data; it is computed again at every commit until it can.", name)
			return &cp
		}
		return fmt.Errorf("materialized view %q: %w", name, v.err)
	}
	return v.sink.Each(func(r types.Row, n int64) error {
		for i := int64(0); i < n; i++ {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// prune drops the dataflows of views no longer in the catalog and returns
// their ids. The caller holds mu.
func (m *viewManager) prune(cat *catalog.Catalog) []uint32 {
	var dropped []uint32
	kept := m.order[:0]
	for _, v := range m.order {
		if _, ok := cat.TableByID(v.t.ID); ok {
			kept = append(kept, v)
			continue
		}
		v.stop()
		delete(m.views, v.t.ID)
		dropped = append(dropped, v.t.ID)
	}
	m.order = kept
	return dropped
}

// close stops every view's workers.
func (m *viewManager) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, v := range m.order {
		v.stop()
	}
}
