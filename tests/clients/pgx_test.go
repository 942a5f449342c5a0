package clients

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/freshetdb/freshet/tests/testserver"
)

// pgxTimeout bounds each pgx test.
const pgxTimeout = 2 * time.Minute

// pgxModes are the ways pgx runs a statement with parameters: the extended
// protocol with a cached prepared statement (pgx's default), with a cached
// description, describing before every execution, with text parameters and
// no describe, and the simple protocol with the parameters interpolated by
// pgx into the SQL text.
var pgxModes = []struct {
	name string
	mode pgx.QueryExecMode
}{
	{"cache_statement", pgx.QueryExecModeCacheStatement},
	{"cache_describe", pgx.QueryExecModeCacheDescribe},
	{"describe_exec", pgx.QueryExecModeDescribeExec},
	{"exec", pgx.QueryExecModeExec},
	{"simple_protocol", pgx.QueryExecModeSimpleProtocol},
}

// pgxCtx returns a context for one test, cancelled when it ends.
func pgxCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), pgxTimeout)
	t.Cleanup(cancel)
	return ctx
}

// pgxConnect opens a pgx connection in the given mode, closed when the test
// ends. A cancelled context makes pgx send a CancelRequest (instead of
// closing the socket, pgx's default), so that the connection stays usable.
func pgxConnect(t *testing.T, connString string, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 30 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// mustExec runs statements that must succeed.
func mustExec(t *testing.T, conn *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, s := range sqls {
		if _, err := conn.Exec(pgxCtx(t), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// checkUsable fails the test unless conn answers a query and is idle
// outside a transaction block.
func checkUsable(t *testing.T, conn *pgx.Conn, after string) {
	t.Helper()
	var n int
	if err := conn.QueryRow(pgxCtx(t), "SELECT 1 + 1").Scan(&n); err != nil || n != 2 {
		t.Fatalf("after %s, SELECT 1 + 1 gave %d, %v", after, n, err)
	}
	if st := conn.PgConn().TxStatus(); st != 'I' {
		t.Fatalf("after %s, transaction status is %q, want 'I'", after, st)
	}
}

// wantCode fails the test unless err is a server error with SQLSTATE code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		t.Fatalf("%s: got %v, want an error with SQLSTATE %s", what, err, code)
	}
	if pgErr.Code != code {
		t.Fatalf("%s: got SQLSTATE %s (%s), want %s", what, pgErr.Code, pgErr.Message, code)
	}
}

// TestPgxQueryModes runs DDL, INSERT with parameters, SELECT with parameters
// and UPDATE / DELETE ... RETURNING in every pgx execution mode, and an
// explicitly prepared statement run several times.
func TestPgxQueryModes(t *testing.T) {
	s := testserver.Start(t)
	for _, m := range pgxModes {
		t.Run(m.name, func(t *testing.T) {
			ctx := pgxCtx(t)
			conn := pgxConnect(t, s.ConnString(), m.mode)
			table := "modes_" + m.name
			mustExec(t, conn, "CREATE TABLE "+table+" (id bigint PRIMARY KEY, name text, score int)")
			for i := int64(1); i <= 20; i++ {
				tag, err := conn.Exec(ctx, "INSERT INTO "+table+" VALUES ($1, $2, $3)", i, fmt.Sprintf("name %d", i), int32(i%4))
				if err != nil {
					t.Fatalf("INSERT %d: %v", i, err)
				}
				if tag.String() != "INSERT 0 1" {
					t.Fatalf("INSERT tag %q, want INSERT 0 1", tag)
				}
			}
			rows, err := conn.Query(ctx, "SELECT id, name FROM "+table+" WHERE score = $1 AND name <> $2 ORDER BY id", int32(1), "name 5")
			if err != nil {
				t.Fatal(err)
			}
			type idName struct {
				ID   int64
				Name string
			}
			got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[idName])
			if err != nil {
				t.Fatal(err)
			}
			want := []idName{{1, "name 1"}, {9, "name 9"}, {13, "name 13"}, {17, "name 17"}}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("SELECT: got %v, want %v", got, want)
			}
			var sum int64
			rows, err = conn.Query(ctx, "UPDATE "+table+" SET score = score + $1 WHERE id <= $2 RETURNING id", int32(10), int64(3))
			if err != nil {
				t.Fatal(err)
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil || len(ids) != 3 {
				t.Fatalf("UPDATE RETURNING: %v, %v", ids, err)
			}
			tag, err := conn.Exec(ctx, "DELETE FROM "+table+" WHERE id > $1", int64(10))
			if err != nil || tag.String() != "DELETE 10" {
				t.Fatalf("DELETE: %q, %v", tag, err)
			}
			if err := conn.QueryRow(ctx, "SELECT sum(score) FROM "+table).Scan(&sum); err != nil {
				t.Fatal(err)
			}
			// ids 1..10 have scores 1,2,3,0,1,2,3,0,1,2 and 1..3 got +10.
			if sum != 15+30 {
				t.Fatalf("sum(score) = %d, want 45", sum)
			}
		})
	}
	t.Run("prepared", func(t *testing.T) {
		ctx := pgxCtx(t)
		conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
		sd, err := conn.Prepare(ctx, "pick", "SELECT $1::int * 2, upper($2), $3::text IS NULL")
		if err != nil {
			t.Fatal(err)
		}
		wantParams := []uint32{pgtype.Int4OID, pgtype.TextOID, pgtype.TextOID}
		if fmt.Sprint(sd.ParamOIDs) != fmt.Sprint(wantParams) {
			t.Fatalf("parameter types %v, want %v", sd.ParamOIDs, wantParams)
		}
		if len(sd.Fields) != 3 || sd.Fields[0].DataTypeOID != pgtype.Int4OID || sd.Fields[2].DataTypeOID != pgtype.BoolOID {
			t.Fatalf("result columns %+v", sd.Fields)
		}
		for i := range 5 {
			var (
				n     int32
				up    string
				isNil bool
			)
			var third any
			if i%2 == 0 {
				third = "x"
			}
			if err := conn.QueryRow(ctx, "pick", int32(i), fmt.Sprintf("v%d", i), third).Scan(&n, &up, &isNil); err != nil {
				t.Fatal(err)
			}
			if n != int32(2*i) || up != fmt.Sprintf("V%d", i) || isNil != (i%2 == 1) {
				t.Fatalf("run %d: got %d %q %v", i, n, up, isNil)
			}
		}
		if err := conn.Deallocate(ctx, "pick"); err != nil {
			t.Fatal(err)
		}
		_, err = conn.Exec(ctx, "pick", 1, "a", nil)
		if err == nil {
			t.Fatal("a deallocated statement ran")
		}
		checkUsable(t, conn, "a deallocated statement")
	})
}

// typeCol is one column of the round-trip table: its SQL type and, per row,
// the parameter sent and how to check what comes back.
type typeCol struct {
	name, sqlType string
	// values are the parameters of rows 1 and 2 (row 3 is all NULL).
	values [2]any
	// dest returns a new scan target; its pointee is nil after a NULL.
	dest func() any
	// check returns "" when the scanned target holds what values[row] sent.
	check func(row int, dest any) string
}

// col builds a typeCol scanning into *T, compared with eq.
func col[T any](name, sqlType string, v1, v2 T, eq func(a, b T) bool) typeCol {
	return typeCol{
		name: name, sqlType: sqlType, values: [2]any{v1, v2},
		dest: func() any { return new(*T) },
		check: func(row int, dest any) string {
			p := *dest.(**T)
			want := [2]T{v1, v2}[row]
			if p == nil {
				return fmt.Sprintf("got NULL, want %v", want)
			}
			if !eq(*p, want) {
				return fmt.Sprintf("got %#v, want %#v", *p, want)
			}
			return ""
		},
	}
}

func same[T comparable](a, b T) bool { return a == b }

func sameTime(a, b time.Time) bool { return a.Equal(b) }

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// numericText renders a numeric with exactly its scale, as Postgres prints
// it; two numerics are the same value at the same scale when it is equal.
func numericText(n pgtype.Numeric) string {
	switch {
	case !n.Valid:
		return "NULL"
	case n.NaN:
		return "NaN"
	case n.InfinityModifier == pgtype.Infinity:
		return "Infinity"
	case n.InfinityModifier == pgtype.NegativeInfinity:
		return "-Infinity"
	}
	i := new(big.Int).Set(n.Int)
	if n.Exp >= 0 {
		return i.Mul(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.Exp)), nil)).String()
	}
	neg := i.Sign() < 0
	digits := i.Abs(i).String()
	scale := int(-n.Exp)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	out := digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	if neg {
		out = "-" + out
	}
	return out
}

