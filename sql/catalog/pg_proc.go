package catalog

import (
	"sort"
	"strings"
	"sync"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/types"
)

// Language OIDs of pg_language.
const (
	InternalLanguageID uint32 = 12
	SQLLanguageID      uint32 = 14
)

// firstBuiltinProcID is the OID of the first builtin function of
// sql/builtin in pg_proc. Postgres reserves 10000-11999 for objects that
// initdb creates; Freshet numbers its builtin functions there, in name
// order, so the numbers change when functions are added.
const firstBuiltinProcID uint32 = 10000

// staticProc is a pg_proc row of a function Freshet shows but does not
// call by name: the I/O functions of the builtin types and the access
// method handlers, with Postgres 15's OIDs.
type staticProc struct {
	oid      uint32
	name     string
	ret      uint32
	args     []uint32
	vol      byte
	strict   bool
	parallel byte
}

// ioProcs are the functions that pg_type (typinput, typoutput, ...) and
// pg_am (amhandler) refer to.
var ioProcs = []staticProc{
	{3, "heap_tableam_handler", 269, []uint32{2281}, 'v', true, 's'},
	{31, "byteaout", 2275, []uint32{17}, 'i', true, 's'},
	{33, "charout", 2275, []uint32{18}, 'i', true, 's'},
	{34, "namein", 19, []uint32{2275}, 'i', true, 's'},
	{35, "nameout", 2275, []uint32{19}, 'i', true, 's'},
	{38, "int2in", 21, []uint32{2275}, 'i', true, 's'},
	{39, "int2out", 2275, []uint32{21}, 'i', true, 's'},
	{40, "int2vectorin", 22, []uint32{2275}, 'i', true, 's'},
	{41, "int2vectorout", 2275, []uint32{22}, 'i', true, 's'},
	{42, "int4in", 23, []uint32{2275}, 'i', true, 's'},
	{43, "int4out", 2275, []uint32{23}, 'i', true, 's'},
	{44, "regprocin", 24, []uint32{2275}, 's', true, 's'},
	{45, "regprocout", 2275, []uint32{24}, 's', true, 's'},
	{46, "textin", 25, []uint32{2275}, 'i', true, 's'},
	{47, "textout", 2275, []uint32{25}, 'i', true, 's'},
	{54, "oidvectorin", 30, []uint32{2275}, 'i', true, 's'},
	{55, "oidvectorout", 2275, []uint32{30}, 'i', true, 's'},
	{109, "unknownin", 705, []uint32{2275}, 'i', true, 's'},
	{110, "unknownout", 2275, []uint32{705}, 'i', true, 's'},
	{200, "float4in", 700, []uint32{2275}, 'i', true, 's'},
	{201, "float4out", 2275, []uint32{700}, 'i', true, 's'},
	{214, "float8in", 701, []uint32{2275}, 'i', true, 's'},
	{215, "float8out", 2275, []uint32{701}, 'i', true, 's'},
	{267, "table_am_handler_in", 269, []uint32{2275}, 'i', false, 's'},
	{268, "table_am_handler_out", 2275, []uint32{269}, 'i', true, 's'},
	{321, "json_in", 114, []uint32{2275}, 'i', true, 's'},
	{322, "json_out", 2275, []uint32{114}, 'i', true, 's'},
	{323, "json_recv", 114, []uint32{2281}, 'i', true, 's'},
	{324, "json_send", 17, []uint32{114}, 'i', true, 's'},
	{326, "index_am_handler_in", 325, []uint32{2275}, 'i', false, 's'},
	{327, "index_am_handler_out", 2275, []uint32{325}, 'i', true, 's'},
	{330, "bthandler", 325, []uint32{2281}, 'v', true, 's'},
	{460, "int8in", 20, []uint32{2275}, 'i', true, 's'},
	{461, "int8out", 2275, []uint32{20}, 'i', true, 's'},
	{750, "array_in", 2277, []uint32{2275, 26, 23}, 's', true, 's'},
	{751, "array_out", 2275, []uint32{2277}, 's', true, 's'},
	{1044, "bpcharin", 1042, []uint32{2275, 26, 23}, 'i', true, 's'},
	{1045, "bpcharout", 2275, []uint32{1042}, 'i', true, 's'},
	{1046, "varcharin", 1043, []uint32{2275, 26, 23}, 'i', true, 's'},
	{1047, "varcharout", 2275, []uint32{1043}, 'i', true, 's'},
	{1084, "date_in", 1082, []uint32{2275}, 's', true, 's'},
	{1085, "date_out", 2275, []uint32{1082}, 's', true, 's'},
	{1143, "time_in", 1083, []uint32{2275, 26, 23}, 's', true, 's'},
	{1144, "time_out", 2275, []uint32{1083}, 'i', true, 's'},
	{1150, "timestamptz_in", 1184, []uint32{2275, 26, 23}, 's', true, 's'},
	{1151, "timestamptz_out", 2275, []uint32{1184}, 's', true, 's'},
	{1160, "interval_in", 1186, []uint32{2275, 26, 23}, 's', true, 's'},
	{1161, "interval_out", 2275, []uint32{1186}, 's', true, 's'},
	{1242, "boolin", 16, []uint32{2275}, 'i', true, 's'},
	{1243, "boolout", 2275, []uint32{16}, 'i', true, 's'},
	{1244, "byteain", 17, []uint32{2275}, 'i', true, 's'},
	{1245, "charin", 18, []uint32{2275}, 'i', true, 's'},
	{1312, "timestamp_in", 1114, []uint32{2275, 26, 23}, 's', true, 's'},
	{1313, "timestamp_out", 2275, []uint32{1114}, 's', true, 's'},
	{1701, "numeric_in", 1700, []uint32{2275, 26, 23}, 'i', true, 's'},
	{1702, "numeric_out", 2275, []uint32{1700}, 'i', true, 's'},
	{1798, "oidin", 26, []uint32{2275}, 'i', true, 's'},
	{1799, "oidout", 2275, []uint32{26}, 'i', true, 's'},
	{2218, "regclassin", 2205, []uint32{2275}, 's', true, 's'},
	{2219, "regclassout", 2275, []uint32{2205}, 's', true, 's'},
	{2220, "regtypein", 2206, []uint32{2275}, 's', true, 's'},
	{2221, "regtypeout", 2275, []uint32{2206}, 's', true, 's'},
	{2290, "record_in", 2249, []uint32{2275, 26, 23}, 's', true, 's'},
	{2291, "record_out", 2275, []uint32{2249}, 's', true, 's'},
	{2292, "cstring_in", 2275, []uint32{2275}, 'i', true, 's'},
	{2293, "cstring_out", 2275, []uint32{2275}, 'i', true, 's'},
	{2294, "any_in", 2276, []uint32{2275}, 'i', true, 's'},
	{2295, "any_out", 2275, []uint32{2276}, 'i', true, 's'},
	{2296, "anyarray_in", 2277, []uint32{2275}, 'i', true, 's'},
	{2297, "anyarray_out", 2275, []uint32{2277}, 's', true, 's'},
	{2298, "void_in", 2278, []uint32{2275}, 'i', true, 's'},
	{2299, "void_out", 2275, []uint32{2278}, 'i', true, 's'},
	{2304, "internal_in", 2281, []uint32{2275}, 'i', false, 's'},
	{2305, "internal_out", 2275, []uint32{2281}, 'i', true, 's'},
	{2312, "anyelement_in", 2283, []uint32{2275}, 'i', true, 's'},
	{2313, "anyelement_out", 2275, []uint32{2283}, 'i', true, 's'},
	{2400, "array_recv", 2277, []uint32{2281, 26, 23}, 's', true, 's'},
	{2401, "array_send", 17, []uint32{2277}, 's', true, 's'},
	{2402, "record_recv", 2249, []uint32{2281, 26, 23}, 's', true, 's'},
	{2403, "record_send", 17, []uint32{2249}, 's', true, 's'},
	{2404, "int2recv", 21, []uint32{2281}, 'i', true, 's'},
	{2405, "int2send", 17, []uint32{21}, 'i', true, 's'},
	{2406, "int4recv", 23, []uint32{2281}, 'i', true, 's'},
	{2407, "int4send", 17, []uint32{23}, 'i', true, 's'},
	{2408, "int8recv", 20, []uint32{2281}, 'i', true, 's'},
	{2409, "int8send", 17, []uint32{20}, 'i', true, 's'},
	{2410, "int2vectorrecv", 22, []uint32{2281}, 'i', true, 's'},
	{2411, "int2vectorsend", 17, []uint32{22}, 'i', true, 's'},
	{2412, "bytearecv", 17, []uint32{2281}, 'i', true, 's'},
	{2413, "byteasend", 17, []uint32{17}, 'i', true, 's'},
	{2414, "textrecv", 25, []uint32{2281}, 's', true, 's'},
	{2415, "textsend", 17, []uint32{25}, 's', true, 's'},
	{2416, "unknownrecv", 705, []uint32{2281}, 'i', true, 's'},
	{2417, "unknownsend", 17, []uint32{705}, 'i', true, 's'},
	{2418, "oidrecv", 26, []uint32{2281}, 'i', true, 's'},
	{2419, "oidsend", 17, []uint32{26}, 'i', true, 's'},
	{2420, "oidvectorrecv", 30, []uint32{2281}, 'i', true, 's'},
	{2421, "oidvectorsend", 17, []uint32{30}, 'i', true, 's'},
	{2422, "namerecv", 19, []uint32{2281}, 's', true, 's'},
	{2423, "namesend", 17, []uint32{19}, 's', true, 's'},
	{2424, "float4recv", 700, []uint32{2281}, 'i', true, 's'},
	{2425, "float4send", 17, []uint32{700}, 'i', true, 's'},
	{2426, "float8recv", 701, []uint32{2281}, 'i', true, 's'},
	{2427, "float8send", 17, []uint32{701}, 'i', true, 's'},
	{2430, "bpcharrecv", 1042, []uint32{2281, 26, 23}, 's', true, 's'},
	{2431, "bpcharsend", 17, []uint32{1042}, 's', true, 's'},
	{2432, "varcharrecv", 1043, []uint32{2281, 26, 23}, 's', true, 's'},
	{2433, "varcharsend", 17, []uint32{1043}, 's', true, 's'},
	{2434, "charrecv", 18, []uint32{2281}, 'i', true, 's'},
	{2435, "charsend", 17, []uint32{18}, 'i', true, 's'},
	{2436, "boolrecv", 16, []uint32{2281}, 'i', true, 's'},
	{2437, "boolsend", 17, []uint32{16}, 'i', true, 's'},
	{2444, "regprocrecv", 24, []uint32{2281}, 'i', true, 's'},
	{2445, "regprocsend", 17, []uint32{24}, 'i', true, 's'},
	{2452, "regclassrecv", 2205, []uint32{2281}, 'i', true, 's'},
	{2453, "regclasssend", 17, []uint32{2205}, 'i', true, 's'},
	{2454, "regtyperecv", 2206, []uint32{2281}, 'i', true, 's'},
	{2455, "regtypesend", 17, []uint32{2206}, 'i', true, 's'},
	{2460, "numeric_recv", 1700, []uint32{2281, 26, 23}, 'i', true, 's'},
	{2461, "numeric_send", 17, []uint32{1700}, 'i', true, 's'},
	{2468, "date_recv", 1082, []uint32{2281}, 'i', true, 's'},
	{2469, "date_send", 17, []uint32{1082}, 'i', true, 's'},
	{2470, "time_recv", 1083, []uint32{2281, 26, 23}, 'i', true, 's'},
	{2471, "time_send", 17, []uint32{1083}, 'i', true, 's'},
	{2474, "timestamp_recv", 1114, []uint32{2281, 26, 23}, 'i', true, 's'},
	{2475, "timestamp_send", 17, []uint32{1114}, 'i', true, 's'},
	{2476, "timestamptz_recv", 1184, []uint32{2281, 26, 23}, 'i', true, 's'},
	{2477, "timestamptz_send", 17, []uint32{1184}, 'i', true, 's'},
	{2478, "interval_recv", 1186, []uint32{2281, 26, 23}, 'i', true, 's'},
	{2479, "interval_send", 17, []uint32{1186}, 'i', true, 's'},
	{2500, "cstring_recv", 2275, []uint32{2281}, 's', true, 's'},
	{2501, "cstring_send", 17, []uint32{2275}, 's', true, 's'},
	{2502, "anyarray_recv", 2277, []uint32{2281}, 's', true, 's'},
	{2503, "anyarray_send", 17, []uint32{2277}, 's', true, 's'},
	{2777, "anynonarray_in", 2776, []uint32{2275}, 'i', true, 's'},
	{2778, "anynonarray_out", 2275, []uint32{2776}, 'i', true, 's'},
	{2903, "intervaltypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2904, "intervaltypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2905, "timestamptypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2906, "timestamptypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2907, "timestamptztypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2908, "timestamptztypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2909, "timetypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2910, "timetypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2913, "bpchartypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2914, "bpchartypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2915, "varchartypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2916, "varchartypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{2917, "numerictypmodin", 23, []uint32{1263}, 'i', true, 's'},
	{2918, "numerictypmodout", 2275, []uint32{23}, 'i', true, 's'},
	{3120, "void_recv", 2278, []uint32{2281}, 'i', true, 's'},
	{3121, "void_send", 17, []uint32{2278}, 'i', true, 's'},
	{3803, "jsonb_send", 17, []uint32{3802}, 'i', true, 's'},
	{3804, "jsonb_out", 2275, []uint32{3802}, 'i', true, 's'},
	{3805, "jsonb_recv", 3802, []uint32{2281}, 'i', true, 's'},
	{3806, "jsonb_in", 3802, []uint32{2275}, 'i', true, 's'},
	{3816, "array_typanalyze", 16, []uint32{2281}, 's', true, 's'},
	{4084, "regnamespacein", 4089, []uint32{2275}, 's', true, 's'},
	{4085, "regnamespaceout", 2275, []uint32{4089}, 's', true, 's'},
	{4087, "regnamespacerecv", 4089, []uint32{2281}, 'i', true, 's'},
	{4088, "regnamespacesend", 17, []uint32{4089}, 'i', true, 's'},
	{5086, "anycompatible_in", 5077, []uint32{2275}, 'i', true, 's'},
	{5087, "anycompatible_out", 2275, []uint32{5077}, 'i', true, 's'},
	{5088, "anycompatiblearray_in", 5078, []uint32{2275}, 'i', true, 's'},
	{5089, "anycompatiblearray_out", 2275, []uint32{5078}, 's', true, 's'},
	{5090, "anycompatiblearray_recv", 5078, []uint32{2281}, 's', true, 's'},
	{5091, "anycompatiblearray_send", 17, []uint32{5078}, 's', true, 's'},
	{5092, "anycompatiblenonarray_in", 5079, []uint32{2275}, 'i', true, 's'},
	{5093, "anycompatiblenonarray_out", 2275, []uint32{5079}, 'i', true, 's'},
	{6098, "jsonb_subscript_handler", 2281, []uint32{2281}, 'i', true, 's'},
	{6179, "array_subscript_handler", 2281, []uint32{2281}, 'i', true, 's'},
	{6180, "raw_array_subscript_handler", 2281, []uint32{2281}, 'i', true, 's'},
}

// procRow is one row of pg_proc.
type procRow struct {
	oid      uint32
	name     string
	ret      uint32
	args     []uint32
	variadic uint32
	retSet   bool
	vol      byte
	strict   bool
	parallel byte
}

// sqlValueFunctions are names that sql/builtin registers for SQL's
// special forms (CURRENT_DATE, USER ...), which are not functions in
// Postgres' pg_proc.
var sqlValueFunctions = map[string]bool{
	"current_catalog": true, "current_role": true, "user": true, "current_date": true,
	"current_timestamp": true, "localtime": true, "localtimestamp": true,
}

// procs returns every pg_proc row ordered by OID: ioProcs, then the
// functions of sql/builtin (operators and aggregates are not listed).
var procs = sync.OnceValue(func() []procRow {
	var rows []procRow
	for _, p := range ioProcs {
		rows = append(rows, procRow{oid: p.oid, name: p.name, ret: p.ret, args: p.args, vol: p.vol, strict: p.strict, parallel: p.parallel})
	}
	names := builtin.Names()
	sort.Strings(names)
	oid := firstBuiltinProcID
	for _, name := range names {
		if sqlValueFunctions[name] {
			continue
		}
		for _, f := range builtin.Lookup(name) {
			if f.IsOperator() {
				continue
			}
			r := procRow{oid: oid, name: name, ret: procTypeOID(f.Ret), retSet: f.SetFn != nil,
				vol: f.Vol.String()[0], strict: f.Strict, parallel: 's'}
			for i, a := range f.Args {
				t := procTypeOID(a)
				if f.Variadic && i == len(f.Args)-1 {
					r.variadic = t
					if a.Kind != builtin.KindAny {
						t = types.ArrayOf(a).OID()
					}
				}
				r.args = append(r.args, t)
			}
			rows = append(rows, r)
			oid++
		}
	}
	return rows
})

// procsByOID indexes procs.
var procsByOID = sync.OnceValue(func() map[uint32]*procRow {
	all := procs()
	m := make(map[uint32]*procRow, len(all))
	for i := range all {
		m[all[i].oid] = &all[i]
	}
	return m
})

// pseudoTypeOIDs are the OIDs of sql/builtin's pseudo-types.
var pseudoTypeOIDs = map[types.Kind]uint32{
	builtin.KindAny: 2276, builtin.KindAnyElement: 2283, builtin.KindAnyNonArray: 2776,
	builtin.KindAnyArray: 2277, builtin.KindAnyCompatible: 5077, builtin.KindAnyCompatibleArray: 5078,
	builtin.KindAnyCompatibleNonArray: 5079,
}

// procTypeOID returns the OID of a parameter or result type; a result
// type computed from the arguments (the zero T) is shown as anyelement.
func procTypeOID(t types.T) uint32 {
	if oid, ok := pseudoTypeOIDs[t.Kind]; ok {
		return oid
	}
	if t.Kind == types.KindNull {
		return pseudoTypeOIDs[builtin.KindAnyElement]
	}
	return t.OID()
}

// ProcName returns the name of the function with the OID (regproc
// output).
func ProcName(oid uint32) (string, bool) {
	if p, ok := procsByOID()[oid]; ok {
		return p.name, true
	}
	return "", false
}

// FunctionSignature returns what pg_get_function_arguments and
// pg_get_function_result print for a function: "integer, text" and
// "bigint" ("SETOF integer" for a set-returning function).
func FunctionSignature(oid uint32) (args, result string, ok bool) {
	p, ok := procsByOID()[oid]
	if !ok {
		return "", "", false
	}
	parts := make([]string, len(p.args))
	for i, a := range p.args {
		parts[i] = TypeDisplayName(a)
		if p.variadic != 0 && i == len(p.args)-1 {
			parts[i] = "VARIADIC " + parts[i]
		}
	}
	result = TypeDisplayName(p.ret)
	if p.retSet {
		result = "SETOF " + result
	}
	return strings.Join(parts, ", "), result, true
}

// TypeDisplayName returns format_type's name of a builtin type OID
// without a modifier: "integer", "text[]", "anyelement", "\"any\"", and
// "???" for an unknown OID.
func TypeDisplayName(oid uint32) string {
	if t, ok := types.FromOID(oid); ok {
		return t.String()
	}
	if oid == pseudoTypeOIDs[builtin.KindAny] {
		return `"any"`
	}
	if name, ok := TypeName(oid); ok {
		return name
	}
	return "???"
}

// pgProc is pg_proc: the functions of sql/builtin and the I/O functions
// of the builtin types, all in pg_catalog and written in "internal".
// Aggregates, window functions and operators' functions are not listed.
func pgProc() systemTable {
	return catalogTable(1255, "pg_proc", `
		oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4,
		provariadic oid, prosupport regproc, prokind char, prosecdef bool, proleakproof bool, proisstrict
		bool, proretset bool, provolatile char, proparallel char, pronargs int2, pronargdefaults int2,
		prorettype oid, proargtypes oid[], proallargtypes oid[], proargmodes char[], proargnames text[],
		proargdefaults text, protrftypes oid[], prosrc text, probin text, prosqlbody text, proconfig
		text[], proacl text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			all := procs()
			rows := make([]types.Row, len(all))
			for i := range all {
				p := &all[i]
				args := p.args
				if args == nil {
					args = []uint32{}
				}
				var prorows float64
				if p.retSet {
					prorows = 1000
				}
				rows[i] = b.row("oid", p.oid, "proname", p.name, "pronamespace", PgCatalogID, "proowner", SuperuserID,
					"prolang", InternalLanguageID, "procost", 1.0, "prorows", prorows, "provariadic", p.variadic,
					"prokind", "f", "proisstrict", p.strict, "proretset", p.retSet, "provolatile", string(p.vol),
					"proparallel", string(p.parallel), "pronargs", len(p.args), "prorettype", p.ret,
					"proargtypes", args, "prosrc", p.name)
			}
			return rows
		})
}

// pgLanguage is pg_language: the languages builtin functions are written
// in.
func pgLanguage() systemTable {
	return catalogTable(2612, "pg_language", `
		oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool, lanplcallfoid oid, laninline
		oid, lanvalidator oid, lanacl text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			return []types.Row{
				b.row("oid", InternalLanguageID, "lanname", "internal", "lanowner", SuperuserID, "lanvalidator", 2246),
				b.row("oid", SQLLanguageID, "lanname", "sql", "lanowner", SuperuserID, "lanpltrusted", true, "lanvalidator", 2248),
			}
		})
}
