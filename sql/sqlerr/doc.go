// Package sqlerr holds Postgres SQLSTATE codes and the Error type that every
// layer returns for failures a client can see.
//
// Attach the code where the error is born (sqlerr.New / sqlerr.Newf); wrap
// with fmt.Errorf("...: %w", err) for context; never re-code an error that
// already carries one. pgwire turns an *Error into an ErrorResponse.
//
// This package imports only the standard library.
package sqlerr
