package types

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// FormatContext carries the session settings that change text output and
// input. A nil *FormatContext means the defaults: TimeZone UTC,
// extra_float_digits 1, and the wall clock for 'now'.
type FormatContext struct {
	// Location is the session TimeZone: timestamptz values print in it and
	// input without an explicit zone is read in it. nil means UTC.
	Location *time.Location
	// ExtraFloatDigits is the extra_float_digits setting. Postgres'
	// default is 1 (shortest exact round-trip output); note that the zero
	// value of this field means 0 (15 significant digits for float8), so
	// build contexts with NewFormatContext unless the session set it.
	ExtraFloatDigits int
	// Now is the transaction start time that the input words 'now',
	// 'today', 'tomorrow' and 'yesterday' refer to; the zero time means
	// the wall clock at the moment of parsing.
	Now time.Time
}

// NewFormatContext returns a context with Postgres' defaults and the given
// session time zone (nil means UTC).
func NewFormatContext(loc *time.Location) *FormatContext {
	return &FormatContext{Location: loc, ExtraFloatDigits: 1}
}

var defaultFormatContext = FormatContext{ExtraFloatDigits: 1}

func (ctx *FormatContext) location() *time.Location {
	if ctx == nil || ctx.Location == nil {
		return time.UTC
	}
	return ctx.Location
}

// orDefault returns ctx, or the default context when ctx is nil.
func (ctx *FormatContext) orDefault() *FormatContext {
	if ctx == nil {
		return &defaultFormatContext
	}
	return ctx
}

// resolveKind returns the kind that decides the encoding of d as type t:
// t's kind, or d's own when t is unknown.
func resolveKind(d Datum, t T) Kind {
	if t.Kind == KindUnknown || t.Kind == KindNull {
		return d.k
	}
	return t.Kind
}

// FormatText appends the Postgres text output of d as type t (what psql
// shows and what the text wire format carries), byte-identical to
// PostgreSQL 15 with DateStyle ISO, MDY and IntervalStyle postgres. ctx
// gives the session time zone and extra_float_digits; nil means UTC and 1.
// A NULL appends nothing (the wire protocol sends NULL as a length of -1).
// It does not allocate for scalars other than numeric and jsonb.
func FormatText(buf []byte, d Datum, t T, ctx *FormatContext) []byte {
	if d.k == KindNull {
		return buf
	}
	ctx = ctx.orDefault()
	switch resolveKind(d, t) {
	case KindBool:
		if d.i != 0 {
			return append(buf, 't')
		}
		return append(buf, 'f')
	case KindInt2, KindInt4, KindInt8:
		return strconv.AppendInt(buf, d.i, 10)
	case KindRegType, KindRegClass, KindRegProc, KindRegNamespace:
		if d.str() != "" {
			return append(buf, d.str()...)
		}
		if resolveKind(d, t) != KindRegType {
			return strconv.AppendUint(buf, uint64(uint32(d.i)), 10)
		}
		// Builtin types print their name, as regtype output does.
		if bt, ok := FromOID(uint32(d.i)); ok {
			return append(buf, bt.String()...)
		}
		return strconv.AppendUint(buf, uint64(uint32(d.i)), 10)
	case KindOID:
		return strconv.AppendUint(buf, uint64(uint32(d.i)), 10)
	case KindFloat4:
		return appendFloat(buf, d.Float(), 32, ctx.ExtraFloatDigits)
	case KindFloat8:
		return appendFloat(buf, d.Float(), 64, ctx.ExtraFloatDigits)
	case KindNumeric:
		return appendNumeric(buf, d.Decimal())
	case KindBPChar:
		return appendBPChar(buf, d.str(), t.Mod)
	case KindChar:
		return appendChar(buf, d.str())
	case KindBytea:
		return appendByteaHex(buf, d.str())
	case KindDate:
		return appendDate(buf, d.i)
	case KindTime:
		return appendClock(buf, d.i)
	case KindTimestamp:
		return appendTimestamp(buf, d.i, false, nil)
	case KindTimestampTZ:
		return appendTimestamp(buf, d.i, true, ctx.location())
	case KindInterval:
		return appendInterval(buf, d.a, d.b, d.i)
	case KindArray:
		return appendArrayText(buf, d, t, ctx)
	case KindRecord:
		return appendRecordText(buf, d, ctx)
	}
	// text, varchar, name, json, jsonb (stored canonical), unknown.
	return append(buf, d.str()...)
}

// appendBPChar appends a character(n) value padded with spaces to n
// characters.
func appendBPChar(buf []byte, s string, n int32) []byte {
	buf = append(buf, s...)
	if n <= 0 {
		return buf
	}
	for c := utf8.RuneCountInString(s); c < int(n); c++ {
		buf = append(buf, ' ')
	}
	return buf
}

// appendChar appends a "char" value: nothing for the zero byte, the byte
// for ASCII, and a \ooo octal escape for bytes above 127 (Postgres 15).
func appendChar(buf []byte, s string) []byte {
	if s == "" || s[0] == 0 {
		return buf
	}
	c := s[0]
	if c < 0x80 {
		return append(buf, c)
	}
	return append(buf, '\\', '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
}

const hexDigits = "0123456789abcdef"

// appendByteaHex appends bytea in hex output format: \x then two lower-case
// hex digits per byte.
func appendByteaHex(buf []byte, s string) []byte {
	buf = append(buf, '\\', 'x')
	for i := 0; i < len(s); i++ {
		buf = append(buf, hexDigits[s[i]>>4], hexDigits[s[i]&15])
	}
	return buf
}

// typeOfDatum returns the type of a self-describing value (a record field),
// with no modifier.
func typeOfDatum(d Datum) T {
	if d.k == KindArray {
		return ArrayOf(d.Array().Elem)
	}
	return T{Kind: d.k, Mod: -1}
}

// cmpInt compares two integers.
func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
