package engine

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/freshetdb/freshet/connectors/datagen"
	"github.com/freshetdb/freshet/connectors/format"
	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/connectors/nexmark"
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// Sources
//
// A source is not stored: every materialized view over it reads it with a
// feed of its own, from the offsets the view stored, so a view created
// later replays the topic from its start mode (the Kappa property). A
// feed decodes messages into rows as they arrive and holds them; every
// barrier interval (or sooner when a feed holds maxPendingRows) a source
// epoch takes what every feed holds and commits it like a write to a
// table: the views take the rows, and their state changes, the offsets
// the feeds reached and the messages that could not be read are written in
// one synced batch. After a crash each view resumes from the offsets
// stored with its state, so every message counts exactly once.

// maxPendingRows is the number of rows a feed holds before its reader
// waits for an epoch to take them: the back-pressure that bounds memory
// when views fall behind.
const maxPendingRows = 64 * 1024

// maxPayloadPrefix is how much of a message that cannot be read its error
// record keeps.
const maxPayloadPrefix = 256

// offsetsOp is the operator number under which a view's state stores its
// feeds' offsets: after every operator's, before the header.
const offsetsOp = 0xFFFFFFFE

// sourceFeed is one materialized view's reading of one source leaf.
type sourceFeed struct {
	src *catalog.Table
	// view is the materialized view the feed's rows go to (through leaf);
	// nil for a keyed feed, which fills table src with upserts and deletes
	// (see tablefeed.go).
	view  *catalog.Table
	keyed bool
	leaf  *stream.ShardLeaf
	// index is the leaf's number in the view's dataflow; it keys the
	// stored offsets.
	index int
	// open starts the reader of the feed's connector from the offsets
	// given; nexmark is set for a nexmark source (its columns' fields).
	open    func(start map[int32]int64, h kafka.Handler) feedReader
	nexmark []nexmark.Field
	// wake asks the engine for a source epoch now.
	wake  func()
	stats *stats
	// bg counts the engine's background goroutines, which Close awaits.
	bg *sync.WaitGroup

	// parts holds the partitions read (*feedPartition by int32), each
	// with its own lock, so that the readers of partitions or splits
	// do not contend. Lock order: a partition's mu before the feed's.
	parts sync.Map
	// rows counts the rows the partitions hold, for back-pressure.
	rows atomic.Int64
	// halted is set once the feed takes no more messages: closed, or
	// stopped.
	halted atomic.Bool

	mu    sync.Mutex
	space *sync.Cond // signalled when an epoch takes the rows
	// next is the offset after the last message an epoch took, per
	// partition (the start offsets before any); committed the one the
	// last stored epoch took.
	next, committed map[int32]int64
	// free holds the chunks of stored epochs, for reuse.
	free   []*types.Chunk
	closed bool
	// stopped says why the feed stopped reading before it was closed.
	stopped string
	reader  feedReader
}

// feedReader is a running connector: a Kafka topic's reader or a
// generator.
type feedReader interface {
	Status() string
	Partitions() []kafka.PartitionStats
	Stop()
	Wait()
}

// openReader returns the function that starts source src's reader.
func openReader(src *catalog.Table) (func(map[int32]int64, kafka.Handler) feedReader, []nexmark.Field, error) {
	if src.Source.Connector == "datagen" {
		cfg, err := datagen.ParseConfig(src.Source.Options, datagenColumns(src), time.Now())
		if err != nil {
			return nil, nil, err
		}
		return func(start map[int32]int64, h kafka.Handler) feedReader { return datagen.Start(cfg, start, h) }, nil, nil
	}
	if src.Source.Connector == "nexmark" {
		cfg, err := nexmark.ParseConfig(src.Source.Options, time.Now())
		if err != nil {
			return nil, nil, err
		}
		fields, err := nexmarkColumns(src, cfg.Kind)
		if err != nil {
			return nil, nil, err
		}
		return func(start map[int32]int64, h kafka.Handler) feedReader { return nexmark.Start(cfg, start, h) }, fields, nil
	}
	cfg, err := kafka.ParseConfig(src.Source.Options)
	if err != nil {
		return nil, nil, err
	}
	if _, err := newDecoder(src); err != nil {
		return nil, nil, err
	}
	return func(start map[int32]int64, h kafka.Handler) feedReader { return kafka.Start(cfg, start, h) }, nil, nil
}

