package builtin

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// textFuncs are the string functions and the || operator.
func textFuncs() []*Func {
	t, i4 := types.Text, types.Int4
	return []*Func{
		binop("||", t, t, t, func(x, y types.Datum) (types.Datum, error) { return types.NewText(x.Str() + y.Str()), nil }),
		strict("||", t, args(t, AnyNonArray), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			s, err := castText(ctx, v[1])
			return types.NewText(v[0].Str() + s), err
		}),
		strict("||", t, args(AnyNonArray, t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			s, err := castText(ctx, v[0])
			return types.NewText(s + v[1].Str()), err
		}),
		binop("||", types.Bytea, types.Bytea, types.Bytea, func(x, y types.Datum) (types.Datum, error) {
			return types.NewString(types.KindBytea, x.Str()+y.Str()), nil
		}),
		textFn("length", i4, func(s string) types.Datum { return types.NewInt4(int32(utf8.RuneCountInString(s))) }),
		textFn("char_length", i4, func(s string) types.Datum { return types.NewInt4(int32(utf8.RuneCountInString(s))) }),
		textFn("character_length", i4, func(s string) types.Datum { return types.NewInt4(int32(utf8.RuneCountInString(s))) }),
		textFn("octet_length", i4, func(s string) types.Datum { return types.NewInt4(int32(len(s))) }),
		textFn("bit_length", i4, func(s string) types.Datum { return types.NewInt4(int32(8 * len(s))) }),
		unop("length", types.Bytea, i4, func(x types.Datum) (types.Datum, error) { return types.NewInt4(int32(len(x.Str()))), nil }),
		unop("octet_length", types.Bytea, i4, func(x types.Datum) (types.Datum, error) {
			return types.NewInt4(int32(len(x.Str()))), nil
		}),
		unop("length", types.BPChar, i4, func(x types.Datum) (types.Datum, error) {
			return types.NewInt4(int32(utf8.RuneCountInString(strings.TrimRight(x.Str(), " ")))), nil
		}),
		textFn("lower", t, func(s string) types.Datum { return types.NewText(strings.ToLower(s)) }),
		textFn("upper", t, func(s string) types.Datum { return types.NewText(strings.ToUpper(s)) }),
		textFn("initcap", t, func(s string) types.Datum { return types.NewText(initcap(s)) }),
		textFn("reverse", t, func(s string) types.Datum { return types.NewText(reverse(s)) }),
		textFn("md5", t, func(s string) types.Datum {
			h := md5.Sum([]byte(s))
			return types.NewText(hex.EncodeToString(h[:]))
		}),
		unop("md5", types.Bytea, t, func(x types.Datum) (types.Datum, error) {
			h := md5.Sum([]byte(x.Str()))
			return types.NewText(hex.EncodeToString(h[:])), nil
		}),
		textFn("ascii", i4, func(s string) types.Datum {
			if s == "" {
				return types.NewInt4(0)
			}
			r, _ := utf8.DecodeRuneInString(s)
			return types.NewInt4(int32(r))
		}),
		unop("chr", i4, t, func(x types.Datum) (types.Datum, error) { return chr(x.Int()) }),
		textFn("quote_ident", t, func(s string) types.Datum { return types.NewText(QuoteIdent(s)) }),
		textFn("quote_literal", t, func(s string) types.Datum { return types.NewText(quoteLiteral(s)) }),
		strict("quote_literal", t, args(AnyElement), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			s, err := castText(ctx, v[0])
			return types.NewText(quoteLiteral(s)), err
		}),
		{Name: "quote_nullable", Args: args(t), Ret: t, Vol: Immutable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NewText("NULL"), nil
			}
			return types.NewText(quoteLiteral(v[0].Str())), nil
		}},
		{Name: "quote_nullable", Args: args(AnyElement), Ret: t, Vol: Immutable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NewText("NULL"), nil
			}
			s, err := castText(ctx, v[0])
			return types.NewText(quoteLiteral(s)), err
		}},
		binop("substr", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return substr(x.Str(), y.Int(), -1, false) }),
		strict("substr", t, args(t, i4, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return substr(v[0].Str(), v[1].Int(), v[2].Int(), true)
		}),
		binop("substring", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return substr(x.Str(), y.Int(), -1, false) }),
		strict("substring", t, args(t, i4, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return substr(v[0].Str(), v[1].Int(), v[2].Int(), true)
		}),
		strict("overlay", t, args(t, t, i4, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return overlay(v[0].Str(), v[1].Str(), v[2].Int(), v[3].Int())
		}),
		strict("overlay", t, args(t, t, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return overlay(v[0].Str(), v[1].Str(), v[2].Int(), int64(utf8.RuneCountInString(v[1].Str())))
		}),
		binop("strpos", t, t, i4, func(x, y types.Datum) (types.Datum, error) { return types.NewInt4(strpos(x.Str(), y.Str())), nil }),
		binop("position", t, t, i4, func(x, y types.Datum) (types.Datum, error) { return types.NewInt4(strpos(x.Str(), y.Str())), nil }),
		strict("replace", t, args(t, t, t), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[1].Str() == "" {
				return v[0], nil
			}
			return types.NewText(strings.ReplaceAll(v[0].Str(), v[1].Str(), v[2].Str())), nil
		}),
		textFn("btrim", t, func(s string) types.Datum { return types.NewText(strings.Trim(s, " ")) }),
		textFn("ltrim", t, func(s string) types.Datum { return types.NewText(strings.TrimLeft(s, " ")) }),
		textFn("rtrim", t, func(s string) types.Datum { return types.NewText(strings.TrimRight(s, " ")) }),
		binop("btrim", t, t, t, func(x, y types.Datum) (types.Datum, error) { return types.NewText(strings.Trim(x.Str(), y.Str())), nil }),
		binop("ltrim", t, t, t, func(x, y types.Datum) (types.Datum, error) {
			return types.NewText(strings.TrimLeft(x.Str(), y.Str())), nil
		}),
		binop("rtrim", t, t, t, func(x, y types.Datum) (types.Datum, error) {
			return types.NewText(strings.TrimRight(x.Str(), y.Str())), nil
		}),
		binop("lpad", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return pad(x.Str(), y.Int(), " ", true) }),
		binop("rpad", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return pad(x.Str(), y.Int(), " ", false) }),
		strict("lpad", t, args(t, i4, t), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return pad(v[0].Str(), v[1].Int(), v[2].Str(), true)
		}),
		strict("rpad", t, args(t, i4, t), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return pad(v[0].Str(), v[1].Int(), v[2].Str(), false)
		}),
		binop("left", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return types.NewText(left(x.Str(), y.Int())), nil }),
		binop("right", t, i4, t, func(x, y types.Datum) (types.Datum, error) { return types.NewText(right(x.Str(), y.Int())), nil }),
		binop("repeat", t, i4, t, func(x, y types.Datum) (types.Datum, error) {
			n := y.Int()
			if n <= 0 {
				return types.NewText(""), nil
			}
			if int64(len(x.Str()))*n > 1<<30 {
				return types.NullDatum, sqlerr.New(sqlerr.ProgramLimitExceeded, "requested length too large")
			}
			return types.NewText(strings.Repeat(x.Str(), int(n))), nil
		}),
		strict("split_part", t, args(t, t, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return splitPart(v[0].Str(), v[1].Str(), v[2].Int())
		}),
		binop("starts_with", t, t, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			return types.NewBool(strings.HasPrefix(x.Str(), y.Str())), nil
		}),
		binop("^@", t, t, types.Bool, func(x, y types.Datum) (types.Datum, error) {
			return types.NewBool(strings.HasPrefix(x.Str(), y.Str())), nil
		}),
		strict("translate", t, args(t, t, t), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return types.NewText(translate(v[0].Str(), v[1].Str(), v[2].Str())), nil
		}),
		unop("to_hex", i4, t, func(x types.Datum) (types.Datum, error) {
			return types.NewText(strconv.FormatUint(uint64(uint32(x.Int())), 16)), nil
		}),
		unop("to_hex", types.Int8, t, func(x types.Datum) (types.Datum, error) {
			return types.NewText(strconv.FormatUint(uint64(x.Int()), 16)), nil
		}),
		{Name: "concat", Args: args(Any), Variadic: true, Ret: t, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			var b strings.Builder
			for _, d := range v {
				if d.IsNull() {
					continue
				}
				s, err := outputText(ctx, d)
				if err != nil {
					return types.NullDatum, err
				}
				b.WriteString(s)
			}
			return types.NewText(b.String()), nil
		}},
		{Name: "concat_ws", Args: args(t, Any), Variadic: true, Ret: t, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NullDatum, nil
			}
			var parts []string
			for _, d := range v[1:] {
				if d.IsNull() {
					continue
				}
				s, err := outputText(ctx, d)
				if err != nil {
					return types.NullDatum, err
				}
				parts = append(parts, s)
			}
			return types.NewText(strings.Join(parts, v[0].Str())), nil
		}},
		{Name: "format", Args: args(t), Ret: t, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NullDatum, nil
			}
			return format(ctx, v[0].Str(), nil)
		}},
		{Name: "format", Args: args(t, Any), Variadic: true, Ret: t, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			if v[0].IsNull() {
				return types.NullDatum, nil
			}
			return format(ctx, v[0].Str(), v[1:])
		}},
	}
}

