package pgwire

import (
	"encoding/binary"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// resultWriter is the ResultWriter pgwire hands to Portal.Execute. It lives
// in the conn and is reset for each Execute, so that the row path allocates
// nothing: each row is encoded straight into the connection's output buffer.
type resultWriter struct {
	c       *conn
	cols    []Column
	formats []int16 // nil = all text
	fctx    *types.FormatContext
	active  bool // between start and finish
	copyOut bool // CopyOut was called: CopyDone follows the statement
}

// start prepares w for one Execute.
func (w *resultWriter) start(cols []Column, formats []int16, fctx *types.FormatContext) {
	*w = resultWriter{c: w.c, cols: cols, formats: formats, fctx: fctx, active: true}
}

// finish ends the Execute; later calls through a retained ResultWriter fail.
func (w *resultWriter) finish() {
	*w = resultWriter{c: w.c}
}

// errFinished is returned to a Session that writes after Execute returned.
func errFinished() error { return sqlerr.Internal("result written after the statement ended") }

// WriteRow encodes row as a DataRow in the formats the client asked for.
func (w *resultWriter) WriteRow(row []types.Datum) error {
	c := w.c
	if !w.active {
		return errFinished()
	}
	if c.outErr != nil {
		return c.outErr
	}
	if len(row) != len(w.cols) {
		return sqlerr.Internal("row has %d values but the statement has %d columns", len(row), len(w.cols))
	}
	start := len(c.out)
	out := append(c.out, 'D', 0, 0, 0, 0, byte(len(row)>>8), byte(len(row)))
	for i := range row {
		d := &row[i]
		if d.IsNull() {
			out = append(out, 0xff, 0xff, 0xff, 0xff)
			continue
		}
		at := len(out)
		out = append(out, 0, 0, 0, 0)
		if columnFormat(w.formats, i) == formatBinary {
			var err error
			out, err = types.AppendBinary(out, *d, w.cols[i].Type)
			if err != nil {
				c.out = out[:start]
				return err
			}
		} else {
			out = types.FormatText(out, *d, w.cols[i].Type, w.fctx)
		}
		binary.BigEndian.PutUint32(out[at:], uint32(len(out)-at-4))
	}
	binary.BigEndian.PutUint32(out[start+1:], uint32(len(out)-start-1))
	c.out = out
	if len(out) >= flushThreshold {
		return c.flush()
	}
	return nil
}

// Notice sends a NoticeResponse at once.
func (w *resultWriter) Notice(severity, code, message string) error {
	if !w.active {
		return errFinished()
	}
	return w.c.sendNotice(severity, code, message)
}

// ParameterStatus sends a ParameterStatus message.
func (w *resultWriter) ParameterStatus(name, value string) error {
	if !w.active {
		return errFinished()
	}
	w.c.send(&pgproto3.ParameterStatus{Name: name, Value: value})
	return w.c.outErr
}

// Flush writes the buffered output to the client.
func (w *resultWriter) Flush() error {
	if !w.active {
		return errFinished()
	}
	return w.c.flush()
}
