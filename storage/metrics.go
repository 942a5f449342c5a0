package storage

// Metrics are a few figures about the store for /metrics and the status
// page. Sizes are in bytes; counts are since Open.
type Metrics struct {
	// DiskUsageBytes is the space the store's files take on disk: sstables,
	// WAL, blob files and manifests.
	DiskUsageBytes uint64
	// MemTableBytes is the memory held by memtables.
	MemTableBytes uint64
	// WALBytes is the size of the live WAL files on disk.
	WALBytes uint64
	// BlockCacheBytes is the memory in use by the block cache.
	BlockCacheBytes int64
	// BlockCacheHits and BlockCacheMisses count block cache lookups.
	BlockCacheHits, BlockCacheMisses int64
	// L0Files is the number of sstables in level 0; a growing number means
	// compactions fall behind and writes will stall.
	L0Files int64
	// CompactionDebtBytes estimates the bytes compactions must still
	// rewrite to bring the LSM to a stable shape.
	CompactionDebtBytes uint64
	// Flushes and Compactions count completed memtable flushes and
	// compactions.
	Flushes, Compactions int64
	// WriteFailed is true when the store refuses writes (see Store.Err).
	WriteFailed bool
}

// Metrics returns the current figures. After Close it returns the zero
// Metrics.
func (s *Store) Metrics() Metrics {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return Metrics{}
	}
	m := s.db.Metrics()
	return Metrics{
		DiskUsageBytes:      m.DiskSpaceUsage(),
		MemTableBytes:       m.MemTable.Size,
		WALBytes:            m.WAL.PhysicalSize,
		BlockCacheBytes:     m.BlockCache.Size,
		BlockCacheHits:      m.BlockCache.Hits,
		BlockCacheMisses:    m.BlockCache.Misses,
		L0Files:             m.Levels[0].TablesCount,
		CompactionDebtBytes: m.Compact.EstimatedDebt,
		Flushes:             m.Flush.Count,
		Compactions:         m.Compact.Count,
		WriteFailed:         s.failed.Load() != nil,
	}
}

// PebbleMetrics returns Pebble's own multi-line metrics table, for the
// status page. After Close it returns "".
func (s *Store) PebbleMetrics() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ""
	}
	return s.db.Metrics().String()
}
