package engine

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/pgwire"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// copyOptions are the options of COPY ... WITH (...).
type copyOptions struct {
	csv       bool
	binary    bool
	delimiter byte
	null      string
	header    bool
	quote     byte
	escape    byte
}

func parseCopyOptions(opts []*pg.Node) (copyOptions, error) {
	o := copyOptions{delimiter: '\t', null: `\N`, quote: '"', escape: '"'}
	nullSet, delimSet := false, false
	for _, n := range opts {
		de := n.GetDefElem()
		val := ""
		if de.Arg != nil {
			if s := de.Arg.GetString_(); s != nil {
				val = s.Sval
			} else if c := de.Arg.GetAConst(); c != nil && c.GetSval() != nil {
				val = c.GetSval().Sval
			} else if b := de.Arg.GetBoolean(); b != nil {
				val = fmt.Sprint(b.Boolval)
			} else if i := de.Arg.GetInteger(); i != nil {
				val = fmt.Sprint(i.Ival)
			}
		}
		switch strings.ToLower(de.Defname) {
		case "format":
			switch strings.ToLower(val) {
			case "text":
			case "csv":
				o.csv = true
			case "binary":
				o.binary = true
			default:
				return o, sqlerr.Newf(sqlerr.InvalidParameterValue, "COPY format %q not recognized", val)
			}
		case "delimiter":
			if len(val) != 1 {
				return o, sqlerr.New(sqlerr.FeatureNotSupported, "COPY delimiter must be a single one-byte character")
			}
			o.delimiter, delimSet = val[0], true
		case "null":
			o.null, nullSet = val, true
		case "header":
			o.header = val == "" || val == "true" || val == "1" || strings.EqualFold(val, "on")
		case "quote":
			if len(val) != 1 {
				return o, sqlerr.New(sqlerr.FeatureNotSupported, "COPY quote must be a single one-byte character")
			}
			o.quote = val[0]
		case "escape":
			if len(val) != 1 {
				return o, sqlerr.New(sqlerr.FeatureNotSupported, "COPY escape must be a single one-byte character")
			}
			o.escape = val[0]
		case "encoding":
			if _, err := checkEncoding(val); err != nil {
				return o, err
			}
		default:
			return o, sqlerr.Newf(sqlerr.SyntaxError, "option %q not recognized", de.Defname)
		}
	}
	if o.csv {
		if !delimSet {
			o.delimiter = ','
		}
		if !nullSet {
			o.null = ""
		}
	}
	if o.escape != '"' && !o.csv {
		return o, sqlerr.New(sqlerr.FeatureNotSupported, "COPY escape available only in CSV mode")
	}
	return o, nil
}

func (s *Session) copyStmt(cs *pg.CopyStmt, text string) (utilFn, []pgwire.Column, error) {
	if cs.Filename != "" || cs.IsProgram {
		return nil, nil, sqlerr.Unsupported("COPY to or from a file or program; use STDIN / STDOUT (psql's \\copy)")
	}
	opts, err := parseCopyOptions(cs.Options)
	if err != nil {
		return nil, nil, err
	}
	if cs.WhereClause != nil {
		return nil, nil, sqlerr.Unsupported("COPY FROM ... WHERE")
	}
	if cs.IsFrom {
		return s.copyFrom(cs, opts)
	}
	return s.copyTo(cs, opts, text)
}

// copyColumns resolves the column list of a COPY (all columns when empty).
func copyColumns(t *catalog.Table, list []*pg.Node) ([]int, error) {
	if len(list) == 0 {
		out := make([]int, len(t.Columns))
		for i := range out {
			out[i] = i
		}
		return out, nil
	}
	var out []int
	for _, n := range list {
		name := n.GetString_().Sval
		i := t.ColumnIndex(name)
		if i < 0 {
			return nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %q of relation %q does not exist", name, t.Name)
		}
		out = append(out, i)
	}
	return out, nil
}

