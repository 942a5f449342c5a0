package builtin

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// jsonbFuncs are the json and jsonb operators and functions: -> ->> #> #>>
// ? ?| ?& @> <@ || -, the builders (jsonb_build_object, jsonb_build_array,
// to_jsonb and their json twins), jsonb_typeof, jsonb_array_length,
// jsonb_extract_path(_text), jsonb_strip_nulls, jsonb_pretty and jsonb_set.
func jsonbFuncs() []*Func {
	j, js, t, i4, ta := types.JSONB, types.JSON, types.Text, types.Int4, types.ArrayOf(types.Text)
	fs := []*Func{
		binop("->", j, t, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.field(y.Str()) }, false)
		}),
		binop("->", j, i4, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.index(y.Int()) }, false)
		}),
		binop("->>", j, t, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.field(y.Str()) }, true)
		}),
		binop("->>", j, i4, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.index(y.Int()) }, true)
		}),
		binop("#>", j, ta, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.path(y) }, false)
		}),
		binop("#>>", j, ta, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonbGet(x, func(v *jsonValue) *jsonValue { return v.path(y) }, true)
		}),
		binop("->", js, t, js, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.field(y.Str()) }, false)
		}),
		binop("->", js, i4, js, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.index(y.Int()) }, false)
		}),
		binop("->>", js, t, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.field(y.Str()) }, true)
		}),
		binop("->>", js, i4, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.index(y.Int()) }, true)
		}),
		binop("#>", js, ta, js, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.path(y) }, false)
		}),
		binop("#>>", js, ta, t, func(x, y types.Datum) (types.Datum, error) {
			return jsonGet(x, func(v *jsonValue) *jsonValue { return v.path(y) }, true)
		}),
		{Name: "jsonb_extract_path", Args: args(j, t), Variadic: true, Ret: j, Strict: true, Vol: Immutable, Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbGet(v[0], func(x *jsonValue) *jsonValue { return x.pathStrings(v[1:]) }, false)
		}},
		{Name: "jsonb_extract_path_text", Args: args(j, t), Variadic: true, Ret: t, Strict: true, Vol: Immutable, Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbGet(v[0], func(x *jsonValue) *jsonValue { return x.pathStrings(v[1:]) }, true)
		}},
		{Name: "json_extract_path", Args: args(js, t), Variadic: true, Ret: js, Strict: true, Vol: Immutable, Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonGet(v[0], func(x *jsonValue) *jsonValue { return x.pathStrings(v[1:]) }, false)
		}},
		{Name: "json_extract_path_text", Args: args(js, t), Variadic: true, Ret: t, Strict: true, Vol: Immutable, Fn: func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonGet(v[0], func(x *jsonValue) *jsonValue { return x.pathStrings(v[1:]) }, true)
		}},
		binop("?", j, t, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			v, err := parseJSON(x.Str())
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewBool(v.hasKey(y.Str())), nil
		}),
		binop("?|", j, ta, types.Bool, func(x, y types.Datum) (types.Datum, error) { return jsonbHasKeys(x, y, false) }),
		binop("?&", j, ta, types.Bool, func(x, y types.Datum) (types.Datum, error) { return jsonbHasKeys(x, y, true) }),
		binop("@>", j, j, types.Bool, func(x, y types.Datum) (types.Datum, error) { return jsonbContains(x, y) }),
		binop("<@", j, j, types.Bool, func(x, y types.Datum) (types.Datum, error) { return jsonbContains(y, x) }),
		binop("||", j, j, j, func(x, y types.Datum) (types.Datum, error) { return jsonbConcat(x, y) }),
		binop("-", j, t, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbDelete(x, func(v *jsonValue) error { return v.deleteKeys([]string{y.Str()}) })
		}),
		binop("-", j, ta, j, func(x, y types.Datum) (types.Datum, error) {
			var keys []string
			for _, e := range y.Array().Vals {
				if !e.IsNull() {
					keys = append(keys, e.Str())
				}
			}
			return jsonbDelete(x, func(v *jsonValue) error { return v.deleteKeys(keys) })
		}),
		binop("-", j, i4, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbDelete(x, func(v *jsonValue) error { return v.deleteIndex(y.Int()) })
		}),
		binop("#-", j, ta, j, func(x, y types.Datum) (types.Datum, error) {
			return jsonbDelete(x, func(v *jsonValue) error { return v.deletePath(y.Array().Vals) })
		}),
		unop("jsonb_typeof", j, t, func(x types.Datum) (types.Datum, error) { return jsonTypeof(x) }),
		unop("json_typeof", js, t, func(x types.Datum) (types.Datum, error) { return jsonTypeof(x) }),
		unop("jsonb_array_length", j, i4, func(x types.Datum) (types.Datum, error) { return jsonArrayLength(x) }),
		unop("json_array_length", js, i4, func(x types.Datum) (types.Datum, error) { return jsonArrayLength(x) }),
		unop("jsonb_strip_nulls", j, j, func(x types.Datum) (types.Datum, error) {
			v, err := parseJSON(x.Str())
			if err != nil {
				return types.NullDatum, err
			}
			return newJSONB(v.stripNulls()), nil
		}),
		unop("jsonb_pretty", j, t, func(x types.Datum) (types.Datum, error) {
			v, err := parseJSON(x.Str())
			if err != nil {
				return types.NullDatum, err
			}
			var b strings.Builder
			v.pretty(&b, 0)
			return types.NewText(b.String()), nil
		}),
		strict("jsonb_set", j, args(j, ta, j), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbSet(v[0], v[1], v[2], true)
		}),
		strict("jsonb_set", j, args(j, ta, j, types.Bool), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbSet(v[0], v[1], v[2], v[3].Bool())
		}),
		strict("jsonb_insert", j, args(j, ta, j), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbInsert(v[0], v[1], v[2], false)
		}),
		strict("jsonb_insert", j, args(j, ta, j, types.Bool), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return jsonbInsert(v[0], v[1], v[2], v[3].Bool())
		}),
		{Name: "to_jsonb", Args: args(AnyElement), Ret: j, Strict: true, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			jv, err := datumToJSON(ctx, v[0])
			if err != nil {
				return types.NullDatum, err
			}
			return newJSONB(jv), nil
		}},
		{Name: "to_json", Args: args(AnyElement), Ret: js, Strict: true, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			jv, err := datumToJSON(ctx, v[0])
			if err != nil {
				return types.NullDatum, err
			}
			var b strings.Builder
			jv.writeJSON(&b, ",", ":")
			return types.NewString(types.KindJSON, b.String()), nil
		}},
		{Name: "jsonb_build_object", Ret: j, Vol: Stable, Fn: func(*EvalContext, []types.Datum) (types.Datum, error) {
			return types.NewString(types.KindJSONB, "{}"), nil
		}},
		{Name: "jsonb_build_object", Args: args(Any), Variadic: true, Ret: j, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			o, err := buildObject(ctx, "jsonb_build_object", v)
			if err != nil {
				return types.NullDatum, err
			}
			return newJSONB(o.canonical()), nil
		}},
		{Name: "json_build_object", Ret: js, Vol: Stable, Fn: func(*EvalContext, []types.Datum) (types.Datum, error) {
			return types.NewString(types.KindJSON, "{}"), nil
		}},
		{Name: "json_build_object", Args: args(Any), Variadic: true, Ret: js, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			o, err := buildObject(ctx, "json_build_object", v)
			if err != nil {
				return types.NullDatum, err
			}
			var b strings.Builder
			o.writeJSON(&b, ", ", " : ")
			return types.NewString(types.KindJSON, b.String()), nil
		}},
		{Name: "jsonb_build_array", Ret: j, Vol: Stable, Fn: func(*EvalContext, []types.Datum) (types.Datum, error) {
			return types.NewString(types.KindJSONB, "[]"), nil
		}},
		{Name: "jsonb_build_array", Args: args(Any), Variadic: true, Ret: j, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			a, err := buildArray(ctx, v)
			if err != nil {
				return types.NullDatum, err
			}
			return newJSONB(a), nil
		}},
		{Name: "json_build_array", Ret: js, Vol: Stable, Fn: func(*EvalContext, []types.Datum) (types.Datum, error) {
			return types.NewString(types.KindJSON, "[]"), nil
		}},
		{Name: "json_build_array", Args: args(Any), Variadic: true, Ret: js, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			a, err := buildArray(ctx, v)
			if err != nil {
				return types.NullDatum, err
			}
			var b strings.Builder
			a.writeJSON(&b, ", ", " : ")
			return types.NewString(types.KindJSON, b.String()), nil
		}},
	}
	return fs
}

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonString
	jsonNumber
	jsonBool
	jsonArray
	jsonObject
)

