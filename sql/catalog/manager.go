package catalog

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/storage"
)

// Manager owns the current catalog and its persistence. Current is safe for
// concurrent use; Apply serialises edits.
type Manager struct {
	mu    sync.Mutex
	store *storage.Store
	cur   atomic.Pointer[Catalog]
}

// record is the stored form of one descriptor under storage.CatalogKey(id).
type record struct {
	Schema *Schema `json:"schema,omitempty"`
	Table  *Table  `json:"table,omitempty"`
}

// Load reads every stored descriptor and returns a Manager serving them,
// together with the built-in schemas and system relations. A descriptor that
// does not decode fails Load with XX001: the data directory is damaged.
func Load(store *storage.Store) (*Manager, error) {
	c := newCatalog()
	c.putSchema(&Schema{ID: PgCatalogID, Name: "pg_catalog"})
	c.putSchema(&Schema{ID: InfoSchemaID, Name: "information_schema"})
	for _, t := range systemTables() {
		c.putTable(t)
	}
	snap := store.NewSnapshot()
	defer snap.Close()
	lower, upper := storage.CatalogPrefix()
	it, err := snap.NewIter(lower, upper)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	defer it.Close()
	sawPublic := false
	for it.First(); it.Valid(); it.Next() {
		var r record
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return nil, sqlerr.Newf(sqlerr.DataCorrupted, "catalog descriptor %x does not decode: %v", it.Key(), err)
		}
		switch {
		case r.Schema != nil:
			c.putSchema(r.Schema)
			sawPublic = sawPublic || r.Schema.ID == PublicID
		case r.Table != nil:
			c.putTable(r.Table)
		}
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	m := &Manager{store: store}
	m.cur.Store(c)
	if !sawPublic {
		if _, err := m.Apply(func(e *Edit) error {
			e.PutSchema(&Schema{ID: PublicID, Name: "public"})
			return nil
		}); err != nil {
			return nil, fmt.Errorf("create schema public: %w", err)
		}
	}
	// Tables stored before primary key indexes had OIDs get one now.
	var unindexed []*Table
	for _, t := range c.Tables() {
		if len(t.PrimaryKey) > 0 && t.PKIndexID == 0 {
			unindexed = append(unindexed, t)
		}
	}
	if len(unindexed) > 0 {
		if _, err := m.Apply(func(e *Edit) error {
			for _, t := range unindexed {
				e.PutTable(t.clone())
			}
			return nil
		}); err != nil {
			return nil, fmt.Errorf("allocate primary key index OIDs: %w", err)
		}
	}
	return m, nil
}

// Current returns the latest published catalog.
func (m *Manager) Current() *Catalog { return m.cur.Load() }

// Edit is a change being built inside Manager.Apply. Cat is a private copy
// that fn may read and change; Batch receives the storage writes that must
// commit atomically with the change (such as deleting a dropped table's rows).
type Edit struct {
	Cat   *Catalog
	Batch *storage.Batch
	store *storage.Store
	put   map[uint32]record
	del   map[uint32]bool
}

// Apply runs fn on a copy of the current catalog, commits the changed
// descriptors and fn's batch writes in one atomic batch, and publishes the
// new catalog. A table put with a primary key but no PKIndexID gets one. If
// fn or the commit fails, nothing changes.
func (m *Manager) Apply(fn func(e *Edit) error) (*Catalog, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := &Edit{Cat: m.cur.Load().clone(), Batch: m.store.NewBatch(), store: m.store, put: map[uint32]record{}, del: map[uint32]bool{}}
	defer e.Batch.Close()
	if err := fn(e); err != nil {
		return nil, err
	}
	for id, r := range e.put {
		if t := r.Table; t != nil && len(t.PrimaryKey) > 0 && t.PKIndexID == 0 {
			ix, err := e.NewID()
			if err != nil {
				return nil, err
			}
			cp := t.clone()
			cp.PKIndexID = ix
			e.Cat.putTable(cp)
			e.put[id] = record{Table: cp}
		}
	}
	for id := range e.del {
		e.Batch.Delete(storage.CatalogKey(id))
	}
	for id, r := range e.put {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, sqlerr.Internal("encode descriptor %d: %v", id, err)
		}
		e.Batch.Set(storage.CatalogKey(id), b)
	}
	if err := m.store.Commit(e.Batch); err != nil {
		return nil, err
	}
	e.Cat.Version++
	m.cur.Store(e.Cat)
	return e.Cat, nil
}

// NewID allocates a fresh object id (an OID at or above FirstUserID).
func (e *Edit) NewID() (uint32, error) {
	n, err := e.store.NextID(e.Batch, "oid")
	if err != nil {
		return 0, err
	}
	return FirstUserID + uint32(n), nil
}

// PutSchema adds or replaces a schema.
func (e *Edit) PutSchema(s *Schema) {
	e.Cat.putSchema(s)
	e.put[s.ID] = record{Schema: s}
	delete(e.del, s.ID)
}

// PutTable adds or replaces a relation.
func (e *Edit) PutTable(t *Table) {
	e.Cat.putTable(t)
	e.put[t.ID] = record{Table: t}
	delete(e.del, t.ID)
}

// DropTable removes a relation's descriptor and, for stored tables, all its
// rows.
func (e *Edit) DropTable(id uint32) {
	if t, ok := e.Cat.tables[id]; ok && t.Kind == RelTable {
		lo, hi := storage.TablePrefix(id)
		e.Batch.DeleteRange(lo, hi)
	}
	e.Cat.deleteTable(id)
	delete(e.put, id)
	e.del[id] = true
}

// DropSchema removes an empty schema's descriptor; the caller drops its
// relations first.
func (e *Edit) DropSchema(id uint32) {
	e.Cat.deleteSchema(id)
	delete(e.put, id)
	e.del[id] = true
}
