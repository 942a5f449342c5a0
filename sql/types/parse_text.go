package types

import (
	"strings"
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// ParseText parses s, the Postgres text input form of a value of type t,
// and applies t's modifier (varchar(n) length, numeric(p,s) rounding,
// timestamp(p) precision) as an assignment to a column of type t does.
// It accepts what PostgreSQL 15 accepts for these types and fails with its
// SQLSTATE and message (22P02 invalid_text_representation, 22003, 22001,
// 22007, 22008, ...). ctx gives the session time zone for timestamptz
// input and the time that 'now' names; nil means UTC and the wall clock.
// ParseText never panics; it does not parse SQL NULL (the caller handles
// a NULL parameter).
func ParseText(s string, t T, ctx *FormatContext) (Datum, error) {
	ctx = ctx.orDefault()
	switch t.Kind {
	case KindBool:
		return parseBool(s)
	case KindInt2:
		return parseInt(s, KindInt2, "smallint", -1<<15, 1<<15-1)
	case KindInt4:
		return parseInt(s, KindInt4, "integer", -1<<31, 1<<31-1)
	case KindInt8:
		return parseInt(s, KindInt8, "bigint", -1<<63, 1<<63-1)
	case KindOID:
		return parseOID(s, KindOID)
	case KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		return parseReg(s, t.Kind)
	case KindFloat4:
		return parseFloat(s, 32)
	case KindFloat8:
		return parseFloat(s, 64)
	case KindNumeric:
		return parseNumeric(s, t)
	case KindText, KindUnknown:
		return NewText(s), nil
	case KindVarchar, KindBPChar:
		return parseBoundedString(s, t)
	case KindName:
		return NewString(KindName, truncateName(s)), nil
	case KindChar:
		return parseChar(s), nil
	case KindBytea:
		return parseBytea(s)
	case KindDate:
		return parseDate(s, ctx)
	case KindTime:
		return parseTime(s, t, ctx)
	case KindTimestamp, KindTimestampTZ:
		return parseTimestamp(s, t, ctx)
	case KindInterval:
		return parseInterval(s, t)
	case KindJSONB:
		return parseJSONB(s)
	case KindJSON:
		return parseJSON(s)
	case KindArray:
		return parseArray(s, t, ctx)
	case KindRecord:
		return Datum{}, sqlerr.New(sqlerr.FeatureNotSupported, "input of anonymous composite types is not implemented")
	}
	return Datum{}, sqlerr.Unsupported("text input for type " + t.String())
}

// trimSpace trims the white space that Postgres' scalar input functions
// skip around a value.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r\v\f") }

// parseBool accepts, in any case and surrounded by white space, t, true,
// y, yes, on, 1, f, false, n, no, off, 0 and the unique prefixes of true,
// false, yes and no (and "of"/"off", "on").
func parseBool(s string) (Datum, error) {
	v := strings.ToLower(trimSpace(s))
	switch {
	case v == "":
	case strings.HasPrefix("true", v), strings.HasPrefix("yes", v), v == "on", v == "1":
		return NewBool(true), nil
	case strings.HasPrefix("false", v), strings.HasPrefix("no", v), v == "of", v == "off", v == "0":
		return NewBool(false), nil
	}
	return Datum{}, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type boolean: \"%s\"", s)
}

// parseInt parses an integer of kind k within [lo, hi]; typ names the
// type in errors.
func parseInt(s string, k Kind, typ string, lo, hi int64) (Datum, error) {
	v := trimSpace(s)
	neg := false
	if v != "" && (v[0] == '+' || v[0] == '-') {
		neg = v[0] == '-'
		v = v[1:]
	}
	if v == "" {
		return Datum{}, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typ, s)
	}
	// Accumulate negatively so that the minimum value parses.
	var acc int64
	overflow := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return Datum{}, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type %s: \"%s\"", typ, s)
		}
		if acc < (-1<<63)/10 || acc*10 < (-1<<63)+int64(c-'0') {
			overflow = true
			continue
		}
		acc = acc*10 - int64(c-'0')
	}
	if !neg {
		if acc == -1<<63 {
			overflow = true
		}
		acc = -acc
	}
	if overflow || acc < lo || acc > hi {
		return Datum{}, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "value \"%s\" is out of range for type %s", s, typ)
	}
	return NewInt(k, acc), nil
}