// jsonValue is a parsed JSON document. Objects keep keys and values in
// parallel slices: in input order for json, in jsonb order (shorter keys
// first, then bytewise, duplicates resolved to the last) for jsonb.
type jsonValue struct {
	kind jsonKind
	b    bool
	s    string // string value, or number text
	raw  string // the source text of this value (json keeps it verbatim)
	// embedded marks a json or jsonb argument of a json builder, which
	// json output copies as written.
	embedded bool
	elems    []*jsonValue
	keys     []string
	vals     []*jsonValue
}

func (v *jsonValue) typeName() string {
	switch v.kind {
	case jsonString:
		return "string"
	case jsonNumber:
		return "numeric"
	case jsonBool:
		return "boolean"
	case jsonArray:
		return "array"
	case jsonObject:
		return "object"
	}
	return "null"
}

// parseJSON parses JSON text (json input, or jsonb canonical output).
func parseJSON(s string) (*jsonValue, error) {
	p := jsonParser{s: s}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(s) {
		return nil, p.fail()
	}
	return v, nil
}

type jsonParser struct {
	s string
	i int
}

func (p *jsonParser) fail() error {
	return sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type json")
}

func (p *jsonParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *jsonParser) value(depth int) (*jsonValue, error) {
	if p.i >= len(p.s) || depth > 6400 {
		return nil, p.fail()
	}
	start := p.i
	var v *jsonValue
	switch c := p.s[p.i]; {
	case c == '{':
		v = &jsonValue{kind: jsonObject}
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			break
		}
		for {
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return nil, p.fail()
			}
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, p.fail()
			}
			p.i++
			p.space()
			e, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.keys = append(v.keys, k)
			v.vals = append(v.vals, e)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				break
			}
			return nil, p.fail()
		}
	case c == '[':
		v = &jsonValue{kind: jsonArray}
		p.i++
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			break
		}
		for {
			p.space()
			e, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.elems = append(v.elems, e)
			p.space()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.s) && p.s[p.i] == ']' {
				p.i++
				break
			}
			return nil, p.fail()
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		v = &jsonValue{kind: jsonString, s: s}
	case c == '-' || c >= '0' && c <= '9':
		j := p.i
		if p.s[j] == '-' {
			j++
		}
		for j < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[j]) >= 0 {
			j++
		}
		v = &jsonValue{kind: jsonNumber, s: p.s[p.i:j]}
		p.i = j
	case strings.HasPrefix(p.s[p.i:], "true"):
		v = &jsonValue{kind: jsonBool, b: true}
		p.i += 4
	case strings.HasPrefix(p.s[p.i:], "false"):
		v = &jsonValue{kind: jsonBool}
		p.i += 5
	case strings.HasPrefix(p.s[p.i:], "null"):
		v = &jsonValue{kind: jsonNull}
		p.i += 4
	default:
		return nil, p.fail()
	}
	v.raw = p.s[start:p.i]
	return v, nil
}

