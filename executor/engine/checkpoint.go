package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync/atomic"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/storage"
)

// View state on disk
//
// Every commit that changes a view's input writes, in the same atomic
// batch as the table rows, the changes its epoch made to the view's
// operator state and contents (stream.Dataflow.WriteChanges), under the
// view's state prefix ('s' viewID). After a restart the view loads that
// state instead of computing itself again from its inputs. The header key
// holds the fingerprint of the plan that wrote the state: a state written
// by another plan (a new planner, a changed operator format) is not
// loaded, and the view is rebuilt from its inputs and stored afresh.

// stateFormat names the layout of operator state; change it when an
// operator's records change meaning, so that stored state is rebuilt.
const stateFormat = "freshet-state-v2"

// headerOp is the operator number of a view's state header: after every
// real operator's keys, so the state proper is [prefix, header).
const headerOp = 0xFFFFFFFF

// errNoState reports that a view has no stored state this plan can load.
var errNoState = errors.New("no loadable stored state")

// stateFingerprint identifies the plan of view t: its query and the
// dataflow it compiles to, under this build's state format.
func stateFingerprint(t *catalog.Table, n plan.Node) []byte {
	h := sha256.New()
	h.Write([]byte(stateFormat))
	h.Write([]byte{0})
	h.Write([]byte(t.Query))
	h.Write([]byte{0})
	h.Write([]byte(plan.ExplainDataflow(n, 1)))
	if t.Kind == catalog.RelSink {
		// Its dataflow ends in a forwarding sink, which stores nothing.
		h.Write([]byte{0, 'f'})
	}
	return h.Sum(nil)
}

// stateHeaderKey returns the key of view id's state header.
func stateHeaderKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32(storage.StateKey(nil, id), headerOp)
}

// Stats counts what the views' checkpoints and starts did since the
// engine started.
type Stats struct {
	// ViewsLoaded and ViewsRebuilt count the views started from their
	// stored state and those built again from their inputs.
	ViewsLoaded, ViewsRebuilt int64
	// Checkpoints counts the commits that wrote view state, and
	// CheckpointBytes the bytes of state changes they wrote.
	Checkpoints, CheckpointBytes int64
	// SourceMessages, SourceBytes and SourceErrors count the messages the
	// feeds read (every view's feed counts its own), their bytes, and
	// those that could not be read; SourceEpochs the source epochs
	// committed.
	SourceMessages, SourceBytes, SourceErrors, SourceEpochs int64
	// SinkMessages and SinkEpochs count what sinks committed to Kafka.
	SinkMessages, SinkEpochs int64
	// FreshnessRows counts the rows of source epochs by the bucket of
	// FreshnessBounds their delay falls in (the last: longer than every
	// bound), and FreshnessSeconds is the sum of their delays; see
	// freshness.go.
	FreshnessRows    []int64
	FreshnessSeconds float64
}

// stats holds Stats as atomics.
type stats struct {
	viewsLoaded, viewsRebuilt                               atomic.Int64
	checkpoints, checkpointBytes                            atomic.Int64
	sourceMessages, sourceBytes, sourceErrors, sourceEpochs atomic.Int64
	sinkMessages, sinkEpochs                                atomic.Int64
	freshness                                               freshness
}

// Stats returns the engine's counters.
func (e *Engine) Stats() Stats {
	rows, secs := e.stats.freshness.snapshot()
	return Stats{
		FreshnessRows: rows, FreshnessSeconds: secs,
		ViewsLoaded: e.stats.viewsLoaded.Load(), ViewsRebuilt: e.stats.viewsRebuilt.Load(),
		Checkpoints: e.stats.checkpoints.Load(), CheckpointBytes: e.stats.checkpointBytes.Load(),
		SourceMessages: e.stats.sourceMessages.Load(), SourceBytes: e.stats.sourceBytes.Load(),
		SourceErrors: e.stats.sourceErrors.Load(), SourceEpochs: e.stats.sourceEpochs.Load(),
		SinkMessages: e.stats.sinkMessages.Load(), SinkEpochs: e.stats.sinkEpochs.Load(),
	}
}

