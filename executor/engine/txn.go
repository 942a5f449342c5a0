package engine

import (
	"bytes"

	"github.com/freshetdb/freshet/executor/stream"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// txn is the write set of a transaction block (explicit) or of one
// statement (implicit). Writes go to an indexed batch, so the block's own
// reads see them; COMMIT applies the batch atomically.
type txn struct {
	e        *Engine
	batch    *storage.Batch
	explicit bool
	failed   bool
	start    int64 // transaction start, micros since 1970
	xid      int64
	// mustBeNew lists primary keys this transaction inserted that no other
	// transaction may have committed in the meantime; COMMIT checks them.
	mustBeNew []string
	table     map[string]string // key -> table name, for error messages
	// vars are the session settings at BEGIN, restored by ROLLBACK.
	vars map[string]string
	// created lists the objects created inside the block, dropped again by
	// ROLLBACK.
	created []uint32
	// replaced holds the descriptors a rename inside the block changed, as
	// they were, put back by ROLLBACK (in reverse order).
	replaced []*catalog.Table
	// changes are the row changes per table, fed to materialized views at
	// commit.
	changes map[uint32][]*types.Chunk
	// read holds, for every key a transaction block writes, the committed
	// value it had when the block first wrote it; COMMIT fails with 40001
	// when another transaction changed it meanwhile (first committer wins).
	read map[string]keyRead
}

// keyRead is a committed value as a transaction block first saw it.
type keyRead struct {
	val     []byte
	existed bool
}

// noteWrite records the committed value of a key about to be written by a
// transaction block (statements outside blocks run under the write lock and
// cannot conflict).
func (t *txn) noteWrite(key []byte) error {
	if !t.explicit {
		return nil
	}
	if t.read == nil {
		t.read = map[string]keyRead{}
	}
	if _, seen := t.read[string(key)]; seen {
		return nil
	}
	v, ok, err := t.e.store.Get(key)
	if err != nil {
		return err
	}
	t.read[string(key)] = keyRead{val: v, existed: ok}
	return nil
}

// noteChange records a row change of table t for the views.
func (t *txn) noteChange(tbl *catalog.Table, row types.Row, weight int64) {
	if t.changes == nil {
		t.changes = map[uint32][]*types.Chunk{}
	}
	cs := t.changes[tbl.ID]
	if len(cs) == 0 || cs[len(cs)-1].Len() >= stream.ChunkRows() {
		// A statement's changes are chunks of ChunkRows rows, so a large
		// one never regrows (and copies) one huge buffer.
		cs = append(cs, types.NewChunk(len(tbl.Columns), min(16<<min(len(cs), 6), stream.ChunkRows())))
		t.changes[tbl.ID] = cs
	}
	cs[len(cs)-1].Append(row, weight)
}

func (e *Engine) beginTx(explicit bool, start int64) *txn {
	return &txn{e: e, batch: e.store.NewIndexedBatch(), explicit: explicit, start: start, xid: e.nextXID.Add(1), table: map[string]string{}}
}

// noteInsert records a key inserted by this transaction.
func (t *txn) noteInsert(key []byte, table string) {
	if t.explicit {
		k := string(key)
		t.mustBeNew = append(t.mustBeNew, k)
		t.table[k] = table
	}
}

// check fails when the writes conflict with a transaction committed since
// they were made (see Engine.commit). The caller holds e.writeMu when the
// transaction is explicit (an implicit one runs entirely under it).
func (t *txn) check() error {
	for _, k := range t.mustBeNew {
		if r := t.read[k]; r.existed {
			// The block deleted the row it saw under this key before
			// inserting again; the read check below catches a concurrent
			// change to it.
			continue
		}
		if _, exists, err := t.e.store.Get([]byte(k)); err != nil {
			return err
		} else if exists {
			if v, ok, _ := t.batch.Get([]byte(k)); ok && v != nil {
				return sqlerr.Newf(sqlerr.UniqueViolation, "duplicate key value violates unique constraint \"%s_pkey\"", t.table[k]).
					WithDetail("A concurrent transaction committed the same key first.")
			}
		}
	}
	for k, r := range t.read {
		v, ok, err := t.e.store.Get([]byte(k))
		if err != nil {
			return err
		}
		if ok != r.existed || !bytes.Equal(v, r.val) {
			return sqlerr.New(sqlerr.SerializationFailure, "could not serialize access due to concurrent update").
				WithDetail("Another transaction changed a row this one wrote, and committed first.").
				WithHint("The transaction might succeed if retried.")
		}
	}
	return nil
}

// abort drops the writes.
func (t *txn) abort() { t.batch.Close() }
