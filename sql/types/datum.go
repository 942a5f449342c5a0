package types

import (
	"math"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
)

// Datum is one SQL value. The zero Datum is NULL. A Datum is immutable once
// built; copying it is cheap (it may share a string or pointer).
//
// Which fields hold the value depends on the kind:
//
//	bool                    i (0 or 1)
//	int2, int4, int8        i
//	float4, float8          i (math.Float64bits of the value)
//	numeric                 p (*apd.Decimal; NaN and ±Infinity are apd forms)
//	text, varchar, bpchar,
//	name, "char", bytea     p, i (a string's bytes and length; bytea holds raw bytes)
//	json, jsonb             p, i (jsonb in canonical Postgres output form)
//	date                    i (days since 1970-01-01)
//	time                    i (microseconds since midnight)
//	timestamp, timestamptz  i (microseconds since 1970-01-01 UTC)
//	interval                a (months), b (days), i (microseconds)
//	oid, reg*               i, and p (*string) for a display name
//	array                   p (*Array)
//	record                  p, i (the fields' first element and count)
//
// The pointer is untyped so that a Datum is 32 bytes: rows, chunks and the
// operators' state hold millions of them. Only this file's constructors and
// accessors interpret it.
type Datum struct {
	k Kind
	a int32
	b int32
	i int64
	p unsafe.Pointer
}

// str returns the string a Datum holds: a string kind's bytes, or the
// display name of an OID alias; "" for every other kind.
func (d Datum) str() string {
	switch {
	case d.k >= KindText && d.k <= KindBytea, d.k == KindJSONB, d.k == KindJSON, d.k == KindUnknown:
		return unsafe.String((*byte)(d.p), int(d.i))
	case d.k >= KindOID && d.k <= KindRegNamespace && d.p != nil:
		return *(*string)(d.p)
	}
	return ""
}

// stringDatum returns a Datum of kind k holding string v.
func stringDatum(k Kind, v string) Datum {
	return Datum{k: k, i: int64(len(v)), p: unsafe.Pointer(unsafe.StringData(v))}
}

// numericDatum returns a numeric Datum holding v.
func numericDatum(v *apd.Decimal) Datum { return Datum{k: KindNumeric, p: unsafe.Pointer(v)} }

// Array is the value of an array Datum: a one-dimensional array whose lower
// bound is 1 (multi-dimensional arrays are not supported yet).
type Array struct {
	Elem T
	Vals []Datum
}

// Infinity sentinels for date and timestamp values.
const (
	DateInfinity         = math.MaxInt32
	DateNegInfinity      = math.MinInt32
	TimestampInfinity    = math.MaxInt64
	TimestampNegInfinity = math.MinInt64
)

// NullDatum is SQL NULL.
var NullDatum = Datum{}

// Kind returns the kind of d; KindNull for NULL.
func (d Datum) Kind() Kind { return d.k }

// IsNull reports whether d is SQL NULL.
func (d Datum) IsNull() bool { return d.k == KindNull }

// NewBool returns a boolean.
func NewBool(v bool) Datum {
	if v {
		return Datum{k: KindBool, i: 1}
	}
	return Datum{k: KindBool}
}

// NewInt returns an integer-valued Datum of kind k (int2, int4, int8, oid or a reg* kind).
func NewInt(k Kind, v int64) Datum { return Datum{k: k, i: v} }

// NewNamedOID returns a value of an OID alias kind (regclass, regtype,
// regproc, regnamespace) that carries its display name, printed by its
// text output instead of the number (the binary form is still the OID).
func NewNamedOID(k Kind, oid int64, name string) Datum {
	return Datum{k: k, i: oid, p: unsafe.Pointer(&name)}
}

// NewInt8 returns a bigint.
func NewInt8(v int64) Datum { return Datum{k: KindInt8, i: v} }

// NewInt4 returns an integer.
func NewInt4(v int32) Datum { return Datum{k: KindInt4, i: int64(v)} }

// NewFloat returns a float of kind k (float4 or float8). A float4 is rounded
// to float32 precision.
func NewFloat(k Kind, v float64) Datum {
	if k == KindFloat4 {
		v = float64(float32(v))
	}
	return Datum{k: k, i: int64(math.Float64bits(v))}
}

// NewFloat8 returns a double precision value.
func NewFloat8(v float64) Datum { return NewFloat(KindFloat8, v) }

// NewNumeric returns a numeric. The Datum takes ownership of v: the caller
// must not modify it afterwards.
func NewNumeric(v *apd.Decimal) Datum { return numericDatum(v) }

// NewString returns a string-valued Datum of kind k (text, varchar, bpchar,
// name, "char", bytea, json or jsonb).
func NewString(k Kind, v string) Datum { return stringDatum(k, v) }

// NewText returns a text value.
func NewText(v string) Datum { return stringDatum(KindText, v) }

// NewBytea returns a bytea holding the bytes of v.
func NewBytea(v []byte) Datum { return stringDatum(KindBytea, string(v)) }

// NewDate returns a date from days since 1970-01-01.
func NewDate(days int32) Datum { return Datum{k: KindDate, i: int64(days)} }

// NewTime returns a time of day from microseconds since midnight.
func NewTime(micros int64) Datum { return Datum{k: KindTime, i: micros} }

// NewTimestamp returns a timestamp (kind KindTimestamp or KindTimestampTZ)
// from microseconds since 1970-01-01 UTC.
func NewTimestamp(k Kind, micros int64) Datum { return Datum{k: k, i: micros} }

// NewInterval returns an interval.
func NewInterval(months, days int32, micros int64) Datum {
	return Datum{k: KindInterval, a: months, b: days, i: micros}
}

// NewArray returns an array of elem-typed values. The Datum takes ownership of vals.
func NewArray(elem T, vals []Datum) Datum {
	return Datum{k: KindArray, p: unsafe.Pointer(&Array{Elem: elem, Vals: vals})}
}

// NewRecord returns an anonymous row value. The Datum takes ownership of vals.
func NewRecord(vals []Datum) Datum {
	return Datum{k: KindRecord, i: int64(len(vals)), p: unsafe.Pointer(unsafe.SliceData(vals))}
}

// Bool returns the value of a boolean Datum.
func (d Datum) Bool() bool { return d.i != 0 }

// Int returns the value of an integer, oid, date, time or timestamp Datum.
func (d Datum) Int() int64 { return d.i }

// Float returns the value of a float Datum.
func (d Datum) Float() float64 { return math.Float64frombits(uint64(d.i)) }

// Decimal returns the value of a numeric Datum. The caller must not modify it.
func (d Datum) Decimal() *apd.Decimal { return (*apd.Decimal)(d.p) }

// Str returns the string of a string, bytea, json or jsonb Datum.
func (d Datum) Str() string { return d.str() }

// Interval returns the parts of an interval Datum.
func (d Datum) Interval() (months, days int32, micros int64) { return d.a, d.b, d.i }

// Array returns the value of an array Datum. The caller must not modify it.
func (d Datum) Array() *Array { return (*Array)(d.p) }

// Record returns the fields of a record Datum. The caller must not modify them.
func (d Datum) Record() []Datum { return unsafe.Slice((*Datum)(d.p), d.i) }

// WithKind returns d relabelled as kind k, for kinds that share a
// representation (text and varchar; int kinds; timestamp kinds; oid kinds).
func (d Datum) WithKind(k Kind) Datum {
	if d.k == KindNull {
		return d
	}
	d.k = k
	return d
}