func mustNumeric(s string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		panic(err)
	}
	return n
}

// typeCols are the columns of the round-trip table. jsonb is sent as JSON
// text and read back as text, which must be Postgres's normalized form.
var typeCols = []typeCol{
	col("i4", "int4", int32(math.MinInt32), int32(0), same[int32]),
	col("i8", "int8", int64(math.MaxInt64), int64(-1), same[int64]),
	col("t", "text", "héllo, 'wörld'\t\\ \"🚀\"\nline two", "", same[string]),
	col("b", "bool", true, false, same[bool]),
	col("f8", "float8", 1.0000000000000002, -1.5e-300, sameFloat),
	col("n", "numeric", mustNumeric("-12345678901234567890.000123456789"), mustNumeric("1.50"),
		func(a, b pgtype.Numeric) bool { return numericText(a) == numericText(b) }),
	col("d", "date", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), sameTime),
	col("ts", "timestamp", time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), sameTime),
	col("tz", "timestamptz", time.Date(2024, 7, 1, 12, 30, 45, 654321000, time.FixedZone("", 5*3600+1800)),
		time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC), sameTime),
	col("iv", "interval", pgtype.Interval{Months: 14, Days: -3, Microseconds: 3723000004, Valid: true},
		pgtype.Interval{Valid: true}, same[pgtype.Interval]),
	col("by", "bytea", []byte{0, 1, 2, 0x7f, 0x80, 0xff, '\\', '\''}, []byte{}, bytes.Equal),
	{
		name: "j", sqlType: "jsonb",
		values: [2]any{`{"b": ["x", true, null, 1.5], "a": 1, "aa": {}}`, `[]`},
		dest:   func() any { return new(*string) },
		check: func(row int, dest any) string {
			want := [2]string{`{"a": 1, "b": ["x", true, null, 1.5], "aa": {}}`, `[]`}[row]
			p := *dest.(**string)
			if p == nil {
				return fmt.Sprintf("got NULL, want %s", want)
			}
			if *p != want {
				return fmt.Sprintf("got %s, want %s", *p, want)
			}
			return ""
		},
	},
}