// textFn is a strict immutable function of one text argument.
func textFn(name string, ret types.T, fn func(s string) types.Datum) *Func {
	return unop(name, types.Text, ret, func(x types.Datum) (types.Datum, error) { return fn(x.Str()), nil })
}

// datumType is the type of a non-NULL value, without typmod.
func datumType(d types.Datum) types.T {
	if d.Kind() == types.KindArray {
		return types.ArrayOf(d.Array().Elem)
	}
	return types.T{Kind: d.Kind(), Mod: -1}
}

// outputText is a value's output function text (true prints as "t"), as
// concat and format use it.
func outputText(ctx *EvalContext, d types.Datum) (string, error) {
	switch d.Kind() {
	case types.KindRegClass, types.KindRegType, types.KindRegNamespace, types.KindRegProc:
		return regOut(ctx, d, d.Kind()), nil
	}
	if d.Kind().IsString() {
		return d.Str(), nil
	}
	return string(types.FormatText(nil, d, datumType(d), ctx.format())), nil
}

// castText is a value cast to text (true becomes "true"), as || uses it.
func castText(ctx *EvalContext, d types.Datum) (string, error) {
	if d.Kind().IsString() {
		if d.Kind() == types.KindBPChar {
			return strings.TrimRight(d.Str(), " "), nil
		}
		return d.Str(), nil
	}
	return textOut(ctx, d, datumType(d))
}