func (p *jsonParser) str() (string, error) {
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return "", p.fail()
			}
			p.i++
			switch e := p.s[p.i]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				if p.i+4 >= len(p.s) {
					return "", p.fail()
				}
				r, err := strconv.ParseUint(p.s[p.i+1:p.i+5], 16, 32)
				if err != nil {
					return "", p.fail()
				}
				p.i += 4
				ru := rune(r)
				if utf16.IsSurrogate(ru) && strings.HasPrefix(p.s[p.i+1:], `\u`) && p.i+10 < len(p.s)+1 {
					if r2, err := strconv.ParseUint(p.s[p.i+3:p.i+7], 16, 32); err == nil {
						ru = utf16.DecodeRune(ru, rune(r2))
						p.i += 6
					}
				}
				b.WriteRune(ru)
			default:
				return "", p.fail()
			}
			p.i++
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", p.fail()
}

// jsonbKeyLess is jsonb's key order: shorter first, then bytewise.
func jsonbKeyLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// canonical returns v with objects in jsonb form: keys sorted, the last of
// duplicate keys kept.
func (v *jsonValue) canonical() *jsonValue {
	switch v.kind {
	case jsonArray:
		out := &jsonValue{kind: jsonArray, elems: make([]*jsonValue, len(v.elems))}
		for i, e := range v.elems {
			out.elems[i] = e.canonical()
		}
		return out
	case jsonObject:
		idx := map[string]int{}
		var keys []string
		for i, k := range v.keys {
			if _, ok := idx[k]; !ok {
				keys = append(keys, k)
			}
			idx[k] = i
		}
		sort.Slice(keys, func(a, b int) bool { return jsonbKeyLess(keys[a], keys[b]) })
		out := &jsonValue{kind: jsonObject, keys: keys, vals: make([]*jsonValue, len(keys))}
		for i, k := range keys {
			out.vals[i] = v.vals[idx[k]].canonical()
		}
		return out
	case jsonNumber:
		if d, _, err := apd.NewFromString(v.s); err == nil {
			return &jsonValue{kind: jsonNumber, s: normScale(d).Text('f')}
		}
	}
	return v
}

