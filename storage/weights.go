package storage

import (
	"encoding/binary"
	"io"

	"github.com/cockroachdb/pebble/v2"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Weights
//
// Operator state is largely multisets of rows, checkpointed as changes of
// weight. Batch.AddWeight adds a signed delta to the weight under a key
// without reading it: Pebble keeps the deltas as merge operands and sums
// them when the key is read or compacted. Every value written by AddWeight
// is a zig-zag varint. A key whose weight sums to zero stays, with weight
// zero, until a reader deletes it: Pebble's deletable merges corrupt
// compactions (cockroachdb/pebble#6168), so the merge does not drop it.

// weightMergerName names the merge operator in Pebble's OPTIONS file; a
// store created with another merger does not open.
const weightMergerName = "freshet.weights.v1"

// weightMerger is Pebble's merge operator for AddWeight: it sums varints.
var weightMerger = &pebble.Merger{
	Name: weightMergerName,
	Merge: func(_, value []byte) (pebble.ValueMerger, error) {
		s := &weightSum{}
		return s, s.add(value)
	},
}

// errCorruptWeight is the error of a stored weight that does not decode.
var errCorruptWeight = sqlerr.New(sqlerr.DataCorrupted, "stored weight does not decode")

// weightSum is one merge in progress.
type weightSum struct {
	sum int64
	buf [binary.MaxVarintLen64]byte
}

func (s *weightSum) add(v []byte) error {
	w, n := binary.Varint(v)
	if n <= 0 || n != len(v) {
		return errCorruptWeight
	}
	s.sum += w
	return nil
}

// MergeNewer implements pebble.ValueMerger.
func (s *weightSum) MergeNewer(v []byte) error { return s.add(v) }

// MergeOlder implements pebble.ValueMerger.
func (s *weightSum) MergeOlder(v []byte) error { return s.add(v) }

// Finish implements pebble.ValueMerger.
func (s *weightSum) Finish(bool) ([]byte, io.Closer, error) {
	return binary.AppendVarint(s.buf[:0], s.sum), nil, nil
}

// AddWeight adds delta (a zig-zag varint) to the weight stored under key.
// Like Set, it fails the batch on a closed store.
func (b *Batch) AddWeight(key, delta []byte) {
	if b.writable() {
		b.record(b.b.Merge(key, delta, nil))
	}
}
