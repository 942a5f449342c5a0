package catalog

import (
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// Access methods of pg_am: tables and materialized views are "heap",
// primary key indexes "btree".
const (
	HeapAMID  uint32 = 2
	BtreeAMID uint32 = 403
)

// pgClass is pg_class: one row per relation (tables, views, materialized
// views, the system relations of pg_catalog and information_schema) and
// one per primary key index (relkind 'i', named after the constraint).
// Freshet keeps no statistics: reltuples is -1 (never analyzed) and
// relpages 0. Relations have no row type of their own (reltype 0).
func pgClass() systemTable {
	return catalogTable(1259, "pg_class", `
		oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid,
		relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4,
		reltoastrelid oid, relhasindex bool, relisshared bool, relpersistence char, relkind char, relnatts
		int2, relchecks int2, relhasrules bool, relhastriggers bool, relhassubclass bool, relrowsecurity
		bool, relforcerowsecurity bool, relispopulated bool, relreplident char, relispartition bool,
		relrewrite oid, relfrozenxid xid, relminmxid xid, relacl text[], reloptions text[], relpartbound text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, t := range c.Tables() {
				if t.Kind == RelSink {
					continue
				}
				kind := t.RelKind()
				am, filenode, replident := uint32(0), uint32(0), "n"
				if kind == RelTable || kind == RelMaterializedView {
					am, replident = HeapAMID, "d"
					if t.Kind != RelSystem {
						filenode = t.ID
					}
				}
				rows = append(rows, b.row("oid", t.ID, "relname", t.Name, "relnamespace", t.SchemaID,
					"relowner", SuperuserID, "relam", am, "relfilenode", filenode, "reltuples", -1.0,
					"relhasindex", t.PKIndexID != 0, "relpersistence", "p", "relkind", string(kind),
					"relnatts", len(t.Columns), "relhasrules", kind == RelView || kind == RelMaterializedView,
					"relispopulated", true, "relreplident", replident))
				if t.PKIndexID != 0 {
					rows = append(rows, b.row("oid", t.PKIndexID, "relname", t.PKName, "relnamespace", t.SchemaID,
						"relowner", SuperuserID, "relam", BtreeAMID, "relfilenode", t.PKIndexID, "relpages", 1,
						"relpersistence", "p", "relkind", "i", "relnatts", len(t.PrimaryKey),
						"relispopulated", true, "relreplident", "n"))
				}
			}
			return rows
		})
}

// pgIndex is pg_index: one row per primary key. Operator classes are not
// modelled (indclass is 0 for every key column).
func pgIndex() systemTable {
	return catalogTable(2610, "pg_index", `
		indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool,
		indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, indisclustered
		bool, indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, indisreplident bool,
		indkey int2[], indcollation oid[], indclass oid[], indoption int2[], indexprs text, indpred text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, t := range c.Tables() {
				if t.PKIndexID == 0 {
					continue
				}
				n := len(t.PrimaryKey)
				keys, colls, zeros := make([]int16, n), make([]uint32, n), make([]int16, n)
				for i, k := range t.PrimaryKey {
					keys[i] = int16(k + 1)
					colls[i] = typeCollation(t.Columns[k].Type)
				}
				rows = append(rows, b.row("indexrelid", t.PKIndexID, "indrelid", t.ID, "indnatts", n, "indnkeyatts", n,
					"indisunique", true, "indisprimary", true, "indimmediate", true, "indisvalid", true,
					"indisready", true, "indislive", true, "indkey", keys, "indcollation", colls,
					"indclass", make([]uint32, n), "indoption", zeros))
			}
			return rows
		})
}

// pgAm is pg_am: the two access methods Freshet's relations report.
func pgAm() systemTable {
	return catalogTable(2601, "pg_am", `oid oid, amname name, amhandler regproc, amtype char`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{
				b.row("oid", HeapAMID, "amname", "heap", "amhandler", 3, "amtype", "t"),
				b.row("oid", BtreeAMID, "amname", "btree", "amhandler", 330, "amtype", "i"),
			}
		})
}

// IndexDef returns pg_get_indexdef of a primary key index:
// "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)".
func (c *Catalog) IndexDef(oid uint32) (string, bool) {
	t, ok := c.indexes[oid]
	if !ok {
		return "", false
	}
	s, _ := c.SchemaByID(t.SchemaID)
	return "CREATE UNIQUE INDEX " + QuoteIdent(t.PKName) + " ON " + QuoteIdent(s.Name) + "." + QuoteIdent(t.Name) +
		" USING btree (" + t.pkColumnList() + ")", true
}

// ConstraintDef returns pg_get_constraintdef of a primary key constraint
// (whose OID is its index's): "PRIMARY KEY (id)".
func (c *Catalog) ConstraintDef(oid uint32) (string, bool) {
	t, ok := c.indexes[oid]
	if !ok {
		return "", false
	}
	return "PRIMARY KEY (" + t.pkColumnList() + ")", true
}

// ViewDef returns pg_get_viewdef of a view: its stored query, with a
// leading space and a trailing semicolon as Postgres prints it.
func (c *Catalog) ViewDef(oid uint32) (string, bool) {
	t, ok := c.tables[oid]
	if !ok || t.Query == "" {
		return "", false
	}
	return " " + t.Query + ";", true
}

// pkColumnList returns the primary key columns, quoted and comma-separated.
func (t *Table) pkColumnList() string {
	names := make([]string, len(t.PrimaryKey))
	for i, k := range t.PrimaryKey {
		names[i] = QuoteIdent(t.Columns[k].Name)
	}
	return strings.Join(names, ", ")
}

// QuoteIdent quotes an identifier when Postgres would: when it is not all
// lower-case letters, digits and underscores starting with a letter or
// underscore. (Postgres also quotes reserved key words; Freshet does not
// yet.)
func QuoteIdent(s string) string {
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
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