// writeJSON writes v with the given separators: jsonb uses ", " and ": ",
// json_build_object ", " and " : ", to_json "," and ":".
func (v *jsonValue) writeJSON(b *strings.Builder, comma, colon string) {
	if v.embedded && colon != ": " {
		b.WriteString(v.raw)
		return
	}
	switch v.kind {
	case jsonNull:
		b.WriteString("null")
	case jsonBool:
		if v.b {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case jsonNumber:
		b.WriteString(v.s)
	case jsonString:
		writeJSONString(b, v.s)
	case jsonArray:
		b.WriteByte('[')
		for i, e := range v.elems {
			if i > 0 {
				b.WriteString(comma)
			}
			e.writeJSON(b, comma, colon)
		}
		b.WriteByte(']')
	case jsonObject:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(comma)
			}
			writeJSONString(b, k)
			b.WriteString(colon)
			v.vals[i].writeJSON(b, comma, colon)
		}
		b.WriteByte('}')
	}
}

// writeJSONString quotes s as Postgres' escape_json does.
func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&0xf])
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// jsonbText is the canonical jsonb output of v.
func (v *jsonValue) jsonbText() string {
	var b strings.Builder
	v.writeJSON(&b, ", ", ": ")
	return b.String()
}

func newJSONB(v *jsonValue) types.Datum { return types.NewString(types.KindJSONB, v.jsonbText()) }

// pretty writes jsonb_pretty's layout: four-space indents, one element per
// line, and empty containers still split over two lines.
func (v *jsonValue) pretty(b *strings.Builder, indent int) {
	pad := func(n int) { b.WriteString(strings.Repeat("    ", n)) }
	switch v.kind {
	case jsonArray:
		b.WriteString("[\n")
		for i, e := range v.elems {
			pad(indent + 1)
			e.pretty(b, indent+1)
			if i < len(v.elems)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		pad(indent)
		b.WriteByte(']')
	case jsonObject:
		b.WriteString("{\n")
		for i, k := range v.keys {
			pad(indent + 1)
			writeJSONString(b, k)
			b.WriteString(": ")
			v.vals[i].pretty(b, indent+1)
			if i < len(v.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		pad(indent)
		b.WriteByte('}')
	default:
		v.writeJSON(b, ", ", ": ")
	}
}

func (v *jsonValue) field(k string) *jsonValue {
	if v == nil || v.kind != jsonObject {
		return nil
	}
	var found *jsonValue
	for i, key := range v.keys {
		if key == k {
			found = v.vals[i]
		}
	}
	return found
}

func (v *jsonValue) index(i int64) *jsonValue {
	if v == nil || v.kind != jsonArray {
		return nil
	}
	if i < 0 {
		i += int64(len(v.elems))
	}
	if i < 0 || i >= int64(len(v.elems)) {
		return nil
	}
	return v.elems[i]
}

// step follows one path element: a key for objects, an integer for arrays.
func (v *jsonValue) step(k string) *jsonValue {
	if v == nil {
		return nil
	}
	switch v.kind {
	case jsonObject:
		return v.field(k)
	case jsonArray:
		i, err := strconv.ParseInt(strings.TrimSpace(k), 10, 32)
		if err != nil {
			return nil
		}
		return v.index(i)
	}
	return nil
}

func (v *jsonValue) path(arr types.Datum) *jsonValue {
	cur := v
	for _, e := range arr.Array().Vals {
		if e.IsNull() {
			return nil
		}
		cur = cur.step(e.Str())
	}
	return cur
}

func (v *jsonValue) pathStrings(keys []types.Datum) *jsonValue {
	cur := v
	for _, e := range keys {
		if e.IsNull() {
			return nil
		}
		cur = cur.step(e.Str())
	}
	return cur
}

// jsonbGet applies get to a jsonb value; asText returns ->> text (NULL for
// a JSON null, the string itself for a string).
func jsonbGet(x types.Datum, get func(*jsonValue) *jsonValue, asText bool) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	r := get(v)
	if r == nil {
		return types.NullDatum, nil
	}
	if asText {
		return jsonScalarText(r, r.jsonbText()), nil
	}
	return newJSONB(r), nil
}

// jsonGet is jsonbGet for json, which returns the source text verbatim.
func jsonGet(x types.Datum, get func(*jsonValue) *jsonValue, asText bool) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	r := get(v)
	if r == nil {
		return types.NullDatum, nil
	}
	if asText {
		return jsonScalarText(r, r.raw), nil
	}
	return types.NewString(types.KindJSON, r.raw), nil
}

func jsonScalarText(r *jsonValue, text string) types.Datum {
	switch r.kind {
	case jsonNull:
		return types.NullDatum
	case jsonString:
		return types.NewText(r.s)
	}
	return types.NewText(text)
}

func (v *jsonValue) hasKey(k string) bool {
	switch v.kind {
	case jsonObject:
		return v.field(k) != nil
	case jsonArray:
		for _, e := range v.elems {
			if e.kind == jsonString && e.s == k {
				return true
			}
		}
	case jsonString:
		return v.s == k
	}
	return false
}

func jsonbHasKeys(x, keys types.Datum, all bool) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	for _, k := range keys.Array().Vals {
		if k.IsNull() {
			continue
		}
		has := v.hasKey(k.Str())
		if has && !all {
			return types.NewBool(true), nil
		}
		if !has && all {
			return types.NewBool(false), nil
		}
	}
	return types.NewBool(all), nil
}

