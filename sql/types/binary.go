package types

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Binary formats are Postgres' send/recv functions: big-endian integers,
// IEEE floats, numeric as base-10000 digits, text as its bytes, dates as
// days and timestamps as microseconds since 2000-01-01, intervals as
// (micros int64, days int32, months int32), jsonb as version byte 1 plus
// text, and arrays with the standard header.

// Numeric sign words of the binary format.
const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

// AppendBinary appends the Postgres binary send format of d as type t. A
// type without a binary format here yields a 0A000 error. NULL appends
// nothing (the wire protocol sends NULL as a length of -1).
func AppendBinary(buf []byte, d Datum, t T) ([]byte, error) {
	if d.k == KindNull {
		return buf, nil
	}
	switch resolveKind(d, t) {
	case KindBool:
		return append(buf, byte(d.i&1)), nil
	case KindInt2:
		return binary.BigEndian.AppendUint16(buf, uint16(d.i)), nil
	case KindInt4, KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		return binary.BigEndian.AppendUint32(buf, uint32(d.i)), nil
	case KindInt8:
		return binary.BigEndian.AppendUint64(buf, uint64(d.i)), nil
	case KindFloat4:
		return binary.BigEndian.AppendUint32(buf, math.Float32bits(float32(d.Float()))), nil
	case KindFloat8:
		return binary.BigEndian.AppendUint64(buf, uint64(d.i)), nil
	case KindNumeric:
		return appendNumericBinary(buf, d.Decimal()), nil
	case KindText, KindVarchar, KindName, KindBytea, KindJSON, KindUnknown:
		return append(buf, d.str()...), nil
	case KindChar:
		if d.str() == "" {
			return append(buf, 0), nil
		}
		return append(buf, d.str()[0]), nil
	case KindBPChar:
		return appendBPChar(buf, d.str(), t.Mod), nil
	case KindJSONB:
		buf = append(buf, 1)
		return append(buf, d.str()...), nil
	case KindDate:
		v := d.i
		if v != DateInfinity && v != DateNegInfinity {
			v -= pgEpochDays
		}
		return binary.BigEndian.AppendUint32(buf, uint32(int32(v))), nil
	case KindTime:
		return binary.BigEndian.AppendUint64(buf, uint64(d.i)), nil
	case KindTimestamp, KindTimestampTZ:
		v := d.i
		if v != TimestampInfinity && v != TimestampNegInfinity {
			v -= pgEpochMicros
		}
		return binary.BigEndian.AppendUint64(buf, uint64(v)), nil
	case KindInterval:
		buf = binary.BigEndian.AppendUint64(buf, uint64(d.i))
		buf = binary.BigEndian.AppendUint32(buf, uint32(d.b))
		return binary.BigEndian.AppendUint32(buf, uint32(d.a)), nil
	case KindArray:
		return appendArrayBinary(buf, d, t)
	case KindRecord:
		return appendRecordBinary(buf, d)
	}
	return buf, sqlerr.Unsupported("binary output for type " + t.String())
}

// appendNumericBinary appends numeric_send's format: ndigits, weight,
// sign, dscale (int16 each) and ndigits base-10000 digits.
func appendNumericBinary(buf []byte, d *apd.Decimal) []byte {
	switch d.Form {
	case apd.NaN, apd.NaNSignaling:
		return appendNumericHeader(buf, 0, 0, numericNaN, 0)
	case apd.Infinite:
		// Postgres sends the infinities with a dscale of 32.
		if d.Negative {
			return appendNumericHeader(buf, 0, 0, numericNInf, 32)
		}
		return appendNumericHeader(buf, 0, 0, numericPInf, 32)
	}
	d = normalizeNumeric(d)
	dscale := int(-d.Exponent)
	sign := uint16(numericPos)
	if d.Negative && d.Coeff.Sign() != 0 {
		sign = numericNeg
	}
	if d.Coeff.Sign() == 0 {
		return appendNumericHeader(buf, 0, 0, sign, dscale)
	}
	var tmp [48]byte
	digits := d.Coeff.Append(tmp[:0], 10)
	// Split at the point, padding the integer part on the left and the
	// fraction on the right to whole base-10000 digits.
	var intPart, fracPart []byte
	if len(digits) > dscale {
		intPart, fracPart = digits[:len(digits)-dscale], digits[len(digits)-dscale:]
	} else {
		fracPart = append(make([]byte, 0, dscale), strings.Repeat("0", dscale-len(digits))...)
		fracPart = append(fracPart, digits...)
	}
	leadPad := (4 - len(intPart)%4) % 4
	tailPad := (4 - len(fracPart)%4) % 4
	all := make([]byte, 0, leadPad+len(intPart)+len(fracPart)+tailPad)
	all = append(all, "000"[:leadPad]...)
	all = append(all, intPart...)
	all = append(all, fracPart...)
	all = append(all, "000"[:tailPad]...)
	weight := (leadPad+len(intPart))/4 - 1
	groups := make([]uint16, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		groups = append(groups, uint16(int(all[i]-'0')*1000+int(all[i+1]-'0')*100+int(all[i+2]-'0')*10+int(all[i+3]-'0')))
	}
	// Strip leading and trailing zero groups, as Postgres stores none.
	for len(groups) > 0 && groups[0] == 0 {
		groups = groups[1:]
		weight--
	}
	for len(groups) > 0 && groups[len(groups)-1] == 0 {
		groups = groups[:len(groups)-1]
	}
	buf = appendNumericHeader(buf, len(groups), weight, sign, dscale)
	for _, g := range groups {
		buf = binary.BigEndian.AppendUint16(buf, g)
	}
	return buf
}