// TestPgxTypes round-trips a value of each type through a table in every
// pgx mode: parameters typed by inference from the INSERT's target columns,
// a row of NULLs, result formats (binary where pgx asks for it), and each
// value again as a parameter compared with the stored column.
func TestPgxTypes(t *testing.T) {
	s := testserver.Start(t)
	var cols, params []string
	for i, c := range typeCols {
		cols = append(cols, c.name+" "+c.sqlType)
		params = append(params, "$"+strconv.Itoa(i+2))
	}
	for _, m := range pgxModes {
		t.Run(m.name, func(t *testing.T) {
			ctx := pgxCtx(t)
			conn := pgxConnect(t, s.ConnString(), m.mode)
			table := "types_" + m.name
			mustExec(t, conn, "CREATE TABLE "+table+" (id int PRIMARY KEY, "+strings.Join(cols, ", ")+")")
			insert := "INSERT INTO " + table + " VALUES ($1, " + strings.Join(params, ", ") + ")"
			for row := range 3 {
				args := []any{int32(row + 1)}
				for _, c := range typeCols {
					if row < 2 {
						args = append(args, c.values[row])
					} else {
						args = append(args, nil)
					}
				}
				if _, err := conn.Exec(ctx, insert, args...); err != nil {
					t.Fatalf("row %d: %s: %v", row+1, insert, err)
				}
			}

			var names []string
			for _, c := range typeCols {
				names = append(names, c.name)
			}
			rows, err := conn.Query(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+table+" WHERE id >= $1 ORDER BY id", int32(1))
			if err != nil {
				t.Fatal(err)
			}
			checkFormats(t, conn, m.mode, rows.FieldDescriptions())
			row := 0
			for rows.Next() {
				dests := make([]any, len(typeCols))
				for i, c := range typeCols {
					dests[i] = c.dest()
				}
				if err := rows.Scan(dests...); err != nil {
					t.Fatalf("row %d: scan: %v", row+1, err)
				}
				for i, c := range typeCols {
					if row == 2 {
						if !nilPointee(dests[i]) {
							t.Errorf("row 3 (NULLs): %s (%s) is not NULL", c.name, c.sqlType)
						}
						continue
					}
					if msg := c.check(row, dests[i]); msg != "" {
						t.Errorf("row %d: %s (%s): %s", row+1, c.name, c.sqlType, msg)
					}
				}
				row++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if row != 3 {
				t.Fatalf("read %d rows, want 3", row)
			}

			// Each value as a parameter, typed by the column it is compared with.
			for _, c := range typeCols {
				for r := range 2 {
					q := "SELECT id FROM " + table + " WHERE " + c.name + " = $1"
					var id int32
					if err := conn.QueryRow(ctx, q, c.values[r]).Scan(&id); err != nil {
						t.Errorf("%s with %v: %v", q, c.values[r], err)
					} else if id != int32(r+1) {
						t.Errorf("%s with %v: id %d, want %d", q, c.values[r], id, r+1)
					}
				}
				var n int64
				q := "SELECT count(*) FROM " + table + " WHERE " + c.name + " IS NULL"
				if err := conn.QueryRow(ctx, q).Scan(&n); err != nil || n != 1 {
					t.Errorf("%s: %d, %v; want 1", q, n, err)
				}
			}
		})
	}
}

// nilPointee reports whether dest, a **T, points at a nil *T.
func nilPointee(dest any) bool {
	switch p := dest.(type) {
	case **int32:
		return *p == nil
	case **int64:
		return *p == nil
	case **string:
		return *p == nil
	case **bool:
		return *p == nil
	case **float64:
		return *p == nil
	case **pgtype.Numeric:
		return *p == nil
	case **time.Time:
		return *p == nil
	case **pgtype.Interval:
		return *p == nil
	case **[]byte:
		return *p == nil
	}
	panic(fmt.Sprintf("nilPointee: %T", dest))
}

// checkFormats checks that the server sent each column in the format pgx
// asked for: text in the simple protocol and in exec mode, and otherwise
// the format pgx prefers for the type (binary for all of them but text and
// jsonb). It also checks the column types.
func checkFormats(t *testing.T, conn *pgx.Conn, mode pgx.QueryExecMode, fds []pgconn.FieldDescription) {
	t.Helper()
	wantOIDs := map[string]uint32{
		"int4": pgtype.Int4OID, "int8": pgtype.Int8OID, "text": pgtype.TextOID, "bool": pgtype.BoolOID,
		"float8": pgtype.Float8OID, "numeric": pgtype.NumericOID, "date": pgtype.DateOID,
		"timestamp": pgtype.TimestampOID, "timestamptz": pgtype.TimestamptzOID,
		"interval": pgtype.IntervalOID, "bytea": pgtype.ByteaOID, "jsonb": pgtype.JSONBOID,
	}
	if len(fds) != len(typeCols) {
		t.Fatalf("%d result columns, want %d", len(fds), len(typeCols))
	}
	binary := 0
	for i, fd := range fds {
		c := typeCols[i]
		if fd.DataTypeOID != wantOIDs[c.sqlType] {
			t.Errorf("column %s: type OID %d, want %d (%s)", c.name, fd.DataTypeOID, wantOIDs[c.sqlType], c.sqlType)
		}
		want := int16(pgx.TextFormatCode)
		if mode != pgx.QueryExecModeSimpleProtocol && mode != pgx.QueryExecModeExec {
			want = conn.TypeMap().FormatCodeForOID(fd.DataTypeOID)
		}
		if fd.Format != want {
			t.Errorf("column %s (%s): result format %d, want %d", c.name, c.sqlType, fd.Format, want)
		}
		if fd.Format == pgx.BinaryFormatCode {
			binary++
		}
	}
	if mode == pgx.QueryExecModeCacheStatement && binary < 10 {
		t.Errorf("only %d columns came back in binary", binary)
	}
}

// protoLog sends messages on a pgx connection's frontend and describes the
// server's answers up to ReadyForQuery, one string per message.
func protoLog(t *testing.T, pc *pgconn.PgConn, msgs ...pgproto3.FrontendMessage) []string {
	t.Helper()
	fe := pc.Frontend()
	for _, m := range msgs {
		fe.Send(m)
	}
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	var log []string
	ctx := pgxCtx(t)
	for {
		msg, err := pc.ReceiveMessage(ctx)
		if err != nil {
			t.Fatalf("receive after %v: %v", log, err)
		}
		switch m := msg.(type) {
		case *pgproto3.ParseComplete:
			log = append(log, "ParseComplete")
		case *pgproto3.BindComplete:
			log = append(log, "BindComplete")
		case *pgproto3.CloseComplete:
			log = append(log, "CloseComplete")
		case *pgproto3.RowDescription:
			log = append(log, fmt.Sprintf("RowDescription %d", len(m.Fields)))
		case *pgproto3.DataRow:
			var vals []string
			for _, v := range m.Values {
				vals = append(vals, fmt.Sprintf("%q", v))
			}
			log = append(log, "DataRow "+strings.Join(vals, ","))
		case *pgproto3.PortalSuspended:
			log = append(log, "PortalSuspended")
		case *pgproto3.CommandComplete:
			log = append(log, "CommandComplete "+string(m.CommandTag))
		case *pgproto3.ErrorResponse:
			log = append(log, "Error "+m.Code)
		case *pgproto3.ReadyForQuery:
			return append(log, "ReadyForQuery "+string(m.TxStatus))
		default:
			log = append(log, fmt.Sprintf("%T", m))
		}
	}
}

// checkLog compares protoLog's output with the expected messages.
func checkLog(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestPgxPortalRowLimit runs portals piecewise with Execute's row limit, as
// drivers with a fetch size do, on pgx's connection at the protocol level:
// an unnamed portal in one Sync, binary results, and a named portal inside
// a transaction block that survives Sync between fetches.
func TestPgxPortalRowLimit(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE portal_t (id int PRIMARY KEY, s text)",
		"INSERT INTO portal_t SELECT g, 'row ' || g FROM generate_series(1, 5) g")
	pc := conn.PgConn()

	got := protoLog(t, pc,
		&pgproto3.Parse{Query: "SELECT id, s FROM portal_t ORDER BY id"},
		&pgproto3.Bind{},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Sync{})
	checkLog(t, "unnamed portal, 2 rows at a time", got,
		"ParseComplete", "BindComplete",
		`DataRow "1","row 1"`, `DataRow "2","row 2"`, "PortalSuspended",
		`DataRow "3","row 3"`, `DataRow "4","row 4"`, "PortalSuspended",
		`DataRow "5","row 5"`, "CommandComplete SELECT 1",
		"ReadyForQuery I")

	got = protoLog(t, pc,
		&pgproto3.Parse{Query: "SELECT g, g::text FROM generate_series(1, 3) g"},
		&pgproto3.Bind{ResultFormatCodes: []int16{pgx.BinaryFormatCode, pgx.TextFormatCode}},
		&pgproto3.Execute{MaxRows: 2},
		&pgproto3.Execute{},
		&pgproto3.Sync{})
	checkLog(t, "binary results, then the rest", got,
		"ParseComplete", "BindComplete",
		`DataRow "\x00\x00\x00\x01","1"`, `DataRow "\x00\x00\x00\x02","2"`, "PortalSuspended",
		`DataRow "\x00\x00\x00\x03","3"`, "CommandComplete SELECT 1",
		"ReadyForQuery I")

	mustExec(t, conn, "BEGIN")
	got = protoLog(t, pc,
		&pgproto3.Parse{Name: "fetch_s", Query: "SELECT id FROM portal_t WHERE id > $1 ORDER BY id"},
		&pgproto3.Bind{DestinationPortal: "c1", PreparedStatement: "fetch_s", Parameters: [][]byte{[]byte("1")}},
		&pgproto3.Execute{Portal: "c1", MaxRows: 2},
		&pgproto3.Sync{})
	checkLog(t, "named portal in a block, first fetch", got,
		"ParseComplete", "BindComplete", `DataRow "2"`, `DataRow "3"`, "PortalSuspended", "ReadyForQuery T")
	got = protoLog(t, pc, &pgproto3.Execute{Portal: "c1", MaxRows: 2}, &pgproto3.Sync{})
	checkLog(t, "second fetch after Sync", got, `DataRow "4"`, `DataRow "5"`, "PortalSuspended", "ReadyForQuery T")
	got = protoLog(t, pc, &pgproto3.Execute{Portal: "c1", MaxRows: 2}, &pgproto3.Sync{})
	checkLog(t, "last fetch", got, "CommandComplete SELECT 0", "ReadyForQuery T")
	got = protoLog(t, pc,
		&pgproto3.Close{ObjectType: 'P', Name: "c1"},
		&pgproto3.Close{ObjectType: 'S', Name: "fetch_s"},
		&pgproto3.Sync{})
	checkLog(t, "close", got, "CloseComplete", "CloseComplete", "ReadyForQuery T")
	mustExec(t, conn, "COMMIT")

	// The connection goes on working through pgx after the raw messages.
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM portal_t WHERE id > $1", int32(2)).Scan(&n); err != nil || n != 3 {
		t.Fatalf("count after the portals: %d, %v", n, err)
	}
	checkUsable(t, conn, "portals")
}