// parseOID parses an oid: an unsigned 32-bit number, or a negative one
// down to -2^31 that wraps, as Postgres' oidin allows.
func parseOID(s string, k Kind) (Datum, error) {
	d, err := parseInt(s, k, "oid", -1<<31, 1<<32-1)
	if err != nil {
		if sqlerr.CodeOf(err) == sqlerr.NumericValueOutOfRange {
			return Datum{}, sqlerr.Newf(sqlerr.NumericValueOutOfRange, "value \"%s\" is out of range for type oid", s)
		}
		return Datum{}, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "invalid input syntax for type oid: \"%s\"", s)
	}
	d.i = int64(uint32(d.i))
	return d, nil
}

// parseReg parses a reg* value given as a number; names are resolved by
// the catalog layer, which must intercept them before calling ParseText.
func parseReg(s string, k Kind) (Datum, error) {
	v := trimSpace(s)
	if v != "" && strings.Trim(v, "0123456789") == "" {
		return parseOID(v, k)
	}
	return Datum{}, sqlerr.Unsupported(k.String() + " input by name")
}

// parseBoundedString applies varchar(n) and character(n): longer input is
// an error unless the excess is only spaces, which are cut; character(n)
// is padded with spaces to n characters.
func parseBoundedString(s string, t T) (Datum, error) {
	n := int(t.Mod)
	if n < 0 {
		return NewString(t.Kind, s), nil
	}
	count := 0
	cut := len(s)
	for i := range s {
		if count == n {
			cut = i
			break
		}
		count++
	}
	if cut < len(s) {
		if strings.Trim(s[cut:], " ") != "" {
			return Datum{}, sqlerr.Newf(sqlerr.StringDataRightTruncation, "value too long for type %s", t.String())
		}
		s = s[:cut]
	}
	if t.Kind == KindBPChar && count < n {
		s += strings.Repeat(" ", n-count)
	}
	return NewString(t.Kind, s), nil
}

// nameMaxBytes is NAMEDATALEN-1: longer names are cut at a character
// boundary, as Postgres' namein does.
const nameMaxBytes = 63

func truncateName(s string) string {
	if len(s) <= nameMaxBytes {
		return s
	}
	cut := nameMaxBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// parseChar parses "char": a \ooo octal escape or the first byte; the
// empty string is the zero byte.
func parseChar(s string) Datum {
	if len(s) == 4 && s[0] == '\\' && isOctal(s[1]) && isOctal(s[2]) && isOctal(s[3]) && s[1] <= '3' {
		return NewString(KindChar, string([]byte{(s[1]-'0')<<6 | (s[2]-'0')<<3 | (s[3] - '0')}))
	}
	if s == "" {
		return NewString(KindChar, "\x00")
	}
	return NewString(KindChar, s[:1])
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// parseBytea parses bytea input in hex format (\x then pairs of hex
// digits, white space allowed between pairs) or escape format (\\ for a
// backslash, \ooo for a byte, other bytes as themselves).
func parseBytea(s string) (Datum, error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			c := s[i]
			if isSpace(c) {
				i++
				continue
			}
			hi, ok := hexVal(c)
			if !ok {
				return Datum{}, invalidHexDigit(s[i:])
			}
			if i+1 >= len(s) {
				return Datum{}, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := hexVal(s[i+1])
			if !ok {
				if isSpace(s[i+1]) {
					return Datum{}, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
				}
				return Datum{}, invalidHexDigit(s[i+1:])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return NewBytea(out), nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i += 2
		case i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && isOctal(s[i+2]) && isOctal(s[i+3]):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
		default:
			return Datum{}, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return NewBytea(out), nil
}

func invalidHexDigit(rest string) error {
	_, n := utf8.DecodeRuneInString(rest)
	return sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", rest[:n])
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