func (s *Session) copyFrom(cs *pg.CopyStmt, opts copyOptions) (utilFn, []pgwire.Column, error) {
	if cs.Relation == nil {
		return nil, nil, sqlerr.New(sqlerr.SyntaxError, "COPY FROM needs a table")
	}
	return func(ctx context.Context, _ []types.Datum, w pgwire.ResultWriter) (result, error) {
		cat := s.e.cat.Current()
		t, err := cat.Resolve(s.searchPath(), cs.Relation.Schemaname, cs.Relation.Relname)
		if err != nil {
			return result{}, err
		}
		if t.Kind != catalog.RelTable {
			return result{}, sqlerr.Newf(sqlerr.WrongObjectType, "cannot copy to %s %q", t.Kind.Noun(), t.Name)
		}
		cols, err := copyColumns(t, cs.Attlist)
		if err != nil {
			return result{}, err
		}
		var in io.Reader
		if opts.binary {
			in, err = w.CopyInBinary(len(cols))
		} else {
			in, err = w.CopyIn(len(cols))
		}
		if err != nil {
			return result{}, err
		}
		// Defaults for columns the COPY does not list.
		b := s.binder("", nil)
		listed := map[int]bool{}
		for _, c := range cols {
			listed[c] = true
		}
		defaults := make([]expr.Expr, len(t.Columns))
		for i := range t.Columns {
			if !listed[i] {
				if defaults[i], err = b.DefaultExpr(t, i); err != nil {
					_, _ = io.Copy(io.Discard, in)
					return result{}, err
				}
			}
		}
		ec := &expr.Ctx{Eval: s.evalContext()}
		n := 0
		err = s.withWriteTx(func(tx *txn) error {
			tw := &tableWriter{s: s, tx: tx, ec: ec}
			ins := &plan.Insert{Table: t}
			read := readCopyRows
			if opts.binary {
				read = readBinaryCopyRows
			}
			return read(in, t, cols, defaults, opts, ec, func(rows []types.Row) error {
				if _, err := tw.insertRows(ins, rows); err != nil {
					return err
				}
				n += len(rows)
				return nil
			})
		})
		if err != nil {
			_, _ = io.Copy(io.Discard, in)
		}
		return result{tag: fmt.Sprintf("COPY %d", n)}, err
	}, nil, nil
}

// copyBatchRows is how many parsed rows COPY hands to the table writer at
// a time, so that the input is never held whole in memory.
const copyBatchRows = 4096

// copyBatch collects parsed COPY rows and hands them to write
// copyBatchRows at a time.
type copyBatch struct {
	rows  []types.Row
	write func([]types.Row) error
}

// add appends a row, writing the batch once it is full.
func (b *copyBatch) add(r types.Row) error {
	b.rows = append(b.rows, r)
	if len(b.rows) < copyBatchRows {
		return nil
	}
	err := b.write(b.rows)
	b.rows = b.rows[:0]
	return err
}

// flush writes the rows left.
func (b *copyBatch) flush() error {
	if len(b.rows) == 0 {
		return nil
	}
	return b.write(b.rows)
}

// defaultRow returns a new row of t holding the defaults of the columns
// COPY does not read (defaults[i] nil: NULL or a column COPY fills).
func defaultRow(t *catalog.Table, defaults []expr.Expr, ec *expr.Ctx) (types.Row, error) {
	row := make(types.Row, len(t.Columns))
	for i, d := range defaults {
		if d != nil {
			v, err := d.Eval(ec, nil)
			if err != nil {
				return nil, err
			}
			row[i] = v
		}
	}
	return row, nil
}

