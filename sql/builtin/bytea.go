package builtin

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// byteaFuncs are the binary string functions: encode and decode (hex,
// base64, escape), the SHA-2 digests, get_byte and substr on bytea.
func byteaFuncs() []*Func {
	b, t, i4 := types.Bytea, types.Text, types.Int4
	digest := func(name string, sum func([]byte) []byte) *Func {
		return unop(name, b, b, func(x types.Datum) (types.Datum, error) { return types.NewBytea(sum([]byte(x.Str()))), nil })
	}
	return []*Func{
		binop("encode", b, t, t, func(x, y types.Datum) (types.Datum, error) { return encode(x.Str(), y.Str()) }),
		binop("decode", t, t, b, func(x, y types.Datum) (types.Datum, error) { return decode(x.Str(), y.Str()) }),
		digest("sha224", func(p []byte) []byte { s := sha256.Sum224(p); return s[:] }),
		digest("sha256", func(p []byte) []byte { s := sha256.Sum256(p); return s[:] }),
		digest("sha384", func(p []byte) []byte { s := sha512.Sum384(p); return s[:] }),
		digest("sha512", func(p []byte) []byte { s := sha512.Sum512(p); return s[:] }),
		binop("get_byte", b, i4, i4, func(x, y types.Datum) (types.Datum, error) {
			s, n := x.Str(), y.Int()
			if n < 0 || n >= int64(len(s)) {
				return types.NullDatum, sqlerr.Newf(sqlerr.ArraySubscriptError, "index %d out of valid range, 0..%d", n, len(s)-1)
			}
			return types.NewInt4(int32(s[n])), nil
		}),
		binop("substr", b, i4, b, func(x, y types.Datum) (types.Datum, error) { return byteaSubstr(x.Str(), y.Int(), -1, false) }),
		strict("substr", b, args(b, i4, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return byteaSubstr(v[0].Str(), v[1].Int(), v[2].Int(), true)
		}),
	}
}

func byteaSubstr(s string, start, count int64, hasCount bool) (types.Datum, error) {
	if hasCount && count < 0 {
		return types.NullDatum, sqlerr.New(sqlerr.SubstringError, "negative substring length not allowed")
	}
	from, to := start-1, int64(len(s))
	if hasCount && from+count < to {
		to = from + count
	}
	from = max(from, 0)
	if from >= to {
		return types.NewBytea(nil), nil
	}
	return types.NewString(types.KindBytea, s[from:to]), nil
}

func unrecognizedEncoding(name string) error {
	return sqlerr.Newf(sqlerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", name)
}

// encode is encode(bytes, format): hex, base64 (lines of 76 characters),
// or escape (octal escapes for NUL and bytes above 0x7f, doubled
// backslashes).
func encode(s, format string) (types.Datum, error) {
	switch strings.ToLower(format) {
	case "hex":
		return types.NewText(hex.EncodeToString([]byte(s))), nil
	case "base64":
		enc := base64.StdEncoding.EncodeToString([]byte(s))
		var b strings.Builder
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteByte('\n')
			enc = enc[76:]
		}
		b.WriteString(enc)
		return types.NewText(b.String()), nil
	case "escape":
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\':
				b.WriteString(`\\`)
			case c == 0 || c >= 0x80:
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + c>>3&7)
				b.WriteByte('0' + c&7)
			default:
				b.WriteByte(c)
			}
		}
		return types.NewText(b.String()), nil
	}
	return types.NullDatum, unrecognizedEncoding(format)
}

// decode is the inverse of encode.
func decode(s, format string) (types.Datum, error) {
	switch strings.ToLower(format) {
	case "hex":
		var out []byte
		digits := make([]byte, 0, 2)
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
				continue
			}
			if _, ok := hexDigit(c); !ok {
				return types.NullDatum, sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid hexadecimal digit: \"%c\"", c)
			}
			digits = append(digits, c)
			if len(digits) == 2 {
				hi, _ := hexDigit(digits[0])
				lo, _ := hexDigit(digits[1])
				out = append(out, hi<<4|lo)
				digits = digits[:0]
			}
		}
		if len(digits) != 0 {
			return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
		}
		return types.NewBytea(out), nil
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
		out, err := base64.StdEncoding.DecodeString(clean)
		if err != nil {
			return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "invalid base64 end sequence").
				WithHint("Input data is missing padding, is truncated, or is otherwise corrupted.")
		}
		return types.NewBytea(out), nil
	case "escape":
		var out []byte
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c != '\\' {
				out = append(out, c)
				continue
			}
			switch {
			case i+1 < len(s) && s[i+1] == '\\':
				out = append(out, '\\')
				i++
			case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) && s[i+1] <= '3':
				out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
				i += 3
			default:
				return types.NullDatum, sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
			}
		}
		return types.NewBytea(out), nil
	}
	return types.NullDatum, unrecognizedEncoding(format)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func hexDigit(c byte) (byte, bool) {
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
