package types

import (
	"testing"

	"pgregory.net/rapid"
)

// sameValue reports whether a and b are the same value exactly: Equal and
// printing alike (so numeric scale, -0 and interval fields count).
func sameValue(a, b Datum, typ T) bool {
	return a.IsNull() == b.IsNull() && Equal(a, b) &&
		string(FormatText(nil, a, typ, nil)) == string(FormatText(nil, b, typ, nil))
}

// TestValueRoundTrip: DecodeValue(AppendValue(x)) is x exactly, and rows
// of several columns decode to the same values.
func TestValueRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(0, 6).Draw(rt, "width")
		schema := make([]T, n)
		row := make(Row, n)
		for i := range schema {
			schema[i] = genType().Draw(rt, "type")
			row[i] = genDatum(schema[i]).Draw(rt, "value")
			b := AppendValue(nil, row[i], schema[i])
			d, rest, err := DecodeValue(append(b, 0xAB), schema[i])
			if err != nil || len(rest) != 1 || !sameValue(d, row[i], schema[i]) {
				rt.Fatalf("%s: %s decoded as %s (%v)", schema[i], FormatText(nil, row[i], schema[i], nil), FormatText(nil, d, schema[i], nil), err)
			}
		}
		enc := EncodeRow(nil, row, schema)
		into := make(Row, 0, 2)
		got, err := DecodeRow(enc, schema, into)
		if err != nil || len(got) != n {
			rt.Fatalf("DecodeRow: %v (%d values)", err, len(got))
		}
		for i := range got {
			if !sameValue(got[i], row[i], schema[i]) {
				rt.Fatalf("column %d: %s decoded as %s", i, FormatText(nil, row[i], schema[i], nil), FormatText(nil, got[i], schema[i], nil))
			}
		}
		if n > 0 {
			if _, err := DecodeRow(enc[:len(enc)-1], schema, nil); err == nil && len(enc) > 0 {
				rt.Fatalf("DecodeRow accepted a cut row")
			}
		}
	})
}

// TestTextRoundTrip: ParseText(FormatText(x)) is x exactly, for every type
// with text input (records have none in Postgres).
func TestTextRoundTrip(t *testing.T) {
	forEachType(t, func(t *testing.T, typ T) {
		rapid.Check(t, func(rt *rapid.T) {
			if typ.Kind == KindRecord || typ.Kind == KindRegClass {
				return
			}
			if typ.Kind == KindArray && typ.Elem.Kind == KindArray {
				return // multidimensional input is not supported
			}
			d := genDatum(typ).Draw(rt, "d")
			if d.IsNull() {
				return
			}
			text := string(FormatText(nil, d, typ, nil))
			back, err := ParseText(text, typ, nil)
			if err != nil {
				rt.Fatalf("%s: re-reading %q: %v", typ, text, err)
			}
			if !sameValue(back, d, typ) {
				rt.Fatalf("%s: %q re-read as %q", typ, text, FormatText(nil, back, typ, nil))
			}
		})
	})
}

// TestBinaryRoundTrip: ParseBinary(AppendBinary(x)) is x exactly.
func TestBinaryRoundTrip(t *testing.T) {
	forEachType(t, func(t *testing.T, typ T) {
		rapid.Check(t, func(rt *rapid.T) {
			if typ.Kind == KindRecord || (typ.Kind == KindArray && typ.Elem.Kind == KindArray) {
				return
			}
			d := genDatum(typ).Draw(rt, "d")
			if d.IsNull() {
				return
			}
			b, err := AppendBinary(nil, d, typ)
			if err != nil {
				rt.Fatalf("%s: %v", typ, err)
			}
			back, err := ParseBinary(b, typ)
			if err != nil {
				rt.Fatalf("%s: reading %x: %v", typ, b, err)
			}
			if !sameValue(back, d, typ) {
				rt.Fatalf("%s: %s read back as %s", typ, FormatText(nil, d, typ, nil), FormatText(nil, back, typ, nil))
			}
		})
	})
}
