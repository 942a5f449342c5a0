package storage

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"syscall"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"golang.org/x/sys/unix"
)

// lockFileName is the file in the data directory that the running server
// holds an exclusive lock on, and into which it writes its pid.
const lockFileName = "LOCK"

// lockDir takes the exclusive lock on dir/LOCK and writes the pid of this
// process into it. It fails at once, without waiting, when another server
// holds the lock. Close releases the lock.
//
// On the OS filesystem the lock is flock(2): it belongs to the open file
// description, so it also excludes a second Open in the same process, and
// the kernel drops it when the process dies. On any other vfs.FS (an
// in-memory one in tests) the FS's own Lock is used.
func lockDir(fs vfs.FS, dir string) (io.Closer, error) {
	// Compare types, not values: == on an FS of a non-comparable type
	// would panic.
	if reflect.TypeOf(vfs.Root(fs)) == reflect.TypeOf(vfs.Default) {
		return lockOSFile(dir)
	}
	return lockVFSFile(fs, dir)
}

// osLock is a held flock on an OS file.
type osLock struct {
	f *os.File
}

// Close releases the lock. The file stays: removing a locked file races with
// a server that has just opened it.
func (l *osLock) Close() error {
	return l.f.Close()
}

func lockOSFile(dir string) (io.Closer, error) {
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fileError("open lock file", path, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		pidText, _ := io.ReadAll(io.NewSectionReader(f, 0, 64))
		_ = f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, inUseError(dir, pidText)
		}
		return nil, fileError("lock file", path, err)
	}
	pid := pidLine()
	if err := f.Truncate(0); err != nil {
		_ = f.Close()
		return nil, fileError("write lock file", path, err)
	}
	if _, err := f.WriteAt(pid, 0); err != nil {
		_ = f.Close()
		return nil, fileError("write lock file", path, err)
	}
	return &osLock{f: f}, nil
}

func lockVFSFile(fs vfs.FS, dir string) (io.Closer, error) {
	path := fs.PathJoin(dir, lockFileName)
	l, err := fs.Lock(path)
	if err != nil {
		if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EACCES) {
			pidText, _ := readVFSFile(fs, path)
			return nil, inUseError(dir, pidText)
		}
		return nil, fileError("lock file", path, err)
	}
	if err := writeVFSFile(fs, path, pidLine()); err != nil {
		_ = l.Close()
		return nil, fileError("write lock file", path, err)
	}
	return l, nil
}

// pidLine is the content of the lock file: this process's pid and a newline.
func pidLine() []byte {
	return append(strconv.AppendInt(nil, int64(os.Getpid()), 10), '\n')
}

// inUseError is the error of Open when another server holds dir. pidText is
// the lock file's content; the pid is left out when it does not parse.
func inUseError(dir string, pidText []byte) error {
	e := sqlerr.Newf(codeLockFileExists, "data directory %q is in use by another freshet server", dir)
	if pid, err := strconv.Atoi(string(bytes.TrimSpace(pidText))); err == nil && pid > 0 {
		e.Message += " (pid " + strconv.Itoa(pid) + ")"
	}
	return e.WithHint("Stop the other server, or start this one with another data directory.")
}
