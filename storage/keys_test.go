package storage

import (
	"bytes"
	"math"
	"testing"
)

func TestKeyOrderAndNamespaces(t *testing.T) {
	// Keys in increasing order: namespaces by tag, then ids numerically.
	ordered := [][]byte{
		CatalogKey(0),
		CatalogKey(1),
		CatalogKey(256),
		CatalogKey(math.MaxUint32),
		SourceErrorKey(1, 0, 5),
		SourceErrorKey(1, 7, 0),
		SourceErrorKey(2, 0, 0),
		SinkLogKey(1, 0, 0),
		SinkLogKey(1, 1, 7),
		SinkLogKey(1, 2, 0),
		SinkLogKey(2, 0, 0),
		MetaKey(""),
		MetaKey("next_id"),
		StateKey(nil, 1),
		append(StateKey(nil, 1), 0xff),
		StateKey(nil, 2),
		TableKey(nil, 1),
		append(TableKey(nil, 1), "zzz"...),
		TableKey(nil, 2),
		TableKey(nil, 1<<24),
	}
	for i := 1; i < len(ordered); i++ {
		if bytes.Compare(ordered[i-1], ordered[i]) >= 0 {
			t.Errorf("%q does not sort before %q", ordered[i-1], ordered[i])
		}
	}
	lower, upper := CatalogPrefix()
	for _, k := range ordered {
		inCatalog := bytes.Compare(k, lower) >= 0 && bytes.Compare(k, upper) < 0
		if _, isCatalog := CatalogIDFromKey(k); inCatalog != isCatalog {
			t.Errorf("%q: in catalog bounds %v, catalog key %v", k, inCatalog, isCatalog)
		}
	}
}

func TestPrefixBounds(t *testing.T) {
	for _, tc := range []struct {
		lower, upper []byte
		inside       [][]byte
		outside      [][]byte
	}{
		{
			lower: first(TablePrefix(7)), upper: second(TablePrefix(7)),
			inside:  [][]byte{TableKey(nil, 7), append(TableKey(nil, 7), 0xff, 0xff)},
			outside: [][]byte{TableKey(nil, 6), append(TableKey(nil, 6), 0xff), TableKey(nil, 8), StateKey(nil, 7)},
		},
		{
			lower: first(TablePrefix(math.MaxUint32)), upper: second(TablePrefix(math.MaxUint32)),
			inside:  [][]byte{append(TableKey(nil, math.MaxUint32), 0xff)},
			outside: [][]byte{TableKey(nil, math.MaxUint32-1), {'u'}},
		},
		{
			lower: first(StatePrefix(3)), upper: second(StatePrefix(3)),
			inside:  [][]byte{append(StateKey(nil, 3), 1, 2)},
			outside: [][]byte{StateKey(nil, 4), TableKey(nil, 3)},
		},
		{
			lower: first(SourceErrorPrefix(5)), upper: second(SourceErrorPrefix(5)),
			inside:  [][]byte{SourceErrorKey(5, 0, 0), SourceErrorKey(5, math.MaxUint32, math.MaxUint64)},
			outside: [][]byte{SourceErrorKey(4, math.MaxUint32, math.MaxUint64), SourceErrorKey(6, 0, 0)},
		},
	} {
		for _, k := range tc.inside {
			if bytes.Compare(k, tc.lower) < 0 || bytes.Compare(k, tc.upper) >= 0 {
				t.Errorf("%q not in [%q, %q)", k, tc.lower, tc.upper)
			}
		}
		for _, k := range tc.outside {
			if bytes.Compare(k, tc.lower) >= 0 && bytes.Compare(k, tc.upper) < 0 {
				t.Errorf("%q in [%q, %q)", k, tc.lower, tc.upper)
			}
		}
	}
}

func first(a, _ []byte) []byte  { return a }
func second(_, b []byte) []byte { return b }

func TestPrefixEnd(t *testing.T) {
	for _, tc := range []struct{ in, want []byte }{
		{nil, nil},
		{[]byte{0xff, 0xff}, nil},
		{[]byte{'a'}, []byte{'b'}},
		{[]byte{'a', 0xff}, []byte{'b'}},
		{[]byte{'a', 1, 0xff, 0xff}, []byte{'a', 2}},
	} {
		if got := PrefixEnd(tc.in); !bytes.Equal(got, tc.want) {
			t.Errorf("PrefixEnd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	in := []byte{'a', 'b'}
	_ = PrefixEnd(in)
	if string(in) != "ab" {
		t.Fatal("PrefixEnd modified its argument")
	}
}

func TestSplitKeys(t *testing.T) {
	buf := make([]byte, 0, 64)
	k := append(TableKey(buf, 42), "pk"...)
	id, rest, ok := SplitTableKey(k)
	if !ok || id != 42 || string(rest) != "pk" {
		t.Fatalf("SplitTableKey = %d %q %v", id, rest, ok)
	}
	if _, _, ok := SplitTableKey(CatalogKey(42)); ok {
		t.Fatal("a catalog key split as a table key")
	}
	if id, ok := CatalogIDFromKey(CatalogKey(99)); !ok || id != 99 {
		t.Fatalf("CatalogIDFromKey = %d %v", id, ok)
	}
	if _, ok := CatalogIDFromKey(append(CatalogKey(99), 0)); ok {
		t.Fatal("a longer key parsed as a catalog key")
	}
	if s, p, o, ok := SplitSourceErrorKey(SourceErrorKey(3, 4, 5)); !ok || s != 3 || p != 4 || o != 5 {
		t.Fatalf("SplitSourceErrorKey = %d %d %d %v", s, p, o, ok)
	}
	if s, e, q, ok := SplitSinkLogKey(SinkLogKey(3, 4, 5)); !ok || s != 3 || e != 4 || q != 5 {
		t.Fatalf("SplitSinkLogKey = %d %d %d %v", s, e, q, ok)
	}
}

func FuzzSplitTableKey(f *testing.F) {
	f.Add(uint32(1), []byte("pk"))
	f.Fuzz(func(t *testing.T, id uint32, pk []byte) {
		gotID, gotPK, ok := SplitTableKey(append(TableKey(nil, id), pk...))
		if !ok || gotID != id || !bytes.Equal(gotPK, pk) {
			t.Fatalf("round trip of %d %q: %d %q %v", id, pk, gotID, gotPK, ok)
		}
		lower, upper := TablePrefix(id)
		k := append(TableKey(nil, id), pk...)
		if bytes.Compare(k, lower) < 0 || bytes.Compare(k, upper) >= 0 {
			t.Fatalf("%q outside its table's bounds", k)
		}
	})
}
