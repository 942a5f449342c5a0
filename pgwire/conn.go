package pgwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Output buffer sizes: rows accumulate in one buffer that is written to the
// socket when it passes flushThreshold; after a flush, a buffer that grew
// past maxRetainedOutput (a huge row) is dropped for a fresh one.
const (
	initialOutput     = 16 << 10
	flushThreshold    = 32 << 10
	maxRetainedOutput = 1 << 20
)

// conn is one client connection. Everything but abort and query.cancel runs
// on the connection's own goroutine.
type conn struct {
	srv    *Server
	nc     net.Conn
	be     *pgproto3.Backend
	log    *slog.Logger
	pid    uint32
	secret uint32

	// ctx ends when the connection does or the server closes; stop ends it.
	ctx   context.Context
	stop  context.CancelFunc
	query queryCancel

	sess Session

	out    []byte // encoded messages not yet written
	outErr error  // the first write or encode failure; the connection is dead
	inErr  error  // a read failure met outside the main loop (during COPY)
	fatal  bool   // a FATAL error was sent; close after it
	// lostSync is set when a message arrived in the middle of COPY data:
	// once the statement's error is out, the connection closes.
	lostSync bool

	stmts        map[string]*statement
	portals      map[string]*portal
	skipTillSync bool // an extended-protocol message failed; skip until Sync

	res     resultWriter
	copyIn  copyInReader
	copyOut copyOutWriter
}

func newConn(s *Server, nc net.Conn, pid, secret uint32) *conn {
	ctx, stop := context.WithCancel(s.ctx)
	be := pgproto3.NewBackend(nc, nc)
	be.SetMaxBodyLen(s.opts.MaxMessageSize)
	c := &conn{
		srv:     s,
		nc:      nc,
		be:      be,
		log:     s.log.With("conn", pid),
		pid:     pid,
		secret:  secret,
		ctx:     ctx,
		stop:    stop,
		out:     make([]byte, 0, initialOutput),
		stmts:   make(map[string]*statement),
		portals: make(map[string]*portal),
	}
	c.res.c = c
	c.copyIn.c = c
	c.copyOut.c = c
	return c
}

// abort cancels the connection's context and closes its socket, which makes
// a blocked read or write fail. It is safe to call from any goroutine and
// more than once.
func (c *conn) abort() {
	c.stop()
	_ = c.nc.Close()
}

// serve runs the connection from startup to close.
func (c *conn) serve() {
	defer c.srv.forget(c)
	defer c.abort()
	defer c.recoverPanic()
	c.log.Debug("pgwire connection opened", "remote", c.nc.RemoteAddr().String())
	defer c.log.Debug("pgwire connection closed")

	params, ok := c.startup()
	if !ok {
		return
	}
	if !c.open(params) {
		if c.sess != nil {
			c.closeSession()
		}
		return
	}
	obs := c.srv.opts.Observer
	obs.ConnOpened()
	defer obs.ConnClosed()
	defer c.closeSession()

	for !c.fatal && c.outErr == nil {
		if c.inErr != nil {
			c.readFailed(c.inErr)
			return
		}
		msg, err := c.be.Receive()
		if err != nil {
			c.readFailed(err)
			return
		}
		if !c.dispatch(msg) {
			return
		}
		if c.lostSync {
			c.protocolViolation("terminating connection because protocol synchronization was lost")
			return
		}
	}
	if c.outErr != nil && !isIOError(c.outErr) {
		c.log.Warn("pgwire cannot encode a message", "err", c.outErr)
	}
}

// recoverPanic turns a panic in the connection's goroutine (a bug in the
// Session) into a logged error and a FATAL XX000 to the client, after which
// serve closes the connection: one broken statement does not take down the
// server, and the client learns that its statement failed.
func (c *conn) recoverPanic() {
	if r := recover(); r != nil {
		c.log.Error("pgwire connection panicked", "panic", r, "stack", string(debug.Stack()))
		e := sqlerr.Internal("%v", r)
		e.Severity = sqlerr.SeverityFatal
		c.sendError(e.WithDetail("The statement failed and the connection is closed; the server keeps running. Please report this as a bug, with the server log."))
	}
}

// open creates the Session and finishes the startup: AuthenticationOk,
// ParameterStatus, BackendKeyData, ReadyForQuery. It returns false when the
// connection must close.
func (c *conn) open(params map[string]string) bool {
	c.send(&pgproto3.AuthenticationOk{})
	sess, err := c.srv.opts.Handler.NewSession(c.ctx, params)
	if err != nil {
		e := *c.toSQLError(err)
		e.Severity = sqlerr.SeverityFatal
		c.sendError(&e)
		return false
	}
	c.sess = sess
	status := sess.ParameterStatus()
	for _, name := range slices.Sorted(maps.Keys(status)) {
		c.send(&pgproto3.ParameterStatus{Name: name, Value: status[name]})
	}
	key := make([]byte, 4)
	key[0], key[1], key[2], key[3] = byte(c.secret>>24), byte(c.secret>>16), byte(c.secret>>8), byte(c.secret)
	c.send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: key})
	c.readyForQuery()
	return c.outErr == nil
}

// closeSession releases every portal and the Session.
func (c *conn) closeSession() {
	for name := range c.portals {
		c.closePortal(name)
	}
	clear(c.stmts)
	if err := c.sess.Close(); err != nil {
		c.log.Warn("pgwire session close failed", "err", err)
	}
}

