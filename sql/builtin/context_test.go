package builtin

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// fakeCatalog knows one table, public.orders (16384), one role and one
// comment.
type fakeCatalog struct{}

func (fakeCatalog) TypeName(oid uint32) (string, bool) {
	if oid == 16406 {
		return "mood", true
	}
	return "", false
}

func (fakeCatalog) LookupType(schema, name string) (uint32, bool) {
	return 16406, name == "mood" && (schema == "" || schema == "public")
}

func (fakeCatalog) RelationName(oid uint32) (string, bool) { return "orders", oid == 16384 }

func (fakeCatalog) LookupRelation(schema, name string) (uint32, bool) {
	return 16384, name == "orders" && (schema == "" || schema == "public")
}

func (fakeCatalog) NamespaceName(oid uint32) (string, bool) { return "public", oid == 2200 }

func (fakeCatalog) LookupNamespace(name string) (uint32, bool) { return 2200, name == "public" }

func (fakeCatalog) RoleName(oid uint32) (string, bool) { return "freshet", oid == 10 }

func (fakeCatalog) IsVisible(class string, oid uint32) (bool, bool) {
	return true, class == "pg_class" && oid == 16384
}

func (fakeCatalog) Description(class string, oid uint32, sub int32) (string, bool) {
	switch {
	case class == "pg_class" && oid == 16384 && sub == 0:
		return "all orders", true
	case class == "pg_class" && oid == 16384 && sub == 2:
		return "order amount", true
	}
	return "", false
}

func (fakeCatalog) Definition(class string, oid uint32) (string, bool) {
	if class == "pg_class" && oid == 16384 {
		return " SELECT 1;", true
	}
	return "", false
}

// fakeSession is a session with a few settings.
type fakeSession struct{ vars map[string]string }

func (s *fakeSession) CurrentSetting(name string) (string, bool) { v, ok := s.vars[name]; return v, ok }

func (s *fakeSession) SetConfig(name, value string, _ bool) (string, error) {
	if _, ok := s.vars[name]; !ok {
		return "", sqlerr.Newf(sqlerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	s.vars[name] = value
	return value, nil
}

func (s *fakeSession) CurrentUser() string     { return "freshet" }
func (s *fakeSession) CurrentDatabase() string { return "dev" }
func (s *fakeSession) CurrentSchema() string   { return "public" }
func (s *fakeSession) SearchPath() []string    { return []string{"public"} }

func sessionCtx(t *testing.T) *EvalContext {
	ctx := testCtx(t, "UTC")
	ctx.Catalog = fakeCatalog{}
	ctx.Session = &fakeSession{vars: map[string]string{"application_name": "psql", "server_version_num": "150000"}}
	ctx.BackendPID = 4242
	ctx.XactID = 77
	ctx.Clock = func() time.Time { return time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC) }
	return ctx
}

// TestSessionFunctions covers the functions that read the EvalContext.
func TestSessionFunctions(t *testing.T) {
	ctx := sessionCtx(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"version", nil, "PostgreSQL 15.0 (Freshet 0.1.0) on x86_64-pc-linux-gnu"},
		{"current_user", nil, "freshet"},
		{"session_user", nil, "freshet"},
		{"current_database", nil, "dev"},
		{"current_schema", nil, "public"},
		{"current_schemas", []string{"true"}, "{pg_catalog,public}"},
		{"current_schemas", []string{"false"}, "{public}"},
		{"current_setting", []string{"'application_name'"}, "psql"},
		{"current_setting", []string{"'nosuch'"}, `ERROR 42704: unrecognized configuration parameter "nosuch"`},
		{"current_setting", []string{"'nosuch'", "true"}, "NULL"},
		{"set_config", []string{"'application_name'", "'x'", "false"}, "x"},
		{"current_setting", []string{"'application_name'"}, "x"},
		{"pg_backend_pid", nil, "4242"},
		{"txid_current", nil, "77"},
		{"now", nil, "2024-05-06 07:08:09.123456+00"},
		{"current_timestamp", []string{"2"}, "2024-05-06 07:08:09.12+00"},
		{"statement_timestamp", nil, "2024-05-06 07:08:09.124456+00"},
		{"clock_timestamp", nil, "2024-05-06 07:08:10+00"},
		{"current_date", nil, "2024-05-06"},
		{"localtimestamp", nil, "2024-05-06 07:08:09.123456"},
		{"age", []string{"'2000-05-07'::timestamp"}, "23 years 11 mons 30 days"},
		{"pg_get_userbyid", []string{"10::oid"}, "freshet"},
		{"pg_get_userbyid", []string{"11::oid"}, "unknown (OID=11)"},
		{"pg_table_is_visible", []string{"16384::oid"}, "t"},
		{"pg_table_is_visible", []string{"1::oid"}, "NULL"},
		{"pg_type_is_visible", []string{"23::oid"}, "t"},
		{"obj_description", []string{"16384::oid", "'pg_class'"}, "all orders"},
		{"col_description", []string{"16384::oid", "2"}, "order amount"},
		{"col_description", []string{"16384::oid", "3"}, "NULL"},
		{"pg_get_viewdef", []string{"16384::oid", "true"}, " SELECT 1;"},
		{"pg_get_expr", []string{"'nextval(1)'", "16384::oid"}, "nextval(1)"},
		{"format_type", []string{"16406::oid", "-1"}, "mood"},
		{"to_regclass", []string{"'orders'"}, "orders"},
		{"to_regclass", []string{"'nosuch'"}, "NULL"},
		{"has_table_privilege", []string{"'orders'", "'select'"}, "t"},
		{"pg_relation_size", []string{"16384::oid"}, "0"},
	}
	for _, tc := range tests {
		if got := strings.TrimSuffix(runEval(ctx, tc.name, tc.args), "\n"); got != tc.want {
			t.Errorf("%s(%s) = %q, want %q", tc.name, strings.Join(tc.args, ", "), got, tc.want)
		}
	}
}