// copyRowsText is table copy_t's content in COPY text format: escapes,
// NULLs, a tab and a newline inside a value.
const copyRowsText = "1\tplain\t1.5\t2024-01-01 00:00:00\n" +
	"2\ttab\\there\\nnewline \\\\ backslash\t-0.25\t\\N\n" +
	"3\t\\N\t\\N\t2024-02-29 23:59:59.123456\n"

// copyRowsCSV adds rows in CSV with a header: quoted commas and quotes, an
// unquoted empty field (NULL), a quoted empty field (the empty string) and a
// quoted newline.
const copyRowsCSV = "id,s,n,ts\n" +
	"4,\"quoted, comma\",2,2024-03-01 00:00:00\n" +
	"5,\"say \"\"hi\"\"\",,\n" +
	"6,\"\",3.000,2024-03-02 00:00:00\n" +
	"7,\"multi\nline\",4,2024-03-03 00:00:00\n"

// TestPgxCopyFrom loads rows with COPY FROM STDIN through pgconn's CopyFrom,
// in text and CSV format and in bulk from a pipe, checks the values, and
// checks that a bad row fails the whole COPY with its SQLSTATE and leaves
// the connection usable.
func TestPgxCopyFrom(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE copy_t (id int PRIMARY KEY, s text, n numeric, ts timestamp)")
	pc := conn.PgConn()

	tag, err := pc.CopyFrom(ctx, strings.NewReader(copyRowsText), "COPY copy_t FROM STDIN")
	if err != nil || tag.String() != "COPY 3" {
		t.Fatalf("COPY text: %q, %v", tag, err)
	}
	tag, err = pc.CopyFrom(ctx, strings.NewReader(copyRowsCSV), "COPY copy_t (id, s, n, ts) FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil || tag.String() != "COPY 4" {
		t.Fatalf("COPY csv: %q, %v", tag, err)
	}
	got := queryText(t, conn, "SELECT id, s, n, ts FROM copy_t ORDER BY id")
	want := "1|plain|1.5|2024-01-01 00:00:00\n" +
		"2|tab\there\nnewline \\ backslash|-0.25|NULL\n" +
		"3|NULL|NULL|2024-02-29 23:59:59.123456\n" +
		"4|quoted, comma|2|2024-03-01 00:00:00\n" +
		"5|say \"hi\"|NULL|NULL\n" +
		"6||3.000|2024-03-02 00:00:00\n" +
		"7|multi\nline|4|2024-03-03 00:00:00\n"
	if got != want {
		t.Fatalf("rows after COPY:\n%s\nwant:\n%s", got, want)
	}

	// Bulk: 50,000 rows streamed through a pipe in many CopyData messages.
	const bulk = 50000
	pr, pw := io.Pipe()
	go func() {
		var b []byte
		for i := 1; i <= bulk; i++ {
			b = fmt.Appendf(b[:0], "%d\tbulk %d\t%d.%02d\t2024-05-%02d 10:00:00\n", 1000+i, i, i, i%100, 1+i%28)
			if _, err := pw.Write(b); err != nil {
				return
			}
		}
		pw.Close()
	}()
	tag, err = pc.CopyFrom(ctx, pr, "COPY copy_t FROM STDIN")
	if err != nil || tag.RowsAffected() != bulk {
		t.Fatalf("bulk COPY: %q, %v", tag, err)
	}
	var n, sumID int64
	if err := conn.QueryRow(ctx, "SELECT count(*), sum(id) FROM copy_t WHERE s LIKE 'bulk %'").Scan(&n, &sumID); err != nil {
		t.Fatal(err)
	}
	if n != bulk || sumID != bulk*1000+bulk*(bulk+1)/2 {
		t.Fatalf("bulk rows: count %d, sum(id) %d", n, sumID)
	}

	for _, c := range []struct {
		name, sql, data, code string
	}{
		{"bad integer", "COPY copy_t FROM STDIN", "100\tok\t1\t2024-01-01\nabc\tx\t1\t2024-01-01\n", "22P02"},
		{"duplicate key", "COPY copy_t FROM STDIN", "101\tok\t1\t2024-01-01\n1\tdup\t1\t2024-01-01\n", "23505"},
		{"extra column", "COPY copy_t FROM STDIN", "102\tok\t1\t2024-01-01\textra\n", "22P04"},
		{"missing column", "COPY copy_t FROM STDIN WITH (FORMAT csv)", "103,ok\n", "22P04"},
		{"bad timestamp", "COPY copy_t FROM STDIN WITH (FORMAT csv)", "104,ok,1,2024-13-01\n", "22008"},
		{"unterminated quote", "COPY copy_t FROM STDIN WITH (FORMAT csv)", "105,\"open,1,2024-01-01\n", "22P04"},
		{"no such table", "COPY nosuch FROM STDIN", "1\n", "42P01"},
	} {
		_, err := pc.CopyFrom(ctx, strings.NewReader(c.data), c.sql)
		wantCode(t, "COPY with "+c.name, err, c.code)
		checkUsable(t, conn, "COPY with "+c.name)
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM copy_t WHERE id BETWEEN 100 AND 199").Scan(&n); err != nil || n != 0 {
		t.Fatalf("failed COPYs left %d rows (%v), want none", n, err)
	}
}

