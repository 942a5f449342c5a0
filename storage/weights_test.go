package storage

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"testing"
)

// addWeights commits one batch adding each delta to key.
func addWeights(t *testing.T, s *Store, key string, deltas ...int64) {
	t.Helper()
	b := s.NewBatch()
	defer b.Close()
	for _, d := range deltas {
		b.AddWeight([]byte(key), binary.AppendVarint(nil, d))
	}
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
}

// weightOf returns the weight under key, or 0 when the key is absent.
func weightOf(t *testing.T, s *Store, key string) (int64, bool) {
	t.Helper()
	v, ok, err := s.Get([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return 0, false
	}
	w, n := binary.Varint(v)
	if n != len(v) {
		t.Fatalf("weight under %q does not decode: %x", key, v)
	}
	return w, true
}

func TestAddWeightSums(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	addWeights(t, s, "k", 3, -1)
	addWeights(t, s, "k", 5)
	addWeights(t, s, "z", 2)
	addWeights(t, s, "z", -2)
	if w, _ := weightOf(t, s, "k"); w != 7 {
		t.Fatalf("weight of k = %d, want 7", w)
	}
	if w, _ := weightOf(t, s, "z"); w != 0 {
		t.Fatalf("weight of z = %d, want 0", w)
	}
	// The sums survive a restart and a full compaction.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(Options{Dir: dir, Logger: quiet}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addWeights(t, s, "k", -2)
	if err := s.db.Compact(context.Background(), []byte("a"), []byte("zz"), true); err != nil {
		t.Fatal(err)
	}
	if w, _ := weightOf(t, s, "k"); w != 5 {
		t.Fatalf("after reopen and compaction the weight of k = %d, want 5", w)
	}
}