func appendNumericHeader(buf []byte, ndigits, weight int, sign uint16, dscale int) []byte {
	buf = binary.BigEndian.AppendUint16(buf, uint16(ndigits))
	buf = binary.BigEndian.AppendUint16(buf, uint16(int16(weight)))
	buf = binary.BigEndian.AppendUint16(buf, sign)
	return binary.BigEndian.AppendUint16(buf, uint16(dscale))
}

// appendArrayBinary appends array_send's format: ndim, has-nulls flag,
// element OID, then per dimension length and lower bound (1), then each
// element as a length (-1 for NULL) and its binary form.
func appendArrayBinary(buf []byte, d Datum, t T) ([]byte, error) {
	arr := d.Array()
	et := elemType(d, t)
	ndim, hasNull := uint32(1), uint32(0)
	if len(arr.Vals) == 0 {
		ndim = 0
	}
	for _, e := range arr.Vals {
		if e.k == KindNull {
			hasNull = 1
		}
	}
	buf = binary.BigEndian.AppendUint32(buf, ndim)
	buf = binary.BigEndian.AppendUint32(buf, hasNull)
	buf = binary.BigEndian.AppendUint32(buf, et.OID())
	if ndim == 1 {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(arr.Vals)))
		buf = binary.BigEndian.AppendUint32(buf, 1)
	}
	for _, e := range arr.Vals {
		var err error
		if buf, err = appendLengthPrefixed(buf, e, et); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// appendLengthPrefixed appends an int32 length (-1 for NULL) and the binary
// form of d.
func appendLengthPrefixed(buf []byte, d Datum, t T) ([]byte, error) {
	if d.k == KindNull {
		return binary.BigEndian.AppendUint32(buf, math.MaxUint32), nil
	}
	at := len(buf)
	buf = append(buf, 0, 0, 0, 0)
	buf, err := AppendBinary(buf, d, t)
	if err != nil {
		return buf, err
	}
	binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	return buf, nil
}

// appendRecordBinary appends record_send's format: field count, then per
// field its type OID, length (-1 for NULL) and binary form.
func appendRecordBinary(buf []byte, d Datum) ([]byte, error) {
	fields := d.Record()
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(fields)))
	for _, f := range fields {
		ft := typeOfDatum(f)
		if f.k == KindNull {
			ft = Unknown
		}
		buf = binary.BigEndian.AppendUint32(buf, ft.OID())
		var err error
		if buf, err = appendLengthPrefixed(buf, f, ft); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// binReader reads a binary parameter value.
type binReader struct {
	b   []byte
	pos int
}

func errShortBinary() error {
	return sqlerr.New(sqlerr.ProtocolViolation, "insufficient data left in message")
}

func (r *binReader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, errShortBinary()
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *binReader) u16() (uint16, error) {
	b, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(b), nil
}

func (r *binReader) u32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

func (r *binReader) u64() (uint64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b), nil
}

// ParseBinary parses b, a value in the Postgres binary format of type t (a
// bind parameter or COPY BINARY field), applying t's modifier. The whole of
// b must be consumed. Errors: 08P01 for short input, 22P03 for malformed
// or leftover bytes, 0A000 for a type without a binary format here.
func ParseBinary(b []byte, t T) (Datum, error) {
	r := binReader{b: b}
	d, err := parseBinary(&r, t, 0)
	if err != nil {
		return Datum{}, err
	}
	if r.pos != len(b) {
		return Datum{}, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "incorrect binary data format")
	}
	return d, nil
}

