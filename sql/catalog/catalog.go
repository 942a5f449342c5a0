package catalog

import (
	"sort"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Catalog is an immutable snapshot of every object. Readers may share it
// across goroutines; edits go through Manager.Apply, which builds a new one.
type Catalog struct {
	// Version increases with every applied edit.
	Version      uint64
	schemas      map[uint32]*Schema
	schemaByName map[string]*Schema
	tables       map[uint32]*Table
	byName       map[uint32]map[string]*Table
	// indexes maps a primary key index OID to its table.
	indexes map[uint32]*Table
}

func newCatalog() *Catalog {
	return &Catalog{
		schemas:      map[uint32]*Schema{},
		schemaByName: map[string]*Schema{},
		tables:       map[uint32]*Table{},
		byName:       map[uint32]map[string]*Table{},
		indexes:      map[uint32]*Table{},
	}
}

// clone returns a copy whose maps may be edited without touching c.
func (c *Catalog) clone() *Catalog {
	n := newCatalog()
	n.Version = c.Version
	for id, s := range c.schemas {
		n.schemas[id] = s
		n.schemaByName[s.Name] = s
	}
	for id, t := range c.tables {
		n.tables[id] = t
	}
	for id, t := range c.indexes {
		n.indexes[id] = t
	}
	for sid, m := range c.byName {
		cp := make(map[string]*Table, len(m))
		for k, v := range m {
			cp[k] = v
		}
		n.byName[sid] = cp
	}
	return n
}

// SchemaByName returns the named schema.
func (c *Catalog) SchemaByName(name string) (*Schema, bool) {
	s, ok := c.schemaByName[name]
	return s, ok
}

// SchemaByID returns the schema with the id.
func (c *Catalog) SchemaByID(id uint32) (*Schema, bool) {
	s, ok := c.schemas[id]
	return s, ok
}

// Schemas returns every schema ordered by id.
func (c *Catalog) Schemas() []*Schema {
	out := make([]*Schema, 0, len(c.schemas))
	for _, s := range c.schemas {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// TableByID returns the relation with the id.
func (c *Catalog) TableByID(id uint32) (*Table, bool) {
	t, ok := c.tables[id]
	return t, ok
}

// Table returns the relation named name in the schema.
func (c *Catalog) Table(schemaID uint32, name string) (*Table, bool) {
	t, ok := c.byName[schemaID][name]
	return t, ok
}

// Tables returns every relation ordered by id.
func (c *Catalog) Tables() []*Table {
	out := make([]*Table, 0, len(c.tables))
	for _, t := range c.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// TablesInSchema returns the relations of one schema ordered by name.
func (c *Catalog) TablesInSchema(schemaID uint32) []*Table {
	m := c.byName[schemaID]
	out := make([]*Table, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Resolve finds a relation by optional schema name and name. With no schema
// it searches pg_catalog first and then each schema of searchPath, as
// Postgres does. A missing relation is 42P01; a missing schema 3F000.
func (c *Catalog) Resolve(searchPath []string, schema, name string) (*Table, error) {
	if schema != "" {
		s, ok := c.schemaByName[schema]
		if !ok {
			return nil, sqlerr.Newf(sqlerr.UndefinedTable, "relation %q does not exist", schema+"."+name)
		}
		if t, ok := c.byName[s.ID][name]; ok {
			return t, nil
		}
		return nil, sqlerr.Newf(sqlerr.UndefinedTable, "relation %q does not exist", schema+"."+name)
	}
	if t, ok := c.byName[PgCatalogID][name]; ok {
		return t, nil
	}
	for _, sn := range searchPath {
		if s, ok := c.schemaByName[sn]; ok {
			if t, ok := c.byName[s.ID][name]; ok {
				return t, nil
			}
		}
	}
	return nil, sqlerr.Newf(sqlerr.UndefinedTable, "relation %q does not exist", name)
}

// CreationSchema returns the schema new objects go to: the named one, or the
// first existing schema of searchPath (3F000 when there is none).
func (c *Catalog) CreationSchema(searchPath []string, schema string) (*Schema, error) {
	if schema != "" {
		s, ok := c.schemaByName[schema]
		if !ok {
			return nil, sqlerr.Newf(sqlerr.UndefinedSchema, "schema %q does not exist", schema)
		}
		return s, nil
	}
	for _, sn := range searchPath {
		if s, ok := c.schemaByName[sn]; ok {
			return s, nil
		}
	}
	return nil, sqlerr.New(sqlerr.UndefinedSchema, "no schema has been selected to create in")
}

// IndexTable returns the table whose primary key index has the OID.
func (c *Catalog) IndexTable(oid uint32) (*Table, bool) {
	t, ok := c.indexes[oid]
	return t, ok
}

// IsRelation reports whether oid is a relation of pg_class: a table, view,
// system relation or primary key index.
func (c *Catalog) IsRelation(oid uint32) bool {
	_, isTable := c.tables[oid]
	_, isIndex := c.indexes[oid]
	return isTable || isIndex
}

// RelationName returns the schema and name of a relation of pg_class.
func (c *Catalog) RelationName(oid uint32) (schema, name string, ok bool) {
	var sid uint32
	if t, isTable := c.tables[oid]; isTable {
		sid, name = t.SchemaID, t.Name
	} else if t, isIndex := c.indexes[oid]; isIndex {
		sid, name = t.SchemaID, t.PKName
	} else {
		return "", "", false
	}
	s, ok := c.schemas[sid]
	if !ok {
		return "", "", false
	}
	return s.Name, name, true
}

// ResolveRelationOID is Resolve for the regclass input: it also finds
// primary key indexes by their name.
func (c *Catalog) ResolveRelationOID(searchPath []string, schema, name string) (uint32, error) {
	t, err := c.Resolve(searchPath, schema, name)
	if err == nil {
		return t.ID, nil
	}
	for _, sid := range c.pathSchemas(searchPath, schema) {
		if oid, ok := c.relationInSchema(sid, name); ok {
			return oid, nil
		}
	}
	return 0, err
}

// pathSchemas returns the schemas a name is looked up in: the named one,
// or pg_catalog followed by the existing schemas of searchPath.
func (c *Catalog) pathSchemas(searchPath []string, schema string) []uint32 {
	if schema != "" {
		if s, ok := c.schemaByName[schema]; ok {
			return []uint32{s.ID}
		}
		return nil
	}
	out := []uint32{PgCatalogID}
	for _, sn := range searchPath {
		if s, ok := c.schemaByName[sn]; ok && s.ID != PgCatalogID {
			out = append(out, s.ID)
		}
	}
	return out
}

// relationInSchema returns the OID of the relation or primary key index
// named name in a schema.
func (c *Catalog) relationInSchema(schemaID uint32, name string) (uint32, bool) {
	if t, ok := c.byName[schemaID][name]; ok {
		return t.ID, true
	}
	for _, t := range c.byName[schemaID] {
		if t.PKIndexID != 0 && t.PKName == name {
			return t.PKIndexID, true
		}
	}
	return 0, false
}

// IsVisible reports whether a relation (or primary key index) is found by
// its bare name through the search path (pg_table_is_visible).
func (c *Catalog) IsVisible(searchPath []string, id uint32) bool {
	_, name, ok := c.RelationName(id)
	if !ok {
		return false
	}
	for _, sid := range c.pathSchemas(searchPath, "") {
		if oid, found := c.relationInSchema(sid, name); found {
			return oid == id
		}
	}
	return false
}

func (c *Catalog) putSchema(s *Schema) {
	if old, ok := c.schemas[s.ID]; ok {
		delete(c.schemaByName, old.Name)
	}
	c.schemas[s.ID] = s
	c.schemaByName[s.Name] = s
	if c.byName[s.ID] == nil {
		c.byName[s.ID] = map[string]*Table{}
	}
}

func (c *Catalog) putTable(t *Table) {
	if old, ok := c.tables[t.ID]; ok {
		delete(c.byName[old.SchemaID], old.Name)
		delete(c.indexes, old.PKIndexID)
	}
	c.tables[t.ID] = t
	if t.PKIndexID != 0 {
		c.indexes[t.PKIndexID] = t
	}
	if c.byName[t.SchemaID] == nil {
		c.byName[t.SchemaID] = map[string]*Table{}
	}
	c.byName[t.SchemaID][t.Name] = t
}

func (c *Catalog) deleteTable(id uint32) {
	if t, ok := c.tables[id]; ok {
		delete(c.byName[t.SchemaID], t.Name)
		delete(c.indexes, t.PKIndexID)
		delete(c.tables, id)
	}
}

func (c *Catalog) deleteSchema(id uint32) {
	if s, ok := c.schemas[id]; ok {
		delete(c.schemaByName, s.Name)
		delete(c.schemas, id)
		delete(c.byName, id)
	}
}

// Dependents returns the views that read relation id directly, ordered by id.
func (c *Catalog) Dependents(id uint32) []*Table {
	var out []*Table
	for _, t := range c.Tables() {
		for _, d := range t.Depends {
			if d == id {
				out = append(out, t)
				break
			}
		}
	}
	return out
}
