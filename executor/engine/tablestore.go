package engine

import (
	"context"
	"encoding/binary"

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

// prefixEnd returns the smallest key greater than every key with prefix p.
func prefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// tableSource implements query.Source over a reader.
type tableSource struct {
	r reader
}

// ScanTable implements query.Source.
func (s *tableSource) ScanTable(ctx context.Context, t *catalog.Table, prefix []types.Datum, fn func(types.Row) error) error {
	var lower []byte
	if len(prefix) > 0 {
		lower = prefixKey(nil, t, prefix)
	} else {
		lower = storage.TableKey(nil, t.ID)
	}
	upper := prefixEnd(lower)
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
