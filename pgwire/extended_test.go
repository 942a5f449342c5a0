package pgwire

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

const rowsDesc = "RowDescription n:20/0 s:25/0"

func TestExtendedUnnamed(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(
		&pgproto3.Parse{Query: "rows 2"},
		&pgproto3.Describe{ObjectType: 'S'},
		&pgproto3.Bind{},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete",
		"ParameterDescription []",
		rowsDesc,
		"BindComplete",
		rowsDesc,
		`DataRow "1","row 1"`,
		`DataRow "2","row 2"`,
		"CommandComplete SELECT 2",
		"ReadyForQuery I")

	// The unnamed statement is replaced by the next Parse and survives Sync.
	r.send(&pgproto3.Parse{Query: "create"}, &pgproto3.Bind{}, &pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete", "BindComplete", "NoData", "CommandComplete CREATE TABLE",
		"BindComplete", "CommandComplete CREATE TABLE", "ReadyForQuery I")
	r.send(&pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "BindComplete", "CommandComplete CREATE TABLE", "ReadyForQuery I")

	// A simple Query drops the unnamed statement.
	r.query("rows 0")
	r.send(&pgproto3.Bind{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "ErrorResponse ERROR 26000 unnamed prepared statement does not exist", "ReadyForQuery I")
}

func TestExtendedNamed(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(
		&pgproto3.Parse{Name: "s1", Query: "rows 5"},
		&pgproto3.Parse{Name: "s2", Query: "echo int4 text", ParameterOIDs: []uint32{23}},
		&pgproto3.Describe{ObjectType: 'S', Name: "s2"},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete", "ParseComplete",
		"ParameterDescription [23 25]",
		"RowDescription p1:23/0 p2:25/0",
		"ReadyForQuery I")

	r.send(&pgproto3.Parse{Name: "s1", Query: "rows 1"}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), `ErrorResponse ERROR 42P05 prepared statement "s1" already exists`, "ReadyForQuery I")

	// Two named portals over one statement, read in turns with row limits.
	r.send(&pgproto3.Query{String: "begin"})
	r.untilReady()
	r.send(
		&pgproto3.Bind{DestinationPortal: "a", PreparedStatement: "s1"},
		&pgproto3.Bind{DestinationPortal: "b", PreparedStatement: "s1", ResultFormatCodes: []int16{1, 0}},
		&pgproto3.Describe{ObjectType: 'P', Name: "b"},
		&pgproto3.Execute{Portal: "a", MaxRows: 2},
		&pgproto3.Execute{Portal: "b", MaxRows: 4},
		&pgproto3.Execute{Portal: "a", MaxRows: 2},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"BindComplete", "BindComplete",
		"RowDescription n:20/1 s:25/0",
		`DataRow "1","row 1"`, `DataRow "2","row 2"`, "PortalSuspended",
		`DataRow "\x00\x00\x00\x00\x00\x00\x00\x01","row 1"`,
		`DataRow "\x00\x00\x00\x00\x00\x00\x00\x02","row 2"`,
		`DataRow "\x00\x00\x00\x00\x00\x00\x00\x03","row 3"`,
		`DataRow "\x00\x00\x00\x00\x00\x00\x00\x04","row 4"`,
		"PortalSuspended",
		`DataRow "3","row 3"`, `DataRow "4","row 4"`, "PortalSuspended",
		"ReadyForQuery T")

	// Portals survive Sync inside a transaction block.
	r.send(
		&pgproto3.Execute{Portal: "a", MaxRows: 2},
		&pgproto3.Execute{Portal: "b"},
		&pgproto3.Bind{DestinationPortal: "a", PreparedStatement: "s1"},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		`DataRow "5","row 5"`, "CommandComplete SELECT 1",
		`DataRow "\x00\x00\x00\x00\x00\x00\x00\x05","row 5"`, "CommandComplete SELECT 1",
		`ErrorResponse ERROR 42P03 cursor "a" already exists`,
		"ReadyForQuery T")

	// Close a portal and a statement; closing again is fine.
	r.send(
		&pgproto3.Close{ObjectType: 'P', Name: "a"},
		&pgproto3.Close{ObjectType: 'P', Name: "a"},
		&pgproto3.Close{ObjectType: 'S', Name: "s1"},
		&pgproto3.Close{ObjectType: 'S', Name: "s1"},
		&pgproto3.Parse{Name: "s1", Query: "rows 1"},
		&pgproto3.Execute{Portal: "a"},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"CloseComplete", "CloseComplete", "CloseComplete", "CloseComplete", "ParseComplete",
		`ErrorResponse ERROR 34000 portal "a" does not exist`,
		"ReadyForQuery T")

	// Portal b is still there until the transaction ends.
	r.send(&pgproto3.Describe{ObjectType: 'P', Name: "b"}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "RowDescription n:20/1 s:25/0", "ReadyForQuery T")
	r.query("commit")
	r.send(&pgproto3.Describe{ObjectType: 'P', Name: "b"}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), `ErrorResponse ERROR 34000 portal "b" does not exist`, "ReadyForQuery I")
}

