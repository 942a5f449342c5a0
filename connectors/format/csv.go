package format

import (
	"errors"
	"fmt"
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// ErrHeader is what CSV.Decode returns for a header line: the message is
// skipped, and it is not an error.
var ErrHeader = errors.New("a CSV header line")

// CSV decodes messages that are one CSV line each into rows, fields to
// columns by position. A field is read as its column type's text input; an
// empty unquoted field is NULL, a quoted one ("") the empty string. Quoted
// fields may hold the delimiter, newlines and doubled quotes. A line whose
// fields are the column names is a header, skipped (ErrHeader) unless the
// source says it has none.
type CSV struct {
	cols     []Column
	delim    byte
	noHeader bool
	ctx      *types.FormatContext
	fields   []field
	buf      []byte
}

// field is one field of a line: its text (in CSV.buf) and whether it was
// quoted.
type field struct {
	start, end int
	quoted     bool
}

// NewCSV returns a decoder into rows of cols, fields separated by delim;
// noHeader says no line is a header.
func NewCSV(cols []Column, delim byte, noHeader bool) *CSV {
	return &CSV{cols: cols, delim: delim, noHeader: noHeader, ctx: types.NewFormatContext(nil)}
}

// Decode fills row (of the columns' width) from msg.
func (d *CSV) Decode(msg []byte, row types.Row) error {
	if err := d.split(msg); err != nil {
		return err
	}
	if len(d.fields) != len(d.cols) {
		return fmt.Errorf("CSV line has %d fields, the source %d columns", len(d.fields), len(d.cols))
	}
	if !d.noHeader && d.isHeader() {
		return ErrHeader
	}
	for i, f := range d.fields {
		text := d.buf[f.start:f.end]
		if len(text) == 0 && !f.quoted {
			row[i] = types.NullDatum
			continue
		}
		v, err := types.ParseText(string(text), d.cols[i].Type, d.ctx)
		if err != nil {
			return fmt.Errorf("column %q: %w", d.cols[i].Name, err)
		}
		row[i] = v
	}
	return nil
}

// isHeader says whether the line's fields are the column names.
func (d *CSV) isHeader() bool {
	for i, f := range d.fields {
		if !strings.EqualFold(string(d.buf[f.start:f.end]), d.cols[i].Name) {
			return false
		}
	}
	return true
}

// split reads msg's fields into d.fields, their text unquoted into d.buf.
// One trailing line end is ignored.
func (d *CSV) split(msg []byte) error {
	if n := len(msg); n > 0 && msg[n-1] == '\n' {
		msg = msg[:n-1]
		if n := len(msg); n > 0 && msg[n-1] == '\r' {
			msg = msg[:n-1]
		}
	}
	if len(msg) == 0 {
		return errors.New("empty message")
	}
	d.fields, d.buf = d.fields[:0], d.buf[:0]
	i := 0
	for {
		f := field{start: len(d.buf)}
		if i < len(msg) && msg[i] == '"' {
			f.quoted = true
			i++
			for {
				if i >= len(msg) {
					return errors.New("CSV line ends inside a quoted field")
				}
				c := msg[i]
				i++
				if c != '"' {
					d.buf = append(d.buf, c)
					continue
				}
				if i < len(msg) && msg[i] == '"' {
					d.buf = append(d.buf, '"')
					i++
					continue
				}
				break
			}
			if i < len(msg) && msg[i] != d.delim {
				return fmt.Errorf("CSV field %d has text after its closing quote", len(d.fields)+1)
			}
		} else {
			for i < len(msg) && msg[i] != d.delim {
				if msg[i] == '"' {
					return fmt.Errorf("CSV field %d has a quote inside an unquoted field", len(d.fields)+1)
				}
				d.buf = append(d.buf, msg[i])
				i++
			}
		}
		f.end = len(d.buf)
		d.fields = append(d.fields, f)
		if i >= len(msg) {
			return nil
		}
		i++ // the delimiter
	}
}

// Bytes decodes a message into its one bytea column, whole; an empty
// message is an empty value.
type Bytes struct{}

// Decode fills row[0] with msg.
func (Bytes) Decode(msg []byte, row types.Row) error {
	row[0] = types.NewBytea(msg)
	return nil
}
