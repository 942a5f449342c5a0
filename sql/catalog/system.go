package catalog

import (
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// Session is what a system relation may read of the session that scans it:
// pg_database names the session's database, pg_settings shows its settings.
// builtin.SessionReader satisfies it. A nil Session means none (a system
// relation read outside a session shows defaults).
type Session interface {
	// CurrentDatabase returns the database the session is connected to.
	CurrentDatabase() string
	// CurrentUser returns the session's role name.
	CurrentUser() string
	// CurrentSetting returns a parameter as SHOW prints it; ok is false
	// for a parameter the session does not know.
	CurrentSetting(name string) (value string, ok bool)
}

// systemTable declares one virtual relation of pg_catalog or
// information_schema: its columns and the function producing its rows.
type systemTable struct {
	schemaID uint32
	id       uint32
	name     string
	// kind is what pg_class.relkind reports: RelTable for Postgres'
	// catalog tables, RelView for its system views.
	kind     RelKind
	columns  []Column
	generate func(c *Catalog, s Session) []types.Row
}

// systemTables returns the descriptors of every system relation. Their ids
// are fixed (the Postgres OIDs where the relation exists there) so that
// pg_class rows and regclass values stay stable across restarts.
func systemTables() []*Table {
	var out []*Table
	for _, group := range [][]systemTable{pgCatalogTables(), infoSchemaTables(), sourceTables()} {
		for _, s := range group {
			out = append(out, &Table{
				ID:       s.id,
				SchemaID: s.schemaID,
				Name:     s.name,
				Kind:     RelSystem,
				Columns:  s.columns,
				Generate: s.generate,
				sysKind:  s.kind,
			})
		}
	}
	return out
}

// pgCatalogTables declares the pg_catalog relations, one constructor per
// relation, grouped by the file of their concept.
func pgCatalogTables() []systemTable {
	return []systemTable{
		pgNamespace(),
		pgClass(), pgIndex(), pgAm(),
		pgAttribute(), pgAttrdef(),
		pgType(), pgCollation(), pgEnum(), pgRange(),
		pgConstraint(),
		pgDatabase(), pgTablespace(), pgAuthid(), pgRoles(), pgUser(), pgAuthMembers(),
		pgProc(), pgLanguage(),
		pgSettings(),
		pgTables(), pgViews(), pgMatviews(), pgIndexes(),
		pgDescription(), pgShdescription(), pgInherits(), pgPolicy(), pgStatisticExt(),
		pgPublication(), pgPublicationNamespace(), pgPublicationRel(), pgRewrite(),
		pgTrigger(), pgEventTrigger(), pgExtension(), pgSequence(), pgDepend(),
		pgForeignTable(), pgForeignServer(), pgPartitionedTable(),
	}
}

// catalogTable declares a pg_catalog relation that Postgres keeps as a
// table (relkind 'r').
func catalogTable(id uint32, name, columns string, gen func(b *rowBuilder, c *Catalog, s Session) []types.Row) systemTable {
	return declare(PgCatalogID, id, name, RelTable, columns, newRowBuilder, gen)
}

// catalogView declares a pg_catalog relation that Postgres defines as a
// view (relkind 'v').
func catalogView(id uint32, name, columns string, gen func(b *rowBuilder, c *Catalog, s Session) []types.Row) systemTable {
	return declare(PgCatalogID, id, name, RelView, columns, newRowBuilder, gen)
}

// declare builds a systemTable from a column list in the form
// "name type, name type, ..." (see columnTypes for the type names), whose
// rows gen makes with the builder that builder returns. A nil gen declares
// a relation that is always empty.
func declare(schemaID, id uint32, name string, kind RelKind, columns string,
	builder func([]Column) *rowBuilder, gen func(b *rowBuilder, c *Catalog, s Session) []types.Row) systemTable {
	cols := parseColumns(columns)
	b := builder(cols)
	st := systemTable{schemaID: schemaID, id: id, name: name, kind: kind, columns: cols}
	st.generate = func(c *Catalog, s Session) []types.Row {
		if gen == nil {
			return nil
		}
		return gen(b, c, s)
	}
	return st
}

// columnTypes maps the type names of system relation declarations to
// types. Postgres types that Freshet lacks are declared with the closest
// type it has, the same text output where possible:
//
//	aclitem[]       text[]
//	pg_node_tree    text
//	int2vector      int2[] (subscripts from 1, not 0)
//	oidvector       oid[]
//	xid             int8
//	inet, pg_lsn    text
//	information_schema domains: sql_identifier name, cardinal_number int4,
//	character_data and yes_or_no varchar, time_stamp timestamptz
var columnTypes = map[string]types.T{
	"bool": types.Bool, "int2": types.Int2, "int4": types.Int4, "int8": types.Int8, "xid": types.Int8,
	"float4": types.Float4, "float8": types.Float8, "text": types.Text, "varchar": types.Varchar,
	"name": types.Name, "char": types.Char, "bytea": types.Bytea, "oid": types.OID,
	"regproc": types.RegProc, "regtype": types.RegType, "regclass": types.RegClass,
	"timestamptz": types.TimestampTZ, "interval": types.Interval,
}

// parseColumns parses a declaration "name type, name type[], ...". An
// unknown type is a programming error caught by the package's tests.
func parseColumns(spec string) []Column {
	var cols []Column
	for _, item := range strings.Split(spec, ",") {
		f := strings.Fields(item)
		if len(f) != 2 {
			panic(fmt.Sprintf("catalog: bad column declaration %q", item))
		}
		name, tn := f[0], f[1]
		array := strings.HasSuffix(tn, "[]")
		t, ok := columnTypes[strings.TrimSuffix(tn, "[]")]
		if !ok {
			panic(fmt.Sprintf("catalog: unknown type %q of column %q", tn, name))
		}
		if array {
			t = types.ArrayOf(t)
		}
		cols = append(cols, Column{Name: name, Type: t})
	}
	return cols
}

// rowBuilder makes rows of one system relation from column names and Go
// values, so that generators name the columns they fill and leave the rest
// at their defaults: 0 for numbers and OIDs, false for booleans, the empty
// "char" (Postgres' '\0'), NULL for everything else (names, text, arrays,
// timestamps).
type rowBuilder struct {
	cols     []Column
	idx      map[string]int
	defaults types.Row
}

// newNullRowBuilder returns a rowBuilder whose columns all default to
// NULL, as information_schema's do.
func newNullRowBuilder(cols []Column) *rowBuilder {
	b := newRowBuilder(cols)
	for i := range b.defaults {
		b.defaults[i] = types.NullDatum
	}
	return b
}

func newRowBuilder(cols []Column) *rowBuilder {
	b := &rowBuilder{cols: cols, idx: make(map[string]int, len(cols)), defaults: make(types.Row, len(cols))}
	for i, c := range cols {
		b.idx[c.Name] = i
		k := c.Type.Kind
		switch {
		case k == types.KindBool:
			b.defaults[i] = types.NewBool(false)
		case k == types.KindFloat4 || k == types.KindFloat8:
			b.defaults[i] = types.NewFloat(k, 0)
		case k.IsInteger() || k.IsOIDLike():
			b.defaults[i] = types.NewInt(k, 0)
		case k == types.KindChar:
			b.defaults[i] = types.NewString(k, "")
		}
	}
	return b
}

// row returns a row with the defaults, overridden by kv: alternating column
// names and values. A value is nil (NULL), a types.Datum, or a Go value of
// the column's family: bool; any integer for integer, OID and reg* columns;
// float64 for floats; string for names, text and "char"; []string,
// []uint32 or []int16 for arrays.
func (b *rowBuilder) row(kv ...any) types.Row {
	r := append(types.Row(nil), b.defaults...)
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		j, ok := b.idx[name]
		if !ok {
			panic(fmt.Sprintf("catalog: no column %q", name))
		}
		r[j] = toDatum(b.cols[j].Type, kv[i+1])
	}
	return r
}

