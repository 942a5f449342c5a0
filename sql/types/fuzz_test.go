package types

import (
	"testing"
	"time"
)

// fuzzType picks a test type from a fuzzed number.
func fuzzType(i uint8) T { return propertyTypes[int(i)%len(propertyTypes)] }

// FuzzDecodeKey: decoding arbitrary bytes as a key never panics, and what
// decodes re-encodes to the bytes it was read from.
func FuzzDecodeKey(f *testing.F) {
	for i := range propertyTypes {
		f.Add([]byte{keyNotNull, 0x80, 0, 0, 1}, uint8(i), false)
		f.Add([]byte{keyNull}, uint8(i), true)
	}
	f.Add(AppendKey(nil, mustNumeric(f, "-12.5"), Numeric, false), uint8(6), false)
	f.Fuzz(func(t *testing.T, b []byte, ti uint8, desc bool) {
		typ := fuzzType(ti)
		d, rest, err := DecodeKey(b, typ, desc)
		if err != nil {
			return
		}
		used := b[:len(b)-len(rest)]
		again := AppendKey(nil, d, typ, desc)
		d2, _, err := DecodeKey(again, typ, desc)
		if err != nil || !Equal(d, d2) {
			t.Fatalf("%s: %x decoded to a value that does not re-decode (%v)", typ, used, err)
		}
	})
}

// FuzzParseText: parsing arbitrary text as any type never panics, and an
// accepted value prints to text that parses to the same value.
func FuzzParseText(f *testing.F) {
	seeds := []string{"", "1", "-1.5e3", "NaN", "{1,2,NULL}", `{"a": [1]}`, "2024-01-05 13:05:00+02",
		"1 year 2 mons", "P1DT2H", "\\x0102", "t", "epoch", "allballs", "[1:2]={1,2}", "1-2", "@ 1 hour ago"}
	for _, s := range seeds {
		for i := range propertyTypes {
			f.Add(s, uint8(i))
		}
	}
	ctx := NewFormatContext(time.UTC)
	ctx.Now = time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string, ti uint8) {
		typ := fuzzType(ti)
		d, err := ParseText(s, typ, ctx)
		if err != nil {
			return
		}
		out := FormatText(nil, d, typ, ctx)
		d2, err := ParseText(string(out), typ, ctx)
		if err != nil {
			t.Fatalf("%s: %q printed as %q which does not parse: %v", typ, s, out, err)
		}
		if !Equal(d, d2) {
			t.Fatalf("%s: %q printed as %q which reads back as %q", typ, s, out, FormatText(nil, d2, typ, ctx))
		}
	})
}

// FuzzParseBinary: binary input never panics.
func FuzzParseBinary(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(6))
	f.Add([]byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 7}, uint8(23))
	f.Fuzz(func(t *testing.T, b []byte, ti uint8) {
		typ := fuzzType(ti)
		d, err := ParseBinary(b, typ)
		if err != nil {
			return
		}
		if _, err := AppendBinary(nil, d, typ); err != nil {
			t.Fatalf("%s: accepted value cannot be sent: %v", typ, err)
		}
	})
}

// FuzzDecodeValue: value decoding never panics.
func FuzzDecodeValue(f *testing.F) {
	f.Add([]byte{valPresent, 2}, uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, ti uint8) {
		typ := fuzzType(ti)
		d, rest, err := DecodeValue(b, typ)
		if err != nil {
			return
		}
		if len(rest) > len(b) {
			t.Fatalf("rest longer than input")
		}
		AppendValue(nil, d, typ)
	})
}
