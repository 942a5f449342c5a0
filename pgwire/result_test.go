package pgwire

import (
	"testing"
	"time"

	"github.com/freshetdb/freshet/sql/types"
)

var allocCols = []Column{
	{Name: "a", Type: types.Int8}, {Name: "b", Type: types.Text},
	{Name: "c", Type: types.Bool}, {Name: "d", Type: types.Float8}, {Name: "e", Type: types.Int4},
}

var allocRow = []types.Datum{
	types.NewInt8(1234567890), types.NewText("hello, world"), types.NewBool(true),
	types.NewFloat8(1.5), types.NullDatum,
}

// newDiscardConn returns a conn whose output goes nowhere.
func newDiscardConn(t testing.TB) *conn {
	s, err := New(Options{Handler: newFakeHandler()})
	if err != nil {
		t.Fatal(err)
	}
	return newConn(s, newMemConn(nil, nil), 1, 1)
}

// TestWriteRowAllocs checks that sending rows allocates nothing in steady
// state, in text and in binary.
func TestWriteRowAllocs(t *testing.T) {
	c := newDiscardConn(t)
	fctx := &types.FormatContext{Location: time.UTC, ExtraFloatDigits: 1}
	for _, formats := range [][]int16{nil, {1, 1, 1, 1, 1}, {0, 1, 0, 1, 0}} {
		c.res.start(allocCols, formats, fctx)
		allocs := testing.AllocsPerRun(5000, func() {
			if err := c.res.WriteRow(allocRow); err != nil {
				t.Fatal(err)
			}
		})
		c.res.finish()
		if allocs != 0 {
			t.Errorf("formats %v: %v allocations per row", formats, allocs)
		}
	}
}

func BenchmarkWriteRow(b *testing.B) {
	c := newDiscardConn(b)
	c.res.start(allocCols, nil, &types.FormatContext{Location: time.UTC, ExtraFloatDigits: 1})
	b.ReportAllocs()
	for b.Loop() {
		if err := c.res.WriteRow(allocRow); err != nil {
			b.Fatal(err)
		}
	}
}
