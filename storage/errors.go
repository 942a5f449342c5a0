package storage

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/cockroachdb/pebble/v2"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// codeLockFileExists is Postgres' lock_file_exists (F0001), returned when
// another server holds the data directory.
const codeLockFileExists sqlerr.Code = "F0001"

// ErrClosed is the cause of the error (SQLSTATE 57P01, admin_shutdown) that
// operations on a closed Store return. Test for it with errors.Is.
var ErrClosed = errors.New("storage is closed")

// causeError is a client-visible *sqlerr.Error that keeps the error it was
// made from reachable: sqlerr.As finds the *sqlerr.Error, and errors.Is /
// errors.As also see the cause (syscall.ENOSPC, ErrClosed, ...).
type causeError struct {
	sqlErr *sqlerr.Error
	cause  error
}

// Error returns the message of the *sqlerr.Error.
func (e *causeError) Error() string { return e.sqlErr.Message }

// Unwrap returns the *sqlerr.Error and the cause.
func (e *causeError) Unwrap() []error { return []error{e.sqlErr, e.cause} }

// withCause returns an error that carries sqlErr and keeps cause reachable.
func withCause(sqlErr *sqlerr.Error, cause error) *causeError {
	return &causeError{sqlErr: sqlErr, cause: cause}
}

// isNoSpace reports whether err comes from a full disk (ENOSPC, or EDQUOT
// for an exhausted quota).
func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

// writeError classifies a failure to write or sync the data directory:
// 53100 for a full disk, as Postgres words it, 58030 for any other I/O error.
func writeError(cause error) *causeError {
	if isNoSpace(cause) {
		return withCause(sqlerr.New(sqlerr.DiskFull,
			"could not write to data directory: No space left on device").
			WithDetail(cause.Error()), cause)
	}
	return withCause(sqlerr.Newf(sqlerr.IOError,
		"could not write to data directory: %v", cause), cause)
}

// readError classifies a failure to read committed data: XX001 when Pebble
// found corruption, 58030 otherwise. A nil cause returns nil.
func readError(cause error) error {
	switch {
	case cause == nil:
		return nil
	case pebble.IsCorruptionError(cause):
		return withCause(sqlerr.Newf(sqlerr.DataCorrupted,
			"data directory is corrupted: %v", cause), cause)
	case errors.Is(cause, pebble.ErrClosed):
		return closedError()
	}
	return withCause(sqlerr.Newf(sqlerr.IOError,
		"could not read from data directory: %v", cause), cause)
}

// openError classifies a failure of pebble.Open in dir.
func openError(dir string, cause error) error {
	switch {
	case pebble.IsCorruptionError(cause):
		return withCause(sqlerr.Newf(sqlerr.DataCorrupted,
			"data directory %q is corrupted: %v", dir, cause), cause)
	case isNoSpace(cause):
		return withCause(sqlerr.Newf(sqlerr.DiskFull,
			"could not open data directory %q: No space left on device", dir).
			WithDetail(cause.Error()), cause)
	}
	return withCause(sqlerr.Newf(sqlerr.IOError,
		"could not open data directory %q: %v", dir, cause), cause)
}

// closedError returns the error of an operation on a closed Store.
func closedError() error {
	return withCause(sqlerr.New(sqlerr.AdminShutdown, "could not access data directory: storage is closed"), ErrClosed)
}

// fatalError is the value the Pebble logger adapter panics with when Pebble
// calls Fatalf. Commit and Open recover it and turn it into an error; in a
// background goroutine it ends the process, as Pebble's own logger would.
type fatalError struct {
	msg   string
	cause error
}

// Error returns the message Pebble gave to Fatalf.
func (e *fatalError) Error() string { return "pebble: fatal: " + e.msg }

// Unwrap returns the first error among Fatalf's arguments, if any.
func (e *fatalError) Unwrap() error { return e.cause }

// newFatalError records a Fatalf call.
func newFatalError(format string, args []any) *fatalError {
	e := &fatalError{msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.cause = err
			break
		}
	}
	return e
}
