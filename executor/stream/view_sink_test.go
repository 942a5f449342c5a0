package stream

import (
	"fmt"
	"slices"
	"testing"

	"github.com/freshetdb/freshet/sql/types"
)

// TestForwardingSink: a forwarding sink keeps no contents and saves no
// state; what it is given before its first subscriber is held for Drain,
// and after that every epoch's changes go to the subscriber once.
func TestForwardingSink(t *testing.T) {
	s := NewForwardingSink(1)
	push := func(v int64, w int64) {
		ch := types.NewChunk(1, 1)
		ch.Append(types.Row{types.NewInt8(v)}, w)
		if err := s.Push(0, ch); err != nil {
			t.Fatal(err)
		}
	}
	push(1, 1)
	push(2, 1)
	if err := s.Flush(0); err != nil {
		t.Fatal(err)
	}
	push(2, -1)
	if err := s.Flush(0); err != nil {
		t.Fatal(err)
	}
	var held []string
	s.Drain(func(r types.Row, w int64) { held = append(held, fmt.Sprintf("%+d %s", w, rowText(r))) })
	if want := []string{"+1 (1)", "+1 (2)", "-1 (2)"}; !slices.Equal(held, want) {
		t.Fatalf("held %q, want %q", held, want)
	}
	rec := newRecorder()
	s.Subscribe(Leaf{Out: rec}, rec)
	push(3, 1)
	if err := s.Flush(0); err != nil {
		t.Fatal(err)
	}
	if got := formatDelta(rec.takeEpoch()); got != "+ (3)\n" || rec.flushes != 1 {
		t.Fatalf("subscriber got %q in %d flushes, want (3) inserted in one", got, rec.flushes)
	}
	saved := 0
	if err := s.SaveState(func(StateRecord) error { saved++; return nil }); err != nil || saved != 0 || s.Len() != 0 || !s.Forwarding() {
		t.Fatalf("a forwarding sink holds state: %d records saved (%v), %d rows", saved, err, s.Len())
	}
}
