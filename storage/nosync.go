package storage

import "github.com/cockroachdb/pebble/v2/vfs"

// noSyncFS is the filesystem under Options.NoSync: it passes every
// operation through except fsync, which does nothing.
//
// NoSync is done here rather than with Pebble's own NoSync write option so
// that Commit behaves the same with and without it: it still waits for the
// WAL write(2), so a commit survives a crash of the process (not of the
// machine), and a write error is returned by the Commit that caused it.
// With Pebble's NoSync, the error would instead surface as a panic inside
// a later commit, with Pebble's commit lock held.
type noSyncFS struct {
	vfs.FS
}

// Unwrap returns the wrapped filesystem, for vfs.Root.
func (fs noSyncFS) Unwrap() vfs.FS { return fs.FS }

// Create creates a file whose syncs do nothing.
func (fs noSyncFS) Create(name string, category vfs.DiskWriteCategory) (vfs.File, error) {
	return noSyncFile(fs.FS.Create(name, category))
}

// OpenReadWrite opens a file whose syncs do nothing.
func (fs noSyncFS) OpenReadWrite(name string, category vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return noSyncFile(fs.FS.OpenReadWrite(name, category, opts...))
}

// ReuseForWrite renames and reopens a file whose syncs do nothing.
func (fs noSyncFS) ReuseForWrite(oldname, newname string, category vfs.DiskWriteCategory) (vfs.File, error) {
	return noSyncFile(fs.FS.ReuseForWrite(oldname, newname, category))
}

// OpenDir opens a directory whose syncs do nothing.
func (fs noSyncFS) OpenDir(name string) (vfs.File, error) {
	return noSyncFile(fs.FS.OpenDir(name))
}

// unsyncedFile is a vfs.File whose syncs do nothing.
type unsyncedFile struct {
	vfs.File
}

func noSyncFile(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return unsyncedFile{f}, nil
}

// Sync does nothing.
func (unsyncedFile) Sync() error { return nil }

// SyncData does nothing.
func (unsyncedFile) SyncData() error { return nil }

// SyncTo does nothing and reports that it did not sync the metadata.
func (unsyncedFile) SyncTo(int64) (bool, error) { return false, nil }
