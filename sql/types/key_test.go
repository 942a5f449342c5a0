package types

import (
	"bytes"
	"sort"
	"testing"

	"pgregory.net/rapid"
)

// TestKeyOrderProperty: for random values of each type, the byte order of
// AppendKey agrees exactly with Compare (ascending and, reversed,
// descending), and DecodeKey gives back an Equal value and the rest.
func TestKeyOrderProperty(t *testing.T) {
	forEachType(t, func(t *testing.T, typ T) {
		rapid.Check(t, func(rt *rapid.T) {
			a := genDatum(typ).Draw(rt, "a")
			b := genDatum(typ).Draw(rt, "b")
			for _, desc := range []bool{false, true} {
				ka := AppendKey(nil, a, typ, desc)
				kb := AppendKey(nil, b, typ, desc)
				want := Compare(a, b)
				if desc {
					want = -want
				}
				if got := bytes.Compare(ka, kb); got != want {
					rt.Fatalf("desc=%v %s: Compare=%d but key order %d\n a=%s %x\n b=%s %x", desc, typ, want, got,
						FormatText(nil, a, typ, nil), ka, FormatText(nil, b, typ, nil), kb)
				}
				// Decode a key followed by another one.
				both := AppendKey(append([]byte(nil), ka...), b, typ, desc)
				da, rest, err := DecodeKey(both, typ, desc)
				if err != nil {
					rt.Fatalf("decode %x: %v", ka, err)
				}
				if !Equal(da, a) || da.IsNull() != a.IsNull() {
					rt.Fatalf("%s: decoded %s, want %s", typ, FormatText(nil, da, typ, nil), FormatText(nil, a, typ, nil))
				}
				db, rest, err := DecodeKey(rest, typ, desc)
				if err != nil || len(rest) != 0 || !Equal(db, b) {
					rt.Fatalf("%s: second decode %v rest %x", typ, err, rest)
				}
				// A decoded value re-encodes to the same key.
				if k2 := AppendKey(nil, da, typ, desc); !bytes.Equal(k2, ka) {
					rt.Fatalf("%s: re-encoded %x, want %x", typ, k2, ka)
				}
			}
		})
	})
}

// TestKeyCanonicalExamples checks the values that share a key.
func TestKeyCanonicalExamples(t *testing.T) {
	same := [][2]Datum{
		{mustNumeric(t, "1.0"), mustNumeric(t, "1.00")},
		{mustNumeric(t, "-0.00"), mustNumeric(t, "0")},
		{NewFloat8(0), NewFloat8(-1 * 0.0 * -1)},
		{NewInterval(1, 0, 0), NewInterval(0, 30, 0)},
		{NewInterval(0, 1, 0), NewInterval(0, 0, microsPerDay)},
		{NewString(KindBPChar, "ab  "), NewString(KindBPChar, "ab")},
	}
	for _, p := range same {
		typ := T{Kind: p[0].Kind(), Mod: -1}
		ka, kb := AppendKey(nil, p[0], typ, false), AppendKey(nil, p[1], typ, false)
		if !bytes.Equal(ka, kb) || !Equal(p[0], p[1]) || Hash(p[0], 7) != Hash(p[1], 7) {
			t.Errorf("%s %s vs %s: keys %x %x", typ, FormatText(nil, p[0], typ, nil), FormatText(nil, p[1], typ, nil), ka, kb)
		}
	}
	// numeric keys decode with the smallest scale; bpchar(n) is padded back.
	k := AppendKey(nil, mustNumeric(t, "1.50"), Numeric, false)
	d, _, err := DecodeKey(k, Numeric, false)
	if err != nil || string(FormatText(nil, d, Numeric, nil)) != "1.5" {
		t.Errorf("numeric key decoded as %s (%v)", FormatText(nil, d, Numeric, nil), err)
	}
	c4 := T{Kind: KindBPChar, Mod: 4}
	k = AppendKey(nil, NewString(KindBPChar, "ab  "), c4, false)
	d, _, err = DecodeKey(k, c4, false)
	if err != nil || d.Str() != "ab  " {
		t.Errorf("bpchar(4) key decoded as %q (%v)", d.Str(), err)
	}
}

// TestKeyNullsLast: ascending keys put NULL after every value, descending
// keys before, as Postgres' ASC and DESC do by default.
func TestKeyNullsLast(t *testing.T) {
	for _, typ := range propertyTypes {
		vals := []Datum{{}}
		rapid.Check(t, func(rt *rapid.T) {
			v := genNonNull(rt, typ, 0)
			asc := AppendKey(nil, v, typ, false)
			nullAsc := AppendKey(nil, Datum{}, typ, false)
			if bytes.Compare(asc, nullAsc) >= 0 {
				rt.Fatalf("%s: NULL not last ascending", typ)
			}
			if bytes.Compare(AppendKey(nil, v, typ, true), AppendKey(nil, Datum{}, typ, true)) <= 0 {
				rt.Fatalf("%s: NULL not first descending", typ)
			}
			vals = append(vals, v)
		})
		// Sorting by key equals sorting by Compare.
		byKey := append([]Datum(nil), vals...)
		sort.SliceStable(byKey, func(i, j int) bool {
			return bytes.Compare(AppendKey(nil, byKey[i], typ, false), AppendKey(nil, byKey[j], typ, false)) < 0
		})
		for i := 1; i < len(byKey); i++ {
			if Compare(byKey[i-1], byKey[i]) > 0 {
				t.Fatalf("%s: key sort disagrees with Compare at %d", typ, i)
			}
		}
	}
}

// TestDecodeKeyCorrupt checks that truncated keys fail cleanly.
func TestDecodeKeyCorrupt(t *testing.T) {
	forEachType(t, func(t *testing.T, typ T) {
		rapid.Check(t, func(rt *rapid.T) {
			d := genDatum(typ).Draw(rt, "d")
			desc := rapid.Bool().Draw(rt, "desc")
			k := AppendKey(nil, d, typ, desc)
			cut := rapid.IntRange(0, len(k)-1).Draw(rt, "cut")
			if _, rest, err := DecodeKey(k[:cut], typ, desc); err == nil && len(rest) > cut {
				rt.Fatalf("decoding a cut key returned rest longer than input")
			}
		})
	})
}
