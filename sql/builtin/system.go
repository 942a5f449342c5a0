package builtin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Well-known OIDs of the builtin schemas.
const (
	oidPgCatalog = 11
	oidPublic    = 2200
)

// systemFuncs are the session and catalog functions that psql, drivers
// and BI tools call: version, current_user, current_setting, format_type,
// pg_get_userbyid, pg_table_is_visible, obj_description, pg_get_*def,
// has_*_privilege, size functions and friends. Functions that need
// catalog data read it through EvalContext.Catalog and answer NULL (or
// the documented default) when it is nil.
func systemFuncs() []*Func {
	t, o, i4, i8, b, nm := types.Text, types.OID, types.Int4, types.Int8, types.Bool, types.Name
	stable := func(name string, ret types.T, params []types.T, fn func(ctx *EvalContext, v []types.Datum) (types.Datum, error)) *Func {
		return &Func{Name: name, Args: params, Ret: ret, Strict: true, Vol: Stable, Fn: fn}
	}
	constant := func(name string, ret types.T, params []types.T, d types.Datum) *Func {
		return stable(name, ret, params, func(*EvalContext, []types.Datum) (types.Datum, error) { return d, nil })
	}
	user := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		return types.NewString(types.KindName, ctx.session(func(s SessionReader) string { return s.CurrentUser() })), nil
	}
	db := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		return types.NewString(types.KindName, ctx.session(func(s SessionReader) string { return s.CurrentDatabase() })), nil
	}
	setting := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		missingOK := len(v) > 1 && v[1].Bool()
		if ctx != nil && ctx.Session != nil {
			if val, ok := ctx.Session.CurrentSetting(strings.ToLower(v[0].Str())); ok {
				return types.NewText(val), nil
			}
		}
		if missingOK {
			return types.NullDatum, nil
		}
		return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedObject, "unrecognized configuration parameter \"%s\"", v[0].Str())
	}
	visible := func(class string) func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			oid := uint32(v[0].Int())
			if class == "pg_type" {
				if _, ok := types.FromOID(oid); ok {
					return types.NewBool(true), nil
				}
			}
			if ctx == nil || ctx.Catalog == nil {
				return types.NullDatum, nil
			}
			vis, ok := ctx.Catalog.IsVisible(class, oid)
			if !ok {
				return types.NullDatum, nil
			}
			return types.NewBool(vis), nil
		}
	}
	description := func(ctx *EvalContext, class string, oid uint32, sub int32) types.Datum {
		if ctx == nil || ctx.Catalog == nil {
			return types.NullDatum
		}
		if s, ok := ctx.Catalog.Description(class, oid, sub); ok {
			return types.NewText(s)
		}
		return types.NullDatum
	}
	definition := func(class string) func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		return func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if ctx == nil || ctx.Catalog == nil {
				return types.NullDatum, nil
			}
			if s, ok := ctx.Catalog.Definition(class, uint32(v[0].Int())); ok {
				return types.NewText(s), nil
			}
			return types.NullDatum, nil
		}
	}
	getExpr := func(_ *EvalContext, v []types.Datum) (types.Datum, error) { return types.NewText(v[0].Str()), nil }
	xact := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		if ctx == nil {
			return types.NewInt8(0), nil
		}
		return types.NewInt8(ctx.XactID), nil
	}
	fs := []*Func{
		constant("pg_is_in_recovery", b, nil, types.NewBool(false)),
		constant("pg_jit_available", b, nil, types.NewBool(false)),
		constant("pg_trigger_depth", i4, nil, types.NewInt4(0)),
		stable("version", t, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			ver := ""
			if ctx != nil {
				ver = ctx.ServerVersion
			}
			return types.NewText("PostgreSQL 15.0 (Freshet " + ver + ") on x86_64-pc-linux-gnu"), nil
		}),
		stable("current_user", nm, nil, user),
		stable("session_user", nm, nil, user),
		stable("current_role", nm, nil, user),
		stable("user", nm, nil, user),
		stable("current_database", nm, nil, db),
		stable("current_catalog", nm, nil, db),
		stable("current_schema", nm, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			s := ctx.session(func(s SessionReader) string { return s.CurrentSchema() })
			if s == "" {
				return types.NullDatum, nil
			}
			return types.NewString(types.KindName, s), nil
		}),
		stable("current_schemas", types.ArrayOf(nm), args(b), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			var out []types.Datum
			if v[0].Bool() {
				out = append(out, types.NewString(types.KindName, "pg_catalog"))
			}
			if ctx != nil && ctx.Session != nil {
				for _, s := range ctx.Session.SearchPath() {
					if s == "pg_catalog" && v[0].Bool() {
						continue
					}
					out = append(out, types.NewString(types.KindName, s))
				}
			}
			return types.NewArray(types.Name, out), nil
		}),
		stable("current_setting", t, args(t), setting),
		stable("current_setting", t, args(t, b), setting),
		{Name: "set_config", Args: args(t, t, b), Ret: t, Vol: Volatile, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NullDatum, sqlerr.New(codeNullValueNotAllowed, "SET requires parameter name")
			}
			if ctx == nil || ctx.Session == nil {
				return types.NullDatum, sqlerr.Unsupported("set_config outside a session")
			}
			val := ""
			if !v[1].IsNull() {
				val = v[1].Str()
			}
			r, err := ctx.Session.SetConfig(strings.ToLower(v[0].Str()), val, !v[2].IsNull() && v[2].Bool())
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewText(r), nil
		}},
		stable("pg_backend_pid", i4, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			if ctx == nil {
				return types.NewInt4(0), nil
			}
			return types.NewInt4(ctx.BackendPID), nil
		}),
		stable("pg_postmaster_start_time", types.TimestampTZ, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			if ctx == nil {
				return types.NullDatum, nil
			}
			return types.NewTimestamp(types.KindTimestampTZ, ctx.StartTime), nil
		}),
		{Name: "txid_current", Ret: i8, Vol: Volatile, Fn: xact},
		{Name: "pg_current_xact_id", Ret: i8, Vol: Volatile, Fn: xact},
		{Name: "format_type", Args: args(o, i4), Ret: t, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NullDatum, nil
			}
			mod, hasMod := int32(-1), false
			if !v[1].IsNull() {
				mod, hasMod = int32(v[1].Int()), true
			}
			return types.NewText(formatType(ctx, uint32(v[0].Int()), mod, hasMod)), nil
		}},
		stable("pg_get_userbyid", nm, args(o), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			oid := uint32(v[0].Int())
			if ctx != nil && ctx.Catalog != nil {
				if n, ok := ctx.Catalog.RoleName(oid); ok {
					return types.NewString(types.KindName, n), nil
				}
			}
			return types.NewString(types.KindName, fmt.Sprintf("unknown (OID=%d)", oid)), nil
		}),
		stable("pg_table_is_visible", b, args(o), visible("pg_class")),
		stable("pg_type_is_visible", b, args(o), visible("pg_type")),
		stable("pg_function_is_visible", b, args(o), visible("pg_proc")),
		stable("obj_description", t, args(o, nm), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return description(ctx, strings.TrimPrefix(v[1].Str(), "pg_catalog."), uint32(v[0].Int()), 0), nil
		}),
		stable("obj_description", t, args(o), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return description(ctx, "", uint32(v[0].Int()), 0), nil
		}),
		stable("col_description", t, args(o, i4), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return description(ctx, "pg_class", uint32(v[0].Int()), int32(v[1].Int())), nil
		}),
		stable("shobj_description", t, args(o, nm), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return description(ctx, strings.TrimPrefix(v[1].Str(), "pg_catalog."), uint32(v[0].Int()), 0), nil
		}),
		stable("pg_get_expr", t, args(t, o), getExpr),
		stable("pg_get_expr", t, args(t, o, b), getExpr),
		stable("pg_get_indexdef", t, args(o), definition("pg_index")),
		stable("pg_get_indexdef", t, args(o, i4, b), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			d, err := definition("pg_index")(ctx, v)
			if err != nil || d.IsNull() || v[1].Int() == 0 {
				return d, err
			}
			return indexColumnDef(d.Str(), int(v[1].Int())), nil
		}),
		stable("pg_get_constraintdef", t, args(o), definition("pg_constraint")),
		stable("pg_get_constraintdef", t, args(o, b), definition("pg_constraint")),
		stable("pg_get_viewdef", t, args(o), definition("pg_class")),
		stable("pg_get_viewdef", t, args(o, b), definition("pg_class")),
		constant("pg_get_ruledef", t, args(o), types.NullDatum),
		constant("pg_get_ruledef", t, args(o, b), types.NullDatum),
		constant("pg_get_statisticsobjdef_columns", t, args(o), types.NullDatum),
		constant("pg_get_serial_sequence", t, args(t, t), types.NullDatum),
		constant("pg_relation_is_publishable", b, args(types.RegClass), types.NewBool(true)),
		stable("pg_encoding_to_char", nm, args(i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			switch v[0].Int() {
			case 0:
				return types.NewString(types.KindName, "SQL_ASCII"), nil
			case 6:
				return types.NewString(types.KindName, "UTF8"), nil
			}
			return types.NewString(types.KindName, ""), nil
		}),
		stable("pg_size_pretty", t, args(i8), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return types.NewText(sizePretty(v[0].Int())), nil
		}),
		stable("pg_typeof", types.RegType, args(Any), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return types.NewInt(types.KindRegType, int64(datumType(v[0]).OID())), nil
		}),
		stable("to_regclass", types.RegClass, args(t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			d, err := regIn(ctx, v[0].Str(), types.KindRegClass)
			if err != nil {
				return types.NullDatum, nil
			}
			return d, nil
		}),
		stable("to_regtype", types.RegType, args(t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			d, err := regIn(ctx, v[0].Str(), types.KindRegType)
			if err != nil {
				return types.NullDatum, nil
			}
			return d, nil
		}),
		stable("to_regnamespace", types.RegNS, args(t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			d, err := regIn(ctx, v[0].Str(), types.KindRegNamespace)
			if err != nil {
				return types.NullDatum, nil
			}
			return d, nil
		}),
	}
	// The size functions answer 0: Freshet does not account storage per
	// relation.
	for _, name := range []string{"pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size"} {
		fs = append(fs, constant(name, i8, args(types.RegClass), types.NewInt8(0)))
	}
	fs = append(fs,
		constant("pg_database_size", i8, args(o), types.NewInt8(0)),
		constant("pg_database_size", i8, args(nm), types.NewInt8(0)),
	)
	// Freshet has no privileges: every has_*_privilege check passes.
	for _, name := range []string{"has_table_privilege", "has_schema_privilege", "has_database_privilege",
		"has_column_privilege", "has_function_privilege", "has_sequence_privilege", "has_any_column_privilege"} {
		for _, obj := range []types.T{t, o} {
			fs = append(fs,
				constant(name, b, args(obj, t), types.NewBool(true)),
				constant(name, b, args(nm, obj, t), types.NewBool(true)),
				constant(name, b, args(o, obj, t), types.NewBool(true)),
			)
		}
	}
	fs = append(fs,
		constant("pg_has_role", b, args(nm, t), types.NewBool(true)),
		constant("pg_has_role", b, args(nm, nm, t), types.NewBool(true)),
	)
	return fs
}

