package storage

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestCrashKeepsAcknowledgedCommits simulates power losses: while commits
// go on, the filesystem is cloned as a crash at that moment would leave it
// (all synced data, a random share of the unsynced rest). Reopened on the
// clone, the store holds every commit acknowledged before the crash, and
// the commits it holds are a prefix of those made: none is torn or
// reordered.
func TestCrashKeepsAcknowledgedCommits(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		fs := vfs.NewCrashableMem()
		s, err := Open(Options{Dir: "/data", FS: fs, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		const total = 300
		var acked atomic.Int64
		done := make(chan error, 1)
		go func() {
			for i := 0; i < total; i++ {
				b := s.NewBatch()
				// Two keys a commit: both or neither may survive.
				b.Set(fmt.Appendf(nil, "a%04d", i), fmt.Appendf(nil, "v%d", i))
				b.Set(fmt.Appendf(nil, "b%04d", i), fmt.Appendf(nil, "v%d", i))
				err := s.Commit(b)
				b.Close()
				if err != nil {
					done <- err
					return
				}
				acked.Store(int64(i + 1))
			}
			done <- nil
		}()
		for target := int64(1 + rng.IntN(total-1)); acked.Load() < target; {
		}
		before := acked.Load()
		// Half of the crashes keep nothing unsynced, the others a random share.
		keep := 0
		if seed%2 == 1 {
			keep = rng.IntN(101)
		}
		crashed := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: keep, RNG: rng})
		if err := <-done; err != nil {
			t.Fatalf("seed %d: commit: %v", seed, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := Open(Options{Dir: "/data", FS: crashed, Logger: quiet})
		if err != nil {
			t.Fatalf("seed %d: reopen after the crash: %v", seed, err)
		}
		present := int64(0)
		for i := int64(0); i < total; i++ {
			va, okA, errA := r.Get(fmt.Appendf(nil, "a%04d", i))
			vb, okB, errB := r.Get(fmt.Appendf(nil, "b%04d", i))
			switch {
			case errA != nil || errB != nil:
				t.Fatalf("seed %d: read commit %d: %v %v", seed, i, errA, errB)
			case okA != okB:
				t.Fatalf("seed %d: commit %d is torn: a present %v, b present %v", seed, i, okA, okB)
			case okA && (string(va) != fmt.Sprintf("v%d", i) || string(vb) != string(va)):
				t.Fatalf("seed %d: commit %d has values %q %q", seed, i, va, vb)
			case okA && present != i:
				t.Fatalf("seed %d: commit %d survived but commit %d did not", seed, i, present)
			case okA:
				present++
			}
		}
		if present < before {
			t.Fatalf("seed %d: %d commits were acknowledged before the crash, only %d survived", seed, before, present)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
