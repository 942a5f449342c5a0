package storage

import (
	"encoding/binary"
	"testing"
)

// BenchmarkBatchCommit commits batches of 1000 rows of about 100 bytes,
// synced, on a temp dir: the shape of one checkpoint of a busy view.
func BenchmarkBatchCommit(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const rows = 1000
	value := make([]byte, 100-12)
	key := make([]byte, 0, 16)
	b.ReportAllocs()
	b.SetBytes(rows * 100)
	var next uint64
	for b.Loop() {
		batch := s.NewBatch()
		for range rows {
			key = binary.BigEndian.AppendUint64(TableKey(key[:0], 1), next)
			next++
			batch.Set(key, value)
		}
		if err := s.Commit(batch); err != nil {
			b.Fatal(err)
		}
		batch.Close()
	}
}

// BenchmarkPointGet reads random committed rows of a 10,000-row table.
func BenchmarkPointGet(b *testing.B) {
	s, err := Open(Options{Dir: b.TempDir(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const rows = 10000
	value := make([]byte, 100-12)
	batch := s.NewBatch()
	for i := range uint64(rows) {
		batch.Set(binary.BigEndian.AppendUint64(TableKey(nil, 1), i), value)
	}
	if err := s.Commit(batch); err != nil {
		b.Fatal(err)
	}
	batch.Close()
	if err := s.db.Flush(); err != nil {
		b.Fatal(err)
	}
	key := make([]byte, 0, 16)
	b.ReportAllocs()
	var i uint64
	for b.Loop() {
		i = (i*7919 + 1) % rows
		key = binary.BigEndian.AppendUint64(TableKey(key[:0], 1), i)
		if _, ok, err := s.Get(key); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}
