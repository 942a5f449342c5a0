package engine

import (
	"github.com/freshetdb/freshet/sql/catalog"
)

// catalogReader implements builtin.CatalogReader (and builtin.ProcReader)
// over a catalog snapshot.
type catalogReader struct {
	cat        *catalog.Catalog
	searchPath []string
}

// TypeName implements builtin.CatalogReader: the pg_type names of the
// pseudo-types ("anyelement"); Freshet has no user types.
func (c *catalogReader) TypeName(oid uint32) (string, bool) {
	if _, ok := catalog.TypeName(oid); ok {
		return catalog.TypeDisplayName(oid), true
	}
	return "", false
}

// LookupType implements builtin.CatalogReader.
func (c *catalogReader) LookupType(string, string) (uint32, bool) { return 0, false }

// RelationName implements builtin.CatalogReader: relations and primary
// key indexes, qualified when the search path does not find them.
func (c *catalogReader) RelationName(oid uint32) (string, bool) {
	schema, name, ok := c.cat.RelationName(oid)
	if !ok {
		return "", false
	}
	if c.cat.IsVisible(c.searchPath, oid) {
		return catalog.QuoteIdent(name), true
	}
	return catalog.QuoteIdent(schema) + "." + catalog.QuoteIdent(name), true
}

// LookupRelation implements builtin.CatalogReader.
func (c *catalogReader) LookupRelation(schema, name string) (uint32, bool) {
	oid, err := c.cat.ResolveRelationOID(c.searchPath, schema, name)
	return oid, err == nil
}

// NamespaceName implements builtin.CatalogReader.
func (c *catalogReader) NamespaceName(oid uint32) (string, bool) {
	s, ok := c.cat.SchemaByID(oid)
	if !ok {
		return "", false
	}
	return s.Name, true
}

// LookupNamespace implements builtin.CatalogReader.
func (c *catalogReader) LookupNamespace(name string) (uint32, bool) {
	s, ok := c.cat.SchemaByName(name)
	if !ok {
		return 0, false
	}
	return s.ID, true
}

// RoleName implements builtin.CatalogReader: every object belongs to the
// one built-in role.
func (c *catalogReader) RoleName(oid uint32) (string, bool) {
	if oid == catalog.SuperuserID {
		return catalog.DefaultOwnerName, true
	}
	return "", false
}

// IsVisible implements builtin.CatalogReader. Types and functions all live
// in pg_catalog, which is always searched.
func (c *catalogReader) IsVisible(class string, oid uint32) (bool, bool) {
	switch class {
	case "pg_class":
		if !c.cat.IsRelation(oid) {
			return false, false
		}
		return c.cat.IsVisible(c.searchPath, oid), true
	case "pg_type":
		_, ok := catalog.TypeName(oid)
		return ok, ok
	case "pg_proc":
		_, ok := catalog.ProcName(oid)
		return ok, ok
	}
	return true, true
}

// Description implements builtin.CatalogReader: comments are not stored yet.
func (c *catalogReader) Description(string, uint32, int32) (string, bool) { return "", false }

// Definition implements builtin.CatalogReader: view definitions, primary
// key indexes and constraints.
func (c *catalogReader) Definition(class string, oid uint32) (string, bool) {
	switch class {
	case "pg_class":
		return c.cat.ViewDef(oid)
	case "pg_index":
		return c.cat.IndexDef(oid)
	case "pg_constraint":
		return c.cat.ConstraintDef(oid)
	}
	return "", false
}

// ProcName implements builtin.ProcReader.
func (c *catalogReader) ProcName(oid uint32) (string, bool) { return catalog.ProcName(oid) }

// FunctionSignature implements builtin.ProcReader.
func (c *catalogReader) FunctionSignature(oid uint32) (args, result string, ok bool) {
	return catalog.FunctionSignature(oid)
}