func (ctx *EvalContext) session(get func(SessionReader) string) string {
	if ctx == nil || ctx.Session == nil {
		return ""
	}
	return get(ctx.Session)
}

// sizePretty is pg_size_pretty: bytes below 10 kB, then kB, MB, GB, TB
// and PB with half rounding.
func sizePretty(size int64) string {
	units := []struct {
		name  string
		limit int64
		round bool
		bits  uint
	}{{"bytes", 10 * 1024, false, 0}, {"kB", 20*1024 - 1, true, 10}, {"MB", 20*1024 - 1, true, 20},
		{"GB", 20*1024 - 1, true, 30}, {"TB", 20*1024 - 1, true, 40}, {"PB", 20*1024 - 1, true, 50}}
	for i, u := range units {
		if i == len(units)-1 || absInt(size) < u.limit {
			if u.round {
				if size < 0 {
					size = (size - 1) / 2
				} else {
					size = (size + 1) / 2
				}
			}
			return strconv.FormatInt(size, 10) + " " + u.name
		}
		next := units[i+1]
		bits := next.bits - u.bits
		if next.round {
			bits--
		}
		if u.round {
			bits++
		}
		size /= int64(1) << bits
	}
	return ""
}

// formatType is format_type(oid, typmod): the SQL name of a type with its
// modifier, "-" for OID 0 and "???" for an unknown OID.
func formatType(ctx *EvalContext, oid uint32, mod int32, hasMod bool) string {
	if oid == 0 {
		return "-"
	}
	t, ok := types.FromOID(oid)
	if !ok {
		if ctx != nil && ctx.Catalog != nil {
			if n, ok := ctx.Catalog.TypeName(oid); ok {
				return n
			}
		}
		return "???"
	}
	if t.Kind == types.KindArray {
		return formatTypeMod(*t.Elem, mod, hasMod) + "[]"
	}
	return formatTypeMod(t, mod, hasMod)
}