// stateBatch writes one view's state changes into a batch, under the
// view's prefix.
type stateBatch struct {
	b      *storage.Batch
	prefix []byte
	key    []byte
}

func newStateBatch(b *storage.Batch, id uint32) *stateBatch {
	return &stateBatch{b: b, prefix: storage.StateKey(nil, id)}
}

func (s *stateBatch) full(k []byte) []byte {
	s.key = append(append(s.key[:0], s.prefix...), k...)
	return s.key
}

// AddWeight implements stream.StateWriter.
func (s *stateBatch) AddWeight(k, delta []byte) error {
	s.b.AddWeight(s.full(k), delta)
	return nil
}

// Put implements stream.StateWriter.
func (s *stateBatch) Put(k, v []byte) error {
	s.b.Set(s.full(k), v)
	return nil
}

// Remove implements stream.StateWriter.
func (s *stateBatch) Remove(k []byte) error {
	s.b.Delete(s.full(k))
	return nil
}

// clearState deletes everything stored for view id.
func clearState(b *storage.Batch, id uint32) {
	lo, hi := storage.StatePrefix(id)
	b.DeleteRange(lo, hi)
}

// writeState writes the state changes the view logged since the last
// call into b. After a backfill (full) the log holds the whole state (with
// what spill stored): it replaces whatever was stored, under a new header.
func (v *mview) writeState(b *storage.Batch, full bool) error {
	sb := newStateBatch(b, v.t.ID)
	if full {
		v.clearOnce(b)
		b.Set(stateHeaderKey(v.t.ID), v.fingerprint)
		for _, f := range v.feeds {
			if err := f.writeOffsets(sb, f.next); err != nil {
				return err
			}
		}
	}
	return v.flow.WriteChanges(sb)
}

// clearOnce deletes, in b, what was stored for the view before its
// backfill: at the backfill's first write of state, and only then.
func (v *mview) clearOnce(b *storage.Batch) {
	if !v.cleared {
		clearState(b, v.t.ID)
		v.cleared = true
	}
}

// spill stores the state a backfill logged so far, in a batch of its own,
// so that the log does not grow to the size of the whole state. The first
// spill deletes what was stored before; the header, written with the rest
// of the state by writeState, comes last, so a crash before leaves no
// loadable state and the view is built again.
func (v *mview) spill() error {
	b := v.engine.store.NewBatch()
	defer b.Close()
	v.clearOnce(b)
	if err := v.flow.WriteChanges(newStateBatch(b, v.t.ID)); err != nil {
		return err
	}
	return v.engine.store.Commit(b)
}

// loadState loads the view's stored state through r; errNoState when none
// was stored by this plan. Records whose weight summed to zero are
// deleted through dead (a batch committed after the load).
func (v *mview) loadState(r reader, dead *storage.Batch) error {
	hdr := stateHeaderKey(v.t.ID)
	fp, ok, err := r.Get(hdr)
	if err != nil {
		return err
	}
	if !ok || !bytes.Equal(fp, v.fingerprint) {
		return errNoState
	}
	lo, _ := storage.StatePrefix(v.t.ID)
	// The operators' records come before the feeds' offsets.
	it, err := r.NewIter(lo, append(storage.StateKey(nil, v.t.ID), offsetKey(0, 0)[:4]...))
	if err != nil {
		return err
	}
	defer it.Close()
	entries := func(yield func([]byte, []byte) bool) {
		for it.First(); it.Valid(); it.Next() {
			if !yield(it.Key()[len(lo):], it.Value()) {
				return
			}
		}
	}
	err = v.flow.LoadStored(entries, func(k []byte) { dead.Delete(append(append([]byte(nil), lo...), k...)) })
	if err != nil {
		return err
	}
	return it.Error()
}
