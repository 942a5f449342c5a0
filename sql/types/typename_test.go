package types

import (
	"strconv"
	"strings"
	"testing"
)

// typeByName returns the type that format_type names, for test tables:
// "integer", "numeric(5,2)", "character varying(5)", "text[]", ...
func typeByName(tb testing.TB, name string) T {
	tb.Helper()
	if elem, ok := strings.CutSuffix(name, "[]"); ok {
		return ArrayOf(typeByName(tb, elem))
	}
	base, args, hasArgs := strings.Cut(name, "(")
	var mods []int32
	if hasArgs {
		args, rest, _ := strings.Cut(args, ")")
		for _, a := range strings.Split(args, ",") {
			v, err := strconv.Atoi(a)
			if err != nil {
				tb.Fatalf("bad type %q", name)
			}
			mods = append(mods, int32(v))
		}
		base += rest
	}
	names := map[string]T{
		"boolean": Bool, "smallint": Int2, "integer": Int4, "bigint": Int8, "oid": OID, "real": Float4,
		"double precision": Float8, "numeric": Numeric, "text": Text, "character varying": Varchar,
		"character": BPChar, "bpchar": BPChar, "name": Name, `"char"`: Char, "bytea": Bytea, "date": Date,
		"time": Time, "timestamp without time zone": Timestamp, "timestamp": Timestamp,
		"timestamp with time zone": TimestampTZ, "interval": Interval, "jsonb": JSONB, "json": JSON,
		"time without time zone": Time,
	}
	t, ok := names[strings.TrimSpace(base)]
	if !ok {
		tb.Fatalf("unknown type %q", name)
	}
	switch {
	case len(mods) == 2 && t.Kind == KindNumeric:
		t.Mod = NumericMod(mods[0], mods[1])
	case len(mods) == 1:
		t.Mod = mods[0]
	}
	return t
}
