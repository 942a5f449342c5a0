package storage

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

func TestSecondOpenInProcessFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Open(Options{Dir: dir, Logger: quiet})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("second Open took %v, want it to fail at once", d)
	}
	wantCode(t, err, codeLockFileExists,
		fmt.Sprintf("data directory %q is in use by another freshet server (pid %d)", dir, os.Getpid()))
	if err.Error() != fmt.Sprintf("data directory %q is in use by another freshet server (pid %d)", dir, os.Getpid()) {
		t.Fatalf("message %q", err)
	}
	pid, err := os.ReadFile(filepath.Join(dir, lockFileName))
	if err != nil || string(pid) != fmt.Sprintf("%d\n", os.Getpid()) {
		t.Fatalf("lock file holds %q, %v", pid, err)
	}
	// The failed Open must not have disturbed the holder.
	mustSet(t, s, "k", "v")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	if got := mustGet(t, s, "k"); got != "v" {
		t.Fatalf("got %q", got)
	}
	_ = s.Close()
}

func TestSecondOpenInMemoryFails(t *testing.T) {
	fs := vfs.NewMem()
	s, err := Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	wantCode(t, err, codeLockFileExists,
		fmt.Sprintf(`data directory "/data" is in use by another freshet server (pid %d)`, os.Getpid()))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(Options{Dir: "/data", FS: fs, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
}

func TestInUseMessageWithoutPid(t *testing.T) {
	err := inUseError("/d", []byte("garbage"))
	wantCode(t, err, codeLockFileExists, `data directory "/d" is in use by another freshet server`)
	if strings.Contains(err.Error(), "pid") {
		t.Fatalf("message %q names a pid it could not read", err)
	}
}

// lockHolderEnv names the data directory the test binary opens and holds
// when TestSecondOpenAcrossProcesses runs it as a child process.
const lockHolderEnv = "FRESHET_STORAGE_LOCK_HOLDER_DIR"

// TestMain runs the tests, or, as TestSecondOpenAcrossProcesses's child
// process, holds the store's lock instead.
func TestMain(m *testing.M) {
	if dir := os.Getenv(lockHolderEnv); dir != "" {
		os.Exit(holdLock(dir))
	}
	os.Exit(m.Run())
}

// holdLock opens the store in dir, says "locked", and holds it until stdin
// closes.
func holdLock(dir string) int {
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.Close()
	return 0
}

func TestSecondOpenAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	start := time.Now()
	_, err = Open(Options{Dir: dir, Logger: quiet})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Open took %v, want it to fail at once", d)
	}
	wantCode(t, err, codeLockFileExists,
		fmt.Sprintf("data directory %q is in use by another freshet server (pid %d)", dir, cmd.Process.Pid))

	// A killed server leaves no lock behind: the kernel drops a flock with
	// its process.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	s, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatalf("Open after the holder died: %v", err)
	}
	_ = s.Close()
}