func initcap(s string) string {
	var b strings.Builder
	prevAlnum := false
	for _, r := range s {
		if prevAlnum {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToUpper(r))
		}
		prevAlnum = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return b.String()
}

func reverse(s string) string {
	rs := []rune(s)
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return string(rs)
}

func chr(c int64) (types.Datum, error) {
	switch {
	case c == 0:
		return types.NullDatum, sqlerr.New(sqlerr.ProgramLimitExceeded, "null character not permitted")
	case c < 0 || c > unicode.MaxRune:
		return types.NullDatum, sqlerr.Newf(sqlerr.ProgramLimitExceeded, "requested character too large for encoding: %d", c)
	case c >= 0xD800 && c <= 0xDFFF:
		return types.NullDatum, sqlerr.Newf(sqlerr.ProgramLimitExceeded, "requested character not valid for encoding: %d", c)
	}
	return types.NewText(string(rune(c))), nil
}

// substr is substring(s from start for count) on characters; count < 0
// with hasCount is an error, without it means "to the end".
func substr(s string, start, count int64, hasCount bool) (types.Datum, error) {
	if hasCount && count < 0 {
		return types.NullDatum, sqlerr.New(sqlerr.SubstringError, "negative substring length not allowed")
	}
	rs := []rune(s)
	from := start - 1
	to := int64(len(rs))
	if hasCount {
		to = min(from+count, int64(len(rs)))
		if from+count < from {
			to = int64(len(rs))
		}
	}
	from = max(from, 0)
	if from >= to {
		return types.NewText(""), nil
	}
	return types.NewText(string(rs[from:to])), nil
}

