package engine

import (
	"errors"
	"fmt"
	"sync"

	"github.com/freshetdb/freshet/connectors/format"
	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// Tables fed by Kafka
//
// A table created WITH (connector = 'kafka') FORMAT UPSERT | DEBEZIUM is
// stored and keyed like any table, and filled by a feed of its own: each
// message is an upsert or a delete of a primary key. A source epoch
// applies the operations the feed read, in order, as one write to the
// table (so the views over it see the changes like those of DML), with
// the feed's offsets under the table's own state prefix.

// tableOp weights: an upsert of the row, or a delete of the row's key.
const (
	opUpsert = 1
	opDelete = -1
)

// startTableFeed starts the feed of table t from its stored offsets.
func (e *Engine) startTableFeed(t *catalog.Table) error {
	offsets, err := readOffsets(e.store, t.ID)
	if err != nil {
		return err
	}
	cfg, err := kafka.ParseConfig(t.Source.Options)
	if err != nil {
		return err
	}
	next := offsets[0]
	if next == nil {
		next = map[int32]int64{}
	}
	resolved := len(next) == 0 && cfg.StartMode != kafka.StartEarliest
	if resolved {
		if next, err = kafka.StartOffsets(cfg); err != nil {
			return err
		}
	}
	open, _, err := openReader(t)
	if err != nil {
		return err
	}
	f := &sourceFeed{src: t, open: open, wake: e.wakeIngest, stats: &e.stats, bg: &e.bg, next: next,
		committed: map[int32]int64{}, keyed: true}
	for p, o := range next {
		f.committed[p] = o
	}
	f.space = sync.NewCond(&f.mu)
	if resolved {
		// Store where 'latest' or the timestamp put the table's start, so
		// that a restart before the first epoch starts there too.
		b := e.store.NewBatch()
		defer b.Close()
		_ = f.writeOffsets(newStateBatch(b, t.ID), next)
		if err := e.store.Commit(b); err != nil {
			return err
		}
	}
	e.writeMu.Lock()
	defer e.writeMu.Unlock()
	e.views.mu.Lock()
	defer e.views.mu.Unlock()
	if _, ok := e.cat.Current().TableByID(t.ID); !ok {
		return nil // dropped meanwhile
	}
	e.tableFeeds[t.ID] = f
	f.start()
	e.sources.add(f)
	return nil
}

// decodeKeyed decodes a message of a keyed feed into an operation: the row
// to upsert, or a row holding the key to delete. skip says the message
// carries none (a Debezium tombstone).
func (f *sourceFeed) decodeKeyed(p *feedPartition, m *kafka.Message) (row types.Row, op int64, skip bool, err error) {
	t := f.src
	row = p.row
	switch t.Source.Format {
	case "UPSERT":
		if m.Value == nil {
			if err := f.decodeKey(p, m.Key, row); err != nil {
				return nil, 0, false, err
			}
			return row, opDelete, false, nil
		}
		if err := p.dec.Decode(m.Value, row); err != nil {
			return nil, 0, false, err
		}
		if keyMissing(t, row) && m.Key != nil {
			key := make(types.Row, len(row))
			if err := f.decodeKey(p, m.Key, key); err == nil {
				for _, k := range t.PrimaryKey {
					if row[k].IsNull() {
						row[k] = key[k]
					}
				}
			}
		}
		op = opUpsert
	case "DEBEZIUM":
		if len(m.Value) == 0 {
			return nil, 0, true, nil
		}
		if p.envDec == nil {
			p.envDec, p.envelope = format.NewJSON(envelopeColumns), make(types.Row, len(envelopeColumns))
		}
		env := p.envelope
		if err := p.envDec.Decode(m.Value, env); err != nil {
			return nil, 0, false, err
		}
		if !env[3].IsNull() {
			// {"schema": ..., "payload": {...}}: the event is the payload.
			if err := p.envDec.Decode([]byte(env[3].Str()), env); err != nil {
				return nil, 0, false, fmt.Errorf("payload: %w", err)
			}
		}
		var image types.Datum
		switch env[2].Str() {
		case "c", "r", "u":
			image, op = env[1], opUpsert
		case "d":
			image, op = env[0], opDelete
		default:
			return nil, 0, false, fmt.Errorf("Debezium event with op %q; want c, r, u or d", env[2].Str())
		}
		if image.IsNull() {
			return nil, 0, false, fmt.Errorf("Debezium event with op %q has no row image", env[2].Str())
		}
		if err := p.dec.Decode([]byte(image.Str()), row); err != nil {
			return nil, 0, false, err
		}
	}
	if keyMissing(t, row) {
		return nil, 0, false, errors.New("the message has no value for a primary key column")
	}
	if op == opUpsert {
		for i, c := range t.Columns {
			if c.NotNull && row[i].IsNull() {
				return nil, 0, false, fmt.Errorf("column %q is NOT NULL and the message has no value for it", c.Name)
			}
		}
	}
	return row, op, false, nil
}

// envelopeColumns are the fields of a Debezium event's envelope that a
// feed reads (feedPartition.envDec).
var envelopeColumns = []format.Column{{Name: "before", Type: types.JSONB}, {Name: "after", Type: types.JSONB},
	{Name: "op", Type: types.Text}, {Name: "payload", Type: types.JSONB}}

// decodeKey fills the primary key columns of row from a message key: a JSON
// object of the key columns, or, for a one-column key, the key's text.
func (f *sourceFeed) decodeKey(p *feedPartition, key []byte, row types.Row) error {
	t := f.src
	if key == nil {
		return errors.New("a delete (null value) without a key")
	}
	err := p.dec.Decode(key, row)
	if err != nil && len(t.PrimaryKey) == 1 {
		c := t.Columns[t.PrimaryKey[0]]
		v, perr := types.ParseText(string(key), c.Type, nil)
		if perr != nil {
			return fmt.Errorf("key %q: %w", key, perr)
		}
		row[t.PrimaryKey[0]] = v
		err = nil
	}
	if err != nil {
		return fmt.Errorf("key: %w", err)
	}
	if keyMissing(t, row) {
		return errors.New("the key has no value for a primary key column")
	}
	return nil
}

// keyMissing says whether a primary key column of row is NULL.
func keyMissing(t *catalog.Table, row types.Row) bool {
	for _, k := range t.PrimaryKey {
		if row[k].IsNull() {
			return true
		}
	}
	return false
}

// applyTableFeed applies the operations a table feed read to tx, in order.
func applyTableFeed(tx *txn, t *catalog.Table, take *feedTake) error {
	schema := t.ColumnTypes()
	var key, val []byte
	var old types.Row
	for _, ch := range take.chunks {
		for i := 0; i < ch.Len(); i++ {
			row := ch.Row(i)
			key = rowKey(key[:0], t, row)
			stored, ok, err := tx.batch.Get(key)
			if err != nil {
				return err
			}
			if ok {
				if old, err = types.DecodeRow(stored, schema, old[:0]); err != nil {
					return err
				}
				tx.noteChange(t, old, -1)
			}
			if ch.Weights[i] == opUpsert {
				val = types.EncodeRow(val[:0], row, schema)
				tx.batch.Set(key, val)
				tx.noteChange(t, row, 1)
			} else if ok {
				tx.batch.Delete(key)
			}
		}
	}
	return nil
}

// pruneTableFeeds stops the feeds of tables no longer in cat and deletes
// their offsets, in b. The caller holds the views' lock.
func (e *Engine) pruneTableFeeds(cat *catalog.Catalog, b *storage.Batch) {
	for id, f := range e.tableFeeds {
		if _, ok := cat.TableByID(id); ok {
			continue
		}
		f.close()
		e.sources.remove(f)
		delete(e.tableFeeds, id)
		clearState(b, id)
	}
}
