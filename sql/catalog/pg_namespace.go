package catalog

import "github.com/freshetdb/freshet/sql/types"

// pgNamespace is pg_namespace: one row per schema, all owned by the
// superuser role.
func pgNamespace() systemTable {
	return catalogTable(2615, "pg_namespace", `oid oid, nspname name, nspowner oid, nspacl text[]`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, s := range c.Schemas() {
				rows = append(rows, b.row("oid", s.ID, "nspname", s.Name, "nspowner", SuperuserID))
			}
			return rows
		})
}