// jsonEqual compares scalars (numbers by value) and structures deeply.
func jsonEqual(a, b *jsonValue) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case jsonNull:
		return true
	case jsonBool:
		return a.b == b.b
	case jsonString:
		return a.s == b.s
	case jsonNumber:
		x, _, e1 := apd.NewFromString(a.s)
		y, _, e2 := apd.NewFromString(b.s)
		if e1 != nil || e2 != nil {
			return a.s == b.s
		}
		return x.Cmp(y) == 0
	case jsonArray:
		if len(a.elems) != len(b.elems) {
			return false
		}
		for i := range a.elems {
			if !jsonEqual(a.elems[i], b.elems[i]) {
				return false
			}
		}
		return true
	}
	if len(a.keys) != len(b.keys) {
		return false
	}
	for i, k := range a.keys {
		o := b.field(k)
		if o == nil || !jsonEqual(a.vals[i], o) {
			return false
		}
	}
	return true
}

// contains is jsonb @>: every part of b is found in a.
func contains(a, b *jsonValue, top bool) bool {
	switch {
	case a.kind == jsonObject && b.kind == jsonObject:
		for i, k := range b.keys {
			av := a.field(k)
			if av == nil {
				return false
			}
			bv := b.vals[i]
			if av.kind != bv.kind {
				return false
			}
			if bv.kind == jsonObject || bv.kind == jsonArray {
				if !contains(av, bv, false) {
					return false
				}
			} else if !jsonEqual(av, bv) {
				return false
			}
		}
		return true
	case a.kind == jsonArray && b.kind == jsonArray:
		for _, be := range b.elems {
			found := false
			for _, ae := range a.elems {
				if ae.kind != be.kind {
					continue
				}
				if be.kind == jsonObject || be.kind == jsonArray {
					found = contains(ae, be, false)
				} else {
					found = jsonEqual(ae, be)
				}
				if found {
					break
				}
			}
			if !found {
				return false
			}
		}
		return true
	case a.kind == jsonArray && top && b.kind != jsonObject:
		for _, ae := range a.elems {
			if jsonEqual(ae, b) {
				return true
			}
		}
		return false
	}
	return jsonEqual(a, b)
}

func jsonbContains(x, y types.Datum) (types.Datum, error) {
	a, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	b, err := parseJSON(y.Str())
	if err != nil {
		return types.NullDatum, err
	}
	return types.NewBool(contains(a, b, true)), nil
}

