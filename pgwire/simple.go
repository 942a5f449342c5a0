package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// simpleQuery serves a Query message: the text may hold several statements,
// run in order until one fails; each sends its RowDescription (text format),
// rows and CommandComplete. An empty text gets EmptyQueryResponse. A Query
// drops the unnamed prepared statement and portal, as in Postgres. It always
// ends with ReadyForQuery.
func (c *conn) simpleQuery(sql string) {
	delete(c.stmts, "")
	c.closePortal("")
	defer func() {
		if r := recover(); r != nil {
			// A bug in the Session: recoverConn ends the connection with
			// a FATAL error, which no ReadyForQuery may precede.
			panic(r)
		}
		c.readyForQuery()
	}()

	stmts, err := c.parseSQL(sql)
	if err != nil {
		c.srv.opts.Observer.Statement(err)
		c.sendError(err)
		return
	}
	if len(stmts) == 0 {
		c.send(&pgproto3.EmptyQueryResponse{})
		return
	}
	ctx := c.query.begin(c.ctx)
	defer c.query.end()
	it, implicit := c.sess.(ImplicitTransactor)
	implicit = implicit && len(stmts) > 1
	if implicit {
		it.BeginImplicit()
	}
	for _, stmt := range stmts {
		err := c.runSimple(ctx, stmt)
		c.srv.opts.Observer.Statement(err)
		if err != nil {
			if implicit {
				_ = it.EndImplicit(false)
			}
			c.sendError(err)
			return
		}
		if c.outErr != nil {
			if implicit {
				_ = it.EndImplicit(false)
			}
			return
		}
	}
	if implicit {
		if err := it.EndImplicit(true); err != nil {
			c.sendError(err)
		}
	}
}

// parseSQL checks the encoding of a client's SQL text and splits it into
// statements.
func (c *conn) parseSQL(sql string) ([]Statement, error) {
	if err := checkUTF8(sql); err != nil {
		return nil, err
	}
	return c.sess.Parse(sql)
}

// runSimple prepares, binds and runs one statement of a Query message.
func (c *conn) runSimple(ctx context.Context, stmt Statement) error {
	prep, err := c.sess.Prepare(ctx, stmt, nil)
	if err != nil {
		return err
	}
	p, err := prep.Bind(ctx, nil)
	if err != nil {
		return err
	}
	defer c.closeEnginePortal(p)
	cols := prep.Columns()
	if cols != nil {
		c.send(rowDescription(cols, nil))
	}
	done, _, err := c.run(ctx, p, cols, nil, 0)
	if err == nil && !done {
		err = sqlerr.Internal("statement stopped before its end without a row limit")
	}
	return err
}

// run executes a portal for up to maxRows rows (0 = all) with rows encoded
// per formats (nil = all text), then ends the result: CopyDone after COPY TO
// STDOUT, and PortalSuspended or CommandComplete with the tag it returns.
// On error nothing is sent after the rows; the caller sends the
// ErrorResponse.
func (c *conn) run(ctx context.Context, p Portal, cols []Column, formats []int16, maxRows int) (done bool, tag string, err error) {
	c.res.start(cols, formats, c.sess.FormatContext())
	done, tag, err = p.Execute(ctx, maxRows, &c.res)
	copyOut := c.res.copyOut
	c.res.finish()
	if err != nil {
		return false, "", err
	}
	if c.outErr != nil {
		return false, "", c.outErr
	}
	if copyOut {
		c.send(&pgproto3.CopyDone{})
	}
	if !done {
		c.send(&pgproto3.PortalSuspended{})
		return false, "", nil
	}
	c.send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return true, tag, nil
}

// closeEnginePortal closes a Session portal, logging a failure: the
// statement's result has already been sent.
func (c *conn) closeEnginePortal(p Portal) {
	if err := p.Close(); err != nil {
		c.log.Warn("pgwire portal close failed", "err", err)
	}
}