// TestErrorSkipsUntilSync checks that after an error every message up to
// Sync is ignored, Flush included, and that the connection then recovers.
func TestErrorSkipsUntilSync(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(
		&pgproto3.Parse{Query: "fail 22012 division by zero"},
		&pgproto3.Bind{},
		&pgproto3.Execute{},
		&pgproto3.Parse{Query: "rows 1"},
		&pgproto3.Bind{},
		&pgproto3.Execute{},
		&pgproto3.Flush{})
	expectMessages(t, []string{r.recv(), r.recv(), r.recv()},
		"ParseComplete", "BindComplete", "ErrorResponse ERROR 22012 division by zero @3")
	r.expectSilence()
	r.send(&pgproto3.Query{String: "rows 1"}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "ReadyForQuery I")

	r.send(&pgproto3.Parse{Query: "rows 1"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete", "BindComplete", `DataRow "1","row 1"`, "CommandComplete SELECT 1", "ReadyForQuery I")

	// Errors at Parse and Bind time.
	for _, tc := range []struct {
		msgs []pgproto3.FrontendMessage
		want string
	}{
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "rows 1; rows 2"}},
			"ErrorResponse ERROR 42601 cannot insert multiple commands into a prepared statement"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "x bogus"}},
			`ErrorResponse ERROR 42601 syntax error at or near "x" @1`},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "preparefail"}},
			`ErrorResponse ERROR 42P01 relation "missing" does not exist`},
		{[]pgproto3.FrontendMessage{&pgproto3.Bind{PreparedStatement: "nope"}},
			`ErrorResponse ERROR 26000 prepared statement "nope" does not exist`},
		{[]pgproto3.FrontendMessage{&pgproto3.Describe{ObjectType: 'S', Name: "nope"}},
			`ErrorResponse ERROR 26000 prepared statement "nope" does not exist`},
		{[]pgproto3.FrontendMessage{&pgproto3.Execute{Portal: "nope"}},
			`ErrorResponse ERROR 34000 portal "nope" does not exist`},
		{[]pgproto3.FrontendMessage{&pgproto3.Describe{ObjectType: 'X'}},
			"ErrorResponse ERROR 08P01 invalid DESCRIBE message subtype 88"},
		{[]pgproto3.FrontendMessage{&pgproto3.Close{ObjectType: 'X'}},
			"ErrorResponse ERROR 08P01 invalid CLOSE message subtype 88"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo int4"}, &pgproto3.Bind{}},
			`ErrorResponse ERROR 08P01 bind message supplies 0 parameters, but prepared statement "" requires 1`},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo int4 int4"},
			&pgproto3.Bind{ParameterFormatCodes: []int16{0, 0, 0}, Parameters: [][]byte{nil, nil}}},
			"ErrorResponse ERROR 08P01 bind message has 3 parameter formats but 2 parameters"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "rows 1"}, &pgproto3.Bind{ResultFormatCodes: []int16{0, 0, 0}}},
			"ErrorResponse ERROR 08P01 bind message has 3 result formats but query has 2 columns"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "rows 1"}, &pgproto3.Bind{ResultFormatCodes: []int16{2}}, &pgproto3.Execute{}},
			"ErrorResponse ERROR 22023 unsupported format code: 2"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo int4"},
			&pgproto3.Bind{ParameterFormatCodes: []int16{7}, Parameters: [][]byte{{1}}}},
			"ErrorResponse ERROR 22023 unsupported format code: 7"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo text"},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("\xff")}}},
			`ErrorResponse ERROR 22021 invalid byte sequence for encoding "UTF8": 0xff`},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo int4"},
			&pgproto3.Bind{ParameterFormatCodes: []int16{1}, Parameters: [][]byte{{0, 1}}}},
			"ErrorResponse ERROR 08P01 insufficient data left in message"},
		{[]pgproto3.FrontendMessage{&pgproto3.Parse{Query: "echo text int8"},
			&pgproto3.Bind{ParameterFormatCodes: []int16{1}, Parameters: [][]byte{[]byte("x"), make([]byte, 9)}}},
			"ErrorResponse ERROR 22P03 incorrect binary data format in bind parameter 2"},
	} {
		r.send(append(tc.msgs, &pgproto3.Sync{})...)
		got := r.untilReady()
		if len(got) < 2 || got[len(got)-2] != tc.want {
			t.Errorf("%T: got %q, want %q", tc.msgs[len(tc.msgs)-1], got, tc.want)
		}
	}
}