// feedPartition is a feed's reading of one partition: its decoder, the
// rows it decoded since the last epoch, and counters. Its reader's
// goroutine handles its messages; mu guards it against the epoch and the
// status, which read it from other goroutines.
type feedPartition struct {
	mu  sync.Mutex
	dec format.Decoder
	// envDec and envelope read Debezium envelopes (keyed feeds).
	envDec   *format.JSON
	envelope types.Row
	row      types.Row
	// chunks hold the rows decoded since the last epoch; arrived when
	// each chunk's first row was read (freshness.go).
	chunks  []*types.Chunk
	arrived []time.Time
	errs    []sourceError
	// next is the offset after the last message handled, once read is
	// set.
	next                     int64
	read                     bool
	messages, bytes, invalid int64
	// counted is what of messages, bytes and invalid the engine's
	// counters hold (an epoch adds the rest).
	counted [3]int64
}

// sourceError is a message that could not be read.
type sourceError struct {
	partition int32
	offset    int64
	err       string
	payload   []byte
	at        time.Time
}

// feedTake is what an epoch takes from a feed.
type feedTake struct {
	chunks  []*types.Chunk
	arrived []time.Time
	next    map[int32]int64
	errs    []sourceError
}

// newFeed returns the feed of leaf index of view v, reading source src
// from the offsets given (a partition missing from them starts at the
// source's start mode).
func (e *Engine) newFeed(v *mview, index int, src *catalog.Table, offsets map[int32]int64) (*sourceFeed, error) {
	open, fields, err := openReader(src)
	if err != nil {
		return nil, err
	}
	f := &sourceFeed{src: src, view: v.t, leaf: &v.flow.Leaves[index], index: index, open: open, nexmark: fields,
		wake: e.wakeIngest, stats: &e.stats, bg: &e.bg, next: offsets, committed: maps.Clone(offsets)}
	f.space = sync.NewCond(&f.mu)
	return f, nil
}

// start starts the feed's reader, unless the feed is closed.
func (f *sourceFeed) start() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.reader = f.open(maps.Clone(f.next), f.handle)
	f.bg.Add(1)
	go func(r feedReader) {
		defer f.bg.Done()
		r.Wait()
	}(f.reader)
}

// close stops the feed's reader without waiting for it (Engine.Close
// does); rows not taken are dropped (the stored offsets are before them).
func (f *sourceFeed) close() {
	f.mu.Lock()
	f.closed = true
	f.halted.Store(true)
	f.space.Broadcast()
	r := f.reader
	f.mu.Unlock()
	if r != nil {
		r.Stop()
	}
}

// halt stops a feed whose epoch could not be stored: what it had read is
// lost, so it must not go on reading; a restart resumes from the stored
// offsets.
func (f *sourceFeed) halt(why string) {
	f.mu.Lock()
	f.stopped = why
	f.halted.Store(true)
	f.mu.Unlock()
	f.close()
}

// partition returns the feed's partition id, made on its first message.
func (f *sourceFeed) partition(id int32) *feedPartition {
	if p, ok := f.parts.Load(id); ok {
		return p.(*feedPartition)
	}
	// openReader checked the source's encoding.
	var dec format.Decoder
	if f.nexmark == nil && f.src.Source.Connector == "kafka" {
		dec, _ = newDecoder(f.src)
	}
	p, _ := f.parts.LoadOrStore(id, &feedPartition{dec: dec, row: make(types.Row, len(f.src.Columns))})
	return p.(*feedPartition)
}

// partitions returns the feed's partitions by id.
func (f *sourceFeed) partitions() map[int32]*feedPartition {
	out := map[int32]*feedPartition{}
	f.parts.Range(func(k, v any) bool {
		out[k.(int32)] = v.(*feedPartition)
		return true
	})
	return out
}

