package pgwire

import (
	"context"
	"io"

	"github.com/freshetdb/freshet/sql/types"
)

// Handler creates a Session for each client connection. It is implemented by
// the engine and wired in by cmd/freshet; pgwire never imports the engine.
type Handler interface {
	// NewSession is called after a successful startup with the startup
	// parameters (user, database, application_name, options, ...). An error
	// is sent to the client as a FATAL ErrorResponse and closes the connection.
	NewSession(ctx context.Context, params map[string]string) (Session, error)
}

// Session is the engine side of one client connection. pgwire calls its
// methods from the connection's goroutine only, one at a time, except that
// the context passed to Prepare / Execute is cancelled by a CancelRequest.
type Session interface {
	// Parse splits sql into statements and checks their syntax, without
	// looking at the catalog. A syntax error is an *sqlerr.Error with code
	// 42601 and a 1-based Position into sql. An empty or comment-only
	// string returns no statements.
	Parse(sql string) ([]Statement, error)

	// Prepare binds one statement against the catalog. paramTypes holds the
	// OIDs the client gave for $1..$n (0 = unspecified, infer); the result
	// reports the types of all parameters the statement uses.
	Prepare(ctx context.Context, stmt Statement, paramTypes []uint32) (Prepared, error)

	// ParameterStatus returns the server parameters to report at startup
	// (server_version, client_encoding, DateStyle, TimeZone, ...).
	ParameterStatus() map[string]string

	// TxStatus returns the transaction state for ReadyForQuery: 'I' idle,
	// 'T' in a transaction block, 'E' in a failed transaction block.
	TxStatus() byte

	// FormatContext returns the settings that shape value text output and
	// input (TimeZone, extra_float_digits). pgwire asks for it before each
	// Bind and Execute, so a SET takes effect from the next statement; it
	// only reads the result and never keeps it past that statement.
	FormatContext() *types.FormatContext

	// Close releases the session (rolls back an open transaction).
	Close() error
}

// Statement is one parsed statement.
type Statement interface {
	// SQL returns the statement's own text.
	SQL() string
}

// Column describes one result column for a RowDescription.
type Column struct {
	Name     string
	Type     types.T
	TableOID uint32 // 0 when not a plain table column
	AttrNum  int16  // 0 when not a plain table column
}

// Prepared is a bound statement, ready to be executed with parameter values.
type Prepared interface {
	// ParamTypes returns the type of each parameter $1..$n.
	ParamTypes() []types.T
	// Columns returns the result columns; nil when the statement returns no
	// rows (a NoData reply to Describe).
	Columns() []Column
	// Bind fixes parameter values and returns a portal. params are already
	// decoded to ParamTypes by pgwire (NULL is the zero Datum).
	Bind(ctx context.Context, params []types.Datum) (Portal, error)
}

// Portal is a statement with its parameters, possibly partly executed.
type Portal interface {
	// Execute runs the portal, writing up to maxRows rows (0 = all) to w.
	// It returns done=false when it stopped at maxRows with rows left
	// (PortalSuspended); otherwise done=true and tag is the CommandComplete
	// tag ("SELECT 3", "INSERT 0 1", "CREATE TABLE", ...). As in
	// Postgres, stopping at exactly maxRows returns done=false even when no
	// row is left; the next call then returns done=true with a zero count.
	// pgwire does not call Execute again once it returned done=true.
	Execute(ctx context.Context, maxRows int, w ResultWriter) (done bool, tag string, err error)
	// Close releases the portal's resources; it may be called at any time.
	Close() error
}

// ResultWriter receives what a statement produces. Rows are encoded by
// pgwire in the formats the client asked for, using the Prepared columns'
// types.
type ResultWriter interface {
	// WriteRow sends one DataRow. The slice is only read during the call.
	WriteRow(row []types.Datum) error
	// Notice sends a NoticeResponse (severity NOTICE or WARNING).
	Notice(severity, code, message string) error
	// ParameterStatus sends a ParameterStatus message (after SET of a
	// reported parameter such as application_name or TimeZone).
	ParameterStatus(name, value string) error
	// CopyIn starts COPY FROM STDIN: it sends CopyInResponse with the
	// column count and text format, and returns a reader of the CopyData
	// payload that ends with io.EOF at CopyDone, or returns an error when
	// the client sends CopyFail. The reader must be read to its end.
	CopyIn(columns int) (io.Reader, error)
	// CopyInBinary is CopyIn for COPY ... FROM STDIN (FORMAT binary): the
	// CopyInResponse announces the binary format.
	CopyInBinary(columns int) (io.Reader, error)
	// CopyOut starts COPY TO STDOUT: it sends CopyOutResponse; each Write
	// on the returned writer sends one CopyData message; the engine calls
	// nothing to finish, pgwire sends CopyDone after Execute returns.
	CopyOut(columns int) (io.Writer, error)
	// Flush sends everything written so far to the client now. Output is
	// otherwise buffered until the statement ends or the buffer fills; a
	// statement that streams results over a long time (SUBSCRIBE) calls
	// Flush after each batch so the client sees it at once.
	Flush() error
}

// ImplicitTransactor is optionally implemented by a Session that runs the
// statements of one simple-query message as one implicit transaction, as
// Postgres does: pgwire calls BeginImplicit before the first statement of a
// message holding more than one, and EndImplicit after the last (ok true)
// or after the first failing one (ok false). An error from EndImplicit (a
// failed commit) is reported to the client.
type ImplicitTransactor interface {
	BeginImplicit()
	EndImplicit(ok bool) error
}
