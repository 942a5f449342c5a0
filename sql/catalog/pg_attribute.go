package catalog

import "github.com/freshetdb/freshet/sql/types"

// AttTypmod returns the typmod Postgres stores for a column of type t
// (pg_attribute.atttypmod): n+4 for varchar(n) and char(n),
// ((p<<16) | s)+4 for numeric(p,s) (the scale in 11 bits, as Postgres 15
// keeps it), the modifier itself for other types that have one, and -1
// when there is none. An array column has its element's typmod.
func AttTypmod(t types.T) int32 {
	if t.Kind == types.KindArray {
		return AttTypmod(*t.Elem)
	}
	if t.Mod < 0 {
		return -1
	}
	switch t.Kind {
	case types.KindVarchar, types.KindBPChar:
		return t.Mod + 4
	case types.KindNumeric:
		p, s, _ := t.NumericPrecisionScale()
		return (p<<16 | s&0x7ff) + 4
	}
	return t.Mod
}

// pgAttribute is pg_attribute: the columns of every relation (numbered
// from 1; the system columns ctid, xmin ... of Postgres do not exist) and
// the key columns of every primary key index. Length, alignment, storage
// and collation come from the column's type.
func pgAttribute() systemTable {
	return catalogTable(1249, "pg_attribute", `
		attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2, attndims
		int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char,
		attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char,
		attgenerated char, attisdropped bool, attislocal bool, attinhcount int4, attcollation oid, attacl
		text[], attoptions text[], attfdwoptions text[], attmissingval text[]`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			attr := func(rel uint32, num int, col Column) types.Row {
				t := col.Type
				ndims := 0
				if t.Kind == types.KindArray {
					ndims = 1
				}
				var length int16 = -1
				byVal, align, storage := false, "i", "x"
				if bt, ok := typesByOID[t.OID()]; ok {
					length, byVal, align, storage = bt.length, bt.byVal, string(bt.align), string(bt.storage)
				}
				return b.row("attrelid", rel, "attname", col.Name, "atttypid", t.OID(), "attstattarget", -1,
					"attlen", length, "attnum", num, "attndims", ndims, "attcacheoff", -1, "atttypmod", AttTypmod(t),
					"attbyval", byVal, "attalign", align, "attstorage", storage, "attcompression", "",
					"attnotnull", col.NotNull, "atthasdef", col.Default != "", "attidentity", "", "attgenerated", "",
					"attislocal", true, "attcollation", typeCollation(t))
			}
			for _, t := range c.Tables() {
				if t.Kind == RelSink {
					continue
				}
				for i, col := range t.Columns {
					rows = append(rows, attr(t.ID, i+1, col))
				}
				if t.PKIndexID != 0 {
					for i, k := range t.PrimaryKey {
						rows = append(rows, attr(t.PKIndexID, i+1, t.Columns[k]))
					}
				}
			}
			return rows
		})
}

// pgAttrdef is pg_attrdef: one row per column DEFAULT. adbin holds the
// expression's SQL text, which pg_get_expr returns as it is. Defaults live
// inside column descriptors and have no OID of their own (oid is 0).
func pgAttrdef() systemTable {
	return catalogTable(2604, "pg_attrdef", `oid oid, adrelid oid, adnum int2, adbin text`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, t := range c.Tables() {
				for i, col := range t.Columns {
					if col.Default != "" {
						rows = append(rows, b.row("adrelid", t.ID, "adnum", i+1, "adbin", col.Default))
					}
				}
			}
			return rows
		})
}
