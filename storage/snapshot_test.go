package storage

import (
	"fmt"
	"sync"
	"testing"
)

func TestSnapshotIsolation(t *testing.T) {
	s := openMem(t)
	mustSet(t, s, "a", "1")
	mustSet(t, s, "b", "1")
	snap := s.NewSnapshot()
	defer snap.Close()

	b := s.NewBatch()
	defer b.Close()
	b.Set([]byte("a"), []byte("2"))
	b.Delete([]byte("b"))
	b.Set([]byte("c"), []byte("2"))
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}

	if got := scan(t, snap, nil, nil); got != "a=1 b=1" {
		t.Fatalf("snapshot sees %q", got)
	}
	if got := mustGet(t, snap, "a") + mustGet(t, snap, "c"); got != "1<absent>" {
		t.Fatalf("snapshot Get: %q", got)
	}
	if got := scan(t, s, nil, nil); got != "a=2 c=2" {
		t.Fatalf("store sees %q", got)
	}
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if err := snap.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestSnapshotConcurrentReadsDuringCommits(t *testing.T) {
	// Each commit moves every key to the same new value, so any consistent
	// view holds one value for all keys.
	s := openMem(t)
	const keys = 50
	commitRound := func(round int) {
		b := s.NewBatch()
		defer b.Close()
		for k := range keys {
			b.Set(fmt.Appendf(nil, "k%03d", k), fmt.Appendf(nil, "%d", round))
		}
		if err := s.Commit(b); err != nil {
			t.Error(err)
		}
	}
	commitRound(0)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				snap := s.NewSnapshot()
				it, err := snap.NewIter(nil, nil)
				if err != nil {
					t.Error(err)
					return
				}
				seen := map[string]bool{}
				for ok := it.First(); ok; ok = it.Next() {
					seen[string(it.Value())] = true
				}
				if err := it.Close(); err != nil {
					t.Error(err)
				}
				if len(seen) != 1 {
					t.Errorf("snapshot mixes rounds: %v", seen)
				}
				_ = snap.Close()
			}
		})
	}
	for round := 1; round <= 50; round++ {
		commitRound(round)
	}
	close(stop)
	wg.Wait()
}
