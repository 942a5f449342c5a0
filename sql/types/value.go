package types

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Value encoding
//
// AppendValue writes a compact, exact (lossless) form of a value for
// storage; unlike a key it is not ordered. A value starts with a tag byte,
// 0 for NULL and 1 otherwise, then:
//
//	bool                       1 byte
//	ints, oid, reg*, date,
//	time, timestamp(tz)        zig-zag varint
//	float4 / float8            4 / 8 bytes little-endian IEEE bits
//	numeric                    form byte (0 +, 1 -, 2 NaN, 3 +Inf, 4 -Inf);
//	                           finite: uvarint scale, then 0 + uvarint
//	                           coefficient, or 1 + uvarint length + big-endian bytes
//	strings, bytea, json(b)    uvarint length + bytes
//	interval                   varint months, days, micros
//	array                      uvarint count + each element's value
//	record                     uvarint count + per field a type descriptor
//	                           (as in keys) and its value

const (
	valNull    byte = 0
	valPresent byte = 1
)

// AppendValue appends the storage encoding of d as type t; it keeps every
// value exactly (numeric scale, -0, bpchar spaces, interval fields).
func AppendValue(buf []byte, d Datum, t T) []byte {
	if d.k == KindNull {
		return append(buf, valNull)
	}
	buf = append(buf, valPresent)
	return appendValuePayload(buf, d, t)
}

func appendValuePayload(buf []byte, d Datum, t T) []byte {
	switch resolveKind(d, t) {
	case KindBool:
		return append(buf, byte(d.i&1))
	case KindInt2, KindInt4, KindInt8, KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace,
		KindDate, KindTime, KindTimestamp, KindTimestampTZ:
		return binary.AppendVarint(buf, d.i)
	case KindFloat4:
		return binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(d.Float())))
	case KindFloat8:
		return binary.LittleEndian.AppendUint64(buf, uint64(d.i))
	case KindNumeric:
		return appendNumericValue(buf, d.Decimal())
	case KindInterval:
		buf = binary.AppendVarint(buf, int64(d.a))
		buf = binary.AppendVarint(buf, int64(d.b))
		return binary.AppendVarint(buf, d.i)
	case KindArray:
		et := elemType(d, t)
		vals := d.Array().Vals
		buf = binary.AppendUvarint(buf, uint64(len(vals)))
		for _, e := range vals {
			buf = AppendValue(buf, e, et)
		}
		return buf
	case KindRecord:
		vals := d.Record()
		buf = binary.AppendUvarint(buf, uint64(len(vals)))
		for _, f := range vals {
			if f.k == KindNull {
				buf = append(buf, byte(KindNull))
				continue
			}
			ft := typeOfDatum(f)
			buf = appendTypeDesc(buf, ft)
			buf = appendValuePayload(buf, f, ft)
		}
		return buf
	}
	buf = binary.AppendUvarint(buf, uint64(len(d.str())))
	return append(buf, d.str()...)
}

func appendNumericValue(buf []byte, d *apd.Decimal) []byte {
	d = normalizeNumeric(d)
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return append(buf, 2)
	case apd.Infinite:
		if d.Negative {
			return append(buf, 4)
		}
		return append(buf, 3)
	}
	if d.Negative {
		buf = append(buf, 1)
	} else {
		buf = append(buf, 0)
	}
	buf = binary.AppendUvarint(buf, uint64(-int64(d.Exponent)))
	if d.Coeff.IsUint64() {
		buf = append(buf, 0)
		return binary.AppendUvarint(buf, d.Coeff.Uint64())
	}
	b := d.Coeff.Bytes()
	buf = append(buf, 1)
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

// valueReader reads a value encoding.
type valueReader struct {
	b   []byte
	pos int
}

func errCorruptValue() error {
	return sqlerr.New(sqlerr.DataCorrupted, "corrupt value encoding")
}

func (r *valueReader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errCorruptValue()
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *valueReader) varint() (int64, error) {
	v, n := binary.Varint(r.b[r.pos:])
	if n <= 0 {
		return 0, errCorruptValue()
	}
	r.pos += n
	return v, nil
}

func (r *valueReader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 {
		return 0, errCorruptValue()
	}
	r.pos += n
	return v, nil
}

func (r *valueReader) bytes(n uint64) ([]byte, error) {
	if n > uint64(len(r.b)-r.pos) {
		return nil, errCorruptValue()
	}
	b := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return b, nil
}

// DecodeValue decodes one value that AppendValue encoded as type t from the
// front of b and returns it with the bytes that follow. Malformed input
// yields an XX001 error, never a panic.
func DecodeValue(b []byte, t T) (d Datum, rest []byte, err error) {
	r := valueReader{b: b}
	d, err = decodeValue(&r, t, 0)
	if err != nil {
		return Datum{}, b, err
	}
	return d, b[r.pos:], nil
}

func decodeValue(r *valueReader, t T, depth int) (Datum, error) {
	tag, err := r.byte()
	if err != nil {
		return Datum{}, err
	}
	switch tag {
	case valNull:
		return Datum{}, nil
	case valPresent:
		return decodeValuePayload(r, t, depth)
	}
	return Datum{}, errCorruptValue()
}

