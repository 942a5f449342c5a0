package types

import "fmt"

// T is a SQL type: a kind plus its modifier and, for arrays, element type.
// Mod is the Postgres typmod: -1 when absent; for varchar(n) and char(n) it
// is n (not n+4 as Postgres stores it); for numeric(p,s) it is p<<16 | s.
type T struct {
	Kind Kind
	Mod  int32
	Elem *T // element type when Kind == KindArray
}

// Common types, with no modifier.
var (
	Null        = T{Kind: KindNull, Mod: -1}
	Unknown     = T{Kind: KindUnknown, Mod: -1}
	Bool        = T{Kind: KindBool, Mod: -1}
	Int2        = T{Kind: KindInt2, Mod: -1}
	Int4        = T{Kind: KindInt4, Mod: -1}
	Int8        = T{Kind: KindInt8, Mod: -1}
	Float4      = T{Kind: KindFloat4, Mod: -1}
	Float8      = T{Kind: KindFloat8, Mod: -1}
	Numeric     = T{Kind: KindNumeric, Mod: -1}
	Text        = T{Kind: KindText, Mod: -1}
	Varchar     = T{Kind: KindVarchar, Mod: -1}
	BPChar      = T{Kind: KindBPChar, Mod: -1}
	Name        = T{Kind: KindName, Mod: -1}
	Char        = T{Kind: KindChar, Mod: -1}
	Bytea       = T{Kind: KindBytea, Mod: -1}
	Date        = T{Kind: KindDate, Mod: -1}
	Time        = T{Kind: KindTime, Mod: -1}
	Timestamp   = T{Kind: KindTimestamp, Mod: -1}
	TimestampTZ = T{Kind: KindTimestampTZ, Mod: -1}
	Interval    = T{Kind: KindInterval, Mod: -1}
	JSONB       = T{Kind: KindJSONB, Mod: -1}
	JSON        = T{Kind: KindJSON, Mod: -1}
	OID         = T{Kind: KindOID, Mod: -1}
	RegClass    = T{Kind: KindRegClass, Mod: -1}
	RegType     = T{Kind: KindRegType, Mod: -1}
	RegProc     = T{Kind: KindRegProc, Mod: -1}
	RegNS       = T{Kind: KindRegNamespace, Mod: -1}
	Record      = T{Kind: KindRecord, Mod: -1}
)

// ArrayOf returns the array type whose elements have type elem.
func ArrayOf(elem T) T {
	e := elem
	return T{Kind: KindArray, Mod: -1, Elem: &e}
}

// NumericMod returns the typmod of numeric(precision, scale).
func NumericMod(precision, scale int32) int32 { return precision<<16 | (scale & 0xffff) }

// NumericPrecisionScale returns the precision and scale of a numeric type,
// ok false when it has no modifier.
func (t T) NumericPrecisionScale() (precision, scale int32, ok bool) {
	if t.Kind != KindNumeric || t.Mod < 0 {
		return 0, 0, false
	}
	return t.Mod >> 16, int32(int16(t.Mod & 0xffff)), true
}

// Equal reports whether t and u are the same type including modifiers.
func (t T) Equal(u T) bool {
	if t.Kind != u.Kind || t.Mod != u.Mod {
		return false
	}
	if t.Kind == KindArray {
		return t.Elem.Equal(*u.Elem)
	}
	return true
}

// SameKind reports whether t and u have the same kind (and, for arrays,
// element kind), ignoring modifiers.
func (t T) SameKind(u T) bool {
	if t.Kind != u.Kind {
		return false
	}
	if t.Kind == KindArray {
		return t.Elem.SameKind(*u.Elem)
	}
	return true
}

// String returns the type as Postgres' format_type prints it, with modifiers:
// "character varying(10)", "numeric(10,2)", "integer[]".
func (t T) String() string {
	switch t.Kind {
	case KindArray:
		return t.Elem.String() + "[]"
	case KindVarchar, KindBPChar:
		if t.Mod >= 0 {
			return fmt.Sprintf("%s(%d)", t.Kind, t.Mod)
		}
		if t.Kind == KindBPChar {
			return "bpchar"
		}
	case KindNumeric:
		if p, s, ok := t.NumericPrecisionScale(); ok {
			return fmt.Sprintf("numeric(%d,%d)", p, s)
		}
	}
	return t.Kind.String()
}
