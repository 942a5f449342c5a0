package types

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Key encoding
//
// AppendKey writes a value so that bytes.Compare of two encodings of the
// same type agrees exactly with Compare: equal bytes if and only if
// Compare returns 0. Concatenated keys of several columns therefore sort
// as the tuple does, and a Pebble primary key is unique where a Postgres
// unique index is.
//
// Because Compare-equal values share one encoding, a key is canonical, not
// a copy: DecodeKey returns a value Equal to the original, but numeric
// loses trailing fractional zeros (1.50 decodes as 1.5), float -0 decodes
// as 0, an interval decodes as days and microseconds ('1 mon' as
// '30 days'), an unbounded bpchar loses trailing spaces (a bpchar(n) is
// padded back to n), and jsonb numbers lose trailing zeros. Storage that
// must return the value as written keeps it in the row value as well.
//
// Layout (ascending): a NULL is the byte 0xFF, any other value the byte
// 0x02 and a payload:
//
//	bool                 0 or 1
//	int2/int4/int8       2/4/8 bytes big-endian, sign bit flipped
//	oid, reg*            4 bytes big-endian
//	float4/float8        4/8 bytes of IEEE bits, sign-adjusted (NaN last)
//	numeric              class byte, then exponent and digits (see below)
//	strings, bytea, json bytes with 0x00 escaped as 00 FF, ended by 00 01
//	date                 4 bytes, sign bit flipped
//	time, timestamp(tz)  8 bytes, sign bit flipped
//	interval             16-byte span (see interval.go), sign bit flipped
//	jsonb                see jsonb.go
//	array                per element 0x01 and its key; 0x00 at the end
//	record               per field 0x01, then 0xFF for NULL or 0x02, the
//	                     field's type descriptor and payload; 0x00 at the end
//
// A descending key is the ascending key with every byte inverted, so
// NULLs come first, as with Postgres' DESC (NULLS FIRST).

const (
	keyNull    byte = 0xFF
	keyNotNull byte = 0x02
)

// Numeric key classes.
const (
	numKeyNegInf byte = iota + 1
	numKeyNeg
	numKeyZero
	numKeyPos
	numKeyPosInf
	numKeyNaN
)

// AppendKey appends the order-preserving, memcomparable encoding of d as
// type t (descending when desc) and returns the extended buffer. The
// comment at the top of key.go gives the layout and what a key keeps. It does not allocate for integers, floats, strings, dates, times
// and timestamps.
func AppendKey(buf []byte, d Datum, t T, desc bool) []byte {
	start := len(buf)
	buf = appendKeyAsc(buf, d, t)
	if desc {
		for i := start; i < len(buf); i++ {
			buf[i] = ^buf[i]
		}
	}
	return buf
}

func appendKeyAsc(buf []byte, d Datum, t T) []byte {
	if d.k == KindNull {
		return append(buf, keyNull)
	}
	buf = append(buf, keyNotNull)
	return appendKeyPayload(buf, d, t)
}

func appendUint16BE(buf []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(buf, v) }
func appendUint32BE(buf []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(buf, v) }
func appendUint64BE(buf []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(buf, v) }

func appendKeyPayload(buf []byte, d Datum, t T) []byte {
	switch resolveKind(d, t) {
	case KindBool:
		return append(buf, byte(d.i&1))
	case KindInt2:
		return appendUint16BE(buf, uint16(d.i)^0x8000)
	case KindInt4:
		return appendUint32BE(buf, uint32(d.i)^0x80000000)
	case KindInt8:
		return appendUint64BE(buf, uint64(d.i)^(1<<63))
	case KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		return appendUint32BE(buf, uint32(d.i))
	case KindFloat4:
		b := math.Float32bits(float32(canonicalFloat(d.Float())))
		if b>>31 == 0 {
			b ^= 1 << 31
		} else {
			b = ^b
		}
		return appendUint32BE(buf, b)
	case KindFloat8:
		b := math.Float64bits(canonicalFloat(d.Float()))
		if b>>63 == 0 {
			b ^= 1 << 63
		} else {
			b = ^b
		}
		return appendUint64BE(buf, b)
	case KindNumeric:
		return appendNumericKey(buf, d.Decimal())
	case KindBPChar:
		return appendEscapedKey(buf, strings.TrimRight(d.str(), " "))
	case KindDate:
		return appendUint32BE(buf, uint32(int32(d.i))^0x80000000)
	case KindTime, KindTimestamp, KindTimestampTZ:
		return appendUint64BE(buf, uint64(d.i)^(1<<63))
	case KindInterval:
		hi, lo := intervalSpan(d.a, d.b, d.i)
		buf = appendUint64BE(buf, uint64(hi)^(1<<63))
		return appendUint64BE(buf, lo)
	case KindJSONB:
		return appendJSONBKey(buf, d.str())
	case KindArray:
		et := elemType(d, t)
		for _, e := range d.Array().Vals {
			buf = append(buf, 1)
			buf = appendKeyAsc(buf, e, et)
		}
		return append(buf, 0)
	case KindRecord:
		for _, f := range d.Record() {
			buf = append(buf, 1)
			if f.k == KindNull {
				buf = append(buf, keyNull)
				continue
			}
			buf = append(buf, keyNotNull)
			ft := typeOfDatum(f)
			buf = appendTypeDesc(buf, ft)
			buf = appendKeyPayload(buf, f, ft)
		}
		return append(buf, 0)
	}
	return appendEscapedKey(buf, d.str())
}