// TestRegCasts covers text <-> regclass/regtype/regnamespace through the
// catalog.
func TestRegCasts(t *testing.T) {
	ctx := sessionCtx(t)
	tests := []struct {
		lit, to, want string
	}{
		{"'orders'", "regclass", "orders"},
		{"'public.orders'", "regclass", "orders"},
		{`'"orders"'`, "regclass", "orders"},
		{"'ORDERS'", "regclass", "orders"},
		{`'"ORDERS"'`, "regclass", `ERROR 42P01: relation "ORDERS" does not exist`},
		{`'public."X"'`, "regclass", `ERROR 42P01: relation "public.X" does not exist`},
		{"'nosuch.x'", "regclass", `ERROR 3F000: schema "nosuch" does not exist`},
		{"'nosuch'", "regclass", `ERROR 42P01: relation "nosuch" does not exist`},
		{"'orders'::regclass", "oid", "16384"},
		{"16384::oid", "regclass", "orders"},
		{"'mood'", "regtype", "mood"},
		{"'public'", "regnamespace", "public"},
		{"2200::oid", "regnamespace", "public"},
	}
	for _, tc := range tests {
		if got := strings.TrimSuffix(runCast(t, ctx, tc.lit, tc.to), "\n"); got != tc.want {
			t.Errorf("%s::%s = %q, want %q", tc.lit, tc.to, got, tc.want)
		}
	}
	d, err := CastDatum(ctx, types.NewInt(types.KindRegClass, 16384), types.RegClass, types.Text)
	if err != nil || d.Str() != "orders" {
		t.Errorf("regclass::text = %v, %v", d, err)
	}
}

// TestAssignDatum checks assignment coercion, which errors where an
// explicit cast truncates.
func TestAssignDatum(t *testing.T) {
	ctx := testCtx(t, "UTC")
	vc3 := types.T{Kind: types.KindVarchar, Mod: 3}
	ch3 := types.T{Kind: types.KindBPChar, Mod: 3}
	tests := []struct {
		in   string
		to   types.T
		want string
	}{
		{"abc  ", vc3, "abc"},
		{"abcd", vc3, "ERROR 22001: value too long for type character varying(3)"},
		{"a", ch3, "a  "},
		{"abcd", ch3, "ERROR 22001: value too long for type character(3)"},
	}
	for _, tc := range tests {
		d, err := AssignDatum(ctx, types.NewText(tc.in), types.Text, tc.to)
		got := ""
		if err != nil {
			got = strings.TrimSuffix(errText(err), "\n")
		} else {
			got = d.Str()
		}
		if got != tc.want {
			t.Errorf("assign %q to %s = %q, want %q", tc.in, tc.to, got, tc.want)
		}
		if err == nil {
			continue
		}
		if d, err := CastDatum(ctx, types.NewText(tc.in), types.Text, tc.to); err != nil || len([]rune(d.Str())) != 3 {
			t.Errorf("explicit cast of %q to %s = %q, %v; want truncation", tc.in, tc.to, d.Str(), err)
		}
	}
}

// TestRandom checks that random() draws from the context's source.
func TestRandom(t *testing.T) {
	f, _, err := Resolve("random", nil)
	if err != nil {
		t.Fatal(err)
	}
	a := &EvalContext{Rand: rand.New(rand.NewSource(5))}
	b := &EvalContext{Rand: rand.New(rand.NewSource(5))}
	for i := 0; i < 3; i++ {
		x, err1 := f.Eval(a, nil)
		y, err2 := f.Eval(b, nil)
		if err1 != nil || err2 != nil || x.Float() != y.Float() || x.Float() < 0 || x.Float() >= 1 {
			t.Fatalf("random: %v %v %v %v", x.Float(), y.Float(), err1, err2)
		}
	}
	if f.Vol != Volatile {
		t.Errorf("random is %v, want volatile", f.Vol)
	}
	if _, err := f.Eval(&EvalContext{}, nil); sqlerr.CodeOf(err) != sqlerr.InternalError {
		t.Errorf("random without a source: %v", err)
	}
}

// TestStrict checks that a strict function is not called on NULL.
func TestStrict(t *testing.T) {
	f, _, err := Resolve("+", []types.T{types.Int4, types.Int4})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Eval(nil, []types.Datum{types.NullDatum, types.NewInt4(1)})
	if err != nil || !d.IsNull() {
		t.Errorf("1 + NULL = %v, %v", d, err)
	}
}

// TestRegistryNames checks every registered name is lower case and every
// non-set function has an implementation.
func TestRegistryNames(t *testing.T) {
	for _, name := range Names() {
		if name != strings.ToLower(name) {
			t.Errorf("%q is not lower case", name)
		}
		for _, f := range Lookup(name) {
			if f.Fn == nil && f.SetFn == nil {
				t.Errorf("%s has no implementation", signature(name, f.Args))
			}
		}
	}
}

// TestNoDuplicateOverloads checks that no two overloads of a name take the
// same parameters (the later one could never be chosen).
func TestNoDuplicateOverloads(t *testing.T) {
	for _, name := range Names() {
		seen := map[string]bool{}
		for _, f := range Lookup(name) {
			key := signature(name, f.Args)
			if f.Variadic {
				key += " variadic"
			}
			if seen[key] {
				t.Errorf("%s is registered twice", key)
			}
			seen[key] = true
		}
	}
}