// jsonbConcat is jsonb || jsonb: objects merge (right wins), otherwise
// both sides become array elements.
func jsonbConcat(x, y types.Datum) (types.Datum, error) {
	a, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	b, err := parseJSON(y.Str())
	if err != nil {
		return types.NullDatum, err
	}
	if a.kind == jsonObject && b.kind == jsonObject {
		m := &jsonValue{kind: jsonObject, keys: append(append([]string{}, a.keys...), b.keys...),
			vals: append(append([]*jsonValue{}, a.vals...), b.vals...)}
		return newJSONB(m.canonical()), nil
	}
	elems := func(v *jsonValue) []*jsonValue {
		if v.kind == jsonArray {
			return v.elems
		}
		return []*jsonValue{v}
	}
	r := &jsonValue{kind: jsonArray, elems: append(append([]*jsonValue{}, elems(a)...), elems(b)...)}
	return newJSONB(r), nil
}

func jsonbDelete(x types.Datum, del func(*jsonValue) error) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	if err := del(v); err != nil {
		return types.NullDatum, err
	}
	return newJSONB(v), nil
}

func cannotDeleteFromScalar() error {
	return sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete from scalar")
}

func (v *jsonValue) deleteKeys(keys []string) error {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	switch v.kind {
	case jsonObject:
		var ks []string
		var vs []*jsonValue
		for i, k := range v.keys {
			if !drop[k] {
				ks = append(ks, k)
				vs = append(vs, v.vals[i])
			}
		}
		v.keys, v.vals = ks, vs
	case jsonArray:
		var es []*jsonValue
		for _, e := range v.elems {
			if !(e.kind == jsonString && drop[e.s]) {
				es = append(es, e)
			}
		}
		v.elems = es
	default:
		return cannotDeleteFromScalar()
	}
	return nil
}

func (v *jsonValue) deleteIndex(i int64) error {
	switch v.kind {
	case jsonArray:
		if i < 0 {
			i += int64(len(v.elems))
		}
		if i >= 0 && i < int64(len(v.elems)) {
			v.elems = append(v.elems[:i:i], v.elems[i+1:]...)
		}
		return nil
	case jsonObject:
		return sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete from object using integer index")
	}
	return cannotDeleteFromScalar()
}

func (v *jsonValue) stripNulls() *jsonValue {
	switch v.kind {
	case jsonObject:
		out := &jsonValue{kind: jsonObject}
		for i, k := range v.keys {
			if v.vals[i].kind == jsonNull {
				continue
			}
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, v.vals[i].stripNulls())
		}
		return out
	case jsonArray:
		out := &jsonValue{kind: jsonArray}
		for _, e := range v.elems {
			out.elems = append(out.elems, e.stripNulls())
		}
		return out
	}
	return v
}

func jsonTypeof(x types.Datum) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	name := v.typeName()
	if v.kind == jsonNumber {
		name = "number"
	}
	return types.NewText(name), nil
}

func jsonArrayLength(x types.Datum) (types.Datum, error) {
	v, err := parseJSON(x.Str())
	if err != nil {
		return types.NullDatum, err
	}
	switch v.kind {
	case jsonArray:
		return types.NewInt4(int32(len(v.elems))), nil
	case jsonObject:
		return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "cannot get array length of a non-array")
	}
	return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "cannot get array length of a scalar")
}

// pathEdit parses the arguments of jsonb_set and jsonb_insert: the document
// (an object or array), the path (no NULL elements) and the new value.
func pathEdit(x, pathD, newD types.Datum) (v, nv *jsonValue, path []string, err error) {
	if v, err = parseJSON(x.Str()); err != nil {
		return nil, nil, nil, err
	}
	if nv, err = parseJSON(newD.Str()); err != nil {
		return nil, nil, nil, err
	}
	if v.kind != jsonObject && v.kind != jsonArray {
		return nil, nil, nil, sqlerr.New(sqlerr.InvalidParameterValue, "cannot set path in scalar")
	}
	for i, e := range pathD.Array().Vals {
		if e.IsNull() {
			return nil, nil, nil, sqlerr.Newf(codeNullValueNotAllowed, "path element at position %d is null", i+1)
		}
		path = append(path, e.Str())
	}
	return v, nv, path, nil
}