// appendTypeDesc appends a self-description of t: its kind, and for arrays
// the element's description.
func appendTypeDesc(buf []byte, t T) []byte {
	buf = append(buf, byte(t.Kind))
	if t.Kind == KindArray {
		return appendTypeDesc(buf, *t.Elem)
	}
	return buf
}

// appendEscapedKey appends s with 0x00 escaped as 00 FF and the terminator 00 01.
func appendEscapedKey(buf []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			break
		}
		buf = append(buf, s[:i]...)
		buf = append(buf, 0, 0xFF)
		s = s[i+1:]
	}
	buf = append(buf, s...)
	return append(buf, 0, 1)
}

// appendNumericKey encodes a numeric: a class byte, then for non-zero
// finite values the adjusted exponent (of the leading digit) as 4 bytes
// with the sign bit flipped and the significant digits as nibbles (digit+1,
// two per byte, a last odd digit padded with 0) ended by 0x00. Negative
// values invert the exponent and digit bytes so larger magnitudes sort first.
func appendNumericKey(buf []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, numKeyNaN)
	case apd.Infinite:
		if d.Negative {
			return append(buf, numKeyNegInf)
		}
		return append(buf, numKeyPosInf)
	}
	if d.Coeff.Sign() == 0 {
		return append(buf, numKeyZero)
	}
	neg := d.Negative
	if neg {
		buf = append(buf, numKeyNeg)
	} else {
		buf = append(buf, numKeyPos)
	}
	var tmp [48]byte
	digits := d.Coeff.Append(tmp[:0], 10)
	if digits[0] == '-' {
		digits = digits[1:]
	}
	adj := int64(d.Exponent) + int64(len(digits)) - 1
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	mask := byte(0)
	if neg {
		mask = 0xFF
	}
	e := uint32(int32(adj)) ^ 0x80000000
	buf = append(buf, byte(e>>24)^mask, byte(e>>16)^mask, byte(e>>8)^mask, byte(e)^mask)
	for i := 0; i < len(digits); i += 2 {
		b := (digits[i] - '0' + 1) << 4
		if i+1 < len(digits) {
			b |= digits[i+1] - '0' + 1
		}
		buf = append(buf, b^mask)
	}
	return append(buf, mask)
}

// keyReader reads a key, inverting every byte for descending keys.
type keyReader struct {
	b    []byte
	pos  int
	flip byte
}

func errCorruptKey() error {
	return sqlerr.New(sqlerr.DataCorrupted, "corrupt key encoding")
}

func (r *keyReader) remaining() int { return len(r.b) - r.pos }

func (r *keyReader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errCorruptKey()
	}
	c := r.b[r.pos] ^ r.flip
	r.pos++
	return c, nil
}

func (r *keyReader) uint16() (uint16, error) {
	if r.remaining() < 2 {
		return 0, errCorruptKey()
	}
	v := binary.BigEndian.Uint16(r.b[r.pos:]) ^ uint16(r.flip)*0x0101
	r.pos += 2
	return v, nil
}

func (r *keyReader) uint32() (uint32, error) {
	if r.remaining() < 4 {
		return 0, errCorruptKey()
	}
	v := binary.BigEndian.Uint32(r.b[r.pos:]) ^ uint32(r.flip)*0x01010101
	r.pos += 4
	return v, nil
}

func (r *keyReader) uint64() (uint64, error) {
	if r.remaining() < 8 {
		return 0, errCorruptKey()
	}
	v := binary.BigEndian.Uint64(r.b[r.pos:]) ^ uint64(r.flip)*0x0101010101010101
	r.pos += 8
	return v, nil
}

