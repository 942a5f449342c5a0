package storage

import (
	"log/slog"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// DefaultCacheBytes is the default size of Pebble's block cache: 64 MiB.
const DefaultCacheBytes = 64 << 20

// Options configure Open. The zero value, after EnsureDefaults, is a synced
// store on the OS filesystem; only Dir must be set.
type Options struct {
	// Dir is the data directory. It is created if missing. Freshet keeps
	// LOCK and FRESHET_VERSION in it and Pebble's files in Dir/pebble.
	Dir string
	// Logger receives Pebble's log lines and events. Default slog.Default().
	Logger *slog.Logger
	// FS is the filesystem. Default vfs.Default (the OS). Tests pass
	// vfs.NewMem() or an errorfs wrapper to inject failures.
	FS vfs.FS
	// CacheBytes is the size of the block cache in bytes. Default
	// DefaultCacheBytes; values <= 0 take the default.
	CacheBytes int64
	// Sync makes Commit wait until the batch is durable (fsync of the WAL).
	// EnsureDefaults sets it to !NoSync.
	Sync bool
	// NoSync turns fsync off for all of the store's files: Commit returns
	// once the batch is written to the OS. A commit survives a crash of the
	// process, but a crash of the machine can lose commits or damage the
	// store. For tests and benchmarks.
	NoSync bool
}

// EnsureDefaults fills in the defaults of every unset field.
func (o *Options) EnsureDefaults() {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	o.Sync = !o.NoSync
}
