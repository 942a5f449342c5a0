package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/freshetdb/freshet/connectors/format"
	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// Sinks
//
// A sink writes the changes of a materialized view to a Kafka topic,
// exactly once. It subscribes to the view's changes; at every epoch
// (a commit or a source epoch) it encodes the epoch's changes into
// messages and writes them into its log in the epoch's own synced batch,
// under the next sink epoch number. Once the batch is durable, the sink's
// writer goroutine copies each logged epoch to the topic in one Kafka
// transaction that also commits the epoch number as the offset of the
// sink's own consumer group, then deletes the epoch from the log. After a
// crash the writer asks the group which epoch the topic holds last and
// writes the logged epochs after it: a read_committed consumer sees every
// change once.

// msink is one running sink.
type msink struct {
	t      *catalog.Table
	spec   *catalog.SinkSpec
	cols   []format.Column
	cfg    kafka.Config
	engine *Engine
	// collect receives the changes of the view it is subscribed to.
	collect *sinkCollector
	view    *mview
	// logged is the last epoch in the log; pending the one the current
	// batch writes, 0 if none.
	logged, pending uint64
	// failed stops logging: the view's changes cannot be written in the
	// sink's format, or are not known. It is stored (failedKey), so a
	// restart keeps the sink stopped. Written under the views' lock and mu.
	failed string

	wake chan struct{}
	stop chan struct{}

	mu        sync.Mutex
	status    string
	delivered uint64
}

// sinkCollector is the operator a sink subscribes to its view with: it
// keeps the epoch's changes.
type sinkCollector struct {
	changes *types.Chunk
	// count, when set, only counts the changes in discarded (a
	// blackhole sink).
	count     bool
	discarded int64
}

// Push implements stream.Operator.
func (c *sinkCollector) Push(_ int, ch *types.Chunk) error {
	if c.count {
		c.discarded += int64(ch.Len())
		return nil
	}
	for i := 0; i < ch.Len(); i++ {
		c.changes.Append(ch.Row(i), ch.Weights[i])
	}
	return nil
}

// Flush implements stream.Operator.
func (c *sinkCollector) Flush(int) error { return nil }

