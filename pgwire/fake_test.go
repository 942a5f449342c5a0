package pgwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// fakeHandler is a tiny engine for the tests. Its statements are words:
//
//	rows N              columns n int8, s text; rows (i, "row i") for i in 1..N
//	echo T1 T2 ...      parameters $1.. of types Ti; one row with their values
//	fail CODE MSG...    Execute fails with that SQLSTATE, a detail, a hint, position 3
//	preparefail         Prepare fails with 42P01
//	plainfail           Execute fails with an error that is not an *sqlerr.Error
//	fatal               Execute fails with a FATAL 57P01 error
//	sleep               Execute blocks until its context is cancelled
//	notice              Execute sends a NOTICE
//	set NAME VALUE      Execute reports a ParameterStatus; TimeZone changes the session's zone
//	begin / commit      change TxStatus to 'T' / 'I'
//	create              no rows, tag CREATE TABLE
//	COPY x FROM STDIN   reads text COPY data; tag COPY <lines>; "bad" line fails
//	COPY x TO STDOUT    writes 3 lines
//
// A statement whose first word is "bogus" is a syntax error at that word.
type fakeHandler struct {
	mu       sync.Mutex
	open     int      // sessions not closed yet
	copied   []string // what each COPY FROM STDIN received
	sleeping chan struct{}
	noSleep  bool // sleep fails at once (fuzzing)
}

func newFakeHandler() *fakeHandler {
	return &fakeHandler{sleeping: make(chan struct{}, 16)}
}

func (h *fakeHandler) NewSession(_ context.Context, params map[string]string) (Session, error) {
	if params["database"] == "nodb" {
		return nil, sqlerr.Newf(sqlerr.InvalidCatalogName, "database \"%s\" does not exist", params["database"])
	}
	h.mu.Lock()
	h.open++
	h.mu.Unlock()
	return &fakeSession{h: h, tx: 'I', fctx: types.FormatContext{Location: time.UTC, ExtraFloatDigits: 1}}, nil
}

func (h *fakeHandler) openSessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.open
}

func (h *fakeHandler) copiedData() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.copied)
}

type fakeSession struct {
	h      *fakeHandler
	tx     byte
	fctx   types.FormatContext
	closed bool
}

type fakeStmt string

func (s fakeStmt) SQL() string { return string(s) }

func (s *fakeSession) Parse(sql string) ([]Statement, error) {
	var out []Statement
	offset := 0
	for part := range strings.SplitSeq(sql, ";") {
		text := strings.TrimSpace(part)
		if text != "" {
			if strings.HasPrefix(text, "bogus") {
				pos := offset + strings.Index(part, "bogus") + 1
				return nil, sqlerr.New(sqlerr.SyntaxError, `syntax error at or near "bogus"`).WithPosition(pos)
			}
			out = append(out, fakeStmt(text))
		}
		offset += len(part) + 1
	}
	return out, nil
}

var fakeTypes = map[string]types.T{
	"int2": types.Int2, "int4": types.Int4, "int8": types.Int8, "text": types.Text,
	"bool": types.Bool, "float4": types.Float4, "float8": types.Float8, "numeric": types.Numeric,
	"timestamp": types.Timestamp, "timestamptz": types.TimestampTZ, "date": types.Date,
	"bytea": types.Bytea, "varchar": types.Varchar, "interval": types.Interval,
}

func (s *fakeSession) Prepare(_ context.Context, stmt Statement, _ []uint32) (Prepared, error) {
	words := strings.Fields(stmt.SQL())
	p := &fakePrepared{s: s, verb: strings.ToLower(words[0]), args: words[1:]}
	switch p.verb {
	case "rows":
		if len(p.args) != 1 {
			return nil, sqlerr.New(sqlerr.SyntaxError, "rows takes a count")
		}
		n, err := strconv.Atoi(p.args[0])
		if err != nil || n < 0 || n > 100000 {
			return nil, sqlerr.New(sqlerr.InvalidTextRepresentation, "bad row count")
		}
		p.n = n
		p.cols = []Column{{Name: "n", Type: types.Int8}, {Name: "s", Type: types.Text, TableOID: 16384, AttrNum: 2}}
	case "echo":
		p.cols = []Column{}
		for i, name := range p.args {
			t, ok := fakeTypes[name]
			if !ok {
				return nil, sqlerr.Newf(sqlerr.UndefinedObject, "type \"%s\" does not exist", name)
			}
			p.params = append(p.params, t)
			p.cols = append(p.cols, Column{Name: fmt.Sprintf("p%d", i+1), Type: t})
		}
	case "preparefail":
		return nil, sqlerr.New(sqlerr.UndefinedTable, `relation "missing" does not exist`)
	case "copy":
		text := strings.ToLower(stmt.SQL())
		switch {
		case strings.HasSuffix(text, "from stdin"):
			p.verb = "copyin"
		case strings.HasSuffix(text, "to stdout"):
			p.verb = "copyout"
		default:
			return nil, sqlerr.Unsupported("COPY to or from a file")
		}
	case "fail", "plainfail", "fatal", "panic", "sleep", "notice", "set", "begin", "commit", "create":
	default:
		return nil, sqlerr.Newf(sqlerr.SyntaxError, "syntax error at or near \"%s\"", words[0]).WithPosition(1)
	}
	return p, nil
}

