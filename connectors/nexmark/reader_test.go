package nexmark

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/freshetdb/freshet/connectors/kafka"
)

// emitted runs a reader of 2,000 events over splits from the given start
// offsets and returns the event numbers each split emitted.
func emitted(t *testing.T, splits int, start map[int32]int64) map[int32][]int64 {
	t.Helper()
	cfg, err := ParseConfig(map[string]string{"nexmark.table.type": "bid", "nexmark.event.num": "2000",
		"nexmark.max.emit.speed": "true", "nexmark.split.num": strconv.Itoa(splits)}, time.UnixMilli(0))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	out := map[int32][]int64{}
	r := Start(cfg, start, func(m *kafka.Message) bool {
		mu.Lock()
		defer mu.Unlock()
		if m.Record.(*Event).Kind != Bid {
			t.Errorf("event %d is not a bid", m.Offset)
		}
		out[m.Partition] = append(out[m.Partition], m.Offset)
		return true
	})
	r.Wait()
	if r.Status() != "finished" {
		t.Fatalf("status %q", r.Status())
	}
	return out
}

func TestReaderSplitsAndResumes(t *testing.T) {
	all := emitted(t, 1, nil)[0]
	if len(all) != 2000*46/50 {
		t.Fatalf("%d bids", len(all))
	}
	three := emitted(t, 3, nil)
	seen := map[int64]bool{}
	for split, ns := range three {
		for _, n := range ns {
			if n%3 != int64(split) || seen[n] {
				t.Fatalf("split %d emitted event %d", split, n)
			}
			seen[n] = true
		}
	}
	if len(seen) != len(all) {
		t.Fatalf("3 splits emitted %d bids, 1 split %d", len(seen), len(all))
	}
	// Resuming after events 100 (split 1) and 500 (split 2) of 3: the
	// offsets stored are 101 and 501, and each split goes on with its own
	// next events.
	resumed := emitted(t, 3, map[int32]int64{1: 101, 2: 501})
	for split, ns := range resumed {
		for _, n := range ns {
			if n%3 != int64(split) || split == 1 && n <= 100 || split == 2 && n <= 500 {
				t.Fatalf("split %d resumed with event %d", split, n)
			}
		}
	}
	if want := len(three[0]); len(resumed[0]) != want {
		t.Fatalf("split 0 emitted %d, want %d", len(resumed[0]), want)
	}
}
