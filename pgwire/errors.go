package pgwire

import (
	"context"
	"errors"
	"math"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// sendError sends err as an ErrorResponse and flushes. An *sqlerr.Error
// keeps its fields; any other error is XX000 with its message (see
// toSQLError). A FATAL error marks the connection for closing.
func (c *conn) sendError(err error) {
	e := c.toSQLError(err)
	sev := string(e.Severity)
	if sev == "" {
		sev = string(sqlerr.SeverityError)
	}
	c.send(&pgproto3.ErrorResponse{
		Severity:            sev,
		SeverityUnlocalized: sev,
		Code:                string(e.Code),
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            int32(min(e.Position, math.MaxInt32)),
	})
	_ = c.flush()
	if sev == string(sqlerr.SeverityFatal) || sev == "PANIC" {
		c.fatal = true
	}
	// Errors the client caused are routine; internal, resource and I/O
	// failures are worth an operator's attention.
	switch e.Code.Class() {
	case "XX", "53", "58":
		c.log.Warn("pgwire error", "severity", sev, "code", string(e.Code), "err", err)
	default:
		c.log.Debug("pgwire error", "severity", sev, "code", string(e.Code), "err", err)
	}
}

// toSQLError returns the *sqlerr.Error to report for err. A context
// cancellation the Session did not translate itself becomes 57014 when a
// CancelRequest caused it and 57P01 when the server is shutting down.
func (c *conn) toSQLError(err error) *sqlerr.Error {
	if e := sqlerr.As(err); e != nil {
		return e
	}
	if errors.Is(err, context.Canceled) {
		if c.query.wasRequested() {
			return sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
		}
		if c.ctx.Err() != nil {
			e := sqlerr.New(sqlerr.AdminShutdown, "terminating connection due to administrator command")
			e.Severity = sqlerr.SeverityFatal
			return e
		}
	}
	return sqlerr.New(sqlerr.InternalError, err.Error())
}

// sendNotice sends a NoticeResponse and flushes, as Postgres does so that
// the client sees it even if the statement then runs for a long time.
func (c *conn) sendNotice(severity, code, message string) error {
	c.send(&pgproto3.NoticeResponse{
		Severity:            severity,
		SeverityUnlocalized: severity,
		Code:                code,
		Message:             message,
	})
	return c.flush()
}
