package catalog

import "github.com/freshetdb/freshet/sql/types"

// relationsOfKind returns the non-system relations of one kind with their
// schema names, ordered by id.
func relationsOfKind(c *Catalog, kind RelKind) (rels []*Table, schemas []string) {
	for _, t := range c.Tables() {
		if t.Kind != kind {
			continue
		}
		s, ok := c.SchemaByID(t.SchemaID)
		if !ok {
			continue
		}
		rels, schemas = append(rels, t), append(schemas, s.Name)
	}
	return rels, schemas
}

// pgTables is the pg_tables view: one row per table.
func pgTables() systemTable {
	return catalogView(12033, "pg_tables", `
		schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool, hasrules bool,
		hastriggers bool, rowsecurity bool`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			rels, schemas := relationsOfKind(c, RelTable)
			for i, t := range rels {
				rows = append(rows, b.row("schemaname", schemas[i], "tablename", t.Name, "tableowner", DefaultOwnerName,
					"hasindexes", t.PKIndexID != 0))
			}
			return rows
		})
}

// pgViews is the pg_views view: one row per view with its definition.
func pgViews() systemTable {
	return catalogView(12028, "pg_views", `schemaname name, viewname name, viewowner name, definition text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			rels, schemas := relationsOfKind(c, RelView)
			for i, t := range rels {
				def, _ := c.ViewDef(t.ID)
				rows = append(rows, b.row("schemaname", schemas[i], "viewname", t.Name, "viewowner", DefaultOwnerName,
					"definition", def))
			}
			return rows
		})
}

// pgMatviews is the pg_matviews view: one row per materialized view.
func pgMatviews() systemTable {
	return catalogView(12038, "pg_matviews", `
		schemaname name, matviewname name, matviewowner name, tablespace name, hasindexes bool,
		ispopulated bool, definition text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			rels, schemas := relationsOfKind(c, RelMaterializedView)
			for i, t := range rels {
				def, _ := c.ViewDef(t.ID)
				rows = append(rows, b.row("schemaname", schemas[i], "matviewname", t.Name,
					"matviewowner", DefaultOwnerName, "ispopulated", true, "definition", def))
			}
			return rows
		})
}

// pgIndexes is the pg_indexes view: one row per primary key index.
func pgIndexes() systemTable {
	return catalogView(12043, "pg_indexes", `
		schemaname name, tablename name, indexname name, tablespace name, indexdef text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			rels, schemas := relationsOfKind(c, RelTable)
			for i, t := range rels {
				if def, ok := c.IndexDef(t.PKIndexID); ok {
					rows = append(rows, b.row("schemaname", schemas[i], "tablename", t.Name, "indexname", t.PKName,
						"indexdef", def))
				}
			}
			return rows
		})
}