func formatTypeMod(t types.T, mod int32, hasMod bool) string {
	switch t.Kind {
	case types.KindBPChar:
		switch {
		case !hasMod:
			return "character"
		case mod < 0:
			return "bpchar"
		}
		return fmt.Sprintf("character(%d)", mod-4)
	case types.KindVarchar:
		if mod >= 4 {
			return fmt.Sprintf("character varying(%d)", mod-4)
		}
		return "character varying"
	case types.KindNumeric:
		if mod >= 4 {
			m := mod - 4
			return fmt.Sprintf("numeric(%d,%d)", m>>16&0xffff, (m&0x7ff^1024)-1024)
		}
		return "numeric"
	case types.KindTimestamp, types.KindTimestampTZ, types.KindTime:
		base, zone, _ := strings.Cut(t.Kind.String(), " ")
		if mod >= 0 {
			return fmt.Sprintf("%s(%d) %s", base, mod, zone)
		}
		return t.Kind.String()
	case types.KindInterval:
		if mod >= 0 {
			return fmt.Sprintf("interval(%d)", mod&0xffff)
		}
	}
	return typeName(t)
}

// builtinTypeNames maps the names Postgres accepts for the builtin types
// (regtype input, to_regtype) to the types.
var builtinTypeNames = map[string]types.T{
	"bool": types.Bool, "boolean": types.Bool,
	"int2": types.Int2, "smallint": types.Int2,
	"int4": types.Int4, "int": types.Int4, "integer": types.Int4,
	"int8": types.Int8, "bigint": types.Int8,
	"float4": types.Float4, "real": types.Float4,
	"float8": types.Float8, "double precision": types.Float8, "float": types.Float8,
	"numeric": types.Numeric, "decimal": types.Numeric,
	"text": types.Text, "varchar": types.Varchar, "character varying": types.Varchar,
	"bpchar": types.BPChar, "character": types.BPChar, "char": types.BPChar,
	"name": types.Name, `"char"`: types.Char, "bytea": types.Bytea, "date": types.Date,
	"time": types.Time, "time without time zone": types.Time,
	"timestamp": types.Timestamp, "timestamp without time zone": types.Timestamp,
	"timestamptz": types.TimestampTZ, "timestamp with time zone": types.TimestampTZ,
	"interval": types.Interval, "json": types.JSON, "jsonb": types.JSONB,
	"oid": types.OID, "regclass": types.RegClass, "regtype": types.RegType, "regproc": types.RegProc,
	"regnamespace": types.RegNS, "record": types.Record, "unknown": types.Unknown,
}

