package storage

import (
	"math"
	"strings"
	"testing"
)

// newIterer is what Store, Batch and Snapshot share.
type newIterer interface {
	NewIter(lower, upper []byte) (*Iter, error)
}

// scan returns "k=v k=v" for the keys in [lower, upper).
func scan(t testing.TB, r newIterer, lower, upper []byte) string {
	t.Helper()
	it, err := r.NewIter(lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for ok := it.First(); ok; ok = it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func TestIterBounds(t *testing.T) {
	s := openMem(t)
	b := s.NewBatch()
	defer b.Close()
	for _, id := range []uint32{1, 2, 3, math.MaxUint32} {
		for _, pk := range []string{"a", "b", "c"} {
			b.Set(append(TableKey(nil, id), pk...), []byte(pk))
		}
	}
	b.Set(CatalogKey(2), []byte("descriptor"))
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}

	lower, upper := TablePrefix(2)
	it, err := s.NewIter(lower, upper)
	if err != nil {
		t.Fatal(err)
	}
	defer it.Close()
	var pks []string
	for ok := it.First(); ok; ok = it.Next() {
		id, pk, ok := SplitTableKey(it.Key())
		if !ok || id != 2 {
			t.Fatalf("key %q outside table 2", it.Key())
		}
		pks = append(pks, string(pk))
	}
	if strings.Join(pks, "") != "abc" || it.Valid() || it.Error() != nil {
		t.Fatalf("table 2 holds %q (valid %v, err %v)", pks, it.Valid(), it.Error())
	}
	if !it.SeekGE(append(TableKey(nil, 2), 'b')) || string(it.Value()) != "b" {
		t.Fatal("SeekGE inside bounds")
	}
	if it.SeekGE(TableKey(nil, 3)) {
		t.Fatalf("SeekGE past the upper bound found %q", it.Key())
	}
	if !it.SeekGE(TableKey(nil, 1)) || string(it.Key()) != string(TableKey(nil, 2))+"a" {
		t.Fatal("SeekGE below the lower bound is not clamped")
	}
	if !it.Last() || string(it.Value()) != "c" || !it.Prev() || string(it.Value()) != "b" {
		t.Fatal("Last/Prev")
	}
	if !it.SeekLT(append(TableKey(nil, 2), 'b')) || string(it.Value()) != "a" {
		t.Fatal("SeekLT")
	}

	// The last table id has an upper bound too.
	lower, upper = TablePrefix(math.MaxUint32)
	if got := scan(t, s, lower, upper); got != strings.Join([]string{
		string(TableKey(nil, math.MaxUint32)) + "a=a",
		string(TableKey(nil, math.MaxUint32)) + "b=b",
		string(TableKey(nil, math.MaxUint32)) + "c=c",
	}, " ") {
		t.Fatalf("last table: %q", got)
	}
	lower, upper = CatalogPrefix()
	if got := scan(t, s, lower, upper); got != string(CatalogKey(2))+"=descriptor" {
		t.Fatalf("catalog: %q", got)
	}
	if got := scan(t, s, []byte("x"), []byte("y")); got != "" {
		t.Fatalf("empty range: %q", got)
	}
}
