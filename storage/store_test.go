package storage

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// quiet is a logger that drops everything; tests that check logging pass
// their own.
var quiet = slog.New(slog.DiscardHandler)

// openMem opens a store on a fresh in-memory filesystem.
func openMem(t testing.TB) *Store {
	t.Helper()
	s, err := Open(Options{Dir: "/data", FS: vfs.NewMem(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// mustSet commits key=value in a batch of its own.
func mustSet(t testing.TB, s *Store, key, value string) {
	t.Helper()
	b := s.NewBatch()
	defer b.Close()
	b.Set([]byte(key), []byte(value))
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
}

// mustGet returns the value of key, or "<absent>".
func mustGet(t testing.TB, g interface {
	Get([]byte) ([]byte, bool, error)
}, key string) string {
	t.Helper()
	v, ok, err := g.Get([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return "<absent>"
	}
	return string(v)
}

// wantCode fails unless err carries code and its message contains msg.
func wantCode(t testing.TB, err error, code sqlerr.Code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", code, msg)
	}
	if got := sqlerr.CodeOf(err); got != code {
		t.Fatalf("got code %s (%v), want %s", got, err, code)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Fatalf("got message %q, want it to contain %q", err.Error(), msg)
	}
}

func TestOpenCloseReopenOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "a", "1")
	mustSet(t, s, "b", "2")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, name := range []string{lockFileName, versionFileName, pebbleDirName} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	version, err := os.ReadFile(filepath.Join(dir, versionFileName))
	if err != nil || string(version) != "2\n" {
		t.Errorf("FRESHET_VERSION = %q, %v", version, err)
	}

	s, err = Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := mustGet(t, s, "a") + mustGet(t, s, "b") + mustGet(t, s, "c"); got != "12<absent>" {
		t.Fatalf("after reopen got %q", got)
	}
}

func TestOpenCloseReopenInMemory(t *testing.T) {
	fs := vfs.NewMem()
	s, err := Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, s, "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := mustGet(t, s, "k"); got != "v" {
		t.Fatalf("got %q", got)
	}
}

func TestOpenEmptyExistingDir(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAfterCrashDuringInit(t *testing.T) {
	// A crash between writing FRESHET_VERSION.tmp and renaming it leaves the
	// temp file; the directory is still ours to initialise.
	dir := t.TempDir()
	for _, name := range []string{lockFileName, versionTempName} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestOpenRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "PG_VERSION"), []byte("15\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(Options{Dir: dir, Logger: quiet})
	wantCode(t, err, sqlerr.ObjectNotInPrerequisiteState,
		fmt.Sprintf("data directory %q is not a Freshet data directory", dir))
	if _, serr := os.Stat(filepath.Join(dir, versionFileName)); serr == nil {
		t.Fatal("Open wrote FRESHET_VERSION into a foreign directory")
	}
	// The refusal released the lock: a fixed directory opens.
	if err := os.Remove(filepath.Join(dir, "PG_VERSION")); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestOpenRefusesUnknownFormatVersion(t *testing.T) {
	for _, tc := range []struct {
		content string
		code    sqlerr.Code
		msg     string
	}{
		{"9\n", sqlerr.ObjectNotInPrerequisiteState, "has format version 9, which this server does not support"},
		{"1", sqlerr.ObjectNotInPrerequisiteState, "has format version 1"},
		{"0", sqlerr.ObjectNotInPrerequisiteState, "has format version 0"},
		{"freshet\n", sqlerr.DataCorrupted, `has an invalid FRESHET_VERSION file: "freshet\n"`},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, versionFileName), []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(Options{Dir: dir, Logger: quiet})
		wantCode(t, err, tc.code, tc.msg)
	}
}

func TestOpenCorruptedStoreFailsCleanly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, pebbleDir string)
	}{
		{"garbage manifest", func(t *testing.T, pebbleDir string) {
			for _, m := range glob(t, pebbleDir, "MANIFEST-*") {
				if err := os.WriteFile(m, []byte(strings.Repeat("garbage!", 4096)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"missing manifest", func(t *testing.T, pebbleDir string) {
			for _, m := range glob(t, pebbleDir, "MANIFEST-*") {
				if err := os.Remove(m); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"garbage options", func(t *testing.T, pebbleDir string) {
			for _, m := range glob(t, pebbleDir, "OPTIONS-*") {
				if err := os.WriteFile(m, []byte("[Options]\n\tcomparer=nonsense\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := Open(Options{Dir: dir, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			mustSet(t, s, "a", "1")
			if err := s.db.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			tc.corrupt(t, filepath.Join(dir, pebbleDirName))
			_, err = Open(Options{Dir: dir, Logger: quiet})
			if err == nil {
				t.Fatal("Open of a corrupted store succeeded")
			}
			if code := sqlerr.CodeOf(err); code != sqlerr.DataCorrupted && code != sqlerr.IOError {
				t.Fatalf("code %s for %v", code, err)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Fatalf("error %q does not name the directory", err)
			}
			t.Log(err)
		})
	}
}

// glob returns the files in dir matching pattern, failing when there are none.
func glob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) == 0 {
		t.Fatalf("no %s in %s: %v", pattern, dir, err)
	}
	return m
}

func TestCorruptedTableFailsReads(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	b := s.NewBatch()
	for i := range 1000 {
		b.Set(fmt.Appendf(nil, "key%05d", i), []byte(strings.Repeat("v", 100)))
	}
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range glob(t, filepath.Join(dir, pebbleDirName), "*.sst") {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(data)/2; i++ {
			data[i] ^= 0x5a
		}
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		// Detected at Open: also acceptable, as long as it is an error.
		t.Log("detected at Open:", err)
		wantCode(t, err, sqlerr.DataCorrupted, "corrupted")
		return
	}
	defer s.Close()
	_, _, err = s.Get([]byte("key00001"))
	wantCode(t, err, sqlerr.DataCorrupted, "data directory is corrupted")
	it, err := s.NewIter(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for it.First(); it.Valid(); it.Next() {
		_ = it.Value()
	}
	wantCode(t, it.Error(), sqlerr.DataCorrupted, "corrupted")
	wantCode(t, it.Close(), sqlerr.DataCorrupted, "corrupted")
}

func TestClosedStore(t *testing.T) {
	s, err := Open(Options{Dir: "/data", FS: vfs.NewMem(), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	b := s.NewIndexedBatch()
	b.Set([]byte("k"), []byte("v"))
	snap := s.NewSnapshot()
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checks := map[string]error{}
	_, _, checks["Get"] = s.Get([]byte("k"))
	_, checks["NewIter"] = s.NewIter(nil, nil)
	checks["Commit"] = s.Commit(b)
	_, _, checks["Batch.Get"] = b.Get([]byte("k"))
	_, _, checks["Snapshot.Get"] = s.NewSnapshot().Get([]byte("k"))
	for name, err := range checks {
		if !errors.Is(err, ErrClosed) || sqlerr.CodeOf(err) != sqlerr.AdminShutdown {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	b.Close()
	if m := s.Metrics(); m != (Metrics{}) {
		t.Errorf("Metrics after Close = %+v", m)
	}
}

func TestOpenWithoutDir(t *testing.T) {
	_, err := Open(Options{FS: vfs.NewMem(), Logger: quiet})
	wantCode(t, err, sqlerr.InvalidParameterValue, "data directory is not set")
}

func TestMetrics(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustSet(t, s, "k", strings.Repeat("v", 1000))
	if err := s.db.Flush(); err != nil {
		t.Fatal(err)
	}
	m := s.Metrics()
	if m.DiskUsageBytes == 0 || m.Flushes != 1 || m.L0Files != 1 || m.WriteFailed {
		t.Fatalf("metrics %+v", m)
	}
	if !strings.Contains(s.PebbleMetrics(), "WAL") {
		t.Fatalf("PebbleMetrics:\n%s", s.PebbleMetrics())
	}
}
