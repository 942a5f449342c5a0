package types

import (
	"testing"
	"unsafe"

	"github.com/cockroachdb/apd/v3"
)

// TestDatumLayout: a Datum stays 32 bytes (rows, chunks and operator state
// hold millions), and each kind reads back what it was built with through
// the one untyped pointer.
func TestDatumLayout(t *testing.T) {
	if n := unsafe.Sizeof(Datum{}); n != 32 {
		t.Errorf("a Datum takes %d bytes, want 32", n)
	}
	if got := NewText("héllo").Str(); got != "héllo" {
		t.Errorf("text: %q", got)
	}
	if got := NewBytea([]byte{0, 1, 2}).Str(); got != "\x00\x01\x02" {
		t.Errorf("bytea: %q", got)
	}
	if got := NewString(KindJSONB, `{"a": 1}`).Str(); got != `{"a": 1}` {
		t.Errorf("jsonb: %q", got)
	}
	if got := NewText("").Str(); got != "" {
		t.Errorf("empty text: %q", got)
	}
	named := NewNamedOID(KindRegClass, 16384, "users")
	if named.Int() != 16384 || named.Str() != "users" {
		t.Errorf("named oid: %d %q", named.Int(), named.Str())
	}
	if got := NewInt(KindRegClass, 16384).Str(); got != "" {
		t.Errorf("oid without a name: %q", got)
	}
	for _, d := range []Datum{NewInt8(42), NewFloat8(1.5), NewBool(true), NewInterval(1, 2, 3), NullDatum} {
		if got := d.Str(); got != "" {
			t.Errorf("%v: Str %q, want empty", d.Kind(), got)
		}
	}
	dec := apd.New(12345, -2)
	if got := NewNumeric(dec).Decimal(); got != dec {
		t.Errorf("numeric: %v", got)
	}
	arr := NewArray(Int4, []Datum{NewInt4(1), NewInt4(2)})
	if a := arr.Array(); a.Elem.Kind != KindInt4 || len(a.Vals) != 2 || a.Vals[1].Int() != 2 {
		t.Errorf("array: %+v", a)
	}
	rec := NewRecord([]Datum{NewText("x"), NewInt8(7)})
	if r := rec.Record(); len(r) != 2 || r[0].Str() != "x" || r[1].Int() != 7 {
		t.Errorf("record: %v", r)
	}
	if r := NewRecord(nil).Record(); len(r) != 0 {
		t.Errorf("empty record: %v", r)
	}
	if got := NewText("abc").WithKind(KindVarchar).Str(); got != "abc" {
		t.Errorf("relabelled text: %q", got)
	}
}
