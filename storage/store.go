package storage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Store is Freshet's durable key-value store: one Pebble database in a
// locked data directory. All its methods are safe for concurrent use.
//
// Writes go through batches (NewBatch, Commit); reads see the latest
// committed data (Get, NewIter) or a fixed point in time (NewSnapshot).
//
// A write or sync failure is sticky: after Commit has failed once, every
// later Commit fails with the same SQLSTATE, because what reached the disk
// is unknown; reads keep working. Restarting the server (Close, Open)
// recovers from what the WAL holds. Note that the batch of a Commit whose
// fsync failed may already be visible to reads of this process. A few
// failures Pebble cannot survive at all (no new WAL file can be created when
// the current one is full) end the process with a panic inside Pebble, as
// Pebble is designed to; a restart recovers.
type Store struct {
	opts Options
	db   *pebble.DB
	lock io.Closer

	// commitMu serialises commits, so that a commit that fails marks the
	// store failed before the next one reaches Pebble: Pebble panics, with
	// its commit lock held, when a commit writes to a WAL that has failed.
	commitMu sync.Mutex

	// mu is held shared by every operation that touches db and
	// exclusively by Close, so that nothing reaches Pebble after it closed.
	mu     sync.RWMutex
	closed bool

	// failed is the first write failure; once set, Commit refuses.
	failed atomic.Pointer[causeError]
}

// Open opens the data directory opts.Dir, creating and initialising it when
// it is missing or empty. It fails at once when another server holds the
// directory, when the directory belongs to something else or has an unknown
// format version, and when the store is corrupted (XX001); it never panics.
// The caller must Close the Store.
func Open(opts Options) (*Store, error) {
	opts.EnsureDefaults()
	if opts.Dir == "" {
		return nil, sqlerr.New(sqlerr.InvalidParameterValue, "data directory is not set")
	}
	fs := opts.FS
	_, statErr := fs.Stat(opts.Dir)
	if err := fs.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fileError("create directory", opts.Dir, err)
	}
	if statErr != nil {
		// A new data directory: make its entry durable in its parent.
		if err := syncDir(fs, fs.PathDir(opts.Dir)); err != nil {
			return nil, err
		}
	}
	lock, err := lockDir(fs, opts.Dir)
	if err != nil {
		return nil, err
	}
	db, err := openDB(opts)
	if err != nil {
		_ = lock.Close()
		return nil, err
	}
	return &Store{opts: opts, db: db, lock: lock}, nil
}

// openDB checks the directory's format and opens Pebble in Dir/pebble. The
// caller holds the directory lock.
func openDB(opts Options) (*pebble.DB, error) {
	if err := checkFormat(opts.FS, opts.Dir); err != nil {
		return nil, err
	}
	cache := pebble.NewCache(opts.CacheBytes)
	defer cache.Unref()
	logger := opts.Logger.With("component", "pebble")
	fs := opts.FS
	if !opts.Sync {
		fs = noSyncFS{fs}
	}
	popts := &pebble.Options{
		FS:                 fs,
		Cache:              cache,
		Logger:             pebbleLogger{l: logger},
		EventListener:      eventListener(logger),
		FormatMajorVersion: pebble.FormatNewest,
		Merger:             weightMerger,
	}
	// Pebble syncs the entries it creates in its directory, not the
	// directory's own entry here: sync it, or a power loss soon after the
	// first start could take the whole store with it.
	dir := opts.FS.PathJoin(opts.Dir, pebbleDirName)
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return nil, fileError("create directory", dir, err)
	}
	if err := syncDir(fs, opts.Dir); err != nil {
		return nil, err
	}
	return openPebble(opts.Dir, dir, popts)
}

// openPebble runs pebble.Open, turning a panic (a Fatalf from the logger, or
// one of Pebble's own on a damaged store) into an error.
func openPebble(dataDir, dir string, popts *pebble.Options) (db *pebble.DB, err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if fe, ok := r.(*fatalError); ok {
			err = openError(dataDir, fe)
			return
		}
		err = sqlerr.Newf(sqlerr.DataCorrupted,
			"data directory %q could not be opened: pebble panicked: %v", dataDir, r)
	}()
	db, err = pebble.Open(dir, popts)
	if err != nil {
		return nil, openError(dataDir, err)
	}
	return db, nil
}

