package builtin

import (
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Resolve picks the overload of the function or operator name for
// arguments of the given types, following Postgres' rules (Typeconv:
// "Function" and "Operators"):
//
//  1. an overload whose parameters are exactly the argument types (for a
//     binary operator with one unknown argument, the unknown is taken to be
//     the other argument's type);
//  2. otherwise the overloads every argument can reach by implicit casts
//     (an unknown literal reaches any type); among several, those with the
//     most exact matches, then the most preferred types (float8, text,
//     timestamptz, interval, bool, oid) where a cast is needed, then, at
//     each unknown argument, those of the string category if any accepts
//     it, or of the single category all accept, preferring its preferred
//     type; and as a last resort, with all known arguments of one type,
//     the unknowns assumed to be that type.
//
// It returns the overload and, per argument, the type the binder must cast
// the argument to (the argument's own type, typmod included, when no cast
// is needed). Errors: 42883 "function f(integer, text) does not exist" or
// "operator does not exist: integer + text"; 42725 "... is not unique";
// 42804 when a polymorphic parameter gets only unknown arguments.
func Resolve(name string, argTypes []types.T) (*Func, []types.T, error) {
	cands := collectCandidates(name, argTypes)
	if f := exactMatch(cands, argTypes); f != nil {
		return castTargets(f, argTypes)
	}
	if isOperatorName(name) && len(argTypes) == 2 {
		// An operator with one unknown argument: assume it has the other
		// argument's type and look for an exact match again.
		a, b := argTypes[0], argTypes[1]
		var assumed []types.T
		if isUnknown(a) && !isUnknown(b) {
			assumed = []types.T{b, b}
		} else if isUnknown(b) && !isUnknown(a) {
			assumed = []types.T{a, a}
		}
		if assumed != nil {
			if f := exactMatch(cands, assumed); f != nil {
				return castTargets(f, argTypes)
			}
		}
	}
	var viable []candidate
	for _, c := range cands {
		if canCoerceAll(argTypes, c.params) {
			viable = append(viable, c)
		}
	}
	switch len(viable) {
	case 0:
		return nil, nil, notExist(name, argTypes)
	case 1:
		return castTargets(&viable[0], argTypes)
	}
	if c, ok := selectCandidate(viable, argTypes); ok {
		return castTargets(&c, argTypes)
	}
	return nil, nil, notUnique(name, argTypes)
}

// candidate is an overload with its parameters expanded to the call's arity.
type candidate struct {
	f      *Func
	params []types.T
}

func collectCandidates(name string, argTypes []types.T) []candidate {
	var out []candidate
	for _, f := range registry[name] {
		if p, ok := f.params(len(argTypes)); ok {
			out = append(out, candidate{f: f, params: p})
		}
	}
	return out
}

func exactMatch(cands []candidate, argTypes []types.T) *candidate {
	for i := range cands {
		c := &cands[i]
		ok := true
		for j, a := range argTypes {
			if isPseudo(c.params[j]) || !sameType(a, c.params[j]) {
				ok = false
				break
			}
		}
		if ok {
			return c
		}
	}
	return nil
}

// sameType compares kinds, and element kinds for arrays, ignoring typmods.
func sameType(a, b types.T) bool {
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind == types.KindArray {
		if a.Elem == nil || b.Elem == nil {
			return a.Elem == b.Elem
		}
		return sameType(*a.Elem, *b.Elem)
	}
	return true
}

func isUnknown(t types.T) bool { return t.Kind == types.KindUnknown || t.Kind == types.KindNull }

// canCoerceAll reports whether every argument reaches its parameter by an
// implicit cast and polymorphic parameters are bound consistently.
func canCoerceAll(argTypes, params []types.T) bool {
	for i, a := range argTypes {
		if !canCoerceImplicit(a, params[i]) {
			return false
		}
	}
	return bindPolymorphic(params, argTypes).ok
}

// canCoerceImplicit reports whether a value of type from can be passed
// where to is expected without an explicit cast.
func canCoerceImplicit(from, to types.T) bool {
	if isUnknown(from) {
		return true
	}
	switch to.Kind {
	case KindAny, KindAnyElement, KindAnyCompatible:
		return true
	case KindAnyNonArray, KindAnyCompatibleNonArray:
		return from.Kind != types.KindArray
	case KindAnyArray, KindAnyCompatibleArray:
		return from.Kind == types.KindArray
	}
	if sameType(from, to) {
		return true
	}
	c, ok := FindCast(from, to)
	return ok && c == CastImplicit
}

// polyBinding is what the polymorphic parameters of a call resolved to.
type polyBinding struct {
	ok         bool
	elem       *types.T // anyelement's type
	elemFromUn bool     // anyelement saw only unknown arguments
	compat     *types.T // anycompatible's type
}

// bindPolymorphic works out the anyelement and anycompatible types of a call
// from the argument types, as Postgres' check_generic_type_consistency does.
func bindPolymorphic(params, argTypes []types.T) polyBinding {
	b := polyBinding{ok: true}
	var compat []types.T
	sawCompat := false
	for i, p := range params {
		a := argTypes[i]
		switch p.Kind {
		case KindAnyElement, KindAnyNonArray, KindAnyArray:
			if isUnknown(a) {
				b.elemFromUn = true
				continue
			}
			e := a
			if p.Kind == KindAnyArray {
				if a.Kind != types.KindArray || a.Elem == nil {
					b.ok = false
					return b
				}
				e = *a.Elem
			}
			if b.elem == nil {
				b.elem = &e
			} else if !sameType(*b.elem, e) {
				b.ok = false
				return b
			}
		case KindAnyCompatible, KindAnyCompatibleNonArray, KindAnyCompatibleArray:
			sawCompat = true
			if isUnknown(a) {
				continue
			}
			e := a
			if p.Kind == KindAnyCompatibleArray {
				if a.Kind != types.KindArray || a.Elem == nil {
					b.ok = false
					return b
				}
				e = *a.Elem
			}
			compat = append(compat, e)
		}
	}
	if b.elem != nil && b.elem.Kind == types.KindArray {
		for _, p := range params {
			if p.Kind == KindAnyNonArray {
				b.ok = false
			}
		}
	}
	if sawCompat {
		t, ok := commonType(compat)
		if !ok {
			b.ok = false
			return b
		}
		b.compat = &t
		for _, p := range params {
			if p.Kind == KindAnyCompatibleNonArray && t.Kind == types.KindArray {
				b.ok = false
			}
		}
	}
	return b
}

// resolve replaces a pseudo-type by the type the binding gives it.
func (b polyBinding) resolve(p types.T) types.T {
	switch p.Kind {
	case KindAnyElement, KindAnyNonArray:
		if b.elem != nil {
			return *b.elem
		}
		return types.Text
	case KindAnyArray:
		if b.elem != nil {
			return types.ArrayOf(*b.elem)
		}
		return types.ArrayOf(types.Text)
	case KindAnyCompatible, KindAnyCompatibleNonArray:
		if b.compat != nil {
			return *b.compat
		}
		return types.Text
	case KindAnyCompatibleArray:
		if b.compat != nil {
			return types.ArrayOf(*b.compat)
		}
		return types.ArrayOf(types.Text)
	}
	return p
}

// commonType is Postgres' select_common_type over known types: all must be
// of one category; the result is the preferred type among them or the one
// every other can reach implicitly. No types at all resolve to text.
func commonType(ts []types.T) (types.T, bool) {
	t, err := CommonType("", ts)
	return t, err == nil
}

// CommonType returns the type that GREATEST, LEAST, CASE, COALESCE, VALUES
// and UNION give values of the given types (unknown ones ignored; text when
// all are unknown). what names the construct in errors, e.g. "CASE": 42804
// "CASE types integer and text cannot be matched", 42846 "CASE could not
// convert type date to integer".
func CommonType(what string, ts []types.T) (types.T, error) {
	var known []types.T
	for _, t := range ts {
		if !isUnknown(t) {
			known = append(known, t)
		}
	}
	if len(known) == 0 {
		return types.Text, nil
	}
	p := known[0]
	for _, n := range known[1:] {
		if sameType(p, n) {
			continue
		}
		if category(n) != category(p) {
			return types.T{}, sqlerr.Newf(sqlerr.DatatypeMismatch, "%s types %s and %s cannot be matched", what, typeName(p), typeName(n))
		}
		if !isPreferred(p) && canCoerceImplicit(p, n) && !canCoerceImplicit(n, p) {
			p = n
		}
	}
	for _, n := range known {
		if !sameType(p, n) && !canCoerceImplicit(n, p) {
			return types.T{}, sqlerr.Newf(codeCannotCoerce, "%s could not convert type %s to %s", what, typeName(n), typeName(p))
		}
	}
	return types.T{Kind: p.Kind, Mod: -1, Elem: p.Elem}, nil
}

// SQLSTATEs that sqlerr does not name.
const (
	codeCannotCoerce        = sqlerr.Code("42846") // cannot_coerce
	codeNullValueNotAllowed = sqlerr.Code("22004") // null_value_not_allowed
)

// selectCandidate narrows several viable overloads down to one, following
// Postgres' func_select_candidate.
func selectCandidate(cands []candidate, argTypes []types.T) (candidate, bool) {
	// Most exact matches.
	cands = keepBest(cands, func(c candidate) int {
		n := 0
		for i, a := range argTypes {
			if !isUnknown(a) && !isPseudo(c.params[i]) && sameType(a, c.params[i]) {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0], true
	}
	// Most exact-or-preferred matches where a cast is needed.
	cands = keepBest(cands, func(c candidate) int {
		n := 0
		for i, a := range argTypes {
			if isUnknown(a) {
				continue
			}
			p := c.params[i]
			if isPseudo(p) {
				continue
			}
			if sameType(a, p) || (isPreferred(p) && category(p) == category(a)) {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0], true
	}
	nUnknown := 0
	for _, a := range argTypes {
		if isUnknown(a) {
			nUnknown++
		}
	}
	if nUnknown == 0 {
		return candidate{}, false
	}
	// Resolve the unknown arguments by category.
	resolved := true
	slotCat := make([]byte, len(argTypes))
	slotPref := make([]bool, len(argTypes))
	for i, a := range argTypes {
		if !isUnknown(a) {
			continue
		}
		conflict := false
		for j, c := range cands {
			cat, pref := category(c.params[i]), isPreferred(c.params[i])
			switch {
			case j == 0:
				slotCat[i], slotPref[i] = cat, pref
			case cat == slotCat[i]:
				slotPref[i] = slotPref[i] || pref
			case cat == 'S':
				slotCat[i], slotPref[i] = cat, pref
			default:
				conflict = true
			}
		}
		if conflict && slotCat[i] != 'S' {
			resolved = false
			break
		}
	}
	if resolved {
		var kept []candidate
		for _, c := range cands {
			keep := true
			for i, a := range argTypes {
				if !isUnknown(a) {
					continue
				}
				if category(c.params[i]) != slotCat[i] || (slotPref[i] && !isPreferred(c.params[i])) {
					keep = false
					break
				}
			}
			if keep {
				kept = append(kept, c)
			}
		}
		if len(kept) == 1 {
			return kept[0], true
		}
		if len(kept) > 0 {
			cands = kept
		}
	}
	// Last resort: unknowns take the one type of all known arguments.
	if nUnknown < len(argTypes) {
		var known *types.T
		for i := range argTypes {
			a := argTypes[i]
			if isUnknown(a) {
				continue
			}
			if known == nil {
				known = &argTypes[i]
			} else if !sameType(*known, a) {
				return candidate{}, false
			}
		}
		assumed := make([]types.T, len(argTypes))
		for i := range assumed {
			assumed[i] = *known
		}
		var match []candidate
		for _, c := range cands {
			if canCoerceAll(assumed, c.params) {
				match = append(match, c)
			}
		}
		if len(match) == 1 {
			return match[0], true
		}
	}
	return candidate{}, false
}

// keepBest keeps the candidates with the highest score.
func keepBest(cands []candidate, score func(candidate) int) []candidate {
	best := -1
	var out []candidate
	for _, c := range cands {
		s := score(c)
		switch {
		case s > best:
			best = s
			out = append(out[:0:0], c)
		case s == best:
			out = append(out, c)
		}
	}
	return out
}

// castTargets returns, per argument, the type it must be cast to for c.
func castTargets(c *candidate, argTypes []types.T) (*Func, []types.T, error) {
	b := bindPolymorphic(c.params, argTypes)
	if b.elem == nil && b.elemFromUn {
		return nil, nil, sqlerr.New(sqlerr.DatatypeMismatch, "could not determine polymorphic type because input has type unknown")
	}
	out := make([]types.T, len(argTypes))
	for i, a := range argTypes {
		p := c.params[i]
		switch {
		case p.Kind == KindAny:
			if isUnknown(a) {
				out[i] = types.Text
			} else {
				out[i] = a
			}
		case isPseudo(p):
			r := b.resolve(p)
			if sameType(r, a) {
				out[i] = a
			} else {
				out[i] = r
			}
		case sameType(a, p):
			out[i] = a
		default:
			out[i] = p
		}
	}
	return c.f, out, nil
}

// category returns pg_type.typcategory of t.
func category(t types.T) byte {
	switch t.Kind {
	case types.KindBool:
		return 'B'
	case types.KindInt2, types.KindInt4, types.KindInt8, types.KindFloat4, types.KindFloat8, types.KindNumeric,
		types.KindOID, types.KindRegClass, types.KindRegType, types.KindRegProc, types.KindRegNamespace:
		return 'N'
	case types.KindText, types.KindVarchar, types.KindBPChar, types.KindName:
		return 'S'
	case types.KindDate, types.KindTime, types.KindTimestamp, types.KindTimestampTZ:
		return 'D'
	case types.KindInterval:
		return 'T'
	case types.KindBytea, types.KindJSON, types.KindJSONB:
		return 'U'
	case types.KindArray:
		return 'A'
	case types.KindChar:
		return 'Z'
	case types.KindUnknown, types.KindNull:
		return 'X'
	}
	return 'P'
}

// isPreferred reports pg_type.typispreferred.
func isPreferred(t types.T) bool {
	switch t.Kind {
	case types.KindBool, types.KindFloat8, types.KindOID, types.KindText, types.KindTimestampTZ, types.KindInterval:
		return true
	}
	return false
}

// typeName is format_type without modifiers, as error messages print a type.
func typeName(t types.T) string {
	switch t.Kind {
	case types.KindArray:
		if t.Elem != nil {
			return typeName(*t.Elem) + "[]"
		}
	case types.KindBPChar:
		return "character"
	case types.KindNull:
		return "unknown"
	case KindAny:
		return `"any"`
	case KindAnyElement:
		return "anyelement"
	case KindAnyNonArray:
		return "anynonarray"
	case KindAnyArray:
		return "anyarray"
	case KindAnyCompatible:
		return "anycompatible"
	case KindAnyCompatibleArray:
		return "anycompatiblearray"
	case KindAnyCompatibleNonArray:
		return "anycompatiblenonarray"
	}
	return t.Kind.String()
}

func isOperatorName(name string) bool {
	if name == "" {
		return false
	}
	c := name[0]
	return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

func signature(name string, argTypes []types.T) string {
	var b strings.Builder
	if isOperatorName(name) {
		switch len(argTypes) {
		case 1:
			b.WriteString(name + " " + typeName(argTypes[0]))
		case 2:
			b.WriteString(typeName(argTypes[0]) + " " + name + " " + typeName(argTypes[1]))
		}
		return b.String()
	}
	b.WriteString(name + "(")
	for i, a := range argTypes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(typeName(a))
	}
	b.WriteString(")")
	return b.String()
}

func notExist(name string, argTypes []types.T) error {
	if isOperatorName(name) {
		hint := "No operator matches the given name and argument types. You might need to add explicit type casts."
		if len(argTypes) == 1 {
			hint = "No operator matches the given name and argument type. You might need to add an explicit type cast."
		}
		return sqlerr.Newf(sqlerr.UndefinedFunction, "operator does not exist: %s", signature(name, argTypes)).WithHint(hint)
	}
	return sqlerr.Newf(sqlerr.UndefinedFunction, "function %s does not exist", signature(name, argTypes)).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

func notUnique(name string, argTypes []types.T) error {
	if isOperatorName(name) {
		hint := "Could not choose a best candidate operator. You might need to add explicit type casts."
		if len(argTypes) == 1 {
			hint = "Could not choose a best candidate operator. You might need to add an explicit type cast."
		}
		return sqlerr.Newf(sqlerr.AmbiguousFunction, "operator is not unique: %s", signature(name, argTypes)).WithHint(hint)
	}
	return sqlerr.Newf(sqlerr.AmbiguousFunction, "function %s is not unique", signature(name, argTypes)).
		WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
}
