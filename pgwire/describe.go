package pgwire

import (
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// describe serves Describe of a statement (ParameterDescription, then
// RowDescription with zero format codes, or NoData) or of a portal
// (RowDescription with the portal's format codes, or NoData).
func (c *conn) describe(m *pgproto3.Describe) {
	switch m.ObjectType {
	case 'S':
		st, err := c.lookupStatement(m.Name)
		if err != nil {
			c.failExtended(err)
			return
		}
		oids := make([]uint32, len(st.params))
		for i, t := range st.params {
			oids[i] = t.OID()
		}
		c.send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		c.sendDescription(st.cols, nil)
	case 'P':
		po, err := c.lookupPortal(m.Name)
		if err != nil {
			c.failExtended(err)
			return
		}
		c.sendDescription(po.cols, po.formats)
	default:
		c.failExtended(sqlerr.Newf(sqlerr.ProtocolViolation, "invalid DESCRIBE message subtype %d", m.ObjectType))
	}
}

// sendDescription sends RowDescription for cols, or NoData when the
// statement returns no rows.
func (c *conn) sendDescription(cols []Column, formats []int16) {
	if cols == nil {
		c.send(&pgproto3.NoData{})
		return
	}
	c.send(rowDescription(cols, formats))
}

// rowDescription returns the RowDescription of cols with the given result
// formats (nil = all text, as in the simple protocol and in Describe of a
// statement).
func rowDescription(cols []Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttrNum),
			DataTypeOID:          col.Type.OID(),
			DataTypeSize:         col.Type.TypLen(),
			TypeModifier:         typmod(col.Type),
			Format:               columnFormat(formats, i),
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}
