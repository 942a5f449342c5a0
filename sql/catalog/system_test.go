package catalog

import (
	"io"
	"log/slog"
	"testing"

	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// fakeSession is a Session with fixed answers.
type fakeSession struct{}

func (fakeSession) CurrentDatabase() string { return "dev" }
func (fakeSession) CurrentUser() string     { return "freshet" }
func (fakeSession) CurrentSetting(name string) (string, bool) {
	if name == "timezone" {
		return "Europe/Paris", true
	}
	return "", false
}

// testCatalog returns a catalog with a schema, a table with a primary key,
// defaults and typmods, and a view over it.
func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	st, err := storage.Open(storage.Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := m.Apply(func(e *Edit) error {
		sid, err := e.NewID()
		if err != nil {
			return err
		}
		e.PutSchema(&Schema{ID: sid, Name: "analytics"})
		tid, err := e.NewID()
		if err != nil {
			return err
		}
		e.PutTable(&Table{ID: tid, SchemaID: PublicID, Name: "orders", Kind: RelTable, PrimaryKey: []int{0}, PKName: "orders_pkey",
			Columns: []Column{
				{Name: "id", Type: types.Int8, NotNull: true},
				{Name: "customer", Type: types.Text, NotNull: true},
				{Name: "amount", Type: types.T{Kind: types.KindNumeric, Mod: types.NumericMod(10, 2)}, Default: "0"},
				{Name: "created_at", Type: types.TimestampTZ, Default: "now()"},
				{Name: "code", Type: types.T{Kind: types.KindVarchar, Mod: 10}},
				{Name: "tags", Type: types.ArrayOf(types.Text)},
			}})
		vid, err := e.NewID()
		if err != nil {
			return err
		}
		e.PutTable(&Table{ID: vid, SchemaID: PublicID, Name: "big_orders", Kind: RelView,
			Query: "SELECT * FROM orders WHERE amount > 100", Depends: []uint32{tid},
			Columns: []Column{{Name: "id", Type: types.Int8}, {Name: "customer", Type: types.Text}}})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// relation returns a system relation's descriptor by schema and name.
func relation(t *testing.T, c *Catalog, schema, name string) *Table {
	t.Helper()
	rel, err := c.Resolve(nil, schema, name)
	if err != nil {
		t.Fatal(err)
	}
	return rel
}

// rowsOf generates a system relation as maps from column name to value.
func rowsOf(t *testing.T, c *Catalog, schema, name string) []map[string]types.Datum {
	t.Helper()
	rel := relation(t, c, schema, name)
	var out []map[string]types.Datum
	for _, r := range rel.Generate(c, fakeSession{}) {
		m := map[string]types.Datum{}
		for i, col := range rel.Columns {
			m[col.Name] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// find returns the rows whose column col has the text value want.
func find(rows []map[string]types.Datum, col, want string) []map[string]types.Datum {
	var out []map[string]types.Datum
	for _, r := range rows {
		if string(types.FormatText(nil, r[col], types.T{Kind: r[col].Kind(), Mod: -1}, nil)) == want && !r[col].IsNull() {
			out = append(out, r)
		}
	}
	return out
}

// TestSystemRelationShapes checks every system relation: unique column
// names, and rows as wide as the columns whose values have the columns'
// types, with and without a session.
func TestSystemRelationShapes(t *testing.T) {
	c := testCatalog(t)
	n := 0
	for _, rel := range c.Tables() {
		if rel.Kind != RelSystem {
			continue
		}
		n++
		if k := rel.RelKind(); k != RelTable && k != RelView {
			t.Errorf("%s: relkind %q", rel.Name, k)
		}
		seen := map[string]bool{}
		for _, col := range rel.Columns {
			if seen[col.Name] {
				t.Errorf("%s: column %s twice", rel.Name, col.Name)
			}
			seen[col.Name] = true
		}
		for _, s := range []Session{nil, fakeSession{}} {
			for _, row := range rel.Generate(c, s) {
				if len(row) != len(rel.Columns) {
					t.Fatalf("%s: row of %d values for %d columns", rel.Name, len(row), len(rel.Columns))
				}
				for i, d := range row {
					col := rel.Columns[i]
					if d.IsNull() {
						continue
					}
					if d.Kind() != col.Type.Kind {
						t.Errorf("%s.%s: value of kind %s in a %s column", rel.Name, col.Name, d.Kind(), col.Type)
					} else if d.Kind() == types.KindArray && d.Array().Elem.Kind != col.Type.Elem.Kind {
						t.Errorf("%s.%s: %s array in a %s column", rel.Name, col.Name, d.Array().Elem, col.Type)
					}
				}
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d system relations", n)
	}
}

// TestColumnTypes spot-checks that columns have Postgres 15's types.
func TestColumnTypes(t *testing.T) {
	c := testCatalog(t)
	for _, tc := range []struct {
		rel, col string
		want     types.T
	}{
		{"pg_class", "oid", types.OID}, {"pg_class", "relname", types.Name}, {"pg_class", "relkind", types.Char},
		{"pg_class", "reltuples", types.Float4}, {"pg_class", "relnatts", types.Int2},
		{"pg_attribute", "atttypmod", types.Int4}, {"pg_attribute", "attnum", types.Int2},
		{"pg_type", "typinput", types.RegProc}, {"pg_type", "typlen", types.Int2},
		{"pg_index", "indkey", types.ArrayOf(types.Int2)}, {"pg_proc", "proargtypes", types.ArrayOf(types.OID)},
		{"pg_roles", "rolvaliduntil", types.TimestampTZ}, {"pg_settings", "name", types.Text},
	} {
		rel := relation(t, c, "pg_catalog", tc.rel)
		i := rel.ColumnIndex(tc.col)
		if i < 0 {
			t.Errorf("%s has no column %s", tc.rel, tc.col)
			continue
		}
		if got := rel.Columns[i].Type; !got.Equal(tc.want) {
			t.Errorf("%s.%s is %s, want %s", tc.rel, tc.col, got, tc.want)
		}
	}
}

func TestPgClass(t *testing.T) {
	c := testCatalog(t)
	rows := rowsOf(t, c, "pg_catalog", "pg_class")
	for _, tc := range []struct {
		name, kind string
		namespace  uint32
		am         uint32
	}{
		{"orders", "r", PublicID, HeapAMID},
		{"orders_pkey", "i", PublicID, BtreeAMID},
		{"big_orders", "v", PublicID, 0},
		{"pg_class", "r", PgCatalogID, HeapAMID},
		{"pg_roles", "v", PgCatalogID, 0},
		{"tables", "v", InfoSchemaID, 0},
	} {
		got := find(rows, "relname", tc.name)
		if len(got) != 1 {
			t.Errorf("%s: %d pg_class rows", tc.name, len(got))
			continue
		}
		r := got[0]
		if r["relkind"].Str() != tc.kind || uint32(r["relnamespace"].Int()) != tc.namespace || uint32(r["relam"].Int()) != tc.am {
			t.Errorf("%s: relkind %q relnamespace %d relam %d", tc.name, r["relkind"].Str(), r["relnamespace"].Int(), r["relam"].Int())
		}
	}
	orders := find(rows, "relname", "orders")[0]
	if !orders["relhasindex"].Bool() || orders["relnatts"].Int() != 6 || uint32(orders["relowner"].Int()) != SuperuserID {
		t.Errorf("orders: %v", orders)
	}
}

// TestAttTypmod checks Postgres' typmod convention.
func TestAttTypmod(t *testing.T) {
	for _, tc := range []struct {
		t    types.T
		want int32
	}{
		{types.T{Kind: types.KindVarchar, Mod: 10}, 14},
		{types.T{Kind: types.KindBPChar, Mod: 3}, 7},
		{types.T{Kind: types.KindNumeric, Mod: types.NumericMod(10, 2)}, 655366},
		{types.T{Kind: types.KindNumeric, Mod: types.NumericMod(5, 0)}, 327684},
		{types.T{Kind: types.KindNumeric, Mod: types.NumericMod(10, -2)}, 657410},
		{types.ArrayOf(types.T{Kind: types.KindVarchar, Mod: 10}), 14},
		{types.Varchar, -1}, {types.Numeric, -1}, {types.Text, -1}, {types.Int8, -1},
	} {
		if got := AttTypmod(tc.t); got != tc.want {
			t.Errorf("AttTypmod(%s) = %d, want %d", tc.t, got, tc.want)
		}
	}
}

func TestPgAttribute(t *testing.T) {
	c := testCatalog(t)
	orders := relation(t, c, "public", "orders")
	var cols []map[string]types.Datum
	for _, r := range rowsOf(t, c, "pg_catalog", "pg_attribute") {
		if uint32(r["attrelid"].Int()) == orders.ID {
			cols = append(cols, r)
		}
	}
	want := []struct {
		name    string
		typ     uint32
		typmod  int64
		notNull bool
		hasDef  bool
		storage string
	}{
		{"id", types.OIDInt8, -1, true, false, "p"},
		{"customer", types.OIDText, -1, true, false, "x"},
		{"amount", types.OIDNumeric, 655366, false, true, "m"},
		{"created_at", types.OIDTimestampTZ, -1, false, true, "p"},
		{"code", types.OIDVarchar, 14, false, false, "x"},
		{"tags", 1009, -1, false, false, "x"},
	}
	if len(cols) != len(want) {
		t.Fatalf("%d attributes, want %d", len(cols), len(want))
	}
	for i, w := range want {
		r := cols[i]
		if r["attname"].Str() != w.name || uint32(r["atttypid"].Int()) != w.typ || r["atttypmod"].Int() != w.typmod ||
			r["attnotnull"].Bool() != w.notNull || r["atthasdef"].Bool() != w.hasDef || r["attstorage"].Str() != w.storage ||
			r["attnum"].Int() != int64(i+1) {
			t.Errorf("attribute %d: %v, want %+v", i+1, r, w)
		}
	}
	defs := rowsOf(t, c, "pg_catalog", "pg_attrdef")
	if len(defs) != 2 || defs[0]["adbin"].Str() != "0" || defs[1]["adnum"].Int() != 4 || defs[1]["adbin"].Str() != "now()" {
		t.Errorf("pg_attrdef: %v", defs)
	}
}

// TestPrimaryKey checks the index, constraint and definitions of a primary
// key, and that its index is a relation of its own.
func TestPrimaryKey(t *testing.T) {
	c := testCatalog(t)
	orders := relation(t, c, "public", "orders")
	if orders.PKIndexID == 0 || orders.PKIndexID == orders.ID {
		t.Fatalf("PKIndexID %d", orders.PKIndexID)
	}
	idx := rowsOf(t, c, "pg_catalog", "pg_index")
	if len(idx) != 1 || uint32(idx[0]["indexrelid"].Int()) != orders.PKIndexID || uint32(idx[0]["indrelid"].Int()) != orders.ID ||
		!idx[0]["indisprimary"].Bool() || !idx[0]["indisunique"].Bool() {
		t.Fatalf("pg_index: %v", idx)
	}
	if keys := idx[0]["indkey"].Array().Vals; len(keys) != 1 || keys[0].Int() != 1 {
		t.Errorf("indkey %v", keys)
	}
	con := rowsOf(t, c, "pg_catalog", "pg_constraint")
	if len(con) != 1 || con[0]["conname"].Str() != "orders_pkey" || con[0]["contype"].Str() != "p" ||
		uint32(con[0]["conindid"].Int()) != orders.PKIndexID {
		t.Fatalf("pg_constraint: %v", con)
	}
	if def, _ := c.IndexDef(orders.PKIndexID); def != "CREATE UNIQUE INDEX orders_pkey ON public.orders USING btree (id)" {
		t.Errorf("IndexDef: %q", def)
	}
	if def, _ := c.ConstraintDef(orders.PKIndexID); def != "PRIMARY KEY (id)" {
		t.Errorf("ConstraintDef: %q", def)
	}
	if oid, err := c.ResolveRelationOID([]string{"public"}, "", "orders_pkey"); err != nil || oid != orders.PKIndexID {
		t.Errorf("ResolveRelationOID(orders_pkey) = %d, %v", oid, err)
	}
	if !c.IsVisible([]string{"public"}, orders.PKIndexID) || c.IsVisible([]string{"analytics"}, orders.PKIndexID) {
		t.Errorf("IsVisible of the index")
	}
	if s, n, ok := c.RelationName(orders.PKIndexID); !ok || s != "public" || n != "orders_pkey" {
		t.Errorf("RelationName: %s %s %v", s, n, ok)
	}
}

func TestSessionRelations(t *testing.T) {
	c := testCatalog(t)
	db := rowsOf(t, c, "pg_catalog", "pg_database")
	if len(db) != 1 || db[0]["datname"].Str() != "dev" || uint32(db[0]["datdba"].Int()) != SuperuserID {
		t.Errorf("pg_database: %v", db)
	}
	rel := relation(t, c, "pg_catalog", "pg_database")
	if rows := rel.Generate(c, nil); rows[0][rel.ColumnIndex("datname")].Str() != DatabaseName {
		t.Errorf("pg_database without a session: %v", rows)
	}
	settings := rowsOf(t, c, "pg_catalog", "pg_settings")
	if tz := find(settings, "name", "TimeZone"); len(tz) != 1 || tz[0]["setting"].Str() != "Europe/Paris" {
		t.Errorf("pg_settings TimeZone: %v", tz)
	}
	if mk := find(settings, "name", "max_index_keys"); len(mk) != 1 || mk[0]["setting"].Str() != "32" {
		t.Errorf("pg_settings max_index_keys: %v", mk)
	}
}

func TestPgTypeAndProc(t *testing.T) {
	c := testCatalog(t)
	types4 := find(rowsOf(t, c, "pg_catalog", "pg_type"), "typname", "int4")
	if len(types4) != 1 || types4[0]["oid"].Int() != 23 || types4[0]["typlen"].Int() != 4 || types4[0]["typarray"].Int() != 1007 {
		t.Fatalf("pg_type int4: %v", types4)
	}
	if name, ok := ProcName(uint32(types4[0]["typinput"].Int())); !ok || name != "int4in" {
		t.Errorf("typinput of int4 is %q", name)
	}
	procs := rowsOf(t, c, "pg_catalog", "pg_proc")
	lower := find(procs, "proname", "lower")
	if len(lower) == 0 {
		t.Fatal("pg_proc has no lower")
	}
	args, result, ok := FunctionSignature(uint32(lower[0]["oid"].Int()))
	if !ok || args != "text" || result != "text" {
		t.Errorf("lower: (%q) -> %q", args, result)
	}
	seen := map[int64]bool{}
	for _, p := range procs {
		if seen[p["oid"].Int()] {
			t.Errorf("pg_proc OID %d twice", p["oid"].Int())
		}
		seen[p["oid"].Int()] = true
	}
}

func TestInformationSchema(t *testing.T) {
	c := testCatalog(t)
	tables := rowsOf(t, c, "information_schema", "tables")
	if o := find(tables, "table_name", "orders"); len(o) != 1 || o[0]["table_type"].Str() != "BASE TABLE" || o[0]["table_catalog"].Str() != "dev" {
		t.Errorf("tables orders: %v", o)
	}
	if v := find(tables, "table_name", "big_orders"); len(v) != 1 || v[0]["table_type"].Str() != "VIEW" {
		t.Errorf("tables big_orders: %v", v)
	}
	var cols []map[string]types.Datum
	for _, r := range rowsOf(t, c, "information_schema", "columns") {
		if r["table_name"].Str() == "orders" {
			cols = append(cols, r)
		}
	}
	if len(cols) != 6 {
		t.Fatalf("%d columns of orders", len(cols))
	}
	amount, code := cols[2], cols[4]
	if amount["data_type"].Str() != "numeric" || amount["numeric_precision"].Int() != 10 || amount["numeric_scale"].Int() != 2 ||
		amount["column_default"].Str() != "0" || amount["is_nullable"].Str() != "YES" {
		t.Errorf("amount: %v", amount)
	}
	if code["data_type"].Str() != "character varying" || code["character_maximum_length"].Int() != 10 || code["udt_name"].Str() != "varchar" {
		t.Errorf("code: %v", code)
	}
	if customer := cols[1]; !customer["numeric_precision"].IsNull() || !customer["character_maximum_length"].IsNull() ||
		customer["character_octet_length"].Int() != 1073741824 {
		t.Errorf("customer: %v", customer)
	}
	if cols[5]["data_type"].Str() != "ARRAY" || cols[5]["udt_name"].Str() != "_text" {
		t.Errorf("tags: %v", cols[5])
	}
	if s := find(rowsOf(t, c, "information_schema", "schemata"), "schema_name", "analytics"); len(s) != 1 {
		t.Errorf("schemata: %v", s)
	}
}
