package types

import (
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// elemType returns the element type of an array type t, falling back to
// the element type the array value records.
func elemType(d Datum, t T) T {
	if t.Kind == KindArray && t.Elem != nil {
		return *t.Elem
	}
	return d.Array().Elem
}

// appendArrayText appends an array as Postgres' array_out does: {a,b,NULL}
// with elements quoted when they are empty, spell NULL, or contain white
// space, quotes, backslashes, braces or commas.
func appendArrayText(buf []byte, d Datum, t T, ctx *FormatContext) []byte {
	arr := d.Array()
	et := elemType(d, t)
	buf = append(buf, '{')
	for i, e := range arr.Vals {
		if i > 0 {
			buf = append(buf, ',')
		}
		if e.k == KindNull {
			buf = append(buf, "NULL"...)
			continue
		}
		start := len(buf)
		buf = FormatText(buf, e, et, ctx)
		if needsArrayQuote(buf[start:]) {
			buf = quoteInPlace(buf, start, false)
		}
	}
	return append(buf, '}')
}

func needsArrayQuote(elem []byte) bool {
	if len(elem) == 0 || (len(elem) == 4 && strings.EqualFold(string(elem), "null")) {
		return true
	}
	for _, c := range elem {
		switch c {
		case '"', '\\', '{', '}', ',', ' ', '\t', '\n', '\r', '\v', '\f':
			return true
		}
	}
	return false
}

func needsRecordQuote(field []byte) bool {
	if len(field) == 0 {
		return true
	}
	for _, c := range field {
		switch c {
		case '"', '\\', '(', ')', ',', ' ', '\t', '\n', '\r', '\v', '\f':
			return true
		}
	}
	return false
}

// quoteInPlace rewrites buf[start:] in double quotes, escaping quotes and
// backslashes with a backslash (arrays) or, in records, doubling them.
func quoteInPlace(buf []byte, start int, record bool) []byte {
	extra := 2
	for _, c := range buf[start:] {
		if c == '"' || c == '\\' {
			extra++
		}
	}
	n := len(buf)
	for i := 0; i < extra; i++ {
		buf = append(buf, 0)
	}
	// Fill from the end so that the copy is in place.
	w := len(buf) - 1
	buf[w] = '"'
	w--
	for r := n - 1; r >= start; r-- {
		c := buf[r]
		buf[w] = c
		w--
		if c == '"' || c == '\\' {
			if record {
				buf[w] = c
			} else {
				buf[w] = '\\'
			}
			w--
		}
	}
	buf[w] = '"'
	return buf
}

// appendRecordText appends a row value as Postgres' record_out does:
// (1,abc,,"a b") with NULL as nothing and quotes doubled inside quotes.
func appendRecordText(buf []byte, d Datum, ctx *FormatContext) []byte {
	buf = append(buf, '(')
	for i, f := range d.Record() {
		if i > 0 {
			buf = append(buf, ',')
		}
		if f.k == KindNull {
			continue
		}
		start := len(buf)
		buf = FormatText(buf, f, typeOfDatum(f), ctx)
		if needsRecordQuote(buf[start:]) {
			buf = quoteInPlace(buf, start, true)
		}
	}
	return append(buf, ')')
}

// parseArray parses a one-dimensional array literal such as {1,2,NULL} or
// {"a b","x\"y"} and each element as the element type. An optional
// [lo:hi]= dimension prefix is accepted and ignored when lo is 1.
func parseArray(s string, t T, ctx *FormatContext) (Datum, error) {
	malformed := func(detail string) error {
		return sqlerr.Newf(sqlerr.InvalidTextRepresentation, "malformed array literal: \"%s\"", s).WithDetail(detail)
	}
	if t.Elem == nil {
		return Datum{}, sqlerr.Internal("array type without element type")
	}
	et := *t.Elem
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '[' {
		end := strings.Index(s[i:], "]=")
		if end < 0 {
			return Datum{}, malformed("Array value must start with \"{\" or dimension information.")
		}
		dims := s[i+1 : i+end]
		lo, hi, ok := strings.Cut(dims, ":")
		if !ok || strings.TrimSpace(lo) != "1" {
			return Datum{}, sqlerr.Unsupported("arrays with a lower bound other than 1")
		}
		if _, ok := parseDigits(strings.TrimSpace(hi)); !ok {
			return Datum{}, malformed("Array value must start with \"{\" or dimension information.")
		}
		i += end + 2
	}
	if i >= len(s) || s[i] != '{' {
		return Datum{}, malformed("Array value must start with \"{\" or dimension information.")
	}
	i++
	var vals []Datum
	expectElem := true // after '{' or ','
	closed := false
	var elem []byte
	for !closed {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return Datum{}, malformed("Unexpected end of input.")
		}
		switch c := s[i]; {
		case c == '}':
			if expectElem && len(vals) > 0 {
				return Datum{}, malformed("Unexpected \"}\" character.")
			}
			i++
			closed = true
		case c == ',':
			if expectElem {
				return Datum{}, malformed("Unexpected \",\" character.")
			}
			expectElem = true
			i++
		case c == '{':
			if expectElem && len(vals) == 0 {
				return Datum{}, sqlerr.Unsupported("multidimensional arrays")
			}
			return Datum{}, malformed("Unexpected \"{\" character.")
		default:
			if !expectElem {
				return Datum{}, malformed("Unexpected array element.")
			}
			elem = elem[:0]
			quoted := false
			hasEscape := false
			if c == '"' {
				quoted = true
				i++
				for {
					if i >= len(s) {
						return Datum{}, malformed("Unexpected end of input.")
					}
					if s[i] == '\\' {
						if i+1 >= len(s) {
							return Datum{}, malformed("Unexpected end of input.")
						}
						elem = append(elem, s[i+1])
						i += 2
						continue
					}
					if s[i] == '"' {
						i++
						break
					}
					elem = append(elem, s[i])
					i++
				}
			} else {
				lastNonSpace := 0
				for i < len(s) && s[i] != ',' && s[i] != '}' {
					switch s[i] {
					case '\\':
						if i+1 >= len(s) {
							return Datum{}, malformed("Unexpected end of input.")
						}
						elem = append(elem, s[i+1])
						hasEscape = true
						i += 2
						lastNonSpace = len(elem)
						continue
					case '"', '{':
						return Datum{}, malformed("Unexpected \"" + string(s[i]) + "\" character.")
					}
					elem = append(elem, s[i])
					if !isSpace(s[i]) {
						lastNonSpace = len(elem)
					}
					i++
				}
				elem = elem[:lastNonSpace]
			}
			if !quoted && !hasEscape && strings.EqualFold(string(elem), "null") {
				vals = append(vals, Datum{})
			} else {
				v, err := ParseText(string(elem), et, ctx)
				if err != nil {
					return Datum{}, err
				}
				vals = append(vals, v)
			}
			expectElem = false
		}
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i != len(s) {
		return Datum{}, malformed("Junk after closing right brace.")
	}
	return NewArray(et, vals), nil
}

// compareArrays orders arrays element by element (NULL elements last),
// then by length.
func compareArrays(a, b *Array) int {
	n := min(len(a.Vals), len(b.Vals))
	for i := 0; i < n; i++ {
		if c := Compare(a.Vals[i], b.Vals[i]); c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(a.Vals)), int64(len(b.Vals)))
}

// compareRecords orders records field by field (NULL fields last), then by
// number of fields.
func compareRecords(a, b []Datum) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if c := Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}