// handle decodes one message into the feed's pending rows, or records why
// it cannot; it waits while the feed holds maxPendingRows.
func (f *sourceFeed) handle(m *kafka.Message) bool {
	if f.rows.Load() >= maxPendingRows {
		f.mu.Lock()
		for f.rows.Load() >= maxPendingRows && !f.closed {
			f.space.Wait()
		}
		f.mu.Unlock()
	}
	if f.halted.Load() {
		return false
	}
	p := f.partition(m.Partition)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.messages++
	p.bytes += int64(len(m.Value))
	row, op := p.row, int64(1)
	var err error
	skip := false
	switch rec := m.Record.(type) {
	case *nexmark.Event:
		err = nexmarkRow(f.src, f.nexmark, rec, p.row)
	case types.Row:
		copy(p.row, rec)
	case error:
		err = rec
	case nil:
		if !f.keyed {
			err = p.dec.Decode(m.Value, p.row[:len(f.src.Columns)-len(f.src.Source.Includes)])
			skip = errors.Is(err, format.ErrHeader)
			break
		}
		clear(p.row)
		row, op, skip, err = f.decodeKeyed(p, m)
	}
	switch {
	case skip:
	case err != nil:
		p.invalid++
		p.errs = append(p.errs, sourceError{partition: m.Partition, offset: m.Offset, err: err.Error(),
			payload: slices.Clone(m.Value[:min(len(m.Value), maxPayloadPrefix)]), at: time.Now()})
		if f.src.Source.StopOnError {
			// The offset stays before the message: a restart reads it
			// and stops again.
			f.mu.Lock()
			f.stopped = fmt.Sprintf("partition %d offset %d cannot be read (on_error = 'stop'): %v", m.Partition, m.Offset, err)
			f.halted.Store(true)
			f.mu.Unlock()
			return false
		}
	default:
		for _, inc := range f.src.Source.Includes {
			p.row[inc.Column] = includeValue(inc, m)
		}
		if len(p.chunks) == 0 || p.chunks[len(p.chunks)-1].Len() >= stream.ChunkRows() {
			p.chunks = append(p.chunks, f.newChunk(len(p.row)))
			p.arrived = append(p.arrived, time.Now())
		}
		p.chunks[len(p.chunks)-1].Append(row, op)
		if f.rows.Add(1) >= maxPendingRows {
			f.wake()
		}
	}
	p.next, p.read = m.Offset+1, true
	return true
}

// includeValue is the value of a message attribute INCLUDE names.
func includeValue(inc catalog.SourceInclude, m *kafka.Message) types.Datum {
	switch inc.Kind {
	case "proctime":
		return types.NewTimestamp(types.KindTimestampTZ, time.Now().UnixMicro())
	case "partition":
		return types.NewInt4(m.Partition)
	case "offset":
		return types.NewInt8(m.Offset)
	case "timestamp":
		if m.Timestamp.IsZero() {
			return types.NullDatum
		}
		return types.NewTimestamp(types.KindTimestampTZ, m.Timestamp.UnixMicro())
	case "key":
		if m.Key == nil {
			return types.NullDatum
		}
		return types.NewBytea(m.Key)
	case "header":
		return headerValue(inc.Header, m.Headers)
	}
	return types.NullDatum
}

// headerValue is the value of the header named name (the last one of that
// name; NULL if there is none), or with name "" all headers as a jsonb
// object of their values as text (bytes that are not UTF-8 replaced).
func headerValue(name string, hs []kafka.Header) types.Datum {
	if name != "" {
		for i := len(hs) - 1; i >= 0; i-- {
			if string(hs[i].Key) == name {
				return types.NewBytea(hs[i].Value)
			}
		}
		return types.NullDatum
	}
	if len(hs) == 0 {
		return types.NullDatum
	}
	cols := make([]format.Column, len(hs))
	row := make(types.Row, len(hs))
	for i, h := range hs {
		cols[i] = format.Column{Name: strings.ToValidUTF8(string(h.Key), "\uFFFD"), Type: types.Text}
		row[i] = types.NewText(strings.ToValidUTF8(string(h.Value), "\uFFFD"))
	}
	v, err := types.ParseText(string(format.AppendJSONObject(nil, cols, row)), types.JSONB, nil)
	if err != nil {
		return types.NullDatum
	}
	return v
}

