package catalog

import (
	"github.com/freshetdb/freshet/sql/types"
)

// SearchPathDefault is the search_path a new session starts with.
var SearchPathDefault = []string{"public"}

// systemTable declares one virtual relation of pg_catalog or
// information_schema: its columns and the function producing its rows.
type systemTable struct {
	schemaID uint32
	id       uint32
	name     string
	columns  []Column
	generate func(c *Catalog) []types.Row
}

// col is shorthand for a system relation's column.
func col(name string, t types.T) Column { return Column{Name: name, Type: t} }

// systemTables returns the descriptors of every system relation. Their ids
// are fixed (the Postgres OIDs where the relation exists there) so that
// pg_class rows and regclass values stay stable across restarts.
func systemTables() []*Table {
	var out []*Table
	for _, group := range [][]systemTable{pgCatalogTables()} {
		for _, s := range group {
			out = append(out, &Table{
				ID:       s.id,
				SchemaID: s.schemaID,
				Name:     s.name,
				Kind:     RelSystem,
				Columns:  s.columns,
				Generate: s.generate,
			})
		}
	}
	return out
}

// pgCatalogTables declares the pg_catalog relations.
func pgCatalogTables() []systemTable {
	return []systemTable{
		{schemaID: PgCatalogID, id: 2615, name: "pg_namespace",
			columns: []Column{col("oid", types.OID), col("nspname", types.Name), col("nspowner", types.OID), col("nspacl", types.ArrayOf(types.Text))},
			generate: func(c *Catalog) []types.Row {
				var rows []types.Row
				for _, s := range c.Schemas() {
					rows = append(rows, types.Row{types.NewInt(types.KindOID, int64(s.ID)), types.NewString(types.KindName, s.Name), types.NewInt(types.KindOID, int64(SuperuserID)), types.NullDatum})
				}
				return rows
			}},
	}
}
