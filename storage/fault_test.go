package storage

import (
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// walFault returns an injector, off until toggled on, that fails the WAL
// operations of kinds with err.
func walFault(err error, kinds ...errorfs.OpKind) *errorfs.Toggle {
	return &errorfs.Toggle{Injector: errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !strings.HasSuffix(op.Path, ".log") {
			return nil
		}
		for _, k := range kinds {
			if op.Kind == k {
				return err
			}
		}
		return nil
	})}
}

var syncOps = []errorfs.OpKind{errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo}

// openFaulty opens a synced store on fs wrapped with the injector.
func openFaulty(t *testing.T, fs vfs.FS, dir string, inj errorfs.Injector, noSync bool) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, FS: errorfs.Wrap(fs, inj), Logger: quiet, NoSync: noSync})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// commitKV commits key=value and returns Commit's error.
func commitKV(s *Store, key, value string) error {
	b := s.NewBatch()
	defer b.Close()
	b.Set([]byte(key), []byte(value))
	return s.Commit(b)
}

func TestSyncFailureIsIOErrorAndSticky(t *testing.T) {
	fs := vfs.NewMem()
	fault := walFault(errorfs.ErrInjected, syncOps...)
	s := openFaulty(t, fs, "/data", fault, false)
	if err := commitKV(s, "a", "1"); err != nil {
		t.Fatal(err)
	}
	if s.Err() != nil {
		t.Fatalf("healthy store has Err %v", s.Err())
	}

	fault.On()
	err := commitKV(s, "b", "2")
	wantCode(t, err, sqlerr.IOError, "could not write to data directory: ")
	if !strings.Contains(err.Error(), "injected error") {
		t.Fatalf("error %q does not say why", err)
	}

	// Sticky: the disk is healthy again, yet writes stay refused.
	fault.Off()
	err = commitKV(s, "c", "3")
	wantCode(t, err, sqlerr.IOError, "could not write to data directory: ")
	if sqlerr.As(err).Hint == "" {
		t.Fatal("refusal has no hint")
	}
	wantCode(t, s.Err(), sqlerr.IOError, "could not write to data directory")
	if !s.Metrics().WriteFailed {
		t.Fatal("Metrics.WriteFailed is false")
	}
	// Reads keep working.
	if got := mustGet(t, s, "a"); got != "1" {
		t.Fatalf("read after failure: %q", got)
	}
	if got := mustGet(t, s, "c"); got != "<absent>" {
		t.Fatalf("refused write is visible: %q", got)
	}
	_ = s.Close()

	// A restart recovers what reached the WAL.
	s, err = Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := mustGet(t, s, "a"); got != "1" {
		t.Fatalf("after restart: %q", got)
	}
	if err := commitKV(s, "d", "4"); err != nil {
		t.Fatalf("commit after restart: %v", err)
	}
}

func TestWriteFailureIsIOError(t *testing.T) {
	fault := walFault(errorfs.ErrInjected, errorfs.OpFileWrite, errorfs.OpFileWriteAt)
	s := openFaulty(t, vfs.NewMem(), "/data", fault, false)
	defer s.Close()
	fault.On()
	wantCode(t, commitKV(s, "a", "1"), sqlerr.IOError, "could not write to data directory: ")
	fault.Off()
	wantCode(t, commitKV(s, "b", "2"), sqlerr.IOError, "could not write to data directory: ")
}

func TestNoSpaceIsDiskFull(t *testing.T) {
	enospc := &os.PathError{Op: "write", Path: "000002.log", Err: syscall.ENOSPC}
	for _, tc := range []struct {
		name  string
		kinds []errorfs.OpKind
	}{
		{"write", []errorfs.OpKind{errorfs.OpFileWrite, errorfs.OpFileWriteAt}},
		{"sync", syncOps},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// On the OS filesystem, so the flock path runs under errorfs too.
			fault := walFault(enospc, tc.kinds...)
			s := openFaulty(t, vfs.Default, t.TempDir(), fault, false)
			defer s.Close()
			fault.On()
			err := commitKV(s, "a", "1")
			wantCode(t, err, sqlerr.DiskFull, "could not write to data directory: No space left on device")
			if err.Error() != "could not write to data directory: No space left on device" {
				t.Fatalf("message %q", err)
			}
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("ENOSPC not in the chain of %v", err)
			}
			fault.Off()
			wantCode(t, commitKV(s, "b", "2"), sqlerr.DiskFull, "No space left on device")
		})
	}
}

func TestNoSyncWriteFailureIsSticky(t *testing.T) {
	// Without fsync, Commit still waits for the WAL write and returns its
	// error.
	fault := walFault(errorfs.ErrInjected, errorfs.OpFileWrite, errorfs.OpFileWriteAt)
	s := openFaulty(t, vfs.NewMem(), "/data", fault, true)
	defer s.Close()
	if err := commitKV(s, "a", "1"); err != nil {
		t.Fatal(err)
	}
	fault.On()
	wantCode(t, commitKV(s, "k", "v"), sqlerr.IOError, "could not write to data directory: ")
	fault.Off()
	wantCode(t, commitKV(s, "b", "2"), sqlerr.IOError, "could not write to data directory: ")
}

func TestNoSyncSkipsFsync(t *testing.T) {
	var syncs atomic.Int64
	count := errorfs.InjectorFunc(func(op errorfs.Op) error {
		switch op.Kind {
		case errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo:
			syncs.Add(1)
		}
		return nil
	})
	for _, noSync := range []bool{false, true} {
		s := openFaulty(t, vfs.NewMem(), "/data", count, noSync)
		before := syncs.Load()
		for range 10 {
			if err := commitKV(s, "k", "v"); err != nil {
				t.Fatal(err)
			}
		}
		got := syncs.Load() - before
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if noSync && got != 0 || !noSync && got < 10 {
			t.Errorf("NoSync=%v: %d syncs for 10 commits", noSync, got)
		}
	}
}

func TestFatalfBecomesWriteError(t *testing.T) {
	// Pebble reports some commit failures through Logger.Fatalf; the logger
	// panics with a *fatalError and Commit records it as a write failure.
	s := openMem(t)
	enospc := &os.PathError{Op: "write", Path: "000002.log", Err: syscall.ENOSPC}
	var err error
	func() {
		defer func() {
			fe, ok := recover().(*fatalError)
			if !ok {
				t.Fatal("Fatalf did not panic with a *fatalError")
			}
			err = s.fail(fe)
		}()
		pebbleLogger{l: quiet}.Fatalf("pebble: fatal commit error: %v", enospc)
	}()
	wantCode(t, err, sqlerr.DiskFull, "could not write to data directory: No space left on device")
	wantCode(t, commitKV(s, "k", "v"), sqlerr.DiskFull, "No space left on device")
}