// escaped reads an escaped, terminated string.
func (r *keyReader) escaped() (string, error) {
	var out []byte
	for {
		if r.pos >= len(r.b) {
			return "", errCorruptKey()
		}
		c := r.b[r.pos] ^ r.flip
		r.pos++
		if c != 0 {
			out = append(out, c)
			continue
		}
		if r.pos >= len(r.b) {
			return "", errCorruptKey()
		}
		n := r.b[r.pos] ^ r.flip
		r.pos++
		switch n {
		case 0xFF:
			out = append(out, 0)
		case 0x01:
			return string(out), nil
		default:
			return "", errCorruptKey()
		}
	}
}

// DecodeKey decodes one value that AppendKey encoded as type t (desc as
// when it was encoded) from the front of b and returns it with the bytes
// that follow. The value is canonical (see AppendKey). A malformed key
// yields an XX001 error, never a panic.
func DecodeKey(b []byte, t T, desc bool) (d Datum, rest []byte, err error) {
	r := keyReader{b: b}
	if desc {
		r.flip = 0xFF
	}
	d, err = decodeKeyValue(&r, t, 0)
	if err != nil {
		return Datum{}, b, err
	}
	return d, b[r.pos:], nil
}

// maxNesting bounds the depth of arrays and records in decoded input.
const maxNesting = 64

func decodeKeyValue(r *keyReader, t T, depth int) (Datum, error) {
	m, err := r.byte()
	if err != nil {
		return Datum{}, err
	}
	switch m {
	case keyNull:
		return Datum{}, nil
	case keyNotNull:
		return decodeKeyPayload(r, t, depth)
	}
	return Datum{}, errCorruptKey()
}

func decodeKeyPayload(r *keyReader, t T, depth int) (Datum, error) {
	if depth > maxNesting {
		return Datum{}, errCorruptKey()
	}
	switch k := t.Kind; k {
	case KindBool:
		b, err := r.byte()
		if err != nil || b > 1 {
			return Datum{}, errCorruptKey()
		}
		return NewBool(b == 1), nil
	case KindInt2:
		v, err := r.uint16()
		return NewInt(k, int64(int16(v^0x8000))), err
	case KindInt4:
		v, err := r.uint32()
		return NewInt(k, int64(int32(v^0x80000000))), err
	case KindInt8:
		v, err := r.uint64()
		return NewInt(k, int64(v^(1<<63))), err
	case KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		v, err := r.uint32()
		return NewInt(k, int64(v)), err
	case KindFloat4:
		v, err := r.uint32()
		if v>>31 == 1 {
			v ^= 1 << 31
		} else {
			v = ^v
		}
		return NewFloat(k, float64(math.Float32frombits(v))), err
	case KindFloat8:
		v, err := r.uint64()
		if v>>63 == 1 {
			v ^= 1 << 63
		} else {
			v = ^v
		}
		return NewFloat(k, math.Float64frombits(v)), err
	case KindNumeric:
		n, err := decodeNumericKey(r)
		if err != nil {
			return Datum{}, err
		}
		return NewNumeric(n), nil
	case KindBPChar:
		s, err := r.escaped()
		if err != nil {
			return Datum{}, err
		}
		if t.Mod > 0 {
			return parseBoundedString(s, t)
		}
		return NewString(k, s), nil
	case KindDate:
		v, err := r.uint32()
		return NewDate(int32(v ^ 0x80000000)), err
	case KindTime, KindTimestamp, KindTimestampTZ:
		v, err := r.uint64()
		if k == KindTime {
			return NewTime(int64(v ^ (1 << 63))), err
		}
		return NewTimestamp(k, int64(v^(1<<63))), err
	case KindInterval:
		hi, err := r.uint64()
		if err != nil {
			return Datum{}, err
		}
		lo, err := r.uint64()
		if err != nil {
			return Datum{}, err
		}
		return intervalFromSpan(int64(hi^(1<<63)), lo)
	case KindJSONB:
		s, err := decodeJSONBKey(r)
		return NewString(k, s), err
	case KindArray:
		if t.Elem == nil {
			return Datum{}, errCorruptKey()
		}
		var vals []Datum
		for {
			c, err := r.byte()
			if err != nil {
				return Datum{}, err
			}
			if c == 0 {
				return NewArray(*t.Elem, vals), nil
			}
			if c != 1 {
				return Datum{}, errCorruptKey()
			}
			v, err := decodeKeyValue(r, *t.Elem, depth+1)
			if err != nil {
				return Datum{}, err
			}
			vals = append(vals, v)
		}
	case KindRecord:
		var vals []Datum
		for {
			c, err := r.byte()
			if err != nil {
				return Datum{}, err
			}
			if c == 0 {
				return NewRecord(vals), nil
			}
			if c != 1 {
				return Datum{}, errCorruptKey()
			}
			m, err := r.byte()
			if err != nil {
				return Datum{}, err
			}
			if m == keyNull {
				vals = append(vals, Datum{})
				continue
			}
			if m != keyNotNull {
				return Datum{}, errCorruptKey()
			}
			ft, err := readTypeDesc(r.byte, depth)
			if err != nil {
				return Datum{}, err
			}
			v, err := decodeKeyPayload(r, ft, depth+1)
			if err != nil {
				return Datum{}, err
			}
			vals = append(vals, v)
		}
	case KindText, KindVarchar, KindName, KindChar, KindBytea, KindJSON, KindUnknown:
		s, err := r.escaped()
		return NewString(k, s), err
	}
	return Datum{}, sqlerr.Unsupported("key encoding for type " + t.String())
}