func parseBinary(r *binReader, t T, depth int) (Datum, error) {
	switch k := t.Kind; k {
	case KindBool:
		b, err := r.take(1)
		if err != nil {
			return Datum{}, err
		}
		return NewBool(b[0] != 0), nil
	case KindInt2:
		v, err := r.u16()
		return NewInt(k, int64(int16(v))), err
	case KindInt4:
		v, err := r.u32()
		return NewInt(k, int64(int32(v))), err
	case KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		v, err := r.u32()
		return NewInt(k, int64(v)), err
	case KindInt8:
		v, err := r.u64()
		return NewInt(k, int64(v)), err
	case KindFloat4:
		v, err := r.u32()
		return NewFloat(k, float64(math.Float32frombits(v))), err
	case KindFloat8:
		v, err := r.u64()
		return Datum{k: k, i: int64(v)}, err
	case KindNumeric:
		return parseNumericBinary(r, t)
	case KindText, KindJSON:
		b, _ := r.take(len(r.b) - r.pos)
		if k == KindJSON {
			return parseJSON(string(b))
		}
		return NewText(string(b)), nil
	case KindVarchar, KindBPChar:
		b, _ := r.take(len(r.b) - r.pos)
		return parseBoundedString(string(b), t)
	case KindName:
		b, _ := r.take(len(r.b) - r.pos)
		return NewString(k, truncateName(string(b))), nil
	case KindChar:
		b, _ := r.take(len(r.b) - r.pos)
		if len(b) != 1 {
			return NewString(k, "\x00"), nil
		}
		return NewString(k, string(b)), nil
	case KindBytea:
		b, _ := r.take(len(r.b) - r.pos)
		return NewBytea(b), nil
	case KindJSONB:
		v, err := r.take(1)
		if err != nil {
			return Datum{}, err
		}
		if v[0] != 1 {
			return Datum{}, sqlerr.Newf(sqlerr.InvalidBinaryRepresentation, "unsupported jsonb version number %d", v[0])
		}
		b, _ := r.take(len(r.b) - r.pos)
		return parseJSONB(string(b))
	case KindDate:
		v, err := r.u32()
		if err != nil {
			return Datum{}, err
		}
		days := int64(int32(v))
		if days != DateInfinity && days != DateNegInfinity {
			days += pgEpochDays
			if days < minDateDays || days > maxDateDays {
				return Datum{}, sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range")
			}
		}
		return NewDate(int32(days)), nil
	case KindTime:
		v, err := r.u64()
		if err != nil {
			return Datum{}, err
		}
		if int64(v) < 0 || int64(v) > microsPerDay {
			return Datum{}, sqlerr.New(sqlerr.DatetimeFieldOverflow, "time out of range")
		}
		return NewTime(roundTime(int64(v), t.Mod)), nil
	case KindTimestamp, KindTimestampTZ:
		v, err := r.u64()
		if err != nil {
			return Datum{}, err
		}
		ts := int64(v)
		if ts != TimestampInfinity && ts != TimestampNegInfinity {
			if ts > maxTimestampUnix-pgEpochMicros || ts+pgEpochMicros < minTimestampUnix {
				return Datum{}, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
			}
			ts = roundTimestamp(ts+pgEpochMicros, t.Mod)
		}
		return NewTimestamp(k, ts), nil
	case KindInterval:
		us, err := r.u64()
		if err != nil {
			return Datum{}, err
		}
		days, err := r.u32()
		if err != nil {
			return Datum{}, err
		}
		months, err := r.u32()
		if err != nil {
			return Datum{}, err
		}
		return roundIntervalDatum(NewInterval(int32(months), int32(days), int64(us)), t), nil
	case KindArray:
		return parseArrayBinary(r, t, depth)
	case KindRecord:
		return Datum{}, sqlerr.New(sqlerr.FeatureNotSupported, "input of anonymous composite types is not implemented")
	}
	return Datum{}, sqlerr.Unsupported("binary input for type " + t.String())
}