// TestExecuteAfterEnd checks Execute of a portal that has run to its end.
func TestExecuteAfterEnd(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(
		&pgproto3.Parse{Query: "rows 2"}, &pgproto3.Bind{},
		&pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{MaxRows: 2}, &pgproto3.Execute{},
		&pgproto3.Parse{Query: "create"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Execute{},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete", "BindComplete",
		`DataRow "1","row 1"`, `DataRow "2","row 2"`, "PortalSuspended",
		"CommandComplete SELECT 0", "CommandComplete SELECT 0",
		"ParseComplete", "BindComplete", "CommandComplete CREATE TABLE",
		`ErrorResponse ERROR 55000 portal "" cannot be run`,
		"ReadyForQuery I")
	for tag, want := range map[string]string{"SELECT 5": "SELECT 0", "INSERT 0 3": "INSERT 0 0", "CREATE TABLE": "CREATE TABLE", "X ": "X "} {
		if got := zeroRowTag(tag); got != want {
			t.Errorf("zeroRowTag(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestExtendedEmptyQuery(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(
		&pgproto3.Parse{Name: "e", Query: " ; ", ParameterOIDs: []uint32{23}},
		&pgproto3.Describe{ObjectType: 'S', Name: "e"},
		&pgproto3.Bind{PreparedStatement: "e", Parameters: [][]byte{nil}},
		&pgproto3.Describe{ObjectType: 'P'},
		&pgproto3.Execute{},
		&pgproto3.Sync{})
	expectMessages(t, r.untilReady(),
		"ParseComplete", "ParameterDescription [23]", "NoData", "BindComplete", "NoData",
		"EmptyQueryResponse", "ReadyForQuery I")
}

func TestFlushMessage(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(&pgproto3.Parse{Query: "rows 1"})
	r.expectSilence()
	r.send(&pgproto3.Flush{})
	expectMessages(t, []string{r.recv()}, "ParseComplete")
	r.send(&pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "ReadyForQuery I")
}

// TestPreparedWithPgconn drives named statements the way drivers do.
func TestPreparedWithPgconn(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	sd, err := c.Prepare(testCtx(t), "s", "echo int8 text", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ParamOIDs) != 2 || sd.ParamOIDs[0] != 20 || len(sd.Fields) != 2 || sd.Fields[1].Name != "p2" {
		t.Fatalf("description %+v", sd)
	}
	res := c.ExecPrepared(testCtx(t), "s", [][]byte{[]byte("7"), []byte("x")}, nil, nil).Read()
	if res.Err != nil || len(res.Rows) != 1 || string(res.Rows[0][0]) != "7" || string(res.Rows[0][1]) != "x" {
		t.Fatalf("result %+v", res)
	}
	_, err = c.Prepare(testCtx(t), "s", "rows 1", nil)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42P05" {
		t.Fatalf("redefine: %v", err)
	}
	if err := c.Deallocate(testCtx(t), "s"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Prepare(testCtx(t), "s", "rows 1", nil); err != nil {
		t.Fatalf("after Deallocate: %v", err)
	}
	res = c.ExecParams(testCtx(t), "rows 3", nil, nil, nil, []int16{1}).Read()
	if res.Err != nil || len(res.Rows) != 3 || len(res.Rows[2][0]) != 8 || string(res.Rows[2][1]) != "row 3" {
		t.Fatalf("binary result %+v", res)
	}
}