// jsonbSet replaces (or, with create, adds) the value at path.
func jsonbSet(x, pathD, newD types.Datum, create bool) (types.Datum, error) {
	v, nv, path, err := pathEdit(x, pathD, newD)
	if err != nil || len(path) == 0 {
		return x, err
	}
	if err := setPath(v, path, nv, create, 1); err != nil {
		return types.NullDatum, err
	}
	return newJSONB(v.canonical()), nil
}

func setPath(v *jsonValue, path []string, nv *jsonValue, create bool, pos int) error {
	k := path[0]
	last := len(path) == 1
	switch v.kind {
	case jsonObject:
		for i, key := range v.keys {
			if key == k {
				if last {
					v.vals[i] = nv
					return nil
				}
				return setPath(v.vals[i], path[1:], nv, create, pos+1)
			}
		}
		if last && create {
			v.keys = append(v.keys, k)
			v.vals = append(v.vals, nv)
		}
	case jsonArray:
		i, err := strconv.ParseInt(k, 10, 32)
		if err != nil {
			return sqlerr.Newf(sqlerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", pos, k)
		}
		n := int64(len(v.elems))
		if i < 0 {
			i += n
		}
		switch {
		case i >= 0 && i < n:
			if last {
				v.elems[i] = nv
				return nil
			}
			return setPath(v.elems[i], path[1:], nv, create, pos+1)
		case last && create && i < 0:
			v.elems = append([]*jsonValue{nv}, v.elems...)
		case last && create:
			v.elems = append(v.elems, nv)
		}
	}
	return nil
}

// jsonbInsert inserts newD at path: before (or after) an array element, or
// as a new key (an existing key is an error).
func jsonbInsert(x, pathD, newD types.Datum, after bool) (types.Datum, error) {
	v, nv, path, err := pathEdit(x, pathD, newD)
	if err != nil || len(path) == 0 {
		return x, err
	}
	parent := v
	for i, k := range path[:len(path)-1] {
		parent = parent.step(k)
		if parent == nil {
			return x, nil
		}
		if parent.kind == jsonArray {
			if _, err := strconv.ParseInt(path[i+1], 10, 32); err != nil {
				return types.NullDatum, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", i+2, path[i+1])
			}
		}
	}
	last := path[len(path)-1]
	switch parent.kind {
	case jsonObject:
		if parent.field(last) != nil {
			return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "cannot replace existing key").
				WithHint("Try using the function jsonb_set to replace key value.")
		}
		parent.keys = append(parent.keys, last)
		parent.vals = append(parent.vals, nv)
	case jsonArray:
		i, err := strconv.ParseInt(last, 10, 32)
		if err != nil {
			return types.NullDatum, sqlerr.Newf(sqlerr.InvalidTextRepresentation, "path element at position %d is not an integer: \"%s\"", len(path), last)
		}
		n := int64(len(parent.elems))
		if i < 0 {
			i += n
		}
		if after {
			i++
		}
		i = max(min(i, n), 0)
		parent.elems = append(parent.elems[:i:i], append([]*jsonValue{nv}, parent.elems[i:]...)...)
	}
	return newJSONB(v.canonical()), nil
}

// buildObject makes an object from alternating keys and values.
func buildObject(ctx *EvalContext, fn string, v []types.Datum) (*jsonValue, error) {
	if len(v)%2 != 0 {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "argument list must have even number of elements").
			WithHint("The arguments of " + fn + "() must consist of alternating keys and values.")
	}
	o := &jsonValue{kind: jsonObject}
	for i := 0; i < len(v); i += 2 {
		k := v[i]
		if k.IsNull() {
			return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "argument %d: key must not be null", i+1)
		}
		switch k.Kind() {
		case types.KindArray, types.KindJSON, types.KindJSONB, types.KindRecord:
			return nil, sqlerr.New(sqlerr.InvalidParameterValue, "key value must be scalar, not array, composite, or json")
		}
		ks, err := outputText(ctx, k)
		if err != nil {
			return nil, err
		}
		val, err := datumToJSON(ctx, v[i+1])
		if err != nil {
			return nil, err
		}
		o.keys = append(o.keys, ks)
		o.vals = append(o.vals, val)
	}
	return o, nil
}

func buildArray(ctx *EvalContext, v []types.Datum) (*jsonValue, error) {
	a := &jsonValue{kind: jsonArray}
	for _, d := range v {
		e, err := datumToJSON(ctx, d)
		if err != nil {
			return nil, err
		}
		a.elems = append(a.elems, e)
	}
	return a, nil
}

