package stream

import (
	"encoding/binary"
	"iter"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Checkpoints
//
// A dataflow logs how its operators' state changes during an epoch, so
// that a checkpoint writes what changed rather than the whole state. Two
// kinds of entry cover every operator:
//
//   - A record delta: a state record's weight changed by w. Most operators'
//     state is the sum of their input (a join's two sides, the rows a top-N,
//     window or DISTINCT ranks, a view's rows) plus the sum of their output
//     (what a top-N, window or DISTINCT emitted). A tap in front of such an
//     operator logs every input change, and a tap behind it every output
//     change; the operator itself does nothing. The store sums the deltas
//     stored under a record's key (storage.Batch.AddWeight); a record whose
//     weight sums to zero is handed back as dead by LoadStored, for the
//     caller to delete.
//   - A unit: all the records of one group, replaced whole. An aggregate or
//     a set operation keeps per group values that are not sums of rows
//     (accumulators, counts per side), so at Flush it logs every group it
//     changed: its records, or none when the group is gone. A unit's key is
//     the group key encoded so that equal keys written differently (1.0,
//     1.00) name the same unit.
//
// Stored entries, after the dataflow's prefix:
//
//	key                                     value
//	op(u32) 'r' table(u8) typed row         zig-zag varint weight (summed)
//	op(u32) 'u' equal-key of the group      uvarint count, then per record:
//	                                        table(u8), typed row, varint weight
const (
	entryRecord byte = 'r'
	entryUnit   byte = 'u'
)

// StateWriter receives the changes a checkpoint stores, keys relative to
// the dataflow's own prefix.
type StateWriter interface {
	// AddWeight adds delta (a zig-zag varint) to the weight stored under
	// key.
	AddWeight(key, delta []byte) error
	// Put replaces the value under key.
	Put(key, value []byte) error
	// Remove deletes key.
	Remove(key []byte) error
}

// stateLog collects one operator instance's state changes between two
// checkpoints. Only its shard's worker writes it; the dataflow drains it
// while the workers are idle.
type stateLog struct {
	on   *bool // shared by a dataflow's logs: whether changes are logged
	buf  []byte
	ents []logEntry
	// recs is scratch for the records of a unit, which follow their count.
	recs []byte
}

// logEntry is one change in a stateLog's buffer: buf[start:keyEnd] is the
// key and buf[keyEnd:end] the value; remove marks a unit that is gone.
type logEntry struct {
	start, keyEnd, end int
	remove             bool
}

func (l *stateLog) logging() bool { return l != nil && *l.on }

// record logs that the weight of row in table changed by w.
func (l *stateLog) record(table int, row types.Row, w int64) {
	start := len(l.buf)
	l.buf = append(l.buf, entryRecord, byte(table))
	l.buf = types.AppendTypedRow(l.buf, row)
	keyEnd := len(l.buf)
	l.buf = binary.AppendVarint(l.buf, w)
	l.ents = append(l.ents, logEntry{start: start, keyEnd: keyEnd, end: len(l.buf)})
}

// unit logs the records of the group with key key, replacing what was
// stored for it; no records removes it. save lists the records.
func (l *stateLog) unit(key types.Row, save func(yield func(StateRecord) error) error) error {
	start := len(l.buf)
	l.buf = append(l.buf, entryUnit)
	l.buf = types.AppendEqualKey(l.buf, key)
	keyEnd := len(l.buf)
	// The count goes first, so the records are encoded aside.
	var n uint64
	l.recs = l.recs[:0]
	if save != nil {
		err := save(func(rec StateRecord) error {
			n++
			l.recs = append(l.recs, byte(rec.Table))
			l.recs = types.AppendTypedRow(l.recs, rec.Row)
			l.recs = binary.AppendVarint(l.recs, rec.Weight)
			return nil
		})
		if err != nil {
			return err
		}
	}
	l.buf = binary.AppendUvarint(l.buf, n)
	l.buf = append(l.buf, l.recs...)
	l.ents = append(l.ents, logEntry{start: start, keyEnd: keyEnd, end: len(l.buf), remove: n == 0})
	return nil
}

// drain writes the log's entries under prefix op and empties it.
func (l *stateLog) drain(op int, w StateWriter) error {
	key := make([]byte, 0, 64)
	for _, e := range l.ents {
		key = binary.BigEndian.AppendUint32(key[:0], uint32(op))
		key = append(key, l.buf[e.start:e.keyEnd]...)
		val := l.buf[e.keyEnd:e.end]
		var err error
		switch {
		case l.buf[e.start] == entryRecord:
			err = w.AddWeight(key, val)
		case e.remove:
			err = w.Remove(key)
		default:
			err = w.Put(key, val)
		}
		if err != nil {
			return err
		}
	}
	l.buf, l.ents = l.buf[:0], l.ents[:0]
	return nil
}

// decodeStored turns a stored entry back into its operator number and
// records; a record whose weight summed to zero goes to dead instead.
func decodeStored(key, val []byte, yield func(op int, rec StateRecord) error, dead func(key []byte)) error {
	if len(key) < 5 {
		return errBadState()
	}
	op := int(binary.BigEndian.Uint32(key))
	switch key[4] {
	case entryRecord:
		if len(key) < 6 {
			return errBadState()
		}
		row, rest, err := types.DecodeTypedRow(key[6:])
		if err != nil || len(rest) != 0 {
			return errBadState()
		}
		w, n := binary.Varint(val)
		if n <= 0 || n != len(val) {
			return errBadState()
		}
		if w == 0 {
			dead(key)
			return nil
		}
		return yield(op, StateRecord{Table: int(key[5]), Row: row, Weight: w})
	case entryUnit:
		count, n := binary.Uvarint(val)
		if n <= 0 {
			return errBadState()
		}
		val = val[n:]
		for i := uint64(0); i < count; i++ {
			if len(val) == 0 {
				return errBadState()
			}
			table := int(val[0])
			row, rest, err := types.DecodeTypedRow(val[1:])
			if err != nil {
				return errBadState()
			}
			w, n := binary.Varint(rest)
			if n <= 0 {
				return errBadState()
			}
			val = rest[n:]
			if err := yield(op, StateRecord{Table: table, Row: row, Weight: w}); err != nil {
				return err
			}
		}
		if len(val) != 0 {
			return errBadState()
		}
		return nil
	}
	return errBadState()
}

func errBadState() error {
	return sqlerr.New(sqlerr.DataCorrupted, "stored operator state does not decode")
}

// inputLogged is a Stateful operator whose state is the sum of its input,
// and perhaps of its output, so taps log its state changes.
type inputLogged interface {
	// inputTable is the state table an input port's changes add to.
	inputTable(port int) int
	// loggedOutput is where its output leaves it and the state table the
	// output adds to; out is nil when its output is not state.
	loggedOutput() (out *Emitter, table int)
}

// unitLogged is a Stateful operator that logs its changed groups itself.
type unitLogged interface {
	setLog(l *stateLog)
}

// noTable is the state table of an input port whose changes are not
// state.
const noTable = -1

// tap logs the changes passing to next: those reaching an operator's
// input ports, or those it emits. table gives the state table of a port's
// changes.
type tap struct {
	next  Operator
	log   *stateLog
	table func(port int) int
}

// Push implements Operator.
func (t *tap) Push(port int, c *types.Chunk) error {
	if table := t.table(port); table != noTable && t.log.logging() {
		for i := 0; i < c.Len(); i++ {
			t.log.record(table, c.Row(i), c.Weights[i])
		}
	}
	return t.next.Push(port, c)
}

// Flush implements Operator.
func (t *tap) Flush(port int) error { return t.next.Flush(port) }

// attachLog gives a stateful operator its log and returns the operator its
// input should be delivered to (the operator, or a tap in front of it).
func attachLog(op Stateful, l *stateLog) Operator {
	switch x := op.(type) {
	case unitLogged:
		x.setLog(l)
	case inputLogged:
		if e, t := x.loggedOutput(); e != nil {
			e.out = &tap{next: e.out, log: l, table: func(int) int { return t }}
		}
		return &tap{next: op, log: l, table: x.inputTable}
	}
	return op
}

// SetLogging turns the logging of state changes on or off (the workers
// must be idle). A backfill runs with it on, so that its log is the whole
// state; loading stored state runs with it off.
func (d *Dataflow) SetLogging(on bool) { *d.logging = on }

// WriteChanges writes the state changes logged since the last call and
// empties the logs. The workers must be idle.
func (d *Dataflow) WriteChanges(w StateWriter) error {
	for i, o := range d.ops {
		for _, l := range o.logs {
			if err := l.drain(i, w); err != nil {
				return err
			}
		}
	}
	return nil
}

// LoadStored loads state that WriteChanges stored (each key and value as
// stored, relative to the dataflow's prefix) into a freshly built dataflow
// of the same plan, on any number of shards. A record whose weight summed
// to zero is passed to dead, for the caller to delete. The workers must be
// idle.
func (d *Dataflow) LoadStored(entries iter.Seq2[[]byte, []byte], dead func(key []byte)) error {
	var err error
	recs := func(yield func(int, StateRecord) bool) {
		for k, v := range entries {
			stop := false
			if derr := decodeStored(k, v, func(op int, rec StateRecord) error {
				if !yield(op, rec) {
					stop = true
				}
				return nil
			}, dead); derr != nil {
				err = derr
				return
			}
			if stop {
				return
			}
		}
	}
	if lerr := d.load(recs, true); lerr != nil {
		return lerr
	}
	return err
}

func (h *HashJoin) inputTable(port int) int       { return port }
func (h *HashJoin) loggedOutput() (*Emitter, int) { return nil, 0 }

func (t *TopN) inputTable(int) int            { return topNInputTable }
func (t *TopN) loggedOutput() (*Emitter, int) { return t.out, topNEmittedTable }

func (t *RankTopN) inputTable(int) int            { return rankInputTable }
func (t *RankTopN) loggedOutput() (*Emitter, int) { return t.out, rankEmittedTable }

func (w *Window) inputTable(int) int            { return windowInputTable }
func (w *Window) loggedOutput() (*Emitter, int) { return w.out, windowEmittedTable }

func (d *Distinct) inputTable(int) int            { return distinctInputTable }
func (d *Distinct) loggedOutput() (*Emitter, int) { return d.out, distinctEmittedTable }

func (s *ViewSink) inputTable(int) int            { return 0 }
func (s *ViewSink) loggedOutput() (*Emitter, int) { return nil, 0 }

func (a *Aggregate) setLog(l *stateLog) { a.log = l }
func (s *SetOp) setLog(l *stateLog)     { s.log = l }
