package storage

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// FormatVersion is the version of the data directory layout (files and key
// layout) this build reads and writes. It is stored in FRESHET_VERSION when a
// directory is first opened; Open refuses any other version.
const FormatVersion = 2

// Files and directories inside the data directory.
const (
	versionFileName = "FRESHET_VERSION"
	versionTempName = "FRESHET_VERSION.tmp"
	pebbleDirName   = "pebble"
)

// checkFormat makes sure dir is a Freshet data directory of FormatVersion.
// A directory without FRESHET_VERSION is initialised when it holds nothing
// but the lock file (and a temp file left by a crash during initialisation);
// any other content means it belongs to something else and is refused.
// The caller holds the directory lock.
func checkFormat(fs vfs.FS, dir string) error {
	path := fs.PathJoin(dir, versionFileName)
	data, err := readVFSFile(fs, path)
	switch {
	case err == nil:
		return parseFormat(dir, data)
	case !errors.Is(err, os.ErrNotExist):
		return fileError("read file", path, err)
	}
	names, err := fs.List(dir)
	if err != nil {
		return fileError("list directory", dir, err)
	}
	slices.Sort(names)
	for _, name := range names {
		if name != lockFileName && name != versionTempName {
			return sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState,
				"data directory %q is not a Freshet data directory", dir).
				WithDetail("It holds " + strconv.Quote(name) + " but no " + versionFileName + " file.").
				WithHint("Start Freshet with a new or empty directory.")
		}
	}
	return writeFormat(fs, dir)
}

// parseFormat checks the content of FRESHET_VERSION.
func parseFormat(dir string, data []byte) error {
	v, err := strconv.Atoi(string(bytes.TrimSpace(data)))
	if err != nil {
		return sqlerr.Newf(sqlerr.DataCorrupted,
			"data directory %q has an invalid %s file: %q", dir, versionFileName, data)
	}
	if v != FormatVersion {
		return sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState,
			"data directory %q has format version %d, which this server does not support", dir, v).
			WithDetail("This server reads format version " + strconv.Itoa(FormatVersion) + ".")
	}
	return nil
}

// writeFormat writes FRESHET_VERSION durably: a temp file, synced, renamed
// into place, and the directory synced.
func writeFormat(fs vfs.FS, dir string) error {
	tmp := fs.PathJoin(dir, versionTempName)
	content := strconv.AppendInt(nil, FormatVersion, 10)
	if err := writeVFSFile(fs, tmp, append(content, '\n')); err != nil {
		return fileError("write file", tmp, err)
	}
	path := fs.PathJoin(dir, versionFileName)
	if err := fs.Rename(tmp, path); err != nil {
		return fileError("rename file", tmp, err)
	}
	return syncDir(fs, dir)
}

// syncDir fsyncs a directory so that entries created in it are durable.
func syncDir(fs vfs.FS, dir string) error {
	d, err := fs.OpenDir(dir)
	if err != nil {
		return fileError("open directory", dir, err)
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return fileError("fsync directory", dir, err)
	}
	if err := d.Close(); err != nil {
		return fileError("close directory", dir, err)
	}
	return nil
}

// readVFSFile returns the whole content of a small file.
func readVFSFile(fs vfs.FS, path string) ([]byte, error) {
	f, err := fs.Open(path)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return data, err
}

// writeVFSFile creates or truncates path and writes data to it, synced.
func writeVFSFile(fs vfs.FS, path string, data []byte) error {
	f, err := fs.Create(path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fileError is the error of a failed file operation ("open file", "create
// directory") on path, worded as Postgres words them: 53100 for a full disk,
// 58030 otherwise.
func fileError(action, path string, cause error) error {
	if isNoSpace(cause) {
		return withCause(sqlerr.Newf(sqlerr.DiskFull,
			"could not %s %q: No space left on device", action, path).
			WithDetail(cause.Error()), cause)
	}
	return withCause(sqlerr.Newf(sqlerr.IOError, "could not %s %q: %v", action, path, cause), cause)
}
