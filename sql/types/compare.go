package types

import "strings"

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b, in
// the total order that ORDER BY, sorts and merges use. It expects values of
// the same kind (the planner casts first); values of unrelated kinds order
// by kind so that the order stays total. The order follows Postgres:
//   - NULL sorts after every other value and equals NULL (ASC NULLS LAST);
//   - floats: -0 equals 0, NaN equals NaN and sorts after +Infinity;
//   - numeric: by value ignoring scale (1.0 = 1.00), NaN after +Infinity;
//   - text, varchar, name, "char", bytea, json: bytewise, as under the C
//     collation (Freshet has no other collation); bpchar ignores trailing
//     spaces;
//   - interval: by span with 30-day months and 24-hour days;
//   - jsonb: Postgres' jsonb ordering (object > array > boolean > number >
//     string > null, then by size and contents);
//   - arrays element by element then by length; records field by field.
//
// It does not allocate for integers, floats, strings, dates, times and
// timestamps.
func Compare(a, b Datum) int {
	if a.k == KindNull || b.k == KindNull {
		switch {
		case a.k == b.k:
			return 0
		case a.k == KindNull:
			return 1
		}
		return -1
	}
	fa, fb := family(a.k), family(b.k)
	if fa != fb {
		return cmpInt(int64(fa), int64(fb))
	}
	switch fa {
	case famInt, famDate, famTime, famTimestamp:
		return cmpInt(a.i, b.i)
	case famBytea, famJSON:
		return strings.Compare(a.str(), b.str())
	case famFloat:
		return compareFloat(a.Float(), b.Float())
	case famNumeric:
		return compareNumeric(a.Decimal(), b.Decimal())
	case famString:
		if a.k == KindBPChar || b.k == KindBPChar {
			return strings.Compare(strings.TrimRight(a.str(), " "), strings.TrimRight(b.str(), " "))
		}
		return strings.Compare(a.str(), b.str())
	case famJSONB:
		return compareJSONB(a.str(), b.str())
	case famInterval:
		return compareInterval(a, b)
	case famArray:
		return compareArrays(a.Array(), b.Array())
	case famRecord:
		return compareRecords(a.Record(), b.Record())
	}
	return cmpInt(int64(a.k), int64(b.k))
}

// Equal reports whether a and b are the same for GROUP BY, DISTINCT and
// hash join keys: exactly when Compare returns 0. So NULL equals NULL
// (grouping semantics; joins must treat NULL keys as never matching
// themselves), numeric 1.0 equals 1.00, float -0 equals 0 and NaN equals
// NaN, '1 day' equals '24 hours', and bpchar ignores trailing spaces.
func Equal(a, b Datum) bool {
	if a.k == b.k {
		switch a.k {
		case KindNull:
			return true
		case KindBool, KindInt2, KindInt4, KindInt8, KindOID, KindDate, KindTime, KindTimestamp, KindTimestampTZ:
			return a.i == b.i
		case KindText, KindVarchar, KindName, KindBytea:
			return a.str() == b.str()
		}
	}
	return Compare(a, b) == 0
}

// kindFamily groups kinds that share a representation and compare with
// each other.
type kindFamily uint8

const (
	famOther kindFamily = iota
	famInt
	famFloat
	famNumeric
	famString
	famBytea
	famDate
	famTime
	famTimestamp
	famInterval
	famJSON
	famJSONB
	famArray
	famRecord
)

func family(k Kind) kindFamily {
	switch k {
	case KindBool, KindInt2, KindInt4, KindInt8, KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		return famInt
	case KindFloat4, KindFloat8:
		return famFloat
	case KindNumeric:
		return famNumeric
	case KindText, KindVarchar, KindBPChar, KindName, KindChar, KindUnknown:
		return famString
	case KindBytea:
		return famBytea
	case KindDate:
		return famDate
	case KindTime:
		return famTime
	case KindTimestamp, KindTimestampTZ:
		return famTimestamp
	case KindInterval:
		return famInterval
	case KindJSON:
		return famJSON
	case KindJSONB:
		return famJSONB
	case KindArray:
		return famArray
	case KindRecord:
		return famRecord
	}
	return famOther
}

// Identical reports whether a and b are the same value written the same
// way: Equal, and also alike in what their text output shows (numeric 1.0
// and 1.00, float 0 and -0, interval '1 mon' and '30 days' are Equal but not
// Identical). State that must show values as they are present in its input
// keys by Identical; grouping keys by Equal.
func Identical(a, b Datum) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case KindNumeric:
		x, y := a.Decimal(), b.Decimal()
		return x.Form == y.Form && x.Negative == y.Negative && x.Exponent == y.Exponent && x.Coeff.Cmp(&y.Coeff) == 0
	case KindFloat4, KindFloat8:
		return a.i == b.i
	case KindInterval:
		return a.a == b.a && a.b == b.b && a.i == b.i
	case KindArray:
		xa, ya := a.Array(), b.Array()
		if len(xa.Vals) != len(ya.Vals) {
			return false
		}
		for i := range xa.Vals {
			if !Identical(xa.Vals[i], ya.Vals[i]) {
				return false
			}
		}
		return true
	case KindRecord:
		xr, yr := a.Record(), b.Record()
		if len(xr) != len(yr) {
			return false
		}
		for i := range xr {
			if !Identical(xr[i], yr[i]) {
				return false
			}
		}
		return true
	}
	return a.str() == b.str() && Equal(a, b)
}