func decodeValuePayload(r *valueReader, t T, depth int) (Datum, error) {
	if depth > maxNesting {
		return Datum{}, errCorruptValue()
	}
	switch k := t.Kind; k {
	case KindBool:
		b, err := r.byte()
		if err != nil || b > 1 {
			return Datum{}, errCorruptValue()
		}
		return NewBool(b == 1), nil
	case KindInt2, KindInt4, KindInt8, KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace,
		KindDate, KindTime, KindTimestamp, KindTimestampTZ:
		v, err := r.varint()
		return Datum{k: k, i: v}, err
	case KindFloat4:
		b, err := r.bytes(4)
		if err != nil {
			return Datum{}, err
		}
		return NewFloat(k, float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))), nil
	case KindFloat8:
		b, err := r.bytes(8)
		if err != nil {
			return Datum{}, err
		}
		return Datum{k: k, i: int64(binary.LittleEndian.Uint64(b))}, nil
	case KindNumeric:
		n, err := decodeNumericValue(r)
		if err != nil {
			return Datum{}, err
		}
		return numericDatum(n), nil
	case KindInterval:
		m, err1 := r.varint()
		dd, err2 := r.varint()
		us, err3 := r.varint()
		if err1 != nil || err2 != nil || err3 != nil || m != int64(int32(m)) || dd != int64(int32(dd)) {
			return Datum{}, errCorruptValue()
		}
		return NewInterval(int32(m), int32(dd), us), nil
	case KindArray:
		if t.Elem == nil {
			return Datum{}, errCorruptValue()
		}
		n, err := r.uvarint()
		if err != nil || n > uint64(len(r.b)-r.pos) {
			return Datum{}, errCorruptValue()
		}
		vals := make([]Datum, 0, n)
		for i := uint64(0); i < n; i++ {
			v, err := decodeValue(r, *t.Elem, depth+1)
			if err != nil {
				return Datum{}, err
			}
			vals = append(vals, v)
		}
		return NewArray(*t.Elem, vals), nil
	case KindRecord:
		n, err := r.uvarint()
		if err != nil || n > uint64(len(r.b)-r.pos) {
			return Datum{}, errCorruptValue()
		}
		vals := make([]Datum, 0, n)
		for i := uint64(0); i < n; i++ {
			if r.pos < len(r.b) && r.b[r.pos] == byte(KindNull) {
				r.pos++
				vals = append(vals, Datum{})
				continue
			}
			ft, err := readTypeDesc(r.byte, depth)
			if err != nil {
				return Datum{}, errCorruptValue()
			}
			v, err := decodeValuePayload(r, ft, depth+1)
			if err != nil {
				return Datum{}, err
			}
			vals = append(vals, v)
		}
		return NewRecord(vals), nil
	case KindText, KindVarchar, KindBPChar, KindName, KindChar, KindBytea, KindJSON, KindJSONB, KindUnknown:
		n, err := r.uvarint()
		if err != nil {
			return Datum{}, err
		}
		b, err := r.bytes(n)
		if err != nil {
			return Datum{}, err
		}
		return stringDatum(k, string(b)), nil
	}
	return Datum{}, sqlerr.Unsupported("value encoding for type " + t.String())
}

func decodeNumericValue(r *valueReader) (*apd.Decimal, error) {
	form, err := r.byte()
	if err != nil {
		return nil, err
	}
	switch form {
	case 2:
		return &apd.Decimal{Form: apd.NaN}, nil
	case 3:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case 4:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case 0, 1:
	default:
		return nil, errCorruptValue()
	}
	scale, err := r.uvarint()
	if err != nil || scale > numericMaxScale {
		return nil, errCorruptValue()
	}
	d := &apd.Decimal{Negative: form == 1, Exponent: -int32(scale)}
	how, err := r.byte()
	if err != nil {
		return nil, err
	}
	switch how {
	case 0:
		v, err := r.uvarint()
		if err != nil {
			return nil, err
		}
		d.Coeff.SetUint64(v)
	case 1:
		n, err := r.uvarint()
		if err != nil {
			return nil, err
		}
		b, err := r.bytes(n)
		if err != nil {
			return nil, err
		}
		d.Coeff.SetBytes(b)
	default:
		return nil, errCorruptValue()
	}
	if d.Coeff.Sign() == 0 {
		d.Negative = false
	}
	return d, nil
}

// EncodeRow appends the values of row, typed by schema (same length), one
// after another in AppendValue's encoding.
func EncodeRow(buf []byte, row Row, schema []T) []byte {
	for i, t := range schema {
		d := Datum{}
		if i < len(row) {
			d = row[i]
		}
		buf = AppendValue(buf, d, t)
	}
	return buf
}

// DecodeRow decodes a row that EncodeRow encoded with the same schema. It
// reuses into's storage (into[:0]) and returns the row; b must hold exactly
// one row.
func DecodeRow(b []byte, schema []T, into Row) (Row, error) {
	row := into[:0]
	r := valueReader{b: b}
	for _, t := range schema {
		d, err := decodeValue(&r, t, 0)
		if err != nil {
			return into[:0], err
		}
		row = append(row, d)
	}
	if r.pos != len(b) {
		return into[:0], errCorruptValue()
	}
	return row, nil
}
