package pgwire

import (
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// startup reads the startup packets of a new connection. It declines SSL
// and GSS encryption (one request of each, as Postgres allows), serves a
// CancelRequest, and checks the StartupMessage. It returns the startup
// parameters, or ok false when the connection must close.
func (c *conn) startup() (params map[string]string, ok bool) {
	_ = c.nc.SetDeadline(time.Now().Add(c.srv.opts.StartupTimeout))
	defer func() { _ = c.nc.SetDeadline(time.Time{}) }()

	var sslDone, gssDone bool
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			if isIOError(err) {
				c.log.Debug("pgwire connection closed during startup", "err", err)
			} else {
				c.log.Warn("pgwire invalid startup packet", "err", err)
				c.protocolViolation("invalid startup packet: " + err.Error())
			}
			return nil, false
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if sslDone {
				c.protocolViolation("duplicate SSLRequest in startup")
				return nil, false
			}
			sslDone = true
			if !c.decline() {
				return nil, false
			}
		case *pgproto3.GSSEncRequest:
			if gssDone {
				c.protocolViolation("duplicate GSSENCRequest in startup")
				return nil, false
			}
			gssDone = true
			if !c.decline() {
				return nil, false
			}
		case *pgproto3.CancelRequest:
			c.srv.cancelRequest(m.ProcessID, m.SecretKey)
			return nil, false
		case *pgproto3.StartupMessage:
			return c.startupParams(m)
		default:
			c.protocolViolation("unexpected startup packet")
			return nil, false
		}
	}
}

// decline answers an encryption request with 'N': the client goes on with
// a plain StartupMessage on the same connection.
func (c *conn) decline() bool {
	if _, err := c.nc.Write([]byte{'N'}); err != nil {
		c.log.Debug("pgwire connection closed during startup", "err", err)
		return false
	}
	return true
}

// startupParams checks a StartupMessage and returns its parameters. Protocol
// 3.0 is served: a client asking for a later minor version, or sending
// protocol options (_pq_.*), gets NegotiateProtocolVersion and continues
// with 3.0, as Postgres 15 does. A missing database defaults to the user.
func (c *conn) startupParams(m *pgproto3.StartupMessage) (map[string]string, bool) {
	params := make(map[string]string, len(m.Parameters)+1)
	var unrecognized []string
	for k, v := range m.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unrecognized = append(unrecognized, k)
			continue
		}
		params[k] = v
	}
	if m.ProtocolVersion != pgproto3.ProtocolVersion30 || len(unrecognized) > 0 {
		slices.Sort(unrecognized)
		c.send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unrecognized})
	}
	if params["user"] == "" {
		e := sqlerr.New(sqlerr.InvalidAuthorizationSpec, "no PostgreSQL user name specified in startup packet")
		e.Severity = sqlerr.SeverityFatal
		c.sendError(e)
		return nil, false
	}
	if params["database"] == "" {
		params["database"] = params["user"]
	}
	return params, true
}