func (s *fakeSession) ParameterStatus() map[string]string {
	return map[string]string{
		"server_version":    "15.0",
		"client_encoding":   "UTF8",
		"server_encoding":   "UTF8",
		"DateStyle":         "ISO, MDY",
		"TimeZone":          "UTC",
		"integer_datetimes": "on",
	}
}

func (s *fakeSession) TxStatus() byte { return s.tx }

func (s *fakeSession) FormatContext() *types.FormatContext { return &s.fctx }

func (s *fakeSession) Close() error {
	if s.closed {
		return errors.New("session closed twice")
	}
	s.closed = true
	s.h.mu.Lock()
	s.h.open--
	s.h.mu.Unlock()
	return nil
}

type fakePrepared struct {
	s      *fakeSession
	verb   string
	args   []string
	n      int
	params []types.T
	cols   []Column
}

func (p *fakePrepared) ParamTypes() []types.T { return p.params }
func (p *fakePrepared) Columns() []Column {
	if p.verb == "rows" || p.verb == "echo" {
		return p.cols
	}
	return nil
}

func (p *fakePrepared) Bind(_ context.Context, params []types.Datum) (Portal, error) {
	if len(params) != len(p.params) {
		return nil, sqlerr.Internal("bind got %d params", len(params))
	}
	return &fakePortal{p: p, params: params, row: make([]types.Datum, 2)}, nil
}

type fakePortal struct {
	p      *fakePrepared
	params []types.Datum
	next   int // rows: the next row number to send, from 0
	row    []types.Datum
	closed bool
}

func (fp *fakePortal) Close() error {
	fp.closed = true
	return nil
}

func (fp *fakePortal) Execute(ctx context.Context, maxRows int, w ResultWriter) (bool, string, error) {
	p, s := fp.p, fp.p.s
	switch p.verb {
	case "rows":
		// As in Postgres, reaching maxRows suspends the portal even when
		// no row is left.
		sent := 0
		for fp.next < p.n {
			fp.next++
			fp.row[0] = types.NewInt8(int64(fp.next))
			fp.row[1] = types.NewText("row " + strconv.Itoa(fp.next))
			if err := w.WriteRow(fp.row); err != nil {
				return false, "", err
			}
			sent++
			if sent == maxRows {
				return false, "", nil
			}
		}
		return true, "SELECT " + strconv.Itoa(sent), nil
	case "echo":
		if err := w.WriteRow(fp.params); err != nil {
			return false, "", err
		}
		return true, "SELECT 1", nil
	case "fail":
		code, msg := "XX000", "failed"
		if len(p.args) > 0 {
			code = p.args[0]
		}
		if len(p.args) > 1 {
			msg = strings.Join(p.args[1:], " ")
		}
		return false, "", sqlerr.New(sqlerr.Code(code), msg).WithDetail("some detail").WithHint("some hint").WithPosition(3)
	case "plainfail":
		return false, "", errors.New("plain failure")
	case "panic":
		panic("a bug in the session")
	case "fatal":
		e := sqlerr.New(sqlerr.AdminShutdown, "terminating connection due to administrator command")
		e.Severity = sqlerr.SeverityFatal
		return false, "", e
	case "sleep":
		if s.h.noSleep {
			return false, "", sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
		}
		s.h.sleeping <- struct{}{}
		<-ctx.Done()
		return false, "", sqlerr.New(sqlerr.QueryCanceled, "canceling statement due to user request")
	case "notice":
		if err := w.Notice("NOTICE", "00000", "hello from notice"); err != nil {
			return false, "", err
		}
		return true, "DO", nil
	case "set":
		if len(p.args) != 2 {
			return false, "", sqlerr.New(sqlerr.SyntaxError, "set takes a name and a value")
		}
		if p.args[0] == "TimeZone" {
			loc, err := time.LoadLocation(p.args[1])
			if err != nil {
				return false, "", sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": \"%s\"", p.args[1])
			}
			s.fctx.Location = loc
		}
		if err := w.ParameterStatus(p.args[0], p.args[1]); err != nil {
			return false, "", err
		}
		return true, "SET", nil
	case "begin":
		s.tx = 'T'
		return true, "BEGIN", nil
	case "commit":
		s.tx = 'I'
		return true, "COMMIT", nil
	case "create":
		return true, "CREATE TABLE", nil
	case "copyin":
		return fp.copyIn(w)
	case "copyout":
		out, err := w.CopyOut(2)
		if err != nil {
			return false, "", err
		}
		for i := 1; i <= 3; i++ {
			if _, err := fmt.Fprintf(out, "%d\trow %d\n", i, i); err != nil {
				return false, "", err
			}
		}
		return true, "COPY 3", nil
	}
	return false, "", sqlerr.Internal("unknown verb %s", p.verb)
}

func (fp *fakePortal) copyIn(w ResultWriter) (bool, string, error) {
	r, err := w.CopyIn(2)
	if err != nil {
		return false, "", err
	}
	var data strings.Builder
	buf := make([]byte, 3) // small, to cross CopyData boundaries
	for {
		n, err := r.Read(buf)
		data.Write(buf[:n])
		if strings.Contains(data.String(), "bad\n") {
			return false, "", sqlerr.New(sqlerr.BadCopyFileFormat, "missing data for column \"b\"")
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return false, "", err
		}
	}
	h := fp.p.s.h
	h.mu.Lock()
	h.copied = append(h.copied, data.String())
	h.mu.Unlock()
	return true, "COPY " + strconv.Itoa(strings.Count(data.String(), "\n")), nil
}
