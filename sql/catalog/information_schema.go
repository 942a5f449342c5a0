package catalog

import (
	"strconv"

	"github.com/freshetdb/freshet/sql/types"
)

// infoSchemaTables declares the information_schema views. Their columns
// use the domains' base types (see columnTypes). Materialized views do not
// appear in them, as in Postgres.
func infoSchemaTables() []systemTable {
	return []systemTable{infoTables(), infoColumns(), infoSchemata(), infoViews()}
}

// infoView declares an information_schema view.
func infoView(id uint32, name, columns string, gen func(b *rowBuilder, c *Catalog, s Session) []types.Row) systemTable {
	return declare(InfoSchemaID, id, name, RelView, columns, newNullRowBuilder, gen)
}

// databaseName is the catalog name information_schema reports: the
// session's database.
func databaseName(s Session) string {
	if s != nil && s.CurrentDatabase() != "" {
		return s.CurrentDatabase()
	}
	return DatabaseName
}

// yesNo is information_schema's yes_or_no.
func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// listedRelations returns the relations information_schema.tables and
// columns show (tables, views and system relations) with their schema
// names, ordered by id.
func listedRelations(c *Catalog) (rels []*Table, schemas []string) {
	for _, t := range c.Tables() {
		if t.RelKind() != RelTable && t.RelKind() != RelView {
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

// infoTables is information_schema.tables.
func infoTables() systemTable {
	return infoView(13425, "tables", `
		table_catalog name, table_schema name, table_name name, table_type varchar,
		self_referencing_column_name name, reference_generation varchar, user_defined_type_catalog name,
		user_defined_type_schema name, user_defined_type_name name, is_insertable_into varchar, is_typed
		varchar, commit_action varchar`,
		func(b *rowBuilder, c *Catalog, s Session) []types.Row {
			db := databaseName(s)
			var rows []types.Row
			rels, schemas := listedRelations(c)
			for i, t := range rels {
				kind := "BASE TABLE"
				if t.RelKind() == RelView {
					kind = "VIEW"
				}
				rows = append(rows, b.row("table_catalog", db, "table_schema", schemas[i], "table_name", t.Name,
					"table_type", kind, "is_insertable_into", yesNo(t.Kind == RelTable), "is_typed", "NO"))
			}
			return rows
		})
}

// infoColumns is information_schema.columns.
func infoColumns() systemTable {
	return infoView(13295, "columns", `
		table_catalog name, table_schema name, table_name name, column_name name, ordinal_position int4,
		column_default varchar, is_nullable varchar, data_type varchar, character_maximum_length int4,
		character_octet_length int4, numeric_precision int4, numeric_precision_radix int4, numeric_scale
		int4, datetime_precision int4, interval_type varchar, interval_precision int4,
		character_set_catalog name, character_set_schema name, character_set_name name, collation_catalog
		name, collation_schema name, collation_name name, domain_catalog name, domain_schema name,
		domain_name name, udt_catalog name, udt_schema name, udt_name name, scope_catalog name,
		scope_schema name, scope_name name, maximum_cardinality int4, dtd_identifier name,
		is_self_referencing varchar, is_identity varchar, identity_generation varchar, identity_start
		varchar, identity_increment varchar, identity_maximum varchar, identity_minimum varchar,
		identity_cycle varchar, is_generated varchar, generation_expression varchar, is_updatable varchar`,
		func(b *rowBuilder, c *Catalog, s Session) []types.Row {
			db := databaseName(s)
			var rows []types.Row
			rels, schemas := listedRelations(c)
			for i, t := range rels {
				for j, col := range t.Columns {
					var def any
					if col.Default != "" {
						def = col.Default
					}
					udt, _ := TypeName(col.Type.OID())
					r := b.row("table_catalog", db, "table_schema", schemas[i], "table_name", t.Name,
						"column_name", col.Name, "ordinal_position", j+1, "column_default", def,
						"is_nullable", yesNo(!col.NotNull), "data_type", infoDataType(col.Type),
						"udt_catalog", db, "udt_schema", "pg_catalog", "udt_name", udt,
						"dtd_identifier", strconv.Itoa(j+1), "is_self_referencing", "NO", "is_identity", "NO",
						"identity_cycle", "NO", "is_generated", "NEVER", "is_updatable", yesNo(t.Kind == RelTable))
					for k, v := range infoTypeFacts(col.Type, db) {
						r[b.idx[k]] = toDatum(b.cols[b.idx[k]].Type, v)
					}
					rows = append(rows, r)
				}
			}
			return rows
		})
}

// infoDataType is information_schema's data_type: the type's SQL name
// without modifiers, "ARRAY" for arrays.
func infoDataType(t types.T) string {
	if t.Kind == types.KindArray {
		return "ARRAY"
	}
	return t.Kind.String()
}

// infoTypeFacts returns the length, precision and collation columns of
// information_schema.columns that apply to a type.
func infoTypeFacts(t types.T, db string) map[string]any {
	const maxOctets = 1073741824
	switch t.Kind {
	case types.KindVarchar, types.KindBPChar, types.KindText:
		if t.Mod >= 0 && t.Kind != types.KindText {
			return map[string]any{"character_maximum_length": t.Mod, "character_octet_length": t.Mod * 4}
		}
		return map[string]any{"character_octet_length": maxOctets}
	case types.KindName:
		return map[string]any{"collation_catalog": db, "collation_schema": "pg_catalog", "collation_name": "C"}
	case types.KindInt2:
		return map[string]any{"numeric_precision": 16, "numeric_precision_radix": 2, "numeric_scale": 0}
	case types.KindInt4:
		return map[string]any{"numeric_precision": 32, "numeric_precision_radix": 2, "numeric_scale": 0}
	case types.KindInt8:
		return map[string]any{"numeric_precision": 64, "numeric_precision_radix": 2, "numeric_scale": 0}
	case types.KindFloat4:
		return map[string]any{"numeric_precision": 24, "numeric_precision_radix": 2}
	case types.KindFloat8:
		return map[string]any{"numeric_precision": 53, "numeric_precision_radix": 2}
	case types.KindNumeric:
		if p, s, ok := t.NumericPrecisionScale(); ok {
			return map[string]any{"numeric_precision": p, "numeric_precision_radix": 10, "numeric_scale": s}
		}
		return map[string]any{"numeric_precision_radix": 10}
	case types.KindDate:
		return map[string]any{"datetime_precision": 0}
	case types.KindTime, types.KindTimestamp, types.KindTimestampTZ, types.KindInterval:
		return map[string]any{"datetime_precision": 6}
	}
	return nil
}

// infoSchemata is information_schema.schemata.
func infoSchemata() systemTable {
	return infoView(13382, "schemata", `
		catalog_name name, schema_name name, schema_owner name, default_character_set_catalog name,
		default_character_set_schema name, default_character_set_name name, sql_path varchar`,
		func(b *rowBuilder, c *Catalog, s Session) []types.Row {
			db := databaseName(s)
			var rows []types.Row
			for _, sc := range c.Schemas() {
				rows = append(rows, b.row("catalog_name", db, "schema_name", sc.Name, "schema_owner", DefaultOwnerName))
			}
			return rows
		})
}

// infoViews is information_schema.views. Freshet's views are not
// updatable.
func infoViews() systemTable {
	return infoView(13483, "views", `
		table_catalog name, table_schema name, table_name name, view_definition varchar, check_option
		varchar, is_updatable varchar, is_insertable_into varchar, is_trigger_updatable varchar,
		is_trigger_deletable varchar, is_trigger_insertable_into varchar`,
		func(b *rowBuilder, c *Catalog, s Session) []types.Row {
			db := databaseName(s)
			var rows []types.Row
			rels, schemas := relationsOfKind(c, RelView)
			for i, t := range rels {
				def, _ := c.ViewDef(t.ID)
				rows = append(rows, b.row("table_catalog", db, "table_schema", schemas[i], "table_name", t.Name,
					"view_definition", def, "check_option", "NONE", "is_updatable", "NO", "is_insertable_into", "NO",
					"is_trigger_updatable", "NO", "is_trigger_deletable", "NO", "is_trigger_insertable_into", "NO"))
			}
			return rows
		})
}
