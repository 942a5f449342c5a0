package pgwire

import (
	"io"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// CopyIn sends CopyInResponse (text format, columns columns) and returns the
// reader of the client's CopyData. See copyInReader.
func (w *resultWriter) CopyIn(columns int) (io.Reader, error) {
	return w.copyIn(columns, 0)
}

// CopyInBinary is CopyIn in the binary COPY format.
func (w *resultWriter) CopyInBinary(columns int) (io.Reader, error) {
	return w.copyIn(columns, 1)
}

func (w *resultWriter) copyIn(columns int, format uint16) (io.Reader, error) {
	if !w.active {
		return nil, errFinished()
	}
	c := w.c
	codes := make([]uint16, columns)
	for i := range codes {
		codes[i] = format
	}
	c.send(&pgproto3.CopyInResponse{OverallFormat: byte(format), ColumnFormatCodes: codes})
	if err := c.flush(); err != nil {
		return nil, err
	}
	c.copyIn = copyInReader{c: c}
	return &c.copyIn, nil
}

// copyInReader reads the payload of the client's CopyData messages. It
// ends with io.EOF at CopyDone, or with a 57014 error at CopyFail. As in
// Postgres, Flush and Sync are ignored during COPY, and any other message
// fails the COPY with a protocol violation and then closes the connection,
// whose message stream can no longer be trusted.
type copyInReader struct {
	c    *conn
	data []byte // the unread part of the current CopyData, valid until the next Receive
	err  error  // what Read returns once data is used up
}

// Read implements io.Reader.
func (r *copyInReader) Read(p []byte) (int, error) {
	for len(r.data) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.next()
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// next receives the next message of the COPY.
func (r *copyInReader) next() {
	c := r.c
	if c.inErr != nil {
		r.err = c.inErr
		return
	}
	msg, err := c.be.Receive()
	if err != nil {
		// The connection's main loop reports it after the statement ends.
		c.inErr = err
		r.err = err
		return
	}
	switch m := msg.(type) {
	case *pgproto3.CopyData:
		r.data = m.Data
	case *pgproto3.CopyDone:
		r.err = io.EOF
	case *pgproto3.CopyFail:
		r.err = sqlerr.Newf(sqlerr.QueryCanceled, "COPY from stdin failed: %s", m.Message)
	case *pgproto3.Flush, *pgproto3.Sync:
	default:
		r.err = sqlerr.Newf(sqlerr.ProtocolViolation, "unexpected message type 0x%02X during COPY from stdin", messageType(msg))
		c.lostSync = true
	}
}

// CopyOut sends CopyOutResponse (text format, columns columns) and returns
// the writer whose every Write sends one CopyData. pgwire sends CopyDone
// when Execute returns without error.
func (w *resultWriter) CopyOut(columns int) (io.Writer, error) {
	if !w.active {
		return nil, errFinished()
	}
	c := w.c
	c.send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, columns)})
	if c.outErr != nil {
		return nil, c.outErr
	}
	w.copyOut = true
	return &c.copyOut, nil
}

// copyOutWriter sends each Write as one CopyData message, buffered like
// rows.
type copyOutWriter struct {
	c *conn
}

// Write implements io.Writer.
func (w *copyOutWriter) Write(p []byte) (int, error) {
	c := w.c
	if !c.res.copyOut {
		return 0, errFinished()
	}
	if c.outErr != nil {
		return 0, c.outErr
	}
	n := len(p) + 4
	c.out = append(c.out, 'd', byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	c.out = append(c.out, p...)
	if len(c.out) >= flushThreshold {
		if err := c.flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}