// readCopyRows parses COPY input into full table rows, handing them to
// write in batches.
func readCopyRows(in io.Reader, t *catalog.Table, cols []int, defaults []expr.Expr, o copyOptions, ec *expr.Ctx, write func([]types.Row) error) error {
	br := bufio.NewReaderSize(in, 1<<16)
	batch := copyBatch{rows: make([]types.Row, 0, copyBatchRows), write: write}
	line := 0
	fc := ec.Eval.Format
	for {
		fields, nulls, eof, err := readCopyRecord(br, o)
		if err != nil {
			return sqlerr.Newf(sqlerr.BadCopyFileFormat, "%v", err).WithDetail(fmt.Sprintf("COPY %s, line %d", t.Name, line+1))
		}
		if eof || (len(fields) == 1 && !o.csv && fields[0] == `\.`) {
			return batch.flush()
		}
		line++
		if line == 1 && o.header {
			continue
		}
		if len(fields) < len(cols) {
			return sqlerr.Newf(sqlerr.BadCopyFileFormat, "missing data for column %q", t.Columns[cols[len(fields)]].Name).
				WithDetail(fmt.Sprintf("COPY %s, line %d", t.Name, line))
		}
		if len(fields) > len(cols) {
			return sqlerr.New(sqlerr.BadCopyFileFormat, "extra data after last expected column").
				WithDetail(fmt.Sprintf("COPY %s, line %d", t.Name, line))
		}
		row, err := defaultRow(t, defaults, ec)
		if err != nil {
			return err
		}
		for k, c := range cols {
			if nulls[k] {
				continue
			}
			v, err := types.ParseText(fields[k], t.Columns[c].Type, fc)
			if err != nil {
				if se := sqlerr.As(err); se != nil {
					cp := *se
					cp.Detail = fmt.Sprintf("COPY %s, line %d, column %s: %q", t.Name, line, t.Columns[c].Name, fields[k])
					return &cp
				}
				return err
			}
			row[c] = v
		}
		if err := batch.add(row); err != nil {
			return err
		}
	}
}

