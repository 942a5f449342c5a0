package catalog

import "github.com/freshetdb/freshet/sql/types"

// Collation OIDs of pg_collation.
const (
	DefaultCollationID uint32 = 100
	CCollationID       uint32 = 950
	POSIXCollationID   uint32 = 951
)

// builtinType is one row of pg_type for a builtin type, with Postgres 15's
// values (OIDs of the type, its element and array types and its I/O
// functions included).
type builtinType struct {
	oid       uint32
	name      string
	length    int16
	byVal     bool
	typType   byte
	category  byte
	preferred bool
	delim     byte
	subscript uint32
	elem      uint32
	array     uint32
	input     uint32
	output    uint32
	receive   uint32
	send      uint32
	modIn     uint32
	modOut    uint32
	analyze   uint32
	align     byte
	storage   byte
	collation uint32
}

// builtinTypes are the types Freshet implements, their array types, the
// vector types of Postgres' own catalogs and the pseudo-types that pg_proc
// rows refer to, as Postgres 15 defines them.
var builtinTypes = []builtinType{
	{16, "bool", 1, true, 'b', 'B', true, ',', 0, 0, 1000, 1242, 1243, 2436, 2437, 0, 0, 0, 'c', 'p', 0},
	{17, "bytea", -1, false, 'b', 'U', false, ',', 0, 0, 1001, 1244, 31, 2412, 2413, 0, 0, 0, 'i', 'x', 0},
	{18, "char", 1, true, 'b', 'Z', false, ',', 0, 0, 1002, 1245, 33, 2434, 2435, 0, 0, 0, 'c', 'p', 0},
	{19, "name", 64, false, 'b', 'S', false, ',', 6180, 18, 1003, 34, 35, 2422, 2423, 0, 0, 0, 'c', 'p', 950},
	{20, "int8", 8, true, 'b', 'N', false, ',', 0, 0, 1016, 460, 461, 2408, 2409, 0, 0, 0, 'd', 'p', 0},
	{21, "int2", 2, true, 'b', 'N', false, ',', 0, 0, 1005, 38, 39, 2404, 2405, 0, 0, 0, 's', 'p', 0},
	{22, "int2vector", -1, false, 'b', 'A', false, ',', 6179, 21, 1006, 40, 41, 2410, 2411, 0, 0, 0, 'i', 'p', 0},
	{23, "int4", 4, true, 'b', 'N', false, ',', 0, 0, 1007, 42, 43, 2406, 2407, 0, 0, 0, 'i', 'p', 0},
	{24, "regproc", 4, true, 'b', 'N', false, ',', 0, 0, 1008, 44, 45, 2444, 2445, 0, 0, 0, 'i', 'p', 0},
	{25, "text", -1, false, 'b', 'S', true, ',', 0, 0, 1009, 46, 47, 2414, 2415, 0, 0, 0, 'i', 'x', 100},
	{26, "oid", 4, true, 'b', 'N', true, ',', 0, 0, 1028, 1798, 1799, 2418, 2419, 0, 0, 0, 'i', 'p', 0},
	{30, "oidvector", -1, false, 'b', 'A', false, ',', 6179, 26, 1013, 54, 55, 2420, 2421, 0, 0, 0, 'i', 'p', 0},
	{114, "json", -1, false, 'b', 'U', false, ',', 0, 0, 199, 321, 322, 323, 324, 0, 0, 0, 'i', 'x', 0},
	{199, "_json", -1, false, 'b', 'A', false, ',', 6179, 114, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{269, "table_am_handler", 4, true, 'p', 'P', false, ',', 0, 0, 0, 267, 268, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{325, "index_am_handler", 4, true, 'p', 'P', false, ',', 0, 0, 0, 326, 327, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{700, "float4", 4, true, 'b', 'N', false, ',', 0, 0, 1021, 200, 201, 2424, 2425, 0, 0, 0, 'i', 'p', 0},
	{701, "float8", 8, true, 'b', 'N', true, ',', 0, 0, 1022, 214, 215, 2426, 2427, 0, 0, 0, 'd', 'p', 0},
	{705, "unknown", -2, false, 'p', 'X', false, ',', 0, 0, 0, 109, 110, 2416, 2417, 0, 0, 0, 'c', 'p', 0},
	{1000, "_bool", -1, false, 'b', 'A', false, ',', 6179, 16, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1001, "_bytea", -1, false, 'b', 'A', false, ',', 6179, 17, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1002, "_char", -1, false, 'b', 'A', false, ',', 6179, 18, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1003, "_name", -1, false, 'b', 'A', false, ',', 6179, 19, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 950},
	{1005, "_int2", -1, false, 'b', 'A', false, ',', 6179, 21, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1006, "_int2vector", -1, false, 'b', 'A', false, ',', 6179, 22, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1007, "_int4", -1, false, 'b', 'A', false, ',', 6179, 23, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1008, "_regproc", -1, false, 'b', 'A', false, ',', 6179, 24, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1009, "_text", -1, false, 'b', 'A', false, ',', 6179, 25, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 100},
	{1013, "_oidvector", -1, false, 'b', 'A', false, ',', 6179, 30, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1014, "_bpchar", -1, false, 'b', 'A', false, ',', 6179, 1042, 0, 750, 751, 2400, 2401, 2913, 2914, 3816, 'i', 'x', 100},
	{1015, "_varchar", -1, false, 'b', 'A', false, ',', 6179, 1043, 0, 750, 751, 2400, 2401, 2915, 2916, 3816, 'i', 'x', 100},
	{1016, "_int8", -1, false, 'b', 'A', false, ',', 6179, 20, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0},
	{1021, "_float4", -1, false, 'b', 'A', false, ',', 6179, 700, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1022, "_float8", -1, false, 'b', 'A', false, ',', 6179, 701, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0},
	{1028, "_oid", -1, false, 'b', 'A', false, ',', 6179, 26, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1042, "bpchar", -1, false, 'b', 'S', false, ',', 0, 0, 1014, 1044, 1045, 2430, 2431, 2913, 2914, 0, 'i', 'x', 100},
	{1043, "varchar", -1, false, 'b', 'S', false, ',', 0, 0, 1015, 1046, 1047, 2432, 2433, 2915, 2916, 0, 'i', 'x', 100},
	{1082, "date", 4, true, 'b', 'D', false, ',', 0, 0, 1182, 1084, 1085, 2468, 2469, 0, 0, 0, 'i', 'p', 0},
	{1083, "time", 8, true, 'b', 'D', false, ',', 0, 0, 1183, 1143, 1144, 2470, 2471, 2909, 2910, 0, 'd', 'p', 0},
	{1114, "timestamp", 8, true, 'b', 'D', false, ',', 0, 0, 1115, 1312, 1313, 2474, 2475, 2905, 2906, 0, 'd', 'p', 0},
	{1115, "_timestamp", -1, false, 'b', 'A', false, ',', 6179, 1114, 0, 750, 751, 2400, 2401, 2905, 2906, 3816, 'd', 'x', 0},
	{1182, "_date", -1, false, 'b', 'A', false, ',', 6179, 1082, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{1183, "_time", -1, false, 'b', 'A', false, ',', 6179, 1083, 0, 750, 751, 2400, 2401, 2909, 2910, 3816, 'd', 'x', 0},
	{1184, "timestamptz", 8, true, 'b', 'D', true, ',', 0, 0, 1185, 1150, 1151, 2476, 2477, 2907, 2908, 0, 'd', 'p', 0},
	{1185, "_timestamptz", -1, false, 'b', 'A', false, ',', 6179, 1184, 0, 750, 751, 2400, 2401, 2907, 2908, 3816, 'd', 'x', 0},
	{1186, "interval", 16, false, 'b', 'T', true, ',', 0, 0, 1187, 1160, 1161, 2478, 2479, 2903, 2904, 0, 'd', 'p', 0},
	{1187, "_interval", -1, false, 'b', 'A', false, ',', 6179, 1186, 0, 750, 751, 2400, 2401, 2903, 2904, 3816, 'd', 'x', 0},
	{1231, "_numeric", -1, false, 'b', 'A', false, ',', 6179, 1700, 0, 750, 751, 2400, 2401, 2917, 2918, 3816, 'i', 'x', 0},
	{1700, "numeric", -1, false, 'b', 'N', false, ',', 0, 0, 1231, 1701, 1702, 2460, 2461, 2917, 2918, 0, 'i', 'm', 0},
	{2205, "regclass", 4, true, 'b', 'N', false, ',', 0, 0, 2210, 2218, 2219, 2452, 2453, 0, 0, 0, 'i', 'p', 0},
	{2206, "regtype", 4, true, 'b', 'N', false, ',', 0, 0, 2211, 2220, 2221, 2454, 2455, 0, 0, 0, 'i', 'p', 0},
	{2210, "_regclass", -1, false, 'b', 'A', false, ',', 6179, 2205, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{2211, "_regtype", -1, false, 'b', 'A', false, ',', 6179, 2206, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{2249, "record", -1, false, 'p', 'P', false, ',', 0, 0, 2287, 2290, 2291, 2402, 2403, 0, 0, 0, 'd', 'x', 0},
	{2275, "cstring", -2, false, 'p', 'P', false, ',', 0, 0, 1263, 2292, 2293, 2500, 2501, 0, 0, 0, 'c', 'p', 0},
	{2276, "any", 4, true, 'p', 'P', false, ',', 0, 0, 0, 2294, 2295, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{2277, "anyarray", -1, false, 'p', 'P', false, ',', 0, 0, 0, 2296, 2297, 2502, 2503, 0, 0, 0, 'd', 'x', 0},
	{2278, "void", 4, true, 'p', 'P', false, ',', 0, 0, 0, 2298, 2299, 3120, 3121, 0, 0, 0, 'i', 'p', 0},
	{2281, "internal", 8, true, 'p', 'P', false, ',', 0, 0, 0, 2304, 2305, 0, 0, 0, 0, 0, 'd', 'p', 0},
	{2283, "anyelement", 4, true, 'p', 'P', false, ',', 0, 0, 0, 2312, 2313, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{2287, "_record", -1, false, 'p', 'P', false, ',', 6179, 2249, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'd', 'x', 0},
	{2776, "anynonarray", 4, true, 'p', 'P', false, ',', 0, 0, 0, 2777, 2778, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{3802, "jsonb", -1, false, 'b', 'U', false, ',', 6098, 0, 3807, 3806, 3804, 3805, 3803, 0, 0, 0, 'i', 'x', 0},
	{3807, "_jsonb", -1, false, 'b', 'A', false, ',', 6179, 3802, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{4089, "regnamespace", 4, true, 'b', 'N', false, ',', 0, 0, 4090, 4084, 4085, 4087, 4088, 0, 0, 0, 'i', 'p', 0},
	{4090, "_regnamespace", -1, false, 'b', 'A', false, ',', 6179, 4089, 0, 750, 751, 2400, 2401, 0, 0, 3816, 'i', 'x', 0},
	{5077, "anycompatible", 4, true, 'p', 'P', false, ',', 0, 0, 0, 5086, 5087, 0, 0, 0, 0, 0, 'i', 'p', 0},
	{5078, "anycompatiblearray", -1, false, 'p', 'P', false, ',', 0, 0, 0, 5088, 5089, 5090, 5091, 0, 0, 0, 'd', 'x', 0},
	{5079, "anycompatiblenonarray", 4, true, 'p', 'P', false, ',', 0, 0, 0, 5092, 5093, 0, 0, 0, 0, 0, 'i', 'p', 0},
}

// typesByOID indexes builtinTypes.
var typesByOID = func() map[uint32]*builtinType {
	m := make(map[uint32]*builtinType, len(builtinTypes))
	for i := range builtinTypes {
		m[builtinTypes[i].oid] = &builtinTypes[i]
	}
	return m
}()

// TypeName returns pg_type.typname of a builtin type ("int4", "_text",
// "anyelement"); ok is false for an OID pg_type does not have.
func TypeName(oid uint32) (string, bool) {
	if bt, ok := typesByOID[oid]; ok {
		return bt.name, true
	}
	return "", false
}

// typeCollation returns the collation of values of t: the default
// collation for character types, C for name, none (0) otherwise.
func typeCollation(t types.T) uint32 {
	if bt, ok := typesByOID[t.OID()]; ok {
		return bt.collation
	}
	return 0
}

// pgType is pg_type: the builtin types (see builtinTypes). Freshet has no
// user-defined types, domains or per-relation row types yet.
func pgType() systemTable {
	return catalogTable(1247, "pg_type", `
		oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char,
		typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, typsubscript
		regproc, typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive regproc,
		typsend regproc, typmodin regproc, typmodout regproc, typanalyze regproc, typalign char,
		typstorage char, typnotnull bool, typbasetype oid, typtypmod int4, typndims int4, typcollation oid,
		typdefaultbin text, typdefault text, typacl text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			rows := make([]types.Row, len(builtinTypes))
			for i := range builtinTypes {
				t := &builtinTypes[i]
				rows[i] = b.row("oid", t.oid, "typname", t.name, "typnamespace", PgCatalogID, "typowner", SuperuserID,
					"typlen", t.length, "typbyval", t.byVal, "typtype", string(t.typType), "typcategory", string(t.category),
					"typispreferred", t.preferred, "typisdefined", true, "typdelim", string(t.delim),
					"typsubscript", t.subscript, "typelem", t.elem, "typarray", t.array, "typinput", t.input,
					"typoutput", t.output, "typreceive", t.receive, "typsend", t.send, "typmodin", t.modIn,
					"typmodout", t.modOut, "typanalyze", t.analyze, "typalign", string(t.align),
					"typstorage", string(t.storage), "typtypmod", -1, "typcollation", t.collation)
			}
			return rows
		})
}

// pgCollation is pg_collation: the default, C and POSIX collations.
func pgCollation() systemTable {
	return catalogTable(3456, "pg_collation", `
		oid oid, collname name, collnamespace oid, collowner oid, collprovider char, collisdeterministic
		bool, collencoding int4, collcollate text, collctype text, colliculocale text, collversion text`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			row := func(oid uint32, name, provider string, locale any) types.Row {
				return b.row("oid", oid, "collname", name, "collnamespace", PgCatalogID, "collowner", SuperuserID,
					"collprovider", provider, "collisdeterministic", true, "collencoding", -1,
					"collcollate", locale, "collctype", locale)
			}
			return []types.Row{
				row(DefaultCollationID, "default", "d", nil),
				row(CCollationID, "C", "c", "C"),
				row(POSIXCollationID, "POSIX", "c", "POSIX"),
			}
		})
}

// pgEnum is pg_enum; Freshet has no enum types, so it is empty.
func pgEnum() systemTable {
	return catalogTable(3501, "pg_enum", `oid oid, enumtypid oid, enumsortorder float4, enumlabel name`, nil)
}

// pgRange is pg_range; Freshet has no range types, so it is empty.
func pgRange() systemTable {
	return catalogTable(3541, "pg_range", `
		rngtypid oid, rngsubtype oid, rngmultitypid oid, rngcollation oid, rngsubopc oid, rngcanonical
		regproc, rngsubdiff regproc`, nil)
}
