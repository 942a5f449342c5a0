package sqlerr

import (
	"errors"
	"fmt"
)

// Severity is the severity field of an ErrorResponse or NoticeResponse.
type Severity string

// Severities used by Freshet.
const (
	SeverityError   Severity = "ERROR"
	SeverityFatal   Severity = "FATAL"
	SeverityNotice  Severity = "NOTICE"
	SeverityWarning Severity = "WARNING"
)

// Error is a client-visible failure with a SQLSTATE. Position is the 1-based
// character offset into the statement text (0 when unknown), as Postgres
// reports it for syntax and name errors.
type Error struct {
	Code     Code
	Severity Severity
	Message  string
	Detail   string
	Hint     string
	Position int
}

// Error implements error; it returns the message only, as Postgres prints it.
func (e *Error) Error() string { return e.Message }

// New returns an *Error with the code and message.
func New(code Code, msg string) *Error {
	return &Error{Code: code, Severity: SeverityError, Message: msg}
}

// Newf returns an *Error with the code and a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)}
}

// WithHint sets the hint and returns e.
func (e *Error) WithHint(hint string) *Error { e.Hint = hint; return e }

// WithDetail sets the detail and returns e.
func (e *Error) WithDetail(detail string) *Error { e.Detail = detail; return e }

// WithPosition sets the 1-based position and returns e.
func (e *Error) WithPosition(pos int) *Error { e.Position = pos; return e }

// Unsupported returns a 0A000 error naming the construct that is not supported yet.
func Unsupported(construct string) *Error {
	return Newf(FeatureNotSupported, "%s is not supported yet", construct)
}

// Internal returns an XX000 error for a broken invariant: a bug, never user input.
func Internal(format string, args ...any) *Error {
	return Newf(InternalError, "internal error: "+format, args...)
}

// As finds the first *Error in err's chain. It returns nil when there is none.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns the SQLSTATE of err: the code of the first *Error in its
// chain, or InternalError when it carries none.
func CodeOf(err error) Code {
	if e := As(err); e != nil {
		return e.Code
	}
	return InternalError
}

// Wrap returns an error whose message is prefix: inner message and whose
// SQLSTATE is inner's, keeping the *Error fields visible to pgwire. A nil err
// returns nil.
func Wrap(err error, prefix string) error {
	if err == nil {
		return nil
	}
	if e := As(err); e != nil {
		cp := *e
		cp.Message = prefix + ": " + e.Message
		return &cp
	}
	return fmt.Errorf("%s: %w", prefix, err)
}
