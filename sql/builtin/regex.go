package builtin

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// regexFuncs are the POSIX regular expression operators ~ ~* !~ !~*,
// regexp_replace, regexp_match, regexp_like, regexp_count, substring(s
// from pattern) and similar_to_escape (through which the binder rewrites
// SIMILAR TO).
//
// Postgres' ARE dialect is run on Go's RE2: a dot matches a newline unless
// the 'n' flag is given, \m \M \y [[:<:]] [[:>:]] become \b, \Y becomes \B
// and \Z becomes \z. Back-references and lookaround, which RE2 lacks, are
// reported as not supported (0A000).
func regexFuncs() []*Func {
	t := types.Text
	var fs []*Func
	for _, op := range []struct {
		name       string
		ignoreCase bool
		negate     bool
	}{{"~", false, false}, {"~*", true, false}, {"!~", false, true}, {"!~*", true, true}} {
		op := op
		fs = append(fs, strict(op.name, types.Bool, args(t, t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			flags := ""
			if op.ignoreCase {
				flags = "i"
			}
			re, err := ctx.compileRegexp(v[1].Str(), flags)
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewBool(re.MatchString(v[0].Str()) != op.negate), nil
		}))
	}
	replace := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		flags := ""
		if len(v) > 3 {
			flags = v[3].Str()
		}
		return regexpReplace(ctx, v[0].Str(), v[1].Str(), v[2].Str(), flags)
	}
	match := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		flags := ""
		if len(v) > 2 {
			flags = v[2].Str()
		}
		return regexpMatch(ctx, v[0].Str(), v[1].Str(), flags)
	}
	like := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		flags := ""
		if len(v) > 2 {
			flags = v[2].Str()
		}
		if strings.Contains(flags, "g") {
			return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, `regexp_like() does not support the "global" option`)
		}
		re, err := ctx.compileRegexp(v[1].Str(), flags)
		if err != nil {
			return types.NullDatum, err
		}
		return types.NewBool(re.MatchString(v[0].Str())), nil
	}
	count := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		flags := ""
		start := int64(1)
		if len(v) > 2 {
			start = v[2].Int()
			if start <= 0 {
				return types.NullDatum, sqlerr.Newf(sqlerr.InvalidParameterValue, `invalid value for parameter "%s": %d`, "start", start)
			}
		}
		if len(v) > 3 {
			flags = v[3].Str()
		}
		re, err := ctx.compileRegexp(v[1].Str(), flags)
		if err != nil {
			return types.NullDatum, err
		}
		s := skipRunes(v[0].Str(), start-1)
		return types.NewInt4(int32(len(re.FindAllStringIndex(s, -1)))), nil
	}
	fs = append(fs,
		strict("regexp_replace", t, args(t, t, t), replace),
		strict("regexp_replace", t, args(t, t, t, t), replace),
		strict("regexp_match", types.ArrayOf(t), args(t, t), match),
		strict("regexp_match", types.ArrayOf(t), args(t, t, t), match),
		strict("regexp_like", types.Bool, args(t, t), like),
		strict("regexp_like", types.Bool, args(t, t, t), like),
		strict("regexp_count", types.Int4, args(t, t), count),
		strict("regexp_count", types.Int4, args(t, t, types.Int4), count),
		strict("regexp_count", types.Int4, args(t, t, types.Int4, t), count),
		strict("substring", t, args(t, t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			re, err := ctx.compileRegexp(v[1].Str(), "")
			if err != nil {
				return types.NullDatum, err
			}
			m := re.FindStringSubmatchIndex(v[0].Str())
			if m == nil {
				return types.NullDatum, nil
			}
			if len(m) > 2 {
				if m[2] < 0 {
					return types.NullDatum, nil
				}
				return types.NewText(v[0].Str()[m[2]:m[3]]), nil
			}
			return types.NewText(v[0].Str()[m[0]:m[1]]), nil
		}),
		strict("regexp_split_to_array", types.ArrayOf(t), args(t, t), splitToArray),
		strict("regexp_split_to_array", types.ArrayOf(t), args(t, t, t), splitToArray),
		unop("similar_to_escape", t, t, func(x types.Datum) (types.Datum, error) { return similarToRegexp(x.Str(), `\`) }),
		binop("similar_to_escape", t, t, t, func(x, y types.Datum) (types.Datum, error) { return similarToRegexp(x.Str(), y.Str()) }),
	)
	return fs
}

func splitToArray(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
	flags := ""
	if len(v) > 2 {
		flags = v[2].Str()
	}
	if strings.Contains(flags, "g") {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, `regexp_split_to_array() does not support the "global" option`)
	}
	re, err := ctx.compileRegexp(v[1].Str(), flags)
	if err != nil {
		return types.NullDatum, err
	}
	parts := regexpSplit(re, v[0].Str())
	out := make([]types.Datum, len(parts))
	for i, p := range parts {
		out[i] = types.NewText(p)
	}
	return types.NewArray(types.Text, out), nil
}

// regexpSplit splits s at the matches of re as regexp_split_to_array and
// regexp_split_to_table do: an empty match at the start or end of s, or
// right after the previous match, does not split.
func regexpSplit(re *regexp.Regexp, s string) []string {
	var parts []string
	start, prevEnd := 0, 0
	for start <= len(s) {
		m := re.FindStringIndex(s[start:])
		if m == nil {
			break
		}
		so, eo := start+m[0], start+m[1]
		if so < len(s) && eo > prevEnd {
			parts = append(parts, s[prevEnd:so])
			prevEnd = eo
		}
		if eo > so {
			start = eo
		} else {
			if so >= len(s) {
				break
			}
			_, size := utf8.DecodeRuneInString(s[so:])
			start = so + size
		}
	}
	return append(parts, s[prevEnd:])
}

func skipRunes(s string, n int64) string {
	for ; n > 0 && s != ""; n-- {
		_, size := utf8.DecodeRuneInString(s)
		s = s[size:]
	}
	return s
}

// EvalCache keeps what functions would otherwise rebuild on every row of
// a statement: compiled regular expressions and loaded time zones. It is
// safe for concurrent use; the zero value is ready.
type EvalCache struct {
	mu      sync.Mutex
	regexps map[regexpKey]*regexp.Regexp
	zones   map[string]*time.Location
}

type regexpKey struct{ pattern, flags string }

// maxCached bounds each map of an EvalCache; past it the map starts over.
const maxCached = 256

func (ctx *EvalContext) cache() *EvalCache {
	if ctx == nil {
		return nil
	}
	return ctx.Cache
}

func (ctx *EvalContext) compileRegexp(pattern, flags string) (*regexp.Regexp, error) {
	c := ctx.cache()
	if c == nil {
		return compileRegexp(pattern, flags)
	}
	key := regexpKey{pattern, flags}
	c.mu.Lock()
	re, ok := c.regexps[key]
	c.mu.Unlock()
	if ok {
		return re, nil
	}
	re, err := compileRegexp(pattern, flags)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.regexps == nil || len(c.regexps) >= maxCached {
		c.regexps = make(map[regexpKey]*regexp.Regexp)
	}
	c.regexps[key] = re
	c.mu.Unlock()
	return re, nil
}

// compileRegexp translates a Postgres regular expression with the given
// flags (i c n m s p w g, where g is ignored here) into a Go one.
func compileRegexp(pattern, flags string) (*regexp.Regexp, error) {
	ignoreCase, newlineSensitive := false, false
	for _, f := range flags {
		switch f {
		case 'i':
			ignoreCase = true
		case 'c':
			ignoreCase = false
		case 'n', 'm':
			newlineSensitive = true
		case 's':
			newlineSensitive = false
		case 'g', 'p', 'w':
		default:
			return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
		}
	}
	prefix := "(?s)"
	if newlineSensitive {
		prefix = "(?m)"
	}
	if ignoreCase {
		prefix += "(?i)"
	}
	re, err := regexp.Compile(prefix + translateRegexp(pattern))
	if err != nil {
		return nil, regexpError(err)
	}
	return re, nil
}

// translateRegexp rewrites the ARE escapes that RE2 spells differently.
func translateRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if strings.HasPrefix(p[i:], "[[:<:]]") || strings.HasPrefix(p[i:], "[[:>:]]") {
			b.WriteString(`\b`)
			i += 6
			continue
		}
		if p[i] != '\\' || i+1 >= len(p) {
			b.WriteByte(p[i])
			continue
		}
		i++
		switch p[i] {
		case 'm', 'M', 'y':
			b.WriteString(`\b`)
		case 'Y':
			b.WriteString(`\B`)
		case 'Z':
			b.WriteString(`\z`)
		default:
			b.WriteByte('\\')
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// regexpError turns an RE2 parse error into Postgres' message.
func regexpError(err error) error {
	var se *syntax.Error
	if !errors.As(err, &se) {
		return sqlerr.Newf(sqlerr.InvalidRegularExpression, "invalid regular expression: %v", err)
	}
	msg := ""
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen:
		msg = "parentheses () not balanced"
	case syntax.ErrMissingBracket:
		msg = "brackets [] not balanced"
	case syntax.ErrInvalidEscape, syntax.ErrTrailingBackslash:
		if strings.HasPrefix(se.Expr, `\`) && len(se.Expr) > 1 && se.Expr[1] >= '1' && se.Expr[1] <= '9' {
			return sqlerr.Unsupported("back-references in regular expressions")
		}
		msg = `invalid escape \ sequence`
	case syntax.ErrMissingRepeatArgument, syntax.ErrInvalidRepeatOp:
		msg = "quantifier operand invalid"
	case syntax.ErrInvalidRepeatSize:
		msg = "invalid repetition count(s)"
	case syntax.ErrInvalidCharRange:
		msg = "invalid character range"
	case syntax.ErrInvalidPerlOp:
		return sqlerr.Unsupported("lookahead and lookbehind in regular expressions")
	default:
		msg = se.Code.String()
	}
	return sqlerr.Newf(sqlerr.InvalidRegularExpression, "invalid regular expression: %s", msg)
}

func regexpReplace(ctx *EvalContext, s, pattern, repl, flags string) (types.Datum, error) {
	re, err := ctx.compileRegexp(pattern, flags)
	if err != nil {
		return types.NullDatum, err
	}
	global := strings.Contains(flags, "g")
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		b.WriteString(s[last:m[0]])
		expandReplacement(&b, s, repl, m)
		last = m[1]
		if !global {
			break
		}
	}
	b.WriteString(s[last:])
	return types.NewText(b.String()), nil
}

// expandReplacement writes repl with \1..\9 replaced by groups, \& by the
// whole match and \\ by a backslash.
func expandReplacement(b *strings.Builder, s, repl string, m []int) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '\\' || i+1 >= len(repl) {
			b.WriteByte(c)
			continue
		}
		n := repl[i+1]
		switch {
		case n >= '1' && n <= '9':
			g := int(n - '0')
			if 2*g+1 < len(m) && m[2*g] >= 0 {
				b.WriteString(s[m[2*g]:m[2*g+1]])
			}
			i++
		case n == '&':
			b.WriteString(s[m[0]:m[1]])
			i++
		case n == '\\':
			b.WriteByte('\\')
			i++
		default:
			b.WriteByte(c)
		}
	}
}

func regexpMatch(ctx *EvalContext, s, pattern, flags string) (types.Datum, error) {
	if strings.Contains(flags, "g") {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidParameterValue, `regexp_match() does not support the "global" option`).
			WithHint("Use the regexp_matches function instead.")
	}
	re, err := ctx.compileRegexp(pattern, flags)
	if err != nil {
		return types.NullDatum, err
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return types.NullDatum, nil
	}
	if len(m) == 2 {
		return types.NewArray(types.Text, []types.Datum{types.NewText(s[m[0]:m[1]])}), nil
	}
	vals := make([]types.Datum, 0, len(m)/2-1)
	for g := 1; g < len(m)/2; g++ {
		if m[2*g] < 0 {
			vals = append(vals, types.NullDatum)
			continue
		}
		vals = append(vals, types.NewText(s[m[2*g]:m[2*g+1]]))
	}
	return types.NewArray(types.Text, vals), nil
}

// similarToRegexp turns a SIMILAR TO pattern into a POSIX one anchored at
// both ends: % is .*, _ is ., esc quotes the next character.
func similarToRegexp(pattern, esc string) (types.Datum, error) {
	if utf8.RuneCountInString(esc) > 1 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	e, _ := utf8.DecodeRuneInString(esc)
	var b strings.Builder
	b.WriteString("^(?:")
	rs := []rune(pattern)
	inBracket := false
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case esc != "" && r == e:
			if i+1 < len(rs) {
				i++
				b.WriteByte('\\')
				b.WriteRune(rs[i])
			} else {
				return types.NullDatum, sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid escape string").
					WithHint("Escape string must be empty or one character.")
			}
		case inBracket:
			if r == ']' {
				inBracket = false
			}
			b.WriteRune(r)
		case r == '[':
			inBracket = true
			b.WriteRune(r)
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteByte('.')
		case r == '.' || r == '^' || r == '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(")$")
	return types.NewText(b.String()), nil
}
