package types

import (
	"math"
	"sort"
	"testing"

	"pgregory.net/rapid"
)

// TestCompareJSONB sorts jsonb values and checks the order PostgreSQL 15
// gives for ORDER BY on the same values.
func TestCompareJSONB(t *testing.T) {
	want := []string{`[]`, `null`, `""`, `"a"`, `"b"`, `-1`, `1`, `1.0`, `2`, `false`, `true`, `[null]`, `["a"]`,
		`[1]`, `[true]`, `[[]]`, `[{}]`, `[1, "a"]`, `[1, 1]`, `[1, 2]`, `{}`, `{"a": "x"}`, `{"a": 1}`,
		`{"a": []}`, `{"a": {}}`, `{"aa": 1}`, `{"b": 1}`, `{"a": 1, "b": 2}`}
	vals := make([]Datum, len(want))
	for i, s := range want {
		d, err := ParseText(s, JSONB, nil)
		if err != nil {
			t.Fatal(err)
		}
		vals[len(want)-1-i] = d
	}
	sort.SliceStable(vals, func(i, j int) bool { return Compare(vals[i], vals[j]) < 0 })
	for i, d := range vals {
		w, _ := ParseText(want[i], JSONB, nil)
		if Compare(d, w) != 0 {
			t.Fatalf("position %d: got %s want %s", i, d.Str(), want[i])
		}
	}
	// 1 and 1.0 are equal in jsonb.
	a, _ := ParseText(`{"a": 1}`, JSONB, nil)
	b, _ := ParseText(`{"a": 1.00}`, JSONB, nil)
	if !Equal(a, b) || Hash(a, 1) != Hash(b, 1) {
		t.Errorf("jsonb 1 and 1.00 differ")
	}
}

// TestCompareOrders checks orders confirmed against PostgreSQL 15.
func TestCompareOrders(t *testing.T) {
	num := func(ss ...string) []Datum {
		var out []Datum
		for _, s := range ss {
			out = append(out, mustNumeric(t, s))
		}
		return out
	}
	cases := []struct {
		name string
		asc  []Datum // strictly or equally ascending
	}{
		{"numeric", num("-Infinity", "-1.5", "1.00", "1", "1.0", "Infinity", "NaN")},
		{"float8", []Datum{NewFloat8(math.Inf(-1)), NewFloat8(-1), NewFloat8(math.Copysign(0, -1)), NewFloat8(0), NewFloat8(1e300), NewFloat8(math.Inf(1)), NewFloat8(math.NaN()), {}}},
		{"text", []Datum{NewText(""), NewText("B"), NewText("a"), NewText("a\x00"), NewText("ab"), NewText("é"), {}}},
		{"interval", []Datum{NewInterval(0, 0, -1), NewInterval(0, 0, 0), NewInterval(0, 1, 0), NewInterval(0, 0, microsPerDay), NewInterval(1, 0, 0), NewInterval(0, 30, 0), NewInterval(0, 31, 0)}},
		{"array", []Datum{NewArray(Int4, nil), NewArray(Int4, []Datum{NewInt4(1)}), NewArray(Int4, []Datum{NewInt4(1), NewInt4(0)}), NewArray(Int4, []Datum{NewInt4(1), {}}), NewArray(Int4, []Datum{NewInt4(2)})}},
		{"record", []Datum{NewRecord([]Datum{NewInt4(1), NewText("b")}), NewRecord([]Datum{NewInt4(1), {}}), NewRecord([]Datum{NewInt4(2), NewText("a")})}},
		{"bpchar", []Datum{NewString(KindBPChar, "a"), NewString(KindBPChar, "a  "), NewString(KindBPChar, "ab")}},
		{"date", []Datum{NewDate(DateNegInfinity), NewDate(-1), NewDate(0), NewDate(DateInfinity)}},
	}
	for _, c := range cases {
		for i := 1; i < len(c.asc); i++ {
			if Compare(c.asc[i-1], c.asc[i]) > 0 || Compare(c.asc[i], c.asc[i-1]) < 0 {
				t.Errorf("%s: position %d out of order", c.name, i)
			}
		}
	}
	if !Equal(NewFloat8(math.NaN()), NewFloat8(-math.NaN())) || !Equal(Datum{}, Datum{}) || Equal(Datum{}, NewInt4(0)) {
		t.Errorf("Equal: NaN or NULL grouping wrong")
	}
}

// TestHashConsistentWithEqual: Equal values hash alike, for random pairs
// and for pairs built to be equal in different forms.
func TestHashConsistentWithEqual(t *testing.T) {
	forEachType(t, func(t *testing.T, typ T) {
		rapid.Check(t, func(rt *rapid.T) {
			a := genDatum(typ).Draw(rt, "a")
			b := genDatum(typ).Draw(rt, "b")
			seed := rapid.Uint64().Draw(rt, "seed")
			if Equal(a, b) != (Compare(a, b) == 0) {
				rt.Fatalf("Equal and Compare disagree")
			}
			if Equal(a, b) && Hash(a, seed) != Hash(b, seed) {
				rt.Fatalf("equal values hash differently")
			}
			// A value decoded from its key is Equal and hashes alike.
			k, _, err := DecodeKey(AppendKey(nil, a, typ, false), typ, false)
			if err != nil || Hash(k, seed) != Hash(a, seed) {
				rt.Fatalf("canonical form hashes differently (%v)", err)
			}
		})
	})
	if Hash(NewInt(KindInt2, 5), 3) != Hash(NewInt8(5), 3) {
		t.Errorf("int2 and int8 of the same value hash differently")
	}
	if Hash(NewText("a"), 1) == Hash(NewText("a"), 2) {
		t.Errorf("seed ignored")
	}
}