// take hands what the feed read since the last epoch to a new epoch; nil
// when it read nothing.
func (f *sourceFeed) take() *feedTake {
	t := &feedTake{}
	taken := map[int32]int64{}
	var rows, counts [3]int64
	for id, p := range f.partitions() {
		p.mu.Lock()
		for _, c := range p.chunks {
			rows[0] += int64(c.Len())
		}
		t.chunks = append(t.chunks, p.chunks...)
		t.arrived = append(t.arrived, p.arrived...)
		t.errs = append(t.errs, p.errs...)
		p.chunks, p.arrived, p.errs = nil, nil, nil
		if p.read {
			taken[id] = p.next
		}
		now := [3]int64{p.messages, p.bytes, p.invalid}
		for i := range now {
			counts[i] += now[i] - p.counted[i]
		}
		p.counted = now
		p.mu.Unlock()
	}
	f.stats.sourceMessages.Add(counts[0])
	f.stats.sourceBytes.Add(counts[1])
	f.stats.sourceErrors.Add(counts[2])
	f.mu.Lock()
	defer f.mu.Unlock()
	maps.Copy(f.next, taken)
	if rows[0] > 0 {
		f.rows.Add(-rows[0])
		f.space.Broadcast()
	}
	if len(t.chunks) == 0 && len(t.errs) == 0 && maps.Equal(f.next, f.committed) {
		return nil
	}
	t.next = maps.Clone(f.next)
	return t
}

// done notes that the epoch holding t is stored, and keeps its chunks for
// reuse: every view has processed them, and operators copy what they keep.
func (f *sourceFeed) done(t *feedTake) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.committed = t.next
	for _, c := range t.chunks {
		if len(f.free) < maxFreeChunks && c.Width == len(f.src.Columns) {
			c.Reset()
			f.free = append(f.free, c)
		}
	}
}

// maxFreeChunks bounds the chunks a feed keeps for reuse: what it holds
// before back-pressure stops it.
const maxFreeChunks = maxPendingRows / 1024

// newChunk returns an empty chunk of the given width, reused if one is
// free.
func (f *sourceFeed) newChunk(width int) *types.Chunk {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.free); n > 0 && cap(f.free[n-1].Weights) >= stream.ChunkRows() {
		c := f.free[n-1]
		f.free = f.free[:n-1]
		return c
	}
	return types.NewChunk(width, stream.ChunkRows())
}

// post sends the rows of t (nil: none) to the feed's leaf and ends its
// epoch.
func (f *sourceFeed) post(w *stream.Workers, t *feedTake) {
	if t != nil && len(t.chunks) > 0 {
		f.leaf.PostShared(w, t.chunks)
	}
	f.leaf.PostFlush(w)
}

// offsetKey is the key, within its view's state, of the stored offset of
// one partition of feed leaf.
func offsetKey(leaf int, partition int32) []byte {
	k := binary.BigEndian.AppendUint32(nil, offsetsOp)
	k = binary.BigEndian.AppendUint32(k, uint32(leaf))
	return binary.BigEndian.AppendUint32(k, uint32(partition))
}

// writeOffsets writes the offsets of t into the view's state in b.
func (f *sourceFeed) writeOffsets(sb *stateBatch, next map[int32]int64) error {
	for p, off := range next {
		if err := sb.Put(offsetKey(f.index, p), binary.AppendUvarint(nil, uint64(off))); err != nil {
			return err
		}
	}
	return nil
}

// writeErrors records the messages of t that could not be read, keyed by
// source, partition and offset: views that read the same message record it
// once.
func (f *sourceFeed) writeErrors(b *storage.Batch, t *feedTake) {
	for _, se := range t.errs {
		v := binary.AppendVarint(nil, se.at.UnixMicro())
		v = binary.AppendUvarint(v, uint64(len(se.err)))
		v = append(v, se.err...)
		v = append(v, se.payload...)
		b.Set(storage.SourceErrorKey(f.src.ID, uint32(se.partition), uint64(se.offset)), v)
	}
}

