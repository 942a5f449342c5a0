package engine

import (
	"context"
	"encoding/binary"
	"fmt"

	"github.com/freshetdb/freshet/executor/query"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// reader is what table reads need from storage: a snapshot, or a
// transaction's indexed batch (its own writes over committed data).
type reader interface {
	Get(key []byte) ([]byte, bool, error)
	NewIter(lower, upper []byte) (*storage.Iter, error)
}

// rowKey appends the storage key of row r of table t: the table prefix and
// the primary key values in order-preserving encoding. Tables without a
// primary key use rowid (see newRowID).
func rowKey(buf []byte, t *catalog.Table, r types.Row) []byte {
	buf = storage.TableKey(buf, t.ID)
	for _, k := range t.PrimaryKey {
		buf = types.AppendKey(buf, r[k], t.Columns[k].Type, false)
	}
	return buf
}

// prefixKey appends the key prefix of rows whose leading primary-key values
// equal prefix.
func prefixKey(buf []byte, t *catalog.Table, prefix []types.Datum) []byte {
	buf = storage.TableKey(buf, t.ID)
	for i, v := range prefix {
		k := t.PrimaryKey[i]
		buf = types.AppendKey(buf, v, t.Columns[k].Type, false)
	}
	return buf
}

// rowIDKey appends the key of a row of a table without a primary key.
func rowIDKey(buf []byte, t *catalog.Table, id uint64) []byte {
	buf = storage.TableKey(buf, t.ID)
	return binary.BigEndian.AppendUint64(buf, id)
}

// tableSource implements query.Source over a reader, and over the
// maintained contents of materialized views.
type tableSource struct {
	r     reader
	views *viewManager
}

// ScanTable implements query.Source. Key encodings are self-delimiting, so
// every key whose next column equals v starts with v's encoding: an
// exclusive lower bound starts after all of them and an inclusive upper
// bound ends after all of them.
func (s *tableSource) ScanTable(ctx context.Context, t *catalog.Table, span query.KeySpan, fn func(types.Row) error) error {
	switch t.Kind {
	case catalog.RelMaterializedView:
		return s.views.scan(t.ID, t.Name, fn)
	case catalog.RelSource:
		return sqlerr.Unsupported(fmt.Sprintf("reading source %q outside a materialized view", t.Name)).
			WithHint("Create a materialized view over the source, for example CREATE MATERIALIZED VIEW v AS SELECT * FROM " + t.Name + ", and query the view.")
	}
	prefix := prefixKey(nil, t, span.Prefix)
	lower, upper := prefix, storage.PrefixEnd(prefix)
	if len(span.Prefix) < len(t.PrimaryKey) {
		col := t.Columns[t.PrimaryKey[len(span.Prefix)]]
		if b := span.Lower; b != nil {
			lower = types.AppendKey(append([]byte(nil), prefix...), b.Value, col.Type, false)
			if !b.Inclusive {
				lower = storage.PrefixEnd(lower)
			}
		}
		if b := span.Upper; b != nil {
			upper = types.AppendKey(append([]byte(nil), prefix...), b.Value, col.Type, false)
			if b.Inclusive {
				upper = storage.PrefixEnd(upper)
			}
		}
	}
	return scanRange(s.r, t, lower, upper, func(_ []byte, r types.Row) error { return fn(r) })
}

// scanRange decodes every row stored in [lower, upper) and passes it with
// its key (valid only during the call).
func scanRange(r reader, t *catalog.Table, lower, upper []byte, fn func(key []byte, row types.Row) error) error {
	it, err := r.NewIter(lower, upper)
	if err != nil {
		return err
	}
	defer it.Close()
	schema := t.ColumnTypes()
	row := make(types.Row, len(schema))
	for it.First(); it.Valid(); it.Next() {
		if row, err = types.DecodeRow(it.Value(), schema, row); err != nil {
			return sqlerr.Newf(sqlerr.DataCorrupted, "stored row of table %q does not decode: %v", t.Name, err)
		}
		if err := fn(it.Key(), row); err != nil {
			return err
		}
	}
	return it.Error()
}

// getRow reads the row stored under key; ok is false when there is none.
func getRow(r reader, t *catalog.Table, key []byte) (types.Row, bool, error) {
	v, ok, err := r.Get(key)
	if err != nil || !ok {
		return nil, false, err
	}
	row, err := types.DecodeRow(v, t.ColumnTypes(), nil)
	if err != nil {
		return nil, false, sqlerr.Newf(sqlerr.DataCorrupted, "stored row of table %q does not decode: %v", t.Name, err)
	}
	return row, true, nil
}
