package builtin

import (
	"strings"
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// likeFuncs are LIKE and ILIKE: ~~ (LIKE), ~~* (ILIKE), !~~ and !~~* (their
// negations), on text, char(n), name and bytea, and like_escape, through
// which the binder rewrites LIKE ... ESCAPE e. In a pattern, % matches any
// run of characters, _ one character, and a backslash quotes the next one.
func likeFuncs() []*Func {
	var fs []*Func
	ops := []struct {
		name       string
		ignoreCase bool
		negate     bool
	}{{"~~", false, false}, {"~~*", true, false}, {"!~~", false, true}, {"!~~*", true, true}}
	for _, op := range ops {
		op := op
		for _, t := range []types.T{types.Text, types.BPChar, types.Name} {
			fs = append(fs, binop(op.name, t, types.Text, types.Bool, func(x, y types.Datum) (types.Datum, error) {
				ok, err := likeMatch(x.Str(), y.Str(), op.ignoreCase)
				return types.NewBool(ok != op.negate), err
			}))
		}
		if !op.ignoreCase {
			fs = append(fs, binop(op.name, types.Bytea, types.Bytea, types.Bool, func(x, y types.Datum) (types.Datum, error) {
				ok, err := likeMatchBytes(x.Str(), y.Str())
				return types.NewBool(ok != op.negate), err
			}))
		}
	}
	fs = append(fs, binop("like_escape", types.Text, types.Text, types.Text, func(x, y types.Datum) (types.Datum, error) {
		return likeEscape(x.Str(), y.Str())
	}))
	return fs
}

// likeMatch reports whether s matches the LIKE pattern (backslash
// escapes), folding case when ignoreCase (ILIKE). A pattern ending in a
// lone backslash is an error 22025.
func likeMatch(s, pattern string, ignoreCase bool) (bool, error) {
	if ignoreCase {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	pat, err := compileLike([]rune(pattern))
	if err != nil {
		return false, err
	}
	return matchLike([]rune(s), pat), nil
}

func likeMatchBytes(s, pattern string) (bool, error) {
	toRunes := func(b string) []rune {
		out := make([]rune, len(b))
		for i := 0; i < len(b); i++ {
			out[i] = rune(b[i])
		}
		return out
	}
	pat, err := compileLike(toRunes(pattern))
	if err != nil {
		return false, err
	}
	return matchLike(toRunes(s), pat), nil
}

// likeToken is one element of a compiled LIKE pattern.
type likeToken struct {
	kind byte // 'c' a literal character, '_' any one, '%' any run
	r    rune
}

func compileLike(p []rune) ([]likeToken, error) {
	out := make([]likeToken, 0, len(p))
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 >= len(p) {
				return nil, sqlerr.New(sqlerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			i++
			out = append(out, likeToken{kind: 'c', r: p[i]})
		case '%':
			if len(out) == 0 || out[len(out)-1].kind != '%' {
				out = append(out, likeToken{kind: '%'})
			}
		case '_':
			out = append(out, likeToken{kind: '_'})
		default:
			out = append(out, likeToken{kind: 'c', r: p[i]})
		}
	}
	return out, nil
}

// matchLike matches with single-star backtracking: O(len(s)*len(pat)) at
// worst.
func matchLike(s []rune, pat []likeToken) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && (pat[pi].kind == '_' || pat[pi].kind == 'c' && pat[pi].r == s[si]):
			si++
			pi++
		case pi < len(pat) && pat[pi].kind == '%':
			starP, starS = pi, si
			pi++
		case starP >= 0:
			starS++
			si = starS
			pi = starP + 1
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi].kind == '%' {
		pi++
	}
	return pi == len(pat)
}

// likeEscape rewrites a pattern whose escape character is esc into one
// that escapes with backslash; an empty esc means no escape character.
func likeEscape(pattern, esc string) (types.Datum, error) {
	if utf8.RuneCountInString(esc) > 1 {
		return types.NullDatum, sqlerr.New(sqlerr.InvalidEscapeSequence, "invalid escape string").
			WithHint("Escape string must be empty or one character.")
	}
	var b strings.Builder
	if esc == "" {
		for _, r := range pattern {
			if r == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteRune(r)
			}
		}
		return types.NewText(b.String()), nil
	}
	e, _ := utf8.DecodeRuneInString(esc)
	if e == '\\' {
		return types.NewText(pattern), nil
	}
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch {
		case rs[i] == e:
			if i+1 < len(rs) {
				i++
				b.WriteByte('\\')
				b.WriteRune(rs[i])
			} else {
				b.WriteRune(rs[i])
			}
		case rs[i] == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(rs[i])
		}
	}
	return types.NewText(b.String()), nil
}