// lookupBuiltinType parses a builtin type name such as "integer[]",
// "pg_catalog.int8", "_int4" or "character varying(3)".
func lookupBuiltinType(s string) (types.T, bool) {
	s = strings.TrimSpace(s)
	array := false
	for strings.HasSuffix(s, "[]") {
		array = true
		s = strings.TrimSpace(strings.TrimSuffix(s, "[]"))
	}
	if i := strings.IndexByte(s, '('); i >= 0 {
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			return types.T{}, false
		}
		s = strings.TrimSpace(s[:i] + s[i+j+1:])
	}
	if s != `"char"` {
		s = strings.ToLower(s)
	}
	s = strings.TrimPrefix(s, "pg_catalog.")
	s = strings.Join(strings.Fields(s), " ")
	if strings.HasPrefix(s, "_") && !array {
		if t, ok := builtinTypeNames[s[1:]]; ok && !strings.Contains(s, " ") {
			return types.ArrayOf(t), true
		}
	}
	t, ok := builtinTypeNames[s]
	if !ok {
		return types.T{}, false
	}
	if array {
		return types.ArrayOf(t), true
	}
	return t, true
}

// splitQualifiedName splits "schema.name" with SQL quoting rules: quoted
// parts keep their case, unquoted ones are folded to lower case.
func splitQualifiedName(s string) ([]string, bool) {
	var parts []string
	var cur strings.Builder
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			i++
			for ; i < len(s); i++ {
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						cur.WriteByte('"')
						i++
						continue
					}
					break
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, false
			}
		case c == '.':
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteString(strings.ToLower(string(c)))
		}
	}
	parts = append(parts, cur.String())
	for _, p := range parts {
		if p == "" {
			return nil, false
		}
	}
	return parts, true
}