func overlay(s, repl string, start, count int64) (types.Datum, error) {
	if start <= 0 {
		return types.NullDatum, sqlerr.New(sqlerr.SubstringError, "negative substring length not allowed")
	}
	head, err := substr(s, 1, start-1, true)
	if err != nil {
		return types.NullDatum, err
	}
	tail, err := substr(s, start+count, -1, false)
	if err != nil {
		return types.NullDatum, err
	}
	return types.NewText(head.Str() + repl + tail.Str()), nil
}

// strpos is the 1-based character position of needle in s, 0 if absent.
func strpos(s, needle string) int32 {
	i := strings.Index(s, needle)
	if i < 0 {
		return 0
	}
	return int32(utf8.RuneCountInString(s[:i])) + 1
}

func pad(s string, n int64, fill string, leftSide bool) (types.Datum, error) {
	if n <= 0 {
		return types.NewText(""), nil
	}
	if n > 1<<28 {
		return types.NullDatum, sqlerr.New(sqlerr.ProgramLimitExceeded, "requested length too large")
	}
	rs := []rune(s)
	if int64(len(rs)) >= n {
		return types.NewText(string(rs[:n])), nil
	}
	fr := []rune(fill)
	if len(fr) == 0 {
		return types.NewText(s), nil
	}
	padding := make([]rune, 0, n-int64(len(rs)))
	for i := 0; int64(len(padding)) < n-int64(len(rs)); i++ {
		padding = append(padding, fr[i%len(fr)])
	}
	if leftSide {
		return types.NewText(string(padding) + s), nil
	}
	return types.NewText(s + string(padding)), nil
}

func left(s string, n int64) string {
	rs := []rune(s)
	if n < 0 {
		n = max(int64(len(rs))+n, 0)
	}
	return string(rs[:min(n, int64(len(rs)))])
}

func right(s string, n int64) string {
	rs := []rune(s)
	if n < 0 {
		n = max(int64(len(rs))+n, 0)
	}
	n = min(n, int64(len(rs)))
	return string(rs[int64(len(rs))-n:])
}

func splitPart(s, sep string, n int64) (types.Datum, error) {
	if n == 0 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "field position must not be zero")
	}
	var parts []string
	if sep == "" {
		parts = []string{s}
		if s == "" {
			parts = nil
		}
	} else {
		parts = strings.Split(s, sep)
	}
	if n < 0 {
		n = int64(len(parts)) + n + 1
	}
	if n < 1 || n > int64(len(parts)) {
		return types.NewText(""), nil
	}
	return types.NewText(parts[n-1]), nil
}

func translate(s, from, to string) string {
	fr, tr := []rune(from), []rune(to)
	var b strings.Builder
	for _, r := range s {
		idx := -1
		for i, f := range fr {
			if f == r {
				idx = i
				break
			}
		}
		switch {
		case idx < 0:
			b.WriteRune(r)
		case idx < len(tr):
			b.WriteRune(tr[idx])
		}
	}
	return b.String()
}

// keywords are the SQL keywords that quote_ident quotes (all but the
// unreserved ones).
var keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization between
		bigint binary bit boolean both case cast char character check coalesce collate collation column
		concurrently constraint create cross current_catalog current_date current_role current_schema
		current_time current_timestamp current_user dec decimal default deferrable desc distinct do else end
		except exists extract false fetch float for foreign freeze from full grant greatest group grouping
		having ilike in initially inner inout int integer intersect interval into is isnull join lateral
		leading least left like limit localtime localtimestamp national natural nchar none normalize not
		notnull null nullif numeric offset on only or order out outer overlaps overlay placing position
		precision primary real references returning right row select session_user setof similar smallint
		some substring symmetric table tablesample then time timestamp to trailing treat trim true union
		unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat
		xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()

