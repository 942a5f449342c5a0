package engine

import (
	"github.com/freshetdb/freshet/sql/catalog"
)

// catalogReader implements builtin.CatalogReader over a catalog snapshot.
type catalogReader struct {
	cat        *catalog.Catalog
	searchPath []string
}

// TypeName implements builtin.CatalogReader: Freshet has no user types.
func (c *catalogReader) TypeName(uint32) (string, bool) { return "", false }

// LookupType implements builtin.CatalogReader.
func (c *catalogReader) LookupType(string, string) (uint32, bool) { return 0, false }

// RelationName implements builtin.CatalogReader.
func (c *catalogReader) RelationName(oid uint32) (string, bool) {
	t, ok := c.cat.TableByID(oid)
	if !ok {
		return "", false
	}
	if c.cat.IsVisible(c.searchPath, oid) {
		return quoteIdent(t.Name), true
	}
	s, _ := c.cat.SchemaByID(t.SchemaID)
	return quoteIdent(s.Name) + "." + quoteIdent(t.Name), true
}

// LookupRelation implements builtin.CatalogReader.
func (c *catalogReader) LookupRelation(schema, name string) (uint32, bool) {
	t, err := c.cat.Resolve(c.searchPath, schema, name)
	if err != nil {
		return 0, false
	}
	return t.ID, true
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

// IsVisible implements builtin.CatalogReader.
func (c *catalogReader) IsVisible(class string, oid uint32) (bool, bool) {
	switch class {
	case "pg_class":
		if _, ok := c.cat.TableByID(oid); !ok {
			return false, false
		}
		return c.cat.IsVisible(c.searchPath, oid), true
	}
	return true, true
}

// Description implements builtin.CatalogReader: comments are not stored yet.
func (c *catalogReader) Description(string, uint32, int32) (string, bool) { return "", false }

// Definition implements builtin.CatalogReader.
func (c *catalogReader) Definition(class string, oid uint32) (string, bool) {
	if class == "pg_class" {
		if t, ok := c.cat.TableByID(oid); ok && t.Query != "" {
			return " " + t.Query + ";", true
		}
	}
	return "", false
}

// quoteIdent quotes an identifier when Postgres would.
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	out := []byte{'"'}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			out = append(out, '"')
		}
		out = append(out, s[i])
	}
	return string(append(out, '"'))
}