// parseNumericBinary parses numeric_recv's format, truncating digits
// beyond dscale and applying the typmod, as Postgres does.
func parseNumericBinary(r *binReader, t T) (Datum, error) {
	nd, err := r.u16()
	if err != nil {
		return Datum{}, err
	}
	w, err := r.u16()
	if err != nil {
		return Datum{}, err
	}
	sign, err := r.u16()
	if err != nil {
		return Datum{}, err
	}
	ds, err := r.u16()
	if err != nil {
		return Datum{}, err
	}
	weight, dscale := int(int16(w)), int(ds)
	var d *apd.Decimal
	switch sign {
	case numericNaN:
		d = &apd.Decimal{Form: apd.NaN}
	case numericPInf:
		d = &apd.Decimal{Form: apd.Infinite}
	case numericNInf:
		d = &apd.Decimal{Form: apd.Infinite, Negative: true}
	case numericPos, numericNeg:
		if dscale > numericMaxScale {
			return Datum{}, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid scale in external \"numeric\" value")
		}
		var sb strings.Builder
		for i := 0; i < int(nd); i++ {
			g, err := r.u16()
			if err != nil {
				return Datum{}, err
			}
			if g >= 10000 {
				return Datum{}, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid digit in external \"numeric\" value")
			}
			v := int(g)
			sb.WriteByte(byte('0' + v/1000))
			sb.WriteByte(byte('0' + v/100%10))
			sb.WriteByte(byte('0' + v/10%10))
			sb.WriteByte(byte('0' + v%10))
		}
		d = new(apd.Decimal)
		if nd > 0 {
			d.Coeff.SetString(sb.String(), 10)
		}
		d.Exponent = int32((weight - int(nd) + 1) * 4)
		d.Negative = sign == numericNeg
		// Truncate (not round) to dscale, then give it exactly dscale digits.
		if int(-d.Exponent) > dscale {
			var p, rem apd.BigInt
			pow10(&p, int64(-int(d.Exponent)-dscale))
			d.Coeff.QuoRem(&d.Coeff, &p, &rem)
			d.Exponent = int32(-dscale)
		}
		if int(-d.Exponent) < dscale || d.Exponent > 0 {
			var p apd.BigInt
			d.Coeff.Mul(&d.Coeff, pow10(&p, int64(int(d.Exponent)+dscale)))
			d.Exponent = int32(-dscale)
		}
		if d.Coeff.Sign() == 0 {
			d.Negative = false
		}
		if err := checkNumericRange(d); err != nil {
			return Datum{}, err
		}
	default:
		return Datum{}, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "invalid sign in external \"numeric\" value")
	}
	d, err = applyNumericTypmod(d, t)
	if err != nil {
		return Datum{}, err
	}
	return NewNumeric(d), nil
}

// parseArrayBinary parses array_recv's format for a one-dimensional array
// of t's element type.
func parseArrayBinary(r *binReader, t T, depth int) (Datum, error) {
	if t.Elem == nil || depth > maxNesting {
		return Datum{}, sqlerr.Internal("array type without element type")
	}
	et := *t.Elem
	ndim, err := r.u32()
	if err != nil {
		return Datum{}, err
	}
	if _, err := r.u32(); err != nil { // has-nulls flag, informative only
		return Datum{}, err
	}
	oid, err := r.u32()
	if err != nil {
		return Datum{}, err
	}
	if oid != et.OID() {
		return Datum{}, sqlerr.Newf(sqlerr.DatatypeMismatch, "binary data has array element type %d instead of expected %d", oid, et.OID())
	}
	switch {
	case ndim == 0:
		return NewArray(et, nil), nil
	case ndim > 1:
		return Datum{}, sqlerr.Unsupported("multidimensional arrays")
	}
	n, err := r.u32()
	if err != nil {
		return Datum{}, err
	}
	lbound, err := r.u32()
	if err != nil {
		return Datum{}, err
	}
	if lbound != 1 {
		return Datum{}, sqlerr.Unsupported("arrays with a lower bound other than 1")
	}
	if int64(n) > int64(len(r.b)-r.pos)/4 {
		return Datum{}, errShortBinary()
	}
	vals := make([]Datum, 0, n)
	for i := uint32(0); i < n; i++ {
		l, err := r.u32()
		if err != nil {
			return Datum{}, err
		}
		if int32(l) == -1 {
			vals = append(vals, Datum{})
			continue
		}
		b, err := r.take(int(int32(l)))
		if err != nil {
			return Datum{}, err
		}
		sub := binReader{b: b}
		v, err := parseBinary(&sub, et, depth+1)
		if err != nil {
			return Datum{}, err
		}
		if sub.pos != len(b) {
			return Datum{}, sqlerr.New(sqlerr.InvalidBinaryRepresentation, "improper binary format in array element 1")
		}
		vals = append(vals, v)
	}
	return NewArray(et, vals), nil
}