// readCopyRecord reads one record. nulls marks fields equal to the NULL
// marker (unquoted, in CSV).
func readCopyRecord(br *bufio.Reader, o copyOptions) ([]string, []bool, bool, error) {
	if o.csv {
		return readCSVRecord(br, o)
	}
	line, err := br.ReadString('\n')
	if err == io.EOF && line == "" {
		return nil, nil, true, nil
	}
	if err != nil && err != io.EOF {
		return nil, nil, false, err
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	raw := strings.Split(line, string(o.delimiter))
	fields := make([]string, len(raw))
	nulls := make([]bool, len(raw))
	for i, f := range raw {
		if f == o.null {
			nulls[i] = true
			continue
		}
		if f == `\.` && len(raw) == 1 {
			fields[i] = f
			continue
		}
		u, err := unescapeCopyText(f)
		if err != nil {
			return nil, nil, false, err
		}
		fields[i] = u
	}
	return fields, nulls, false, nil
}

// unescapeCopyText decodes the backslash escapes of COPY's text format.
func unescapeCopyText(f string) (string, error) {
	if !strings.Contains(f, `\`) {
		return f, nil
	}
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 >= len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := f[i]; e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x':
			v, n := 0, 0
			for n < 2 && i+1 < len(f) && isHex(f[i+1]) {
				i++
				v = v*16 + hexVal(f[i])
				n++
			}
			if n == 0 {
				b.WriteByte('x')
			} else {
				b.WriteByte(byte(v))
			}
		default:
			if e >= '0' && e <= '7' {
				v := int(e - '0')
				for n := 1; n < 3 && i+1 < len(f) && f[i+1] >= '0' && f[i+1] <= '7'; n++ {
					i++
					v = v*8 + int(f[i]-'0')
				}
				b.WriteByte(byte(v))
			} else {
				b.WriteByte(e)
			}
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// readCSVRecord reads one CSV record, which may span lines inside quotes.
func readCSVRecord(br *bufio.Reader, o copyOptions) ([]string, []bool, bool, error) {
	var fields []string
	var nulls []bool
	var cur strings.Builder
	quoted, inQuotes, started := false, false, false
	finish := func() {
		v := cur.String()
		fields = append(fields, v)
		nulls = append(nulls, !quoted && v == o.null)
		cur.Reset()
		quoted = false
	}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			if !started {
				return nil, nil, true, nil
			}
			if inQuotes {
				return nil, nil, false, fmt.Errorf("unterminated CSV quoted field")
			}
			finish()
			return fields, nulls, false, nil
		}
		if err != nil {
			return nil, nil, false, err
		}
		started = true
		switch {
		case inQuotes:
			switch {
			case c == o.escape && o.escape != o.quote:
				n, err := br.ReadByte()
				if err != nil {
					return nil, nil, false, fmt.Errorf("unterminated CSV quoted field")
				}
				cur.WriteByte(n)
			case c == o.quote:
				n, err := br.ReadByte()
				if err == nil && n == o.quote && o.escape == o.quote {
					cur.WriteByte(o.quote)
				} else {
					if err == nil {
						_ = br.UnreadByte()
					}
					inQuotes = false
				}
			default:
				cur.WriteByte(c)
			}
		case c == o.quote:
			inQuotes, quoted = true, true
		case c == o.delimiter:
			finish()
		case c == '\n':
			finish()
			if len(fields) == 1 && fields[0] == `\.` && !quoted {
				return nil, nil, true, nil
			}
			return fields, nulls, false, nil
		case c == '\r':
		default:
			cur.WriteByte(c)
		}
	}
}

func (s *Session) copyTo(cs *pg.CopyStmt, o copyOptions, text string) (utilFn, []pgwire.Column, error) {
	b := s.binder(text, nil)
	var node plan.Node
	var t *catalog.Table
	switch {
	case cs.Query != nil:
		sel := cs.Query.GetSelectStmt()
		if sel == nil {
			return nil, nil, sqlerr.Unsupported("COPY of this statement")
		}
		q, err := b.Query(sel)
		if err != nil {
			return nil, nil, err
		}
		node = norm.Normalize(q)
	default:
		var err error
		if t, err = s.e.cat.Current().Resolve(s.searchPath(), cs.Relation.Schemaname, cs.Relation.Relname); err != nil {
			return nil, nil, err
		}
		cols, err := copyColumns(t, cs.Attlist)
		if err != nil {
			return nil, nil, err
		}
		scan := plan.NewScan(t)
		exprs := make([]expr.Expr, len(cols))
		pcols := make([]plan.Column, len(cols))
		for i, c := range cols {
			exprs[i] = &expr.ColRef{Idx: c, T: t.Columns[c].Type}
			pcols[i] = scan.Columns()[c]
		}
		node = plan.WithColumns(&plan.Project{Input: scan, Exprs: exprs}, pcols)
	}
	return func(ctx context.Context, params []types.Datum, w pgwire.ResultWriter) (result, error) {
		rows, err := s.runQuery(ctx, node, params)
		if err != nil {
			return result{}, err
		}
		cols := node.Columns()
		out, err := w.CopyOut(len(cols))
		if err != nil {
			return result{}, err
		}
		var buf []byte
		if o.header && o.csv {
			for i, c := range cols {
				if i > 0 {
					buf = append(buf, o.delimiter)
				}
				buf = appendCSVField(buf, c.Name, o)
			}
			buf = append(buf, '\n')
			if _, err := out.Write(buf); err != nil {
				return result{}, err
			}
		}
		for _, row := range rows {
			buf = buf[:0]
			for i, v := range row {
				if i > 0 {
					buf = append(buf, o.delimiter)
				}
				if v.IsNull() {
					buf = append(buf, o.null...)
					continue
				}
				txt := types.FormatText(nil, v, cols[i].Type, &s.fc)
				if o.csv {
					buf = appendCSVField(buf, string(txt), o)
				} else {
					buf = appendCopyText(buf, txt, o.delimiter)
				}
			}
			buf = append(buf, '\n')
			if _, err := out.Write(buf); err != nil {
				return result{}, err
			}
		}
		return result{tag: fmt.Sprintf("COPY %d", len(rows))}, nil
	}, nil, nil
}

// appendCopyText escapes a value for COPY's text format.
func appendCopyText(buf, v []byte, delim byte) []byte {
	for _, c := range v {
		switch c {
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		case '\b':
			buf = append(buf, '\\', 'b')
		case '\f':
			buf = append(buf, '\\', 'f')
		case '\v':
			buf = append(buf, '\\', 'v')
		default:
			if c == delim {
				buf = append(buf, '\\', c)
			} else {
				buf = append(buf, c)
			}
		}
	}
	return buf
}

// appendCSVField quotes a value for CSV when it must be.
func appendCSVField(buf []byte, v string, o copyOptions) []byte {
	need := v == "" || v == o.null || strings.IndexByte(v, o.delimiter) >= 0 || strings.IndexByte(v, o.quote) >= 0 ||
		strings.ContainsAny(v, "\r\n") || v == `\.`
	if !need {
		return append(buf, v...)
	}
	buf = append(buf, o.quote)
	for i := 0; i < len(v); i++ {
		if v[i] == o.quote || v[i] == o.escape {
			buf = append(buf, o.escape)
		}
		buf = append(buf, v[i])
	}
	return append(buf, o.quote)
}

// binaryCopySignature starts every binary COPY stream.
const binaryCopySignature = "PGCOPY\n\xff\r\n\x00"

// readBinaryCopyRows parses COPY's binary format (a header, then per row a
// field count and per field a length, -1 for NULL, and the value in the
// type's binary send format) into full table rows, handing them to write in
// batches.
func readBinaryCopyRows(in io.Reader, t *catalog.Table, cols []int, defaults []expr.Expr, _ copyOptions, ec *expr.Ctx, write func([]types.Row) error) error {
	br := bufio.NewReaderSize(in, 1<<16)
	bad := func(format string, args ...any) error {
		return sqlerr.Newf(sqlerr.BadCopyFileFormat, format, args...).WithDetail("COPY " + t.Name + ", binary format")
	}
	var hdr [19]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil || string(hdr[:11]) != binaryCopySignature {
		return bad("COPY file signature not recognized")
	}
	if binary.BigEndian.Uint32(hdr[11:15])&(1<<16) != 0 {
		return sqlerr.Unsupported("binary COPY with OIDs")
	}
	if _, err := br.Discard(int(binary.BigEndian.Uint32(hdr[15:19]))); err != nil {
		return bad("invalid COPY file header (missing extension)")
	}
	batch := copyBatch{rows: make([]types.Row, 0, copyBatchRows), write: write}
	var lenBuf [4]byte
	var data []byte
	for line := 1; ; line++ {
		var cnt [2]byte
		if _, err := io.ReadFull(br, cnt[:]); err != nil {
			if err == io.EOF {
				break
			}
			return bad("unexpected EOF in COPY data")
		}
		n := int16(binary.BigEndian.Uint16(cnt[:]))
		if n == -1 {
			break
		}
		if int(n) != len(cols) {
			return bad("row field count is %d, expected %d", n, len(cols))
		}
		row, err := defaultRow(t, defaults, ec)
		if err != nil {
			return err
		}
		for _, c := range cols {
			if _, err := io.ReadFull(br, lenBuf[:]); err != nil {
				return bad("unexpected EOF in COPY data")
			}
			size := int32(binary.BigEndian.Uint32(lenBuf[:]))
			if size == -1 {
				continue
			}
			if size < 0 {
				return bad("invalid field size")
			}
			if cap(data) < int(size) {
				data = make([]byte, size)
			}
			data = data[:size]
			if _, err := io.ReadFull(br, data); err != nil {
				return bad("unexpected EOF in COPY data")
			}
			col := t.Columns[c]
			plain := col.Type
			plain.Mod = -1
			v, err := types.ParseBinary(data, plain)
			if err != nil {
				if se := sqlerr.As(err); se != nil {
					cp := *se
					cp.Detail = fmt.Sprintf("COPY %s, line %d, column %s", t.Name, line, col.Name)
					return &cp
				}
				return err
			}
			if col.Type.Mod >= 0 && !v.IsNull() {
				if v, err = builtin.AssignDatum(ec.Eval, v, plain, col.Type); err != nil {
					return err
				}
			}
			row[c] = v
		}
		if err := batch.add(row); err != nil {
			return err
		}
	}
	return batch.flush()
}