// createSink runs CREATE SINK: it checks the options and the topic, adds
// the sink to the catalog and starts it, its first epoch holding the
// view's current rows.
func (s *Session) createSink(ctx context.Context, cs *parser.CreateSink) (string, error) {
	if s.tx != nil {
		return "", sqlerr.New(sqlerr.ActiveSQLTransaction, "CREATE SINK cannot run inside a transaction block")
	}
	spec := &catalog.SinkSpec{Options: map[string]string{}, Format: cs.Format, Encode: cs.Encode}
	var keyNames string
	for _, o := range cs.With {
		_, dup := spec.Options[o.Key]
		switch {
		case dup || o.Key == "connector" && spec.Connector != "":
			return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "option %q is given twice", o.Key)
		case o.Key == "connector":
			spec.Connector = o.Value
		case o.Key == "primary_key":
			keyNames = o.Value
		case o.Key == "force_append_only" || strings.HasPrefix(o.Key, "scan."):
			if o.Key != "force_append_only" {
				return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "option %q is for sources, not sinks", o.Key)
			}
			if o.Value != "true" && o.Value != "false" {
				return "", sqlerr.New(sqlerr.InvalidParameterValue, "force_append_only must be 'true' or 'false'")
			}
			spec.Options[o.Key] = o.Value
		default:
			spec.Options[o.Key] = o.Value
		}
	}
	var cfg kafka.Config
	var err error
	switch spec.Connector {
	case "kafka":
		if cfg, err = sinkKafkaConfig(spec); err != nil {
			return "", err
		}
		if spec.Format == "" {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "a Kafka sink needs FORMAT PLAIN | UPSERT | DEBEZIUM ENCODE JSON after its WITH options")
		}
	case "blackhole":
		// It discards the changes: what a benchmark's sink is for.
		for k, v := range spec.Options {
			if k == "type" && (v == "append-only" || v == "upsert") || k == "force_append_only" {
				continue
			}
			return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "a blackhole sink takes type and force_append_only, not %q", k)
		}
		if spec.Format != "" || keyNames != "" {
			return "", sqlerr.New(sqlerr.InvalidParameterValue, "a blackhole sink takes no FORMAT and no primary_key: it writes nothing")
		}
	default:
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "a sink needs connector = 'kafka' or 'blackhole', not %q", spec.Connector)
	}
	switch {
	case spec.Connector == "blackhole":
	case spec.Format != "PLAIN" && spec.Format != "UPSERT" && spec.Format != "DEBEZIUM":
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown sink FORMAT %s; a sink takes PLAIN, UPSERT or DEBEZIUM", spec.Format)
	case spec.Encode == "AVRO" || spec.Encode == "PROTOBUF":
		return "", sqlerr.Unsupported("sink ENCODE " + spec.Encode)
	case spec.Encode != "JSON":
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown sink ENCODE %s; a sink takes ENCODE JSON", spec.Encode)
	case len(cs.EncodeOptions) > 0:
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "sink ENCODE JSON takes no options, got %q", cs.EncodeOptions[0].Key)
	case spec.Format == "PLAIN" && spec.Options["force_append_only"] == "" && keyNames != "":
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "a FORMAT PLAIN sink has no primary_key; use FORMAT UPSERT or DEBEZIUM to key its messages")
	}
	t := &catalog.Table{Name: cs.Name, Kind: catalog.RelSink, Sink: spec}
	var from *catalog.Table
	if cs.Query != "" {
		// The sink maintains the query itself, as a materialized view
		// would, and writes its changes; it holds the query's columns.
		node, b, err := s.e.bindView(s.e.cat.Current(), cs.Query)
		if err != nil {
			return "", err
		}
		t.Query, t.Depends = cs.Query, b.Dependencies()
		for _, c := range node.Columns() {
			t.Columns = append(t.Columns, catalog.Column{Name: c.Name, Type: c.Type})
		}
		from = t
	} else if from, err = s.e.cat.Current().Resolve(s.searchPath(), cs.FromSchema, cs.From); err != nil {
		return "", err
	}
	switch {
	case from.Kind == catalog.RelMaterializedView || from == t:
	case from.Kind == catalog.RelSink:
		return "", sqlerr.Newf(sqlerr.WrongObjectType, "%q is a sink; a sink reads a materialized view or a query", from.Name)
	case from.Kind == catalog.RelTable || from.Kind == catalog.RelSource || from.Kind == catalog.RelView:
		return "", sqlerr.Unsupported("a sink FROM a " + from.Kind.Noun()).
			WithHint("Create a materialized view over it and CREATE SINK ... FROM that view, or CREATE SINK ... AS SELECT ... FROM it.")
	default:
		return "", sqlerr.Newf(sqlerr.WrongObjectType, "%q is not a materialized view", from.Name)
	}
	if from != t {
		t.Depends = []uint32{from.ID}
		spec.From = from.ID
	}
	if keyNames != "" {
		for _, name := range strings.Split(keyNames, ",") {
			i := from.ColumnIndex(strings.TrimSpace(name))
			if i < 0 {
				return "", sqlerr.Newf(sqlerr.UndefinedColumn, "primary_key column %q is not a column of %q", strings.TrimSpace(name), from.Name)
			}
			spec.Key = append(spec.Key, i)
		}
	}
	if spec.Connector == "kafka" {
		if spec.Format != "PLAIN" && len(spec.Key) == 0 {
			return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "a FORMAT %s sink needs the option primary_key: the columns that key its messages", spec.Format)
		}
		nonce := make([]byte, 8)
		_, _ = rand.Read(nonce)
		spec.Options["transactional.id"] = "freshet-sink-" + hex.EncodeToString(nonce)
		if err := kafka.Probe(cfg); err != nil {
			return "", err
		}
	}
	s.e.writeMu.Lock()
	defer s.e.writeMu.Unlock()
	exists := false
	cat, err := s.e.cat.Apply(func(e *catalog.Edit) (err error) {
		exists, err = s.putNewRelation(e, t, cs.Schema, cs.IfNotExists)
		if from == t {
			spec.From = t.ID
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if exists {
		return "CREATE SINK", s.notice("42P07", "relation \""+t.Name+"\" already exists, skipping")
	}
	s.e.views.mu.Lock()
	defer s.e.views.mu.Unlock()
	if t.Query != "" {
		snap := s.e.store.NewSnapshot()
		defer snap.Close()
		err = s.e.views.create(ctx, s.e, cat, t, snap)
	}
	if err == nil {
		err = s.e.startSink(t)
	}
	if err != nil {
		// A sink that cannot run does not exist.
		if _, derr := s.e.cat.Apply(func(ed *catalog.Edit) error { ed.DropTable(t.ID); return nil }); derr != nil {
			s.e.opts.Logger.Warn("could not remove a failed sink", "sink", t.Name, "err", derr)
		}
		s.e.views.discard(t.ID)
		return "", err
	}
	return "CREATE SINK", nil
}

// sinkKafkaConfig reads a Kafka sink's client options: its options but
// the sink's own (force_append_only, transactional.id).
func sinkKafkaConfig(spec *catalog.SinkSpec) (kafka.Config, error) {
	opts := maps.Clone(spec.Options)
	delete(opts, "force_append_only")
	delete(opts, "transactional.id")
	return kafka.ParseConfig(opts)
}

// sinkColumns returns the columns of the view a sink writes.
func sinkColumns(view *catalog.Table) []format.Column {
	out := make([]format.Column, len(view.Columns))
	for i, c := range view.Columns {
		out[i] = format.Column{Name: c.Name, Type: c.Type}
	}
	return out
}

// startSink starts sink t: its first epoch, when its log has none yet,
// holds the view's current rows. The caller holds writeMu and the views'
// lock.
func (e *Engine) startSink(t *catalog.Table) error {
	view, ok := e.cat.Current().TableByID(t.Sink.From)
	if t.Sink.From == t.ID {
		view, ok = t, true
	}
	if !ok {
		return sqlerr.Internal("sink %q: its view %d is gone", t.Name, t.Sink.From)
	}
	var cfg kafka.Config
	if t.Sink.Connector == "kafka" {
		var err error
		if cfg, err = sinkKafkaConfig(t.Sink); err != nil {
			return err
		}
	}
	s := &msink{t: t, spec: t.Sink, cols: sinkColumns(view), cfg: cfg, engine: e,
		collect: &sinkCollector{changes: types.NewChunk(len(view.Columns), 64), count: t.Sink.Connector == "blackhole"},
		wake:    make(chan struct{}, 1), stop: make(chan struct{}), status: "starting"}
	v, running := e.views.views[view.ID]
	if running && v.err == nil {
		s.view = v
		v.sink.Subscribe(stream.Leaf{Out: s.collect}, s)
	}
	started := false
	defer func() {
		if !started && s.view != nil {
			s.view.sink.Unsubscribe(s)
		}
	}()
	why, stopped, err := e.store.Get(failedKey(t.ID))
	if err != nil {
		return err
	}
	if stopped {
		s.failed, s.status = string(why), "stopped: "+string(why)
	}
	logged, ok, err := e.store.Get(loggedKey(t.ID))
	if err != nil {
		return err
	}
	if ok {
		n, k := binary.Uvarint(logged)
		if k <= 0 {
			return sqlerr.Newf(sqlerr.DataCorrupted, "the log of sink %q does not decode", t.Name)
		}
		s.logged = n
		if s.view != nil && s.view.sink.Forwarding() {
			// The sink's own query, built again at this start: what its
			// backfill computed was written before, as the log says.
			s.view.sink.Drain(func(types.Row, int64) {})
		}
		if s.view == nil && s.failed == "" {
			// Its view cannot be computed now: when it can again, the
			// difference from what the sink wrote will not be known.
			b := e.store.NewBatch()
			s.fail(b, fmt.Sprintf("materialized view %q cannot be computed from the stored data; drop the sink and create it again once it can", view.Name))
			err := e.store.Commit(b)
			b.Close()
			if err != nil {
				return err
			}
		}
	} else {
		// The first epoch: every current row of the view, as inserted.
		if !running || v.err != nil {
			return sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState, "materialized view %q is not running", view.Name)
		}
		add := func(r types.Row, n int64) { s.collect.changes.Append(r, n) }
		if v.sink.Forwarding() {
			// The sink's own query: what its backfill computed.
			v.sink.Drain(add)
		} else if err := v.sink.Each(func(r types.Row, n int64) error { add(r, n); return nil }); err != nil {
			return err
		}
		b := e.store.NewBatch()
		defer b.Close()
		s.logEpoch(b)
		if err := e.store.Commit(b); err != nil {
			return err
		}
		s.committed()
	}
	started = true
	e.views.sinks = append(e.views.sinks, s)
	e.sinkList.add(s)
	if t.Sink.Connector == "blackhole" {
		s.setStatus("running")
		return nil
	}
	e.bg.Add(1)
	go func() {
		defer e.bg.Done()
		s.run()
	}()
	return nil
}

// logSinks writes, into b, what every sink's view changed this epoch as
// the sink's next epoch; committedSinks notes the epochs stored once b is.
// The caller holds the views' lock.
func (m *viewManager) logSinks(b *storage.Batch) {
	for _, s := range m.sinks {
		s.logEpoch(b)
	}
}

func (m *viewManager) committedSinks() {
	for _, s := range m.sinks {
		s.committed()
	}
}

// subscribe makes the sink follow the running instance of its view. A
// view built again (after its query failed on the data) has a new one,
// whose difference from what the sink wrote is not known: the sink stops,
// saying so, in b.
func (s *msink) subscribe(m *viewManager, b *storage.Batch) {
	v := m.views[s.spec.From]
	if v == s.view {
		return
	}
	if s.view != nil && s.view.sink != nil {
		s.view.sink.Unsubscribe(s)
		if s.failed == "" {
			s.fail(b, fmt.Sprintf("materialized view %q was computed again after its query failed; the changes in between are not known: drop the sink and create it again", s.view.t.Name))
		}
	}
	s.view = v
	if v != nil && v.sink != nil {
		v.sink.Subscribe(stream.Leaf{Out: s.collect}, s)
	}
}

// logEpoch encodes the changes collected into the sink's next epoch, in
// b.
func (s *msink) logEpoch(b *storage.Batch) {
	s.subscribe(s.engine.views, b)
	ch := s.collect.changes
	defer ch.Reset()
	s.pending = 0
	if s.collect.count {
		s.engine.stats.sinkMessages.Add(s.collect.discarded + int64(ch.Len()))
		s.collect.discarded = 0
		return
	}
	if ch.Len() == 0 || s.failed != "" {
		return
	}
	recs, err := s.encode(ch)
	if err != nil {
		s.fail(b, err.Error())
		return
	}
	if len(recs) == 0 {
		return
	}
	epoch := s.logged + 1
	for i, r := range recs {
		v := binary.AppendUvarint(nil, uint64(len(r.Key)+1))
		if r.Key != nil {
			v = append(v, r.Key...)
		} else {
			v = binary.AppendUvarint(v[:0], 0)
		}
		if r.Value != nil {
			v = append(append(v, 1), r.Value...)
		} else {
			v = append(v, 0)
		}
		b.Set(storage.SinkLogKey(s.t.ID, epoch, uint32(i)), v)
	}
	b.Set(loggedKey(s.t.ID), binary.AppendUvarint(nil, epoch))
	s.pending = epoch
}

// loggedKey is the key of the last epoch in a sink's log.
func loggedKey(id uint32) []byte { return storage.SinkLogKey(id, 0, 0) }

// failedKey is the key of a stopped sink's reason, in its log.
func failedKey(id uint32) []byte { return storage.SinkLogKey(id, 0, 1) }

// fail stops the sink for good, storing why in b.
func (s *msink) fail(b *storage.Batch, why string) {
	s.mu.Lock()
	s.failed = why
	s.status = "stopped: " + why
	s.mu.Unlock()
	b.Set(failedKey(s.t.ID), []byte(why))
}

// committed notes that the epoch logEpoch wrote is stored, and wakes the
// writer.
func (s *msink) committed() {
	if s.pending == 0 {
		return
	}
	s.logged, s.pending = s.pending, 0
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// decodeLogged reads a record logEpoch wrote.
func decodeLogged(v []byte) (kafka.Record, error) {
	var r kafka.Record
	n, k := binary.Uvarint(v)
	if k <= 0 || uint64(len(v)-k) < n {
		return r, sqlerr.New(sqlerr.DataCorrupted, "a sink log record does not decode")
	}
	if n > 0 {
		r.Key = slices.Clone(v[k : k+int(n)-1])
	}
	v = v[k+max(int(n)-1, 0):]
	if len(v) == 0 {
		return r, sqlerr.New(sqlerr.DataCorrupted, "a sink log record does not decode")
	}
	if v[0] == 1 {
		r.Value = slices.Clone(v[1:])
	}
	return r, nil
}

// netChanges sums the weights of identical rows of an epoch's changes
// (a row inserted and deleted again nets to nothing) and returns the rows
// whose weight is not zero, in the order they first came.
func netChanges(ch *types.Chunk) (rows []types.Row, weights []int64) {
	at := map[string]int{}
	var key []byte
	for i := 0; i < ch.Len(); i++ {
		row := ch.Row(i)
		key = types.AppendTypedRow(key[:0], row)
		j, ok := at[string(key)]
		if !ok {
			j = len(rows)
			at[string(key)] = j
			rows, weights = append(rows, row), append(weights, 0)
		}
		weights[j] += ch.Weights[i]
	}
	kept := 0
	for j := range rows {
		if weights[j] != 0 {
			rows[kept], weights[kept] = rows[j], weights[j]
			kept++
		}
	}
	return rows[:kept], weights[:kept]
}

// encode turns an epoch's changes into messages of the sink's format.
func (s *msink) encode(ch *types.Chunk) ([]kafka.Record, error) {
	var recs []kafka.Record
	rows, weights := netChanges(ch)
	if s.spec.Format == "PLAIN" {
		for i, row := range rows {
			w := weights[i]
			if w < 0 {
				if s.spec.Options["force_append_only"] == "true" {
					continue
				}
				return nil, fmt.Errorf("materialized view %q deleted or updated a row, which a FORMAT PLAIN sink cannot write; use FORMAT UPSERT or DEBEZIUM, or force_append_only = 'true' to drop deletes", s.view.t.Name)
			}
			val := format.AppendJSONObject(nil, s.cols, row)
			for ; w > 0; w-- {
				recs = append(recs, kafka.Record{Value: val})
			}
		}
		return recs, nil
	}
	// Keyed formats: per key, the row it had before the epoch and the row
	// it has after.
	type change struct {
		key           types.Row
		before, after types.Row
	}
	var order []string
	byKey := map[string]*change{}
	keyCols := make([]format.Column, len(s.spec.Key))
	for i, k := range s.spec.Key {
		keyCols[i] = s.cols[k]
	}
	for i, row := range rows {
		key := make(types.Row, len(s.spec.Key))
		for j, k := range s.spec.Key {
			key[j] = row[k]
		}
		id := string(types.AppendEqualKey(nil, key))
		c := byKey[id]
		if c == nil {
			c = &change{key: key}
			byKey[id] = c
			order = append(order, id)
		}
		if weights[i] < 0 {
			c.before = row
		} else {
			c.after = row
		}
	}
	now := time.Now().UnixMilli()
	for _, id := range order {
		c := byKey[id]
		key := format.AppendJSONObject(nil, keyCols, c.key)
		if s.spec.Format == "UPSERT" {
			var val []byte
			if c.after != nil {
				val = format.AppendJSONObject(nil, s.cols, c.after)
			}
			recs = append(recs, kafka.Record{Key: key, Value: val})
			continue
		}
		var val bytes.Buffer
		val.WriteString(`{"before":`)
		s.appendRow(&val, c.before)
		val.WriteString(`,"after":`)
		s.appendRow(&val, c.after)
		op := "u"
		switch {
		case c.before == nil:
			op = "c"
		case c.after == nil:
			op = "d"
		}
		fmt.Fprintf(&val, `,"op":%q,"ts_ms":%d}`, op, now)
		recs = append(recs, kafka.Record{Key: key, Value: val.Bytes()})
	}
	return recs, nil
}

func (s *msink) appendRow(b *bytes.Buffer, row types.Row) {
	if row == nil {
		b.WriteString("null")
		return
	}
	b.Write(format.AppendJSONObject(nil, s.cols, row))
}

func (s *msink) setStatus(st string) {
	s.mu.Lock()
	s.status = st
	s.mu.Unlock()
}

// run is the sink's writer: it copies logged epochs to the topic until the
// sink stops.
func (s *msink) run() {
	var w *kafka.Writer
	defer func() {
		if w != nil {
			w.Close()
		}
	}()
	backoff := 200 * time.Millisecond
	for {
		err := s.deliver(&w)
		if err != nil {
			if w != nil {
				w.Close()
				w = nil
			}
			s.setStatus("retrying: " + err.Error())
		} else {
			backoff = 200 * time.Millisecond
		}
		wait := time.Second
		if err != nil {
			wait, backoff = backoff, min(2*backoff, 5*time.Second)
		}
		select {
		case <-s.stop:
			return
		case <-s.wake:
		case <-time.After(wait):
		}
	}
}

// deliver opens the writer if need be and writes every logged epoch the
// topic does not hold yet, each in one transaction, deleting it from the
// log once committed.
func (s *msink) deliver(w **kafka.Writer) error {
	st := s.engine.store
	if *w == nil {
		nw, err := kafka.NewWriter(s.cfg, s.spec.Options["transactional.id"])
		if err != nil {
			return err
		}
		*w = nw
	}
	delivered, err := (*w).Delivered()
	if err != nil {
		return err
	}
	_, hi := storage.SinkLogPrefix(s.t.ID)
	for {
		it, err := st.NewIter(storage.SinkLogKey(s.t.ID, 1, 0), hi)
		if err != nil {
			return err
		}
		var epoch uint64
		var recs []kafka.Record
		for it.First(); it.Valid(); it.Next() {
			_, e, _, ok := storage.SplitSinkLogKey(it.Key())
			if !ok || epoch != 0 && e != epoch {
				break
			}
			epoch = e
			r, err := decodeLogged(it.Value())
			if err != nil {
				it.Close()
				return err
			}
			recs = append(recs, r)
		}
		err = it.Error()
		it.Close()
		if err != nil {
			return err
		}
		if epoch == 0 {
			s.mu.Lock()
			s.delivered = max(s.delivered, delivered)
			if s.failed == "" {
				s.status = "running"
			}
			s.mu.Unlock()
			return nil
		}
		if epoch > delivered {
			if err := (*w).Write(epoch, recs); err != nil {
				return err
			}
			s.engine.stats.sinkEpochs.Add(1)
			s.engine.stats.sinkMessages.Add(int64(len(recs)))
			delivered = epoch
		}
		b := st.NewBatch()
		b.DeleteRange(storage.SinkLogKey(s.t.ID, epoch, 0), storage.SinkLogKey(s.t.ID, epoch+1, 0))
		err = st.Commit(b)
		b.Close()
		if err != nil {
			return err
		}
		s.mu.Lock()
		s.delivered = delivered
		s.mu.Unlock()
	}
}

// close tells the sink's writer to stop, without waiting for it
// (Engine.Close does), and unsubscribes the sink.
func (s *msink) close() {
	close(s.stop)
	if s.view != nil && s.view.sink != nil {
		s.view.sink.Unsubscribe(s)
	}
	s.engine.sinkList.remove(s)
}

// startSinks starts every sink of the catalog, after the views.
func (e *Engine) startSinks() error {
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	for _, t := range e.cat.Current().Tables() {
		if t.Kind == catalog.RelSink {
			if err := e.startSink(t); err != nil {
				e.opts.Logger.Warn("sink cannot start", "sink", t.Name, "err", err)
				// Its own query: nothing would take its changes.
				e.views.discard(t.ID)
			}
		}
	}
	return nil
}

// discard stops the dataflow of view id, if it runs, and forgets it. The
// caller holds mu.
func (m *viewManager) discard(id uint32) {
	if v, ok := m.views[id]; ok {
		v.stop()
		delete(m.views, id)
		m.order = slices.DeleteFunc(m.order, func(x *mview) bool { return x == v })
	}
}

// pruneSinks stops the sinks no longer in cat and deletes their logs, in
// b. The caller holds the views' lock.
func (m *viewManager) pruneSinks(cat *catalog.Catalog, b *storage.Batch) {
	kept := m.sinks[:0]
	for _, s := range m.sinks {
		if _, ok := cat.TableByID(s.t.ID); ok {
			kept = append(kept, s)
			continue
		}
		s.close()
		lo, hi := storage.SinkLogPrefix(s.t.ID)
		b.DeleteRange(lo, hi)
	}
	m.sinks = kept
}

// sweepSinkLogs deletes, in b, the logs of sinks that are not in cat.
func sweepSinkLogs(r reader, cat *catalog.Catalog, b *storage.Batch) error {
	lo, hi := storage.SinkLogSpan()
	it, err := r.NewIter(lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.First(); it.Valid(); {
		id, _, _, ok := storage.SplitSinkLogKey(it.Key())
		if !ok {
			return sqlerr.Newf(sqlerr.DataCorrupted, "a sink log has a malformed key %x", it.Key())
		}
		plo, phi := storage.SinkLogPrefix(id)
		if t, ok := cat.TableByID(id); !ok || t.Kind != catalog.RelSink {
			b.DeleteRange(plo, phi)
		}
		it.SeekGE(phi)
	}
	return it.Error()
}

// SinkStatus implements catalog.Runtime.
func (s *Session) SinkStatus() []types.Row {
	var rows []types.Row
	for _, k := range s.e.sinkList.list(func(a, b *msink) int { return strings.Compare(a.t.Name, b.t.Name) }) {
		k.mu.Lock()
		view := ""
		if v, ok := s.e.cat.Current().TableByID(k.spec.From); ok {
			view = v.Name
		}
		rows = append(rows, types.Row{types.NewString(types.KindName, k.t.Name), types.NewString(types.KindName, view),
			types.NewText(k.cfg.Topic), types.NewText(k.spec.Format), types.NewInt8(int64(k.delivered)), types.NewText(k.status)})
		k.mu.Unlock()
	}
	return rows
}
