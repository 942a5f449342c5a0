package pgwire

import (
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// statement is a prepared statement of the extended protocol. prep is nil
// for an empty query string, which Execute answers with EmptyQueryResponse.
type statement struct {
	prep   Prepared
	params []types.T
	cols   []Column
}

// portal is a bound statement of the extended protocol. p is nil for an
// empty query. formats holds one result format code per column. Once the
// portal has run to its end, done is set and tag is its CommandComplete tag.
type portal struct {
	p       Portal
	cols    []Column
	formats []int16
	done    bool
	tag     string
}

// failExtended reports an error of an extended-protocol message: the
// ErrorResponse goes out and every message up to the next Sync is skipped.
func (c *conn) failExtended(err error) {
	c.sendError(err)
	c.skipTillSync = true
}

// parse serves Parse: a named statement must not exist yet (42P05); the
// unnamed one is replaced.
func (c *conn) parse(m *pgproto3.Parse) {
	if m.Name == "" {
		delete(c.stmts, "")
	} else if _, ok := c.stmts[m.Name]; ok {
		c.failStatement(sqlerr.Newf(sqlerr.DuplicatePreparedStatement, "prepared statement \"%s\" already exists", m.Name))
		return
	}
	st, err := c.prepare(m)
	if err != nil {
		c.failStatement(err)
		return
	}
	c.stmts[m.Name] = st
	c.send(&pgproto3.ParseComplete{})
}

// failStatement reports an error that ends a statement before it ran.
func (c *conn) failStatement(err error) {
	c.srv.opts.Observer.Statement(err)
	c.failExtended(err)
}

// prepare parses and prepares the text of a Parse message, which must hold
// at most one statement.
func (c *conn) prepare(m *pgproto3.Parse) (*statement, error) {
	stmts, err := c.parseSQL(m.Query)
	if err != nil {
		return nil, err
	}
	switch len(stmts) {
	case 0:
		return emptyStatement(m.ParameterOIDs)
	case 1:
	default:
		return nil, sqlerr.New(sqlerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	ctx := c.query.begin(c.ctx)
	defer c.query.end()
	prep, err := c.sess.Prepare(ctx, stmts[0], m.ParameterOIDs)
	if err != nil {
		return nil, err
	}
	return &statement{prep: prep, params: prep.ParamTypes(), cols: prep.Columns()}, nil
}

// emptyStatement is the statement of an empty query string; it keeps the
// parameter types the client declared, for Describe and Bind.
func emptyStatement(oids []uint32) (*statement, error) {
	params := make([]types.T, len(oids))
	for i, oid := range oids {
		if oid == 0 {
			params[i] = types.Unknown
			continue
		}
		t, ok := types.FromOID(oid)
		if !ok {
			return nil, sqlerr.Newf(sqlerr.UndefinedObject, "type with OID %d does not exist", oid)
		}
		params[i] = t
	}
	return &statement{params: params}, nil
}

// bind serves Bind: it decodes the parameters per their format codes into
// the statement's parameter types and creates the portal. A named portal
// must not exist yet (42P03); the unnamed one is replaced.
func (c *conn) bind(m *pgproto3.Bind) {
	if m.DestinationPortal == "" {
		c.closePortal("")
	} else if _, ok := c.portals[m.DestinationPortal]; ok {
		c.failStatement(sqlerr.Newf(sqlerr.DuplicateCursor, "cursor \"%s\" already exists", m.DestinationPortal))
		return
	}
	st, err := c.lookupStatement(m.PreparedStatement)
	if err != nil {
		c.failStatement(err)
		return
	}
	po, err := c.newPortal(st, m)
	if err != nil {
		c.failStatement(err)
		return
	}
	c.portals[m.DestinationPortal] = po
	c.send(&pgproto3.BindComplete{})
}

// newPortal checks a Bind message against its statement, decodes the
// parameters and binds them.
func (c *conn) newPortal(st *statement, m *pgproto3.Bind) (*portal, error) {
	if len(m.Parameters) != len(st.params) {
		return nil, sqlerr.Newf(sqlerr.ProtocolViolation,
			"bind message supplies %d parameters, but prepared statement \"%s\" requires %d",
			len(m.Parameters), m.PreparedStatement, len(st.params))
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(m.Parameters) {
		return nil, sqlerr.Newf(sqlerr.ProtocolViolation,
			"bind message has %d parameter formats but %d parameters", n, len(m.Parameters))
	}
	formats, err := resultFormats(m.ResultFormatCodes, len(st.cols))
	if err != nil {
		return nil, err
	}
	if st.prep == nil {
		return &portal{}, nil
	}
	fctx := c.sess.FormatContext()
	params := make([]types.Datum, len(m.Parameters))
	for i, b := range m.Parameters {
		params[i], err = decodeParam(b, paramFormat(m.ParameterFormatCodes, i), st.params[i], fctx, i+1)
		if err != nil {
			return nil, err
		}
	}
	ctx := c.query.begin(c.ctx)
	defer c.query.end()
	p, err := st.prep.Bind(ctx, params)
	if err != nil {
		return nil, err
	}
	return &portal{p: p, cols: st.cols, formats: formats}, nil
}

// execute serves Execute: the portal runs for up to MaxRows rows (0 = all)
// and ends with PortalSuspended when rows are left, so that the next Execute
// continues it, or with CommandComplete. A portal that has run to its end
// is not run again: as in Postgres, one that returns rows answers with a
// zero row count and any other fails with 55000.
func (c *conn) execute(m *pgproto3.Execute) {
	po, err := c.lookupPortal(m.Portal)
	if err != nil {
		c.failStatement(err)
		return
	}
	switch {
	case po.p == nil:
		c.send(&pgproto3.EmptyQueryResponse{})
		return
	case po.done && po.cols != nil:
		c.send(&pgproto3.CommandComplete{CommandTag: []byte(zeroRowTag(po.tag))})
		return
	case po.done:
		c.failStatement(sqlerr.Newf(sqlerr.ObjectNotInPrerequisiteState, "portal \"%s\" cannot be run", m.Portal))
		return
	}
	if err := checkFormats(po.formats); err != nil {
		c.failStatement(err)
		return
	}
	maxRows := max(int(int32(m.MaxRows)), 0) // Postgres reads it as int32; <= 0 means all
	ctx := c.query.begin(c.ctx)
	done, tag, err := c.run(ctx, po.p, po.cols, po.formats, maxRows)
	c.query.end()
	if err != nil {
		c.failStatement(err)
		return
	}
	if done {
		po.done, po.tag = true, tag
		c.srv.opts.Observer.Statement(nil)
	}
}

// zeroRowTag returns tag with its row count replaced by 0: "SELECT 5"
// becomes "SELECT 0", "INSERT 0 3" becomes "INSERT 0 0".
func zeroRowTag(tag string) string {
	i := strings.LastIndexByte(tag, ' ')
	if i < 0 || i == len(tag)-1 || strings.Trim(tag[i+1:], "0123456789") != "" {
		return tag
	}
	return tag[:i+1] + "0"
}

// close serves Close of a statement or portal. Closing one that does not
// exist is not an error.
func (c *conn) close(m *pgproto3.Close) {
	switch m.ObjectType {
	case 'S':
		delete(c.stmts, m.Name)
	case 'P':
		c.closePortal(m.Name)
	default:
		c.failExtended(sqlerr.Newf(sqlerr.ProtocolViolation, "invalid CLOSE message subtype %d", m.ObjectType))
		return
	}
	c.send(&pgproto3.CloseComplete{})
}

// closePortal closes and forgets the named portal, if it exists.
func (c *conn) closePortal(name string) {
	po, ok := c.portals[name]
	if !ok {
		return
	}
	delete(c.portals, name)
	if po.p != nil {
		c.closeEnginePortal(po.p)
	}
}

func (c *conn) lookupStatement(name string) (*statement, error) {
	if st, ok := c.stmts[name]; ok {
		return st, nil
	}
	if name == "" {
		return nil, sqlerr.New(sqlerr.InvalidSQLStatementName, "unnamed prepared statement does not exist")
	}
	return nil, sqlerr.Newf(sqlerr.InvalidSQLStatementName, "prepared statement \"%s\" does not exist", name)
}

func (c *conn) lookupPortal(name string) (*portal, error) {
	if po, ok := c.portals[name]; ok {
		return po, nil
	}
	return nil, sqlerr.Newf(sqlerr.InvalidCursorName, "portal \"%s\" does not exist", name)
}
