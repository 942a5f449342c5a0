package catalog

import "github.com/freshetdb/freshet/sql/types"

// pgConstraint is pg_constraint: one PRIMARY KEY constraint ('p') per
// table that has one. A constraint shares the OID of its index (Postgres
// numbers them apart; they live in different catalogs, so nothing
// conflicts). NOT NULL is a column property (pg_attribute.attnotnull), not
// a constraint, as in Postgres 15.
func pgConstraint() systemTable {
	return catalogTable(2606, "pg_constraint", `
		oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool,
		convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid,
		confupdtype char, confdeltype char, confmatchtype char, conislocal bool, coninhcount int4,
		connoinherit bool, conkey int2[], confkey int2[], conpfeqop oid[], conppeqop oid[], conffeqop
		oid[], confdelsetcols int2[], conexclop oid[], conbin text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, t := range c.Tables() {
				if t.PKIndexID == 0 {
					continue
				}
				keys := make([]int16, len(t.PrimaryKey))
				for i, k := range t.PrimaryKey {
					keys[i] = int16(k + 1)
				}
				rows = append(rows, b.row("oid", t.PKIndexID, "conname", t.PKName, "connamespace", t.SchemaID,
					"contype", "p", "convalidated", true, "conrelid", t.ID, "conindid", t.PKIndexID,
					"confupdtype", " ", "confdeltype", " ", "confmatchtype", " ", "conislocal", true,
					"connoinherit", true, "conkey", keys))
			}
			return rows
		})
}
