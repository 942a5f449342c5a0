package types

import (
	"testing"
	"time"
)

// hotValues are the kinds whose encodings must not allocate.
func hotValues() []struct {
	name string
	typ  T
	a, b Datum
} {
	ts := time.Date(2024, 1, 5, 13, 5, 0, 500000000, time.UTC).UnixMicro()
	return []struct {
		name string
		typ  T
		a, b Datum
	}{
		{"int8", Int8, NewInt8(-123456789), NewInt8(42)},
		{"int4", Int4, NewInt4(7), NewInt4(8)},
		{"float8", Float8, NewFloat8(1.0 / 3), NewFloat8(1e100)},
		{"float4", Float4, NewFloat(KindFloat4, 3.25), NewFloat(KindFloat4, 1e-7)},
		{"text", Text, NewText("hello, world, a longer string value"), NewText("hello")},
		{"bpchar", T{Kind: KindBPChar, Mod: 8}, NewString(KindBPChar, "ab      "), NewString(KindBPChar, "ab")},
		{"date", Date, NewDate(19727), NewDate(-800000)},
		{"time", Time, NewTime(47100500000), NewTime(1)},
		{"timestamp", Timestamp, NewTimestamp(KindTimestamp, ts), NewTimestamp(KindTimestamp, -ts)},
		{"timestamptz", TimestampTZ, NewTimestamp(KindTimestampTZ, ts), NewTimestamp(KindTimestampTZ, ts+1)},
		{"interval", Interval, NewInterval(14, 3, 14706500000), NewInterval(0, 0, -1)},
	}
}

// TestHotPathsDoNotAllocate enforces the no-allocation contract of
// FormatText, AppendKey, Hash and Compare for scalar kinds.
func TestHotPathsDoNotAllocate(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewFormatContext(loc)
	buf := make([]byte, 0, 256)
	for _, v := range hotValues() {
		allocs := testing.AllocsPerRun(100, func() {
			buf = FormatText(buf[:0], v.a, v.typ, ctx)
			buf = AppendKey(buf[:0], v.a, v.typ, true)
			_ = Hash(v.a, 1)
			_ = Compare(v.a, v.b)
			_ = Equal(v.a, v.b)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per run", v.name, allocs)
		}
	}
}

func BenchmarkFormatText(b *testing.B) {
	ctx := NewFormatContext(time.UTC)
	buf := make([]byte, 0, 256)
	for _, v := range hotValues() {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = FormatText(buf[:0], v.a, v.typ, ctx)
			}
		})
	}
}

func BenchmarkAppendKey(b *testing.B) {
	buf := make([]byte, 0, 256)
	for _, v := range hotValues() {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf = AppendKey(buf[:0], v.a, v.typ, false)
			}
		})
	}
}

func BenchmarkHash(b *testing.B) {
	for _, v := range hotValues() {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Hash(v.a, 42)
			}
		})
	}
}

func BenchmarkCompare(b *testing.B) {
	for _, v := range hotValues() {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Compare(v.a, v.b)
			}
		})
	}
}
