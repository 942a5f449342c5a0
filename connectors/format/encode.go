package format

import (
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/types"
)

// AppendJSONObject appends row as a JSON object of the columns' names:
// numbers and booleans as JSON numbers and booleans, json and jsonb as
// they are, NULL as null, and every other value as a string of its
// Postgres text output (timestamps as "2024-01-02 03:04:05"). NaN and
// infinite floats are strings too.
func AppendJSONObject(buf []byte, cols []Column, row types.Row) []byte {
	buf = append(buf, '{')
	for i, c := range cols {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, c.Name)
		buf = append(buf, ':')
		buf = appendJSONValue(buf, c.Type, row[i])
	}
	return append(buf, '}')
}

func appendJSONValue(buf []byte, t types.T, v types.Datum) []byte {
	if v.IsNull() {
		return append(buf, "null"...)
	}
	text := types.FormatText(nil, v, t, nil)
	switch t.Kind {
	case types.KindBool:
		if v.Bool() {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case types.KindInt2, types.KindInt4, types.KindInt8, types.KindJSON, types.KindJSONB:
		return append(buf, text...)
	case types.KindFloat4, types.KindFloat8, types.KindNumeric:
		switch string(text) {
		case "NaN", "Infinity", "-Infinity":
			return appendJSONString(buf, string(text))
		}
		return append(buf, text...)
	}
	return appendJSONString(buf, string(text))
}

// appendJSONString appends s as a JSON string.
func appendJSONString(buf []byte, s string) []byte {
	const hex = "0123456789abcdef"
	buf = append(buf, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			buf = append(buf, '\\', c)
		case c == '\n':
			buf = append(buf, '\\', 'n')
		case c == '\r':
			buf = append(buf, '\\', 'r')
		case c == '\t':
			buf = append(buf, '\\', 't')
		case c < 0x20:
			buf = append(buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case c < utf8.RuneSelf:
			buf = append(buf, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				buf = append(buf, `\ufffd`...)
			} else {
				buf = append(buf, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(buf, '"')
}