// Close closes the database and releases the data directory. Every batch,
// snapshot and iterator must be closed first. Operations on the Store after
// Close return an error wrapping ErrClosed; a second Close returns nil.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.db.Close()
	if lerr := s.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return withCause(sqlerr.Newf(sqlerr.IOError, "could not close data directory %q: %v", s.opts.Dir, err), err)
	}
	return nil
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.opts.Dir }

// Get returns a copy of the latest committed value of key. found is false
// when the key does not exist.
func (s *Store) Get(key []byte) (value []byte, found bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, false, closedError()
	}
	return get(s.db, key)
}

// NewIter returns an iterator over the latest committed keys in
// [lower, upper); a nil bound is open. It reads a consistent view: commits
// after NewIter returns are not seen. lower and upper must not be modified
// until the iterator is closed. The caller must Close the iterator.
func (s *Store) NewIter(lower, upper []byte) (*Iter, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, closedError()
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: upper})
	if err != nil {
		return nil, readError(err)
	}
	return &Iter{it: it}, nil
}

// Commit writes b atomically: after a nil error every operation of b is
// committed, after an error it must be treated as not committed (see
// Store). With Options.Sync, Commit returns once the batch is durable.
//
// Errors: 53100 when the disk is full, 58030 for any other write or fsync
// failure, and the same code again on every later Commit (sticky). A batch
// can be committed once; b stays owned by the caller, who must Close it.
//
// Commits are serialised: concurrent callers wait for each other, so each
// pays its own fsync (Freshet commits one batch per checkpoint).
func (s *Store) Commit(b *Batch) (err error) {
	switch {
	case b.b == nil:
		return sqlerr.Internal("commit of a closed batch")
	case b.s != s:
		return sqlerr.Internal("commit of a batch of another store")
	case b.committed:
		return sqlerr.Internal("batch committed twice")
	case b.err != nil:
		return b.err
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return closedError()
	}
	if f := s.failed.Load(); f != nil {
		return refusedError(f)
	}
	b.committed = true
	if b.b.Empty() {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			err = s.fail(fe)
		}
	}()
	// ApplyNoSyncWait and SyncWait return the WAL's write or fsync error;
	// Apply would hand it to Logger.Fatalf instead. Under NoSync the
	// filesystem skips the fsync (see noSyncFS).
	if err := s.db.ApplyNoSyncWait(b.b, pebble.Sync); err != nil {
		return s.fail(err)
	}
	if err := b.b.SyncWait(); err != nil {
		return s.fail(err)
	}
	return nil
}

// Err returns the write failure that makes the store refuse writes, or nil
// while it is healthy. For health checks.
func (s *Store) Err() error {
	if f := s.failed.Load(); f != nil {
		return refusedError(f)
	}
	return nil
}

// fail records the first write failure and returns the error for cause.
func (s *Store) fail(cause error) error {
	var fe *fatalError
	if errors.As(cause, &fe) && fe.cause != nil {
		cause = fe.cause
	}
	f := writeError(cause)
	if !s.failed.CompareAndSwap(nil, f) {
		f = s.failed.Load()
	}
	s.opts.Logger.Error("storage refuses writes after a write failure", "dir", s.opts.Dir, "err", cause)
	return refusedError(f)
}

// refusedError returns a copy of the sticky failure f for one caller.
func refusedError(f *causeError) error {
	e := *f.sqlErr
	e.Hint = "Freshet refuses writes after a failed write or fsync. Fix the cause and restart the server."
	return withCause(&e, f.cause)
}

// NewSnapshot returns a consistent read view of the data committed so far.
// The caller must Close it before closing the Store.
func (s *Store) NewSnapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return &Snapshot{s: s}
	}
	return &Snapshot{s: s, snap: s.db.NewSnapshot()}
}

// getter is what pebble.DB, pebble.Batch and pebble.Snapshot share.
type getter interface {
	Get(key []byte) ([]byte, io.Closer, error)
}

// get reads key from r and returns a copy of its value.
func get(r getter, key []byte) ([]byte, bool, error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, readError(err)
	}
	out := bytes.Clone(v)
	if out == nil {
		out = []byte{}
	}
	if err := closer.Close(); err != nil {
		return nil, false, readError(fmt.Errorf("closing value: %w", err))
	}
	return out, true, nil
}