// regIn is the input function of the reg* types: a number is an OID, "-"
// is 0, and a name is looked up in the catalog.
func regIn(ctx *EvalContext, s string, k types.Kind) (types.Datum, error) {
	v := strings.TrimSpace(s)
	if v != "" && strings.Trim(v, "0123456789") == "" {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return types.NullDatum, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "value \"%s\" is out of range for type oid", v)
		}
		return types.NewInt(k, int64(n)), nil
	}
	if v == "-" {
		return types.NewInt(k, 0), nil
	}
	var cat CatalogReader
	if ctx != nil {
		cat = ctx.Catalog
	}
	switch k {
	case types.KindRegType:
		if t, ok := lookupBuiltinType(v); ok {
			return types.NewInt(k, int64(t.OID())), nil
		}
		if parts, ok := splitQualifiedName(v); ok && cat != nil && len(parts) <= 2 {
			schema, name := qualifiedParts(parts)
			if oid, ok := cat.LookupType(schema, name); ok {
				return types.NewInt(k, int64(oid)), nil
			}
		}
		return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedObject, "type \"%s\" does not exist", v)
	case types.KindRegNamespace:
		parts, ok := splitQualifiedName(v)
		if ok && len(parts) == 1 {
			if cat != nil {
				if oid, ok := cat.LookupNamespace(parts[0]); ok {
					return types.NewInt(k, int64(oid)), nil
				}
			}
			switch parts[0] {
			case "pg_catalog":
				return types.NewInt(k, oidPgCatalog), nil
			case "public":
				return types.NewInt(k, oidPublic), nil
			}
			return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", parts[0])
		}
		return types.NullDatum, sqlerr.New(sqlerr.InvalidName, "invalid name syntax")
	case types.KindRegClass:
		parts, ok := splitQualifiedName(v)
		if !ok || len(parts) > 3 {
			return types.NullDatum, sqlerr.New(sqlerr.InvalidName, "invalid name syntax")
		}
		schema, name := qualifiedParts(parts)
		if cat != nil {
			if oid, ok := cat.LookupRelation(schema, name); ok {
				return types.NewInt(k, int64(oid)), nil
			}
			if _, ok := cat.LookupNamespace(schema); schema != "" && !ok {
				return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedSchema, "schema \"%s\" does not exist", schema)
			}
		}
		return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedTable, "relation \"%s\" does not exist", strings.Join(parts[len(parts)-min(len(parts), 2):], "."))
	}
	return types.NullDatum, sqlerr.Newf(sqlerr.UndefinedFunction, "function \"%s\" does not exist", v)
}

func qualifiedParts(parts []string) (schema, name string) {
	name = parts[len(parts)-1]
	if len(parts) > 1 {
		schema = parts[len(parts)-2]
	}
	return schema, name
}

// regOut is the output function of the reg* types: the object's name (as
// the catalog prints it), "-" for 0, or the number when it is unknown.
func regOut(ctx *EvalContext, d types.Datum, k types.Kind) string {
	oid := uint32(d.Int())
	if oid == 0 {
		return "-"
	}
	var cat CatalogReader
	if ctx != nil {
		cat = ctx.Catalog
	}
	switch k {
	case types.KindRegClass:
		if cat != nil {
			if n, ok := cat.RelationName(oid); ok {
				return n
			}
		}
	case types.KindRegType:
		if _, ok := types.FromOID(oid); ok {
			return formatType(ctx, oid, -1, false)
		}
		if cat != nil {
			if n, ok := cat.TypeName(oid); ok {
				return n
			}
		}
	case types.KindRegProc:
		if pr := ctx.procReader(); pr != nil {
			if n, ok := pr.ProcName(oid); ok {
				return n
			}
		}
	case types.KindRegNamespace:
		switch oid {
		case oidPgCatalog:
			return "pg_catalog"
		case oidPublic:
			if cat == nil {
				return "public"
			}
		}
		if cat != nil {
			if n, ok := cat.NamespaceName(oid); ok {
				return n
			}
		}
	}
	return strconv.FormatUint(uint64(oid), 10)
}