// queryText runs a query in the simple protocol and returns its rows as
// text, columns joined by |, one row per line, NULL for NULL.
func queryText(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	results, err := conn.PgConn().Exec(pgxCtx(t), sql).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var b strings.Builder
	for _, r := range results {
		for _, row := range r.Rows {
			for i, v := range row {
				if i > 0 {
					b.WriteByte('|')
				}
				if v == nil {
					b.WriteString("NULL")
				} else {
					b.Write(v)
				}
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// TestPgxCopyTo reads COPY ... TO STDOUT through pgconn's CopyTo, in text and
// CSV, from a query and from a table, and compares the bytes with what
// PostgreSQL 15 sends for the same rows.
func TestPgxCopyTo(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE copy_t (id int PRIMARY KEY, s text, n numeric, ts timestamp)")
	if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(copyRowsText), "COPY copy_t FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader(copyRowsCSV), "COPY copy_t FROM STDIN WITH (FORMAT csv, HEADER)"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, sql, tag, want string
	}{
		{"query text", "COPY (SELECT id, s, n, ts FROM copy_t ORDER BY id) TO STDOUT", "COPY 7",
			"1\tplain\t1.5\t2024-01-01 00:00:00\n" +
				"2\ttab\\there\\nnewline \\\\ backslash\t-0.25\t\\N\n" +
				"3\t\\N\t\\N\t2024-02-29 23:59:59.123456\n" +
				"4\tquoted, comma\t2\t2024-03-01 00:00:00\n" +
				"5\tsay \"hi\"\t\\N\t\\N\n" +
				"6\t\t3.000\t2024-03-02 00:00:00\n" +
				"7\tmulti\\nline\t4\t2024-03-03 00:00:00\n"},
		{"query csv with header", "COPY (SELECT id, s AS \"the s\", n FROM copy_t WHERE id >= 4 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)", "COPY 4",
			"id,the s,n\n" +
				"4,\"quoted, comma\",2\n" +
				"5,\"say \"\"hi\"\"\",\n" +
				"6,\"\",3.000\n" +
				"7,\"multi\nline\",4\n"},
		{"table columns csv", "COPY copy_t (id, n) TO STDOUT WITH (FORMAT csv)", "COPY 7",
			"1,1.5\n2,-0.25\n3,\n4,2\n5,\n6,3.000\n7,4\n"},
		{"query expressions", "COPY (SELECT g, g * 1.5, NULL::text, true, 'a' || g FROM generate_series(1, 3) g) TO STDOUT", "COPY 3",
			"1\t1.5\t\\N\tt\ta1\n2\t3.0\t\\N\tt\ta2\n3\t4.5\t\\N\tt\ta3\n"},
		{"empty", "COPY (SELECT 1 WHERE false) TO STDOUT", "COPY 0", ""},
	} {
		var buf bytes.Buffer
		tag, err := conn.PgConn().CopyTo(ctx, &buf, c.sql)
		if err != nil {
			t.Fatalf("%s: %s: %v", c.name, c.sql, err)
		}
		if tag.String() != c.tag {
			t.Errorf("%s: tag %q, want %q", c.name, tag, c.tag)
		}
		if buf.String() != c.want {
			t.Errorf("%s: %s\ngot:\n%q\nwant:\n%q", c.name, c.sql, buf.String(), c.want)
		}
	}
	_, err := conn.PgConn().CopyTo(ctx, io.Discard, "COPY (SELECT 1/0) TO STDOUT")
	wantCode(t, "COPY of a failing query", err, "22012")
	checkUsable(t, conn, "a failed COPY TO")
}

// TestPgxCancel cancels a long query through its context, in the extended
// and the simple protocol: pgx sends a CancelRequest, the query fails with
// 57014 and the connection goes on working. It also cancels with pgconn's
// CancelRequest from another goroutine.
func TestPgxCancel(t *testing.T) {
	s := testserver.Start(t)
	const long = "SELECT count(*) FROM generate_series(1, 100000000)"
	for _, m := range []struct {
		name string
		mode pgx.QueryExecMode
	}{{"extended", pgx.QueryExecModeCacheStatement}, {"simple", pgx.QueryExecModeSimpleProtocol}} {
		t.Run(m.name, func(t *testing.T) {
			conn := pgxConnect(t, s.ConnString(), m.mode)
			ctx, cancel := context.WithTimeout(pgxCtx(t), 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			var n int64
			err := conn.QueryRow(ctx, long).Scan(&n)
			wantCode(t, long, err, "57014")
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the query stopped %v after it started, long after its cancel", d)
			}
			checkUsable(t, conn, "a cancelled query")
		})
	}
	t.Run("cancel_request", func(t *testing.T) {
		conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
		done := make(chan error, 1)
		go func() {
			time.Sleep(300 * time.Millisecond)
			done <- conn.PgConn().CancelRequest(context.Background())
		}()
		var n int64
		err := conn.QueryRow(pgxCtx(t), long).Scan(&n)
		if cerr := <-done; cerr != nil {
			t.Fatalf("CancelRequest: %v", cerr)
		}
		wantCode(t, long, err, "57014")
		checkUsable(t, conn, "a cancelled query")
	})
}

// pgxErrorCases are statements that fail with a SQLSTATE; args are bound
// as parameters in the extended protocol (interpolated in the simple one).
var pgxErrorCases = []struct {
	sql  string
	args []any
	code string
}{
	{"SELECT * FROM nosuch", nil, "42P01"},
	{"SELECT nosuch FROM err_t", nil, "42703"},
	{"SELEC 1", nil, "42601"},
	{"SELECT 1/0", nil, "22012"},
	{"SELECT id / $1 FROM err_t", []any{0}, "22012"},
	{"INSERT INTO err_t VALUES (1, 'dup')", nil, "23505"},
	{"INSERT INTO err_t VALUES ($1, $2)", []any{nil, "x"}, "23502"},
	{"SELECT 'abc'::int", nil, "22P02"},
	{"SELECT $1::int", []any{"abc"}, "22P02"},
	{"SELECT 2147483647::int + $1::int", []any{1}, "22003"},
	{"CREATE TABLE err_t (a int)", nil, "42P07"},
	{"SELECT no_such_function(1)", nil, "42883"},
	{"SELECT 'a' + 1", nil, "22P02"},
	{"SELECT id FROM err_t WHERE s = 1", nil, "42883"},
	{"SELECT (SELECT id FROM err_t)", nil, "21000"},
}

// TestPgxErrors checks SQLSTATEs through pgx in the extended and simple
// protocol, and that the connection is usable and idle after each error.
func TestPgxErrors(t *testing.T) {
	s := testserver.Start(t)
	for _, m := range []struct {
		name string
		mode pgx.QueryExecMode
	}{{"extended", pgx.QueryExecModeCacheStatement}, {"describe_exec", pgx.QueryExecModeDescribeExec}, {"simple", pgx.QueryExecModeSimpleProtocol}} {
		t.Run(m.name, func(t *testing.T) {
			conn := pgxConnect(t, s.ConnString(), m.mode)
			mustExec(t, conn, "CREATE TABLE IF NOT EXISTS err_t (id int PRIMARY KEY, s text NOT NULL)",
				"INSERT INTO err_t VALUES (1, 'a'), (2, 'b') ON CONFLICT DO NOTHING")
			for _, c := range pgxErrorCases {
				rows, err := conn.Query(pgxCtx(t), c.sql, c.args...)
				if err == nil {
					for rows.Next() {
					}
					err = rows.Err()
				}
				wantCode(t, c.sql, err, c.code)
				checkUsable(t, conn, c.sql)
			}
		})
	}
}

// TestPgxTransactionAbort checks a block that fails: later statements fail
// with 25P02 until ROLLBACK, COMMIT of a failed block answers ROLLBACK, and
// nothing the block wrote stays; pgx.Tx behaves the same way.
func TestPgxTransactionAbort(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE tx_t (id int PRIMARY KEY, v text)", "INSERT INTO tx_t VALUES (1, 'one')")
	pc := conn.PgConn()

	mustExec(t, conn, "BEGIN", "INSERT INTO tx_t VALUES (2, 'two')")
	if st := pc.TxStatus(); st != 'T' {
		t.Fatalf("in a block: status %q, want 'T'", st)
	}
	_, err := conn.Exec(ctx, "SELECT 1/0")
	wantCode(t, "SELECT 1/0 in a block", err, "22012")
	if st := pc.TxStatus(); st != 'E' {
		t.Fatalf("after an error in a block: status %q, want 'E'", st)
	}
	for _, q := range []string{"SELECT 1", "INSERT INTO tx_t VALUES (3, 'three')", "SELECT * FROM tx_t"} {
		_, err := conn.Exec(ctx, q)
		wantCode(t, q+" in a failed block", err, "25P02")
	}
	var one int
	err = conn.QueryRow(ctx, "SELECT $1::int", 1).Scan(&one)
	wantCode(t, "a parameterized query in a failed block", err, "25P02")
	tag, err := conn.Exec(ctx, "ROLLBACK")
	if err != nil || tag.String() != "ROLLBACK" {
		t.Fatalf("ROLLBACK: %q, %v", tag, err)
	}
	checkUsable(t, conn, "ROLLBACK")
	if got := queryText(t, conn, "SELECT id, v FROM tx_t ORDER BY id"); got != "1|one\n" {
		t.Fatalf("after ROLLBACK: %q", got)
	}

	mustExec(t, conn, "BEGIN", "INSERT INTO tx_t VALUES (2, 'two')")
	_, err = conn.Exec(ctx, "INSERT INTO tx_t VALUES (1, 'dup')")
	wantCode(t, "duplicate in a block", err, "23505")
	tag, err = conn.Exec(ctx, "COMMIT")
	if err != nil || tag.String() != "ROLLBACK" {
		t.Fatalf("COMMIT of a failed block: %q, %v; want the tag ROLLBACK", tag, err)
	}
	checkUsable(t, conn, "COMMIT of a failed block")

	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO tx_t VALUES ($1, $2)", 3, "three"); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(ctx, "INSERT INTO tx_t VALUES ($1, $2)", 1, "dup")
	wantCode(t, "duplicate in pgx.Tx", err, "23505")
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	checkUsable(t, conn, "pgx.Tx Rollback")

	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "INSERT INTO tx_t VALUES ($1, $2), ($3, $4)", 4, "four", 5, "five")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := queryText(t, conn, "SELECT id, v FROM tx_t ORDER BY id"); got != "1|one\n4|four\n5|five\n" {
		t.Fatalf("after the blocks: %q", got)
	}
}

// TestPgxRestart checks durability through pgx: committed rows (single
// statements, a COPY, a committed block) survive a clean restart and a
// SIGKILL; an open block's rows do not.
func TestPgxRestart(t *testing.T) {
	s := testserver.Start(t)
	conn := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	ctx := pgxCtx(t)
	mustExec(t, conn, "CREATE TABLE keep_t (id int PRIMARY KEY, v text, ts timestamptz)")
	insert := func(conn *pgx.Conn, from, to int) {
		t.Helper()
		for i := from; i <= to; i++ {
			if _, err := conn.Exec(ctx, "INSERT INTO keep_t VALUES ($1, $2, $3)", i, fmt.Sprintf("v%d", i),
				time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)); err != nil {
				t.Fatalf("INSERT %d: %v", i, err)
			}
		}
	}
	check := func(conn *pgx.Conn, what string, wantN, wantSum int64) {
		t.Helper()
		var n, sum int64
		if err := conn.QueryRow(ctx, "SELECT count(*), coalesce(sum(id), 0) FROM keep_t").Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n != wantN || sum != wantSum {
			t.Fatalf("%s: %d rows with sum(id) %d, want %d rows with sum %d", what, n, sum, wantN, wantSum)
		}
	}

	insert(conn, 1, 10)
	if _, err := conn.PgConn().CopyFrom(ctx, strings.NewReader("11\tcopied\t2024-02-01 00:00:00+00\n12\tcopied\t\\N\n"), "COPY keep_t FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, "BEGIN", "INSERT INTO keep_t VALUES (13, 'block', now())", "UPDATE keep_t SET v = 'updated' WHERE id = 1", "DELETE FROM keep_t WHERE id = 2", "COMMIT")
	check(conn, "before restart", 12, 91-2)

	s.Restart(t)
	conn = pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	check(conn, "after restart", 12, 89)
	if got := queryText(t, conn, "SELECT id, v, ts FROM keep_t WHERE id IN (1, 3, 11, 12) ORDER BY id"); got != "1|updated|2024-01-01 00:00:01+00\n3|v3|2024-01-01 00:00:03+00\n11|copied|2024-02-01 00:00:00+00\n12|copied|NULL\n" {
		t.Fatalf("rows after restart:\n%s", got)
	}

	insert(conn, 20, 29)
	open := pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	mustExec(t, open, "BEGIN", "INSERT INTO keep_t VALUES (100, 'uncommitted', NULL)")
	s.Kill(t)
	s.Restart(t)
	conn = pgxConnect(t, s.ConnString(), pgx.QueryExecModeCacheStatement)
	check(conn, "after SIGKILL and restart", 22, 89+245)
	if got := queryText(t, conn, "SELECT v FROM keep_t WHERE id IN (1, 29, 100) ORDER BY id"); got != "updated\nv29\n" {
		t.Fatalf("rows after SIGKILL:\n%s", got)
	}
	insert(conn, 30, 30)
	check(conn, "writing after recovery", 23, 89+245+30)
}
