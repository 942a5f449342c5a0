package bind

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// typeNames maps Postgres type names (internal and SQL spellings) to types.
var typeNames = map[string]types.T{
	"bool": types.Bool, "boolean": types.Bool,
	"int2": types.Int2, "smallint": types.Int2,
	"int4": types.Int4, "int": types.Int4, "integer": types.Int4,
	"int8": types.Int8, "bigint": types.Int8,
	"float4": types.Float4, "real": types.Float4,
	"float8": types.Float8, "double precision": types.Float8, "float": types.Float8,
	"numeric": types.Numeric, "decimal": types.Numeric,
	"text": types.Text, "varchar": types.Varchar, "character varying": types.Varchar,
	"bpchar": types.BPChar, "char": types.BPChar, "character": types.BPChar,
	"name": types.Name, "bytea": types.Bytea,
	"date": types.Date, "time": types.Time, "timestamp": types.Timestamp,
	"timestamptz": types.TimestampTZ, "interval": types.Interval,
	"json": types.JSON, "jsonb": types.JSONB,
	"oid": types.OID, "regclass": types.RegClass, "regtype": types.RegType,
	"regproc": types.RegProc, "regnamespace": types.RegNS, "record": types.Record,
	"unknown": types.Unknown,
}

// Interval field masks of INTERVAL typmods (Postgres' INTERVAL_MASK bits).
const (
	intervalMonth  = 1 << 1
	intervalYear   = 1 << 2
	intervalDay    = 1 << 3
	intervalHour   = 1 << 10
	intervalMinute = 1 << 11
	intervalSecond = 1 << 12
	intervalFull   = 0x7FFF
)

// resolvedType is a type plus, for INTERVAL 'n' UNIT literals, the unit a
// bare number is counted in.
type resolvedType struct {
	t            types.T
	intervalUnit string
}

// typeName resolves a TypeName node.
func (b *Binder) typeName(tn *pg.TypeName) (resolvedType, error) {
	var parts []string
	for _, n := range tn.Names {
		parts = append(parts, n.GetString_().Sval)
	}
	name := parts[len(parts)-1]
	if len(parts) > 1 && parts[0] != "pg_catalog" {
		return resolvedType{}, b.errAt(sqlerr.Newf(sqlerr.UndefinedObject, "type %q does not exist", strings.Join(parts, ".")), tn.Location)
	}
	if name == "char" && len(parts) > 1 || name == "\"char\"" {
		name = "\"char\""
	}
	var t types.T
	if name == "\"char\"" {
		t = types.Char
	} else if tt, ok := typeNames[name]; ok {
		t = tt
	} else {
		switch name {
		case "timetz":
			return resolvedType{}, b.errAt(sqlerr.Unsupported("type time with time zone"), tn.Location)
		case "serial", "serial4", "bigserial", "serial8", "smallserial", "serial2":
			return resolvedType{}, b.errAt(sqlerr.Unsupported("type "+name), tn.Location)
		}
		return resolvedType{}, b.errAt(sqlerr.Newf(sqlerr.UndefinedObject, "type %q does not exist", name), tn.Location)
	}
	rt := resolvedType{t: t}
	mods, err := b.typmods(tn)
	if err != nil {
		return rt, err
	}
	switch t.Kind {
	case types.KindVarchar, types.KindBPChar:
		if len(mods) > 1 {
			return rt, b.errAt(sqlerr.New(sqlerr.SyntaxError, "invalid type modifier"), tn.Location)
		}
		if len(mods) == 1 {
			if mods[0] < 1 || mods[0] > 10485760 {
				return rt, b.errAt(sqlerr.Newf(sqlerr.InvalidParameterValue, "length for type %s must be at least 1", name), tn.Location)
			}
			rt.t.Mod = int32(mods[0])
		} else if t.Kind == types.KindBPChar && len(parts) == 1 && (name == "char" || name == "character") {
			rt.t.Mod = 1
		}
	case types.KindNumeric:
		switch len(mods) {
		case 0:
		case 1, 2:
			p, s := mods[0], int64(0)
			if len(mods) == 2 {
				s = mods[1]
			}
			if p < 1 || p > 1000 {
				return rt, b.errAt(sqlerr.Newf(sqlerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p), tn.Location)
			}
			if s < -1000 || s > 1000 {
				return rt, b.errAt(sqlerr.Newf(sqlerr.InvalidParameterValue, "NUMERIC scale %d must be between -1000 and 1000", s), tn.Location)
			}
			rt.t.Mod = types.NumericMod(int32(p), int32(s))
		default:
			return rt, b.errAt(sqlerr.New(sqlerr.SyntaxError, "invalid NUMERIC type modifier"), tn.Location)
		}
	case types.KindInterval:
		if len(mods) >= 1 {
			switch mods[0] {
			case intervalYear:
				rt.intervalUnit = "year"
			case intervalMonth:
				rt.intervalUnit = "month"
			case intervalDay:
				rt.intervalUnit = "day"
			case intervalHour:
				rt.intervalUnit = "hour"
			case intervalMinute:
				rt.intervalUnit = "minute"
			case intervalSecond:
				rt.intervalUnit = "second"
			}
		}
	case types.KindTimestamp, types.KindTimestampTZ, types.KindTime:
		if len(mods) > 0 && mods[0] != 6 {
			return rt, b.errAt(sqlerr.Unsupported("a precision for type "+t.String()), tn.Location)
		}
	case types.KindFloat8:
		if name == "float" && len(mods) == 1 && mods[0] <= 24 {
			rt.t = types.Float4
		}
	default:
		if len(mods) > 0 {
			return rt, b.errAt(sqlerr.Newf(sqlerr.SyntaxError, "type modifier is not allowed for type %q", name), tn.Location)
		}
	}
	if len(tn.ArrayBounds) > 0 {
		if len(tn.ArrayBounds) > 1 {
			return rt, b.errAt(sqlerr.Unsupported("multidimensional arrays"), tn.Location)
		}
		rt.t = types.ArrayOf(rt.t)
	}
	return rt, nil
}

// typmods evaluates the integer modifiers of a TypeName.
func (b *Binder) typmods(tn *pg.TypeName) ([]int64, error) {
	var out []int64
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return nil, b.errAt(sqlerr.New(sqlerr.SyntaxError, "type modifiers must be simple constants or identifiers"), tn.Location)
		}
		out = append(out, int64(c.GetIval().Ival))
	}
	return out, nil
}

// TypeName resolves a TypeName node for DDL (column definitions).
func (b *Binder) TypeName(tn *pg.TypeName) (types.T, error) {
	rt, err := b.typeName(tn)
	return rt.t, err
}