// decodeSourceError reads a record written by writeErrors.
func decodeSourceError(v []byte) (at int64, msg string, payload []byte, err error) {
	at, n := binary.Varint(v)
	if n <= 0 {
		return 0, "", nil, errBadErrorRecord
	}
	v = v[n:]
	l, n := binary.Uvarint(v)
	if n <= 0 || uint64(len(v)-n) < l {
		return 0, "", nil, errBadErrorRecord
	}
	return at, string(v[n : n+int(l)]), v[n+int(l):], nil
}

var errBadErrorRecord = sqlerr.New(sqlerr.DataCorrupted, "a stored source error record does not decode")

// readOffsets reads the stored offsets of view id's feeds, by leaf and
// partition.
func readOffsets(r reader, id uint32) (map[int]map[int32]int64, error) {
	prefix := storage.StateKey(nil, id)
	lo := append(slices.Clone(prefix), binary.BigEndian.AppendUint32(nil, offsetsOp)...)
	it, err := r.NewIter(lo, stateHeaderKey(id))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	out := map[int]map[int32]int64{}
	for it.First(); it.Valid(); it.Next() {
		k := it.Key()[len(lo):]
		off, n := binary.Uvarint(it.Value())
		if len(k) != 8 || n <= 0 {
			return nil, sqlerr.New(sqlerr.DataCorrupted, "a stored source offset does not decode")
		}
		leaf := int(binary.BigEndian.Uint32(k))
		if out[leaf] == nil {
			out[leaf] = map[int32]int64{}
		}
		out[leaf][int32(binary.BigEndian.Uint32(k[4:]))] = int64(off)
	}
	return out, it.Error()
}

// wakeIngest asks the ingest loop for a source epoch now.
func (e *Engine) wakeIngest() {
	select {
	case e.ingestWake <- struct{}{}:
	default:
	}
}

// runIngest commits a source epoch every barrier interval, and sooner when
// a feed is full, until stop closes.
func (e *Engine) runIngest(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(e.opts.BarrierInterval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		case <-e.ingestWake:
		}
		if err := e.sourceEpoch(); err != nil {
			e.opts.Logger.Error("a source epoch could not be stored; the views over sources stop", "err", err)
		}
	}
}

// sourceEpoch takes what every feed read and commits it as one epoch, like
// a write: the views take the rows, and their state changes, the feeds'
// offsets and the messages that could not be read are written in one
// synced batch.
func (e *Engine) sourceEpoch() error {
	if e.sources.empty() {
		return nil
	}
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	taken := map[*sourceFeed]*feedTake{}
	for _, v := range e.views.order {
		for _, f := range v.feeds {
			if t := f.take(); t != nil {
				taken[f] = t
			}
		}
	}
	tables := map[uint32]*feedTake{}
	for id, f := range e.tableFeeds {
		if t := f.take(); t != nil {
			taken[f], tables[id] = t, t
		}
	}
	if len(taken) == 0 {
		return nil
	}
	halt := func(what string, err error) error {
		for f := range taken {
			f.halt("a source epoch could not be " + what + ": " + err.Error() + "; restart the server")
		}
		return err
	}
	// The tables fed by Kafka: their operations are one write.
	tx := e.beginTx(false, e.opts.Clock().UnixMicro())
	defer tx.abort()
	for id, t := range tables {
		if tbl, ok := e.cat.Current().TableByID(id); ok {
			if err := applyTableFeed(tx, tbl, t); err != nil {
				return halt("applied", err)
			}
		}
	}
	err := e.writeEpoch(tx, taken, func(b *storage.Batch) {
		for id, t := range tables {
			// Writing into a batch does not fail.
			_ = e.tableFeeds[id].writeOffsets(newStateBatch(b, id), t.next)
		}
		for f, t := range taken {
			f.writeErrors(b, t)
		}
	})
	if err != nil {
		return halt("written", err)
	}
	now := time.Now()
	for f, t := range taken {
		for i, c := range t.chunks {
			e.stats.freshness.observe(now.Sub(t.arrived[i]), int64(c.Len()))
		}
		f.done(t)
	}
	e.stats.sourceEpochs.Add(1)
	return nil
}