// datumToJSON converts a SQL value as to_jsonb does: numbers stay numbers
// (non-finite floats become strings), booleans booleans, date/times ISO
// 8601 strings, arrays arrays, json and jsonb embedded, anything else its
// text output as a string.
func datumToJSON(ctx *EvalContext, d types.Datum) (*jsonValue, error) {
	if d.IsNull() {
		return &jsonValue{kind: jsonNull}, nil
	}
	switch d.Kind() {
	case types.KindBool:
		return &jsonValue{kind: jsonBool, b: d.Bool()}, nil
	case types.KindInt2, types.KindInt4, types.KindInt8:
		return &jsonValue{kind: jsonNumber, s: strconv.FormatInt(d.Int(), 10)}, nil
	case types.KindFloat4, types.KindFloat8:
		s, err := outputText(ctx, d)
		if err != nil {
			return nil, err
		}
		if f := d.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return &jsonValue{kind: jsonString, s: s}, nil
		}
		return &jsonValue{kind: jsonNumber, s: s}, nil
	case types.KindNumeric:
		s, err := outputText(ctx, d)
		if err != nil {
			return nil, err
		}
		if d.Decimal().Form != apd.Finite {
			return &jsonValue{kind: jsonString, s: s}, nil
		}
		return &jsonValue{kind: jsonNumber, s: s}, nil
	case types.KindJSONB, types.KindJSON:
		v, err := parseJSON(d.Str())
		if err != nil {
			return nil, err
		}
		v.embedded = true
		return v, nil
	case types.KindArray:
		a := &jsonValue{kind: jsonArray}
		for _, e := range d.Array().Vals {
			ev, err := datumToJSON(ctx, e)
			if err != nil {
				return nil, err
			}
			a.elems = append(a.elems, ev)
		}
		return a, nil
	case types.KindDate, types.KindTimestamp, types.KindTimestampTZ, types.KindTime:
		s, err := outputText(ctx, d)
		if err != nil {
			return nil, err
		}
		return &jsonValue{kind: jsonString, s: isoDateTime(d, s)}, nil
	}
	s, err := outputText(ctx, d)
	if err != nil {
		return nil, err
	}
	return &jsonValue{kind: jsonString, s: s}, nil
}

// isoDateTime turns Postgres' ISO output ("2020-01-02 03:04:05+00") into
// the XML Schema form JSON uses ("2020-01-02T03:04:05+00:00"); infinite
// values keep their text.
func isoDateTime(d types.Datum, s string) string {
	switch d.Kind() {
	case types.KindTimestamp, types.KindTimestampTZ:
		if isInfTimestamp(d.Int()) {
			return s
		}
		bc := strings.HasSuffix(s, " BC")
		s = strings.TrimSuffix(s, " BC")
		s = strings.Replace(s, " ", "T", 1)
		if d.Kind() == types.KindTimestampTZ {
			// The zone suffix is +HH, +HH:MM or +HH:MM:SS after the time.
			if i := strings.LastIndexAny(s, "+-"); i > 10 {
				zone := s[i:]
				if len(zone) == 3 {
					zone += ":00"
				}
				s = s[:i] + zone
			}
		}
		if bc {
			s += " BC"
		}
		return s
	}
	return s
}

// deletePath removes the element at a key/index path (#-): a missing path
// leaves the document unchanged; a NULL path element is an error.
func (v *jsonValue) deletePath(path []types.Datum) error {
	if v.kind != jsonObject && v.kind != jsonArray {
		return sqlerr.New(sqlerr.InvalidParameterValue, "cannot delete path in scalar")
	}
	for _, p := range path {
		if p.IsNull() {
			return sqlerr.New(sqlerr.NullValueNotAllowed, "path element at position 1 is null")
		}
	}
	if len(path) == 0 {
		return nil
	}
	cur := v
	for _, p := range path[:len(path)-1] {
		if cur = cur.step(p.Str()); cur == nil {
			return nil
		}
	}
	last := path[len(path)-1].Str()
	switch cur.kind {
	case jsonObject:
		return cur.deleteKeys([]string{last})
	case jsonArray:
		i, err := strconv.ParseInt(last, 10, 64)
		if err != nil {
			return sqlerr.Newf(sqlerr.InvalidTextRepresentation, "path element at position %d is not an integer: %q", len(path), last)
		}
		return cur.deleteIndex(i)
	}
	return nil
}
