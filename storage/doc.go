// Package storage is Freshet's durable state: a layer over Pebble
// (github.com/cockroachdb/pebble/v2) that owns the data directory, the key
// layout, atomic write batches, snapshots and the mapping of disk failures
// to SQLSTATE errors.
//
// Everything Freshet keeps (catalog descriptors, table rows, view contents,
// operator state, source offsets, id counters) lives in one Pebble key
// space, split into namespaces by a one-byte tag (see keys.go), so that one
// Batch can commit all of a checkpoint at once.
//
// Data directory (Options.Dir):
//
//	LOCK             exclusive lock of the running server (flock), holding its pid
//	FRESHET_VERSION  the directory's format version (FormatVersion)
//	pebble/          Pebble's own files
//
// Open takes the lock and fails at once when another server holds it;
// refuses a non-empty directory without FRESHET_VERSION and an unknown
// format version; and turns a damaged store into an XX001 error, never a
// panic. Pebble logs through the Options.Logger (slog), never to stdout.
//
// Errors are *sqlerr.Error values: 58030 (io_error) for read, write and
// fsync failures, 53100 (disk_full) for a full disk, XX001 (data_corrupted)
// for corruption, XX000 for misuse of the API. A failed Commit makes the
// Store refuse writes until it is reopened (see Store).
//
// This package imports nothing of Freshet's except sql/types and
// sql/sqlerr; it knows bytes, not rows or plans.
package storage