// SourcePartitions implements catalog.Runtime.
func (s *Session) SourcePartitions() []types.Row {
	var rows []types.Row
	for _, f := range s.e.sources.list(byFeedName) {
		hw := map[int32]int64{}
		status := "stopped"
		f.mu.Lock()
		r := f.reader
		f.mu.Unlock()
		if r != nil {
			for _, p := range r.Partitions() {
				hw[p.Partition] = p.HighWatermark
			}
			status = r.Status()
		}
		// Each partition's figures, read under its own lock (taken
		// before the feed's).
		type partFigures struct {
			read                           bool
			next, messages, bytes, invalid int64
		}
		figures := map[int32]partFigures{}
		for id, p := range f.partitions() {
			p.mu.Lock()
			figures[id] = partFigures{p.read, p.next, p.messages, p.bytes, p.invalid}
			p.mu.Unlock()
		}
		f.mu.Lock()
		if f.stopped != "" {
			status = "stopped: " + f.stopped
		}
		ids := slices.Sorted(maps.Keys(figures))
		for p := range hw {
			if _, ok := figures[p]; !ok {
				ids = append(ids, p)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			p := figures[id]
			off, ok := f.committed[id]
			committed, lag := types.NullDatum, types.NullDatum
			if ok {
				committed = types.NewInt8(off)
			}
			high := types.NullDatum
			if h, ok := hw[id]; ok && h >= 0 {
				high = types.NewInt8(h)
				lag = types.NewInt8(max(0, h-off))
				if status == "finished" {
					// A generator's last event of the split may come
					// before its end: what is left is what was read
					// and not yet committed.
					lag = types.NewInt8(0)
					if p.read {
						lag = types.NewInt8(max(0, p.next-off))
					}
				}
			}
			view := types.NullDatum
			if f.view != nil {
				view = types.NewString(types.KindName, f.view.Name)
			}
			rows = append(rows, types.Row{types.NewString(types.KindName, f.src.Name), view,
				types.NewInt4(id), committed, high, lag, types.NewInt8(p.messages), types.NewInt8(p.bytes), types.NewInt8(p.invalid),
				types.NewText(status)})
		}
		f.mu.Unlock()
	}
	return rows
}

// SourceErrors implements catalog.Runtime.
func (s *Session) SourceErrors() []types.Row {
	cat := s.e.cat.Current()
	lo, hi := storage.SourceErrorSpan()
	it, err := s.e.store.NewIter(lo, hi)
	if err != nil {
		return nil
	}
	defer it.Close()
	var rows []types.Row
	for it.First(); it.Valid(); it.Next() {
		src, part, off, ok := storage.SplitSourceErrorKey(it.Key())
		t, found := cat.TableByID(src)
		if !ok || !found {
			continue
		}
		at, msg, payload, err := decodeSourceError(it.Value())
		if err != nil {
			continue
		}
		rows = append(rows, types.Row{types.NewString(types.KindName, t.Name), types.NewInt4(int32(part)), types.NewInt8(int64(off)),
			types.NewText(msg), types.NewBytea(payload), types.NewTimestamp(types.KindTimestampTZ, at)})
	}
	return rows
}

// registry lists running feeds or sinks, for the system relations; it has
// its own lock because queries read it while holding the views' lock.
type registry[T comparable] struct {
	mu    sync.Mutex
	items map[T]struct{}
}

func (r *registry[T]) add(x T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.items == nil {
		r.items = map[T]struct{}{}
	}
	r.items[x] = struct{}{}
}

// empty says whether nothing is registered.
func (r *registry[T]) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.items) == 0
}

func (r *registry[T]) remove(x T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.items, x)
}

// list returns the items in the order of compare.
func (r *registry[T]) list(compare func(a, b T) int) []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Collect(maps.Keys(r.items))
	slices.SortFunc(out, compare)
	return out
}

// byFeedName orders feeds by source and view name.
func byFeedName(a, b *sourceFeed) int {
	if a.src.Name != b.src.Name {
		return cmp.Compare(a.src.Name, b.src.Name)
	}
	return cmp.Compare(feedViewName(a), feedViewName(b))
}

// feedViewName is the name of the view a feed fills, "" for a keyed feed.
func feedViewName(f *sourceFeed) string {
	if f.view == nil {
		return ""
	}
	return f.view.Name
}