// QuoteIdent quotes an identifier as Postgres' quote_ident does: only when
// it is not a plain lower-case name or is a keyword other than an
// unreserved one.
func QuoteIdent(s string) string {
	safe := s != "" && !(s[0] >= '0' && s[0] <= '9') && !keywords[s]
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			safe = false
		}
	}
	if safe {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quoteLiteral quotes a string literal, doubling quotes and, when it holds
// backslashes, doubling them under an E” prefix.
func quoteLiteral(s string) string {
	var b strings.Builder
	if strings.Contains(s, `\`) {
		b.WriteString("E")
	}
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\'':
			b.WriteString("''")
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// format implements format(fmt, args...): %s, %I, %L and %%, with
// positions (%2$s), the - flag and widths (also * and *n$).
func format(ctx *EvalContext, f string, vals []types.Datum) (types.Datum, error) {
	var b strings.Builder
	next := 0
	rs := []rune(f)
	bad := func(msg string) *sqlerr.Error { return sqlerr.New(sqlerr.InvalidParameterValue, msg) }
	readNum := func(i int) (int, int, bool) {
		n, j := 0, i
		for j < len(rs) && rs[j] >= '0' && rs[j] <= '9' {
			n = n*10 + int(rs[j]-'0')
			j++
		}
		return n, j, j > i
	}
	argAt := func(pos int) (types.Datum, error) {
		if pos >= len(vals) {
			return types.NullDatum, bad("too few arguments for format()")
		}
		return vals[pos], nil
	}
	for i := 0; i < len(rs); i++ {
		if rs[i] != '%' {
			b.WriteRune(rs[i])
			continue
		}
		i++
		if i >= len(rs) {
			return types.NullDatum, bad("unterminated format() type specifier").
				WithHint(`For a single "%" use "%%".`)
		}
		if rs[i] == '%' {
			b.WriteByte('%')
			continue
		}
		argPos := -1
		if n, j, ok := readNum(i); ok && j < len(rs) && rs[j] == '$' {
			if n == 0 {
				return types.NullDatum, bad("format specifies argument 0, but arguments are numbered from 1")
			}
			argPos = n - 1
			i = j + 1
		}
		leftAlign := false
		for i < len(rs) && rs[i] == '-' {
			leftAlign = true
			i++
		}
		width := 0
		if i < len(rs) && rs[i] == '*' {
			i++
			wpos := next
			if n, j, ok := readNum(i); ok && j < len(rs) && rs[j] == '$' {
				wpos = n - 1
				i = j + 1
			} else {
				next++
			}
			wd, err := argAt(wpos)
			if err != nil {
				return types.NullDatum, err
			}
			if !wd.IsNull() {
				s, err := outputText(ctx, wd)
				if err != nil {
					return types.NullDatum, err
				}
				w, err := strconv.Atoi(s)
				if err != nil {
					return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, "width argument must be an integer")
				}
				if w < 0 {
					leftAlign = true
					w = -w
				}
				width = w
			}
		} else if n, j, ok := readNum(i); ok {
			width = n
			i = j
		}
		if i >= len(rs) {
			return types.NullDatum, bad("unterminated format() type specifier").
				WithHint(`For a single "%" use "%%".`)
		}
		if argPos < 0 {
			argPos = next
		}
		next = argPos + 1
		typ := rs[i]
		if typ != 's' && typ != 'I' && typ != 'L' {
			return types.NullDatum, sqlerr.Newf(sqlerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", typ).
				WithHint(`For a single "%" use "%%".`)
		}
		v, err := argAt(argPos)
		if err != nil {
			return types.NullDatum, err
		}
		var s string
		switch {
		case v.IsNull() && typ == 'L':
			s = "NULL"
		case v.IsNull() && typ == 'I':
			return types.NullDatum, sqlerr.New(codeNullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
		case v.IsNull():
			s = ""
		default:
			s, err = outputText(ctx, v)
			if err != nil {
				return types.NullDatum, err
			}
			switch typ {
			case 'I':
				s = QuoteIdent(s)
			case 'L':
				s = quoteLiteral(s)
			}
		}
		if n := utf8.RuneCountInString(s); n < width {
			if leftAlign {
				s += strings.Repeat(" ", width-n)
			} else {
				s = strings.Repeat(" ", width-n) + s
			}
		}
		b.WriteString(s)
	}
	return types.NewText(b.String()), nil
}