// dispatch handles one message of the main loop. It returns false when the
// connection must close.
func (c *conn) dispatch(msg pgproto3.FrontendMessage) bool {
	if _, ok := msg.(*pgproto3.Sync); ok {
		c.skipTillSync = false
		c.readyForQuery()
		return true
	}
	if _, ok := msg.(*pgproto3.Terminate); ok {
		// Postgres skips a Terminate while waiting for Sync and closes at
		// the client's EOF instead; closing at once ends the same way.
		return false
	}
	if c.skipTillSync {
		return true
	}
	switch m := msg.(type) {
	case *pgproto3.Query:
		c.simpleQuery(m.String)
	case *pgproto3.Parse:
		c.parse(m)
	case *pgproto3.Bind:
		c.bind(m)
	case *pgproto3.Describe:
		c.describe(m)
	case *pgproto3.Execute:
		c.execute(m)
	case *pgproto3.Close:
		c.close(m)
	case *pgproto3.Flush:
		_ = c.flush()
	case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
		// The rest of a COPY FROM STDIN that failed: the protocol says to
		// ignore it.
	case *pgproto3.FunctionCall:
		c.sendError(sqlerr.Unsupported("the function call protocol"))
		c.readyForQuery()
	default:
		c.protocolViolation(fmt.Sprintf("invalid frontend message type %d", messageType(msg)))
		return false
	}
	return true
}

// readyForQuery sends ReadyForQuery and flushes, unless the connection is
// about to close. When the session is idle
// its implicit transaction has ended, and with it every portal, as in
// Postgres.
func (c *conn) readyForQuery() {
	if c.fatal || c.lostSync {
		return
	}
	tx := c.sess.TxStatus()
	if tx == 'I' {
		for name := range c.portals {
			c.closePortal(name)
		}
	}
	c.send(&pgproto3.ReadyForQuery{TxStatus: tx})
	_ = c.flush()
}

// send appends msg to the output buffer, writing the buffer out when it is
// full. After a failure it does nothing; serve then ends the connection.
func (c *conn) send(msg pgproto3.BackendMessage) {
	if c.outErr != nil {
		return
	}
	out, err := msg.Encode(c.out)
	if err != nil {
		c.outErr = fmt.Errorf("encode %T: %w", msg, err)
		return
	}
	c.out = out
	if len(c.out) >= flushThreshold {
		_ = c.flush()
	}
}

// flush writes the output buffer to the socket.
func (c *conn) flush() error {
	if c.outErr != nil {
		return c.outErr
	}
	if len(c.out) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.out)
	if cap(c.out) > maxRetainedOutput {
		c.out = make([]byte, 0, initialOutput)
	} else {
		c.out = c.out[:0]
	}
	if err != nil {
		c.outErr = err
	}
	return err
}

// readFailed ends the connection after a failed Receive: quietly when the
// client went away, with a FATAL protocol violation when it sent something
// malformed.
func (c *conn) readFailed(err error) {
	if isIOError(err) {
		if c.ctx.Err() == nil {
			c.log.Debug("pgwire client closed the connection", "err", err)
		}
		return
	}
	var tooLong *pgproto3.ExceededMaxBodyLenErr
	if errors.As(err, &tooLong) {
		c.protocolViolation(fmt.Sprintf("message of %d bytes exceeds the limit of %d bytes",
			tooLong.ActualBodyLen, tooLong.MaxExpectedBodyLen))
		return
	}
	// pgproto3 names the type byte only in its error text.
	if typ, ok := strings.CutPrefix(err.Error(), "unknown message type: "); ok {
		if r, size := utf8.DecodeRuneInString(typ); size == len(typ) && r < 256 {
			c.protocolViolation(fmt.Sprintf("invalid frontend message type %d", r))
			return
		}
	}
	c.protocolViolation("invalid frontend message: " + err.Error())
}

// protocolViolation sends a FATAL 08P01 error; the connection then closes.
func (c *conn) protocolViolation(msg string) {
	e := sqlerr.New(sqlerr.ProtocolViolation, msg)
	e.Severity = sqlerr.SeverityFatal
	c.sendError(e)
}

// isIOError reports whether err is the connection failing or closing rather
// than the client sending bad bytes.
func isIOError(err error) bool {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// messageType returns the protocol type byte of a frontend message decoded
// by pgproto3.Backend.Receive, for error messages.
func messageType(msg pgproto3.FrontendMessage) byte {
	switch msg.(type) {
	case *pgproto3.Bind:
		return 'B'
	case *pgproto3.Close:
		return 'C'
	case *pgproto3.Describe:
		return 'D'
	case *pgproto3.Execute:
		return 'E'
	case *pgproto3.FunctionCall:
		return 'F'
	case *pgproto3.Flush:
		return 'H'
	case *pgproto3.Parse:
		return 'P'
	case *pgproto3.Query:
		return 'Q'
	case *pgproto3.Sync:
		return 'S'
	case *pgproto3.Terminate:
		return 'X'
	case *pgproto3.CopyDone:
		return 'c'
	case *pgproto3.CopyData:
		return 'd'
	case *pgproto3.CopyFail:
		return 'f'
	}
	return 'p' // password, SASL and GSS responses share 'p'
}