// toDatum converts a Go value to a Datum of type t (see rowBuilder.row).
func toDatum(t types.T, v any) types.Datum {
	switch x := v.(type) {
	case nil:
		return types.NullDatum
	case types.Datum:
		return x
	case bool:
		return types.NewBool(x)
	case int:
		return intDatum(t, int64(x))
	case int16:
		return intDatum(t, int64(x))
	case int32:
		return intDatum(t, int64(x))
	case int64:
		return intDatum(t, x)
	case uint32:
		return intDatum(t, int64(x))
	case float64:
		return types.NewFloat(t.Kind, x)
	case string:
		if t.Kind == types.KindTimestampTZ || !t.Kind.IsString() {
			panic(fmt.Sprintf("catalog: string for a %s column", t))
		}
		return types.NewString(t.Kind, x)
	case []string:
		vals := make([]types.Datum, len(x))
		for i, s := range x {
			vals[i] = toDatum(*t.Elem, s)
		}
		return types.NewArray(*t.Elem, vals)
	case []uint32:
		vals := make([]types.Datum, len(x))
		for i, n := range x {
			vals[i] = toDatum(*t.Elem, n)
		}
		return types.NewArray(*t.Elem, vals)
	case []int16:
		vals := make([]types.Datum, len(x))
		for i, n := range x {
			vals[i] = toDatum(*t.Elem, n)
		}
		return types.NewArray(*t.Elem, vals)
	}
	panic(fmt.Sprintf("catalog: cannot store %T in a %s column", v, t))
}

func intDatum(t types.T, v int64) types.Datum {
	if !t.Kind.IsInteger() && !t.Kind.IsOIDLike() {
		panic(fmt.Sprintf("catalog: integer for a %s column", t))
	}
	return types.NewInt(t.Kind, v)
}