// readTypeDesc reads a type descriptor written by appendTypeDesc.
func readTypeDesc(next func() (byte, error), depth int) (T, error) {
	if depth > maxNesting {
		return T{}, errCorruptKey()
	}
	k, err := next()
	if err != nil {
		return T{}, err
	}
	if Kind(k) >= numKinds || Kind(k) == KindNull {
		return T{}, errCorruptKey()
	}
	if Kind(k) == KindArray {
		e, err := readTypeDesc(next, depth+1)
		if err != nil {
			return T{}, err
		}
		return ArrayOf(e), nil
	}
	return T{Kind: Kind(k), Mod: -1}, nil
}

// decodeNumericKey decodes appendNumericKey's output.
func decodeNumericKey(r *keyReader) (*apd.Decimal, error) {
	c, err := r.byte()
	if err != nil {
		return nil, err
	}
	switch c {
	case numKeyNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numKeyPosInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numKeyNegInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numKeyZero:
		return &apd.Decimal{}, nil
	case numKeyPos, numKeyNeg:
	default:
		return nil, errCorruptKey()
	}
	mask := byte(0)
	if c == numKeyNeg {
		mask = 0xFF
	}
	e, err := r.uint32()
	if err != nil {
		return nil, err
	}
	if mask != 0 {
		e = ^e
	}
	adj := int64(int32(e ^ 0x80000000))
	var tmp [48]byte
	digits := tmp[:0]
	for {
		b, err := r.byte()
		if err != nil {
			return nil, err
		}
		b ^= mask
		if b == 0 {
			break
		}
		hi, lo := b>>4, b&15
		if hi == 0 || hi > 10 || lo > 10 {
			return nil, errCorruptKey()
		}
		digits = append(digits, '0'+hi-1)
		if lo == 0 {
			b2, err := r.byte()
			if err != nil || b2^mask != 0 {
				return nil, errCorruptKey()
			}
			break
		}
		digits = append(digits, '0'+lo-1)
	}
	if len(digits) == 0 || digits[0] == '0' {
		return nil, errCorruptKey()
	}
	exp := adj - int64(len(digits)) + 1
	if exp < -numericMaxScale-int64(len(digits)) || exp > numericMaxIntDigits {
		return nil, errCorruptKey()
	}
	d := new(apd.Decimal)
	if _, ok := d.Coeff.SetString(string(digits), 10); !ok {
		return nil, errCorruptKey()
	}
	d.Negative = mask != 0
	d.Exponent = int32(exp)
	return normalizeNumeric(d), nil
}

// intervalFromSpan rebuilds an interval from its span as days and micros.
func intervalFromSpan(hi int64, lo uint64) (Datum, error) {
	// span = days*microsPerDay + micros with 0 <= micros < microsPerDay
	// when possible; the span of a valid interval fits in 96 bits.
	neg := hi < 0
	uh, ul := uint64(hi), lo
	if neg {
		ul = ^ul + 1
		uh = ^uh
		if ul == 0 {
			uh++
		}
	}
	if uh >= microsPerDay {
		return Datum{}, errCorruptKey()
	}
	q, rem := bits.Div64(uh, ul, microsPerDay)
	days, micros := int64(q), int64(rem)
	if neg {
		days, micros = -days, -micros
	}
	months := int64(0)
	if days > math.MaxInt32 || days < math.MinInt32 {
		// Too many days for the days field: express them as 30-day months.
		months, days = days/30, days%30
		if months > math.MaxInt32 || months < math.MinInt32 {
			return Datum{}, errCorruptKey()
		}
	}
	return NewInterval(int32(months), int32(days), micros), nil
}
