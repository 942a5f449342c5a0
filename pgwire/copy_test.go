package pgwire

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

func TestCopyIn(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	data := "1\ta\n2\tb\n3\tc\n"
	tag, err := c.CopyFrom(testCtx(t), strings.NewReader(data), "COPY t FROM STDIN")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "COPY 3" {
		t.Errorf("tag %q", tag)
	}
	if !slices.Equal(ts.h.copiedData(), []string{data}) {
		t.Errorf("server got %q", ts.h.copiedData())
	}
}

type failingReader struct{ sent bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "1\ta\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestCopyInFail(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	_, err := c.CopyFrom(testCtx(t), &failingReader{}, "COPY t FROM STDIN")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" || pgErr.Message != "COPY from stdin failed: disk on fire" {
		t.Fatalf("got %v", err)
	}
	// The engine fails in the middle of the data: the rest is ignored.
	_, err = c.CopyFrom(testCtx(t), strings.NewReader("1\ta\nbad\n"+strings.Repeat("2\tb\n", 10000)), "COPY t FROM STDIN")
	if !errors.As(err, &pgErr) || pgErr.Code != "22P04" {
		t.Fatalf("bad line: %v", err)
	}
	if _, err := c.Exec(testCtx(t), "rows 1").ReadAll(); err != nil {
		t.Errorf("after failed COPY: %v", err)
	}
	if len(ts.h.copiedData()) != 0 {
		t.Errorf("server kept %q", ts.h.copiedData())
	}
}

func TestCopyOut(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	var buf bytes.Buffer
	tag, err := c.CopyTo(testCtx(t), &buf, "COPY t TO STDOUT")
	if err != nil {
		t.Fatal(err)
	}
	if tag.String() != "COPY 3" || buf.String() != "1\trow 1\n2\trow 2\n3\trow 3\n" {
		t.Errorf("got %q %q", tag, buf.String())
	}
}

// TestCopyMessages checks the exact message flow of COPY in both protocols.
func TestCopyMessages(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	expectMessages(t, r.query("COPY t TO STDOUT; rows 0"),
		"CopyOutResponse 0 [0 0]",
		`CopyData "1\trow 1\n"`, `CopyData "2\trow 2\n"`, `CopyData "3\trow 3\n"`,
		"CopyDone", "CommandComplete COPY 3",
		rowsDesc, "CommandComplete SELECT 0",
		"ReadyForQuery I")

	r.send(&pgproto3.Query{String: "COPY t FROM STDIN"})
	expectMessages(t, []string{r.recv()}, "CopyInResponse 0 [0 0]")
	r.send(&pgproto3.CopyData{Data: []byte("1\tx")}, &pgproto3.Flush{}, &pgproto3.CopyData{Data: []byte("\n")}, &pgproto3.CopyDone{})
	expectMessages(t, r.untilReady(), "CommandComplete COPY 1", "ReadyForQuery I")

	r.send(&pgproto3.Query{String: "COPY t FROM STDIN"})
	expectMessages(t, []string{r.recv()}, "CopyInResponse 0 [0 0]")
	r.send(&pgproto3.CopyData{Data: []byte("1\tx\n")}, &pgproto3.Sync{}, &pgproto3.Parse{})
	expectMessages(t, []string{r.recv(), r.recv()},
		"ErrorResponse ERROR 08P01 unexpected message type 0x50 during COPY from stdin",
		"ErrorResponse FATAL 08P01 terminating connection because protocol synchronization was lost")
	r.expectClosed()
	r = ts.connectRaw(t)

	// Extended protocol: COPY inside Execute, Sync after CopyDone.
	r.send(&pgproto3.Parse{Query: "COPY t FROM STDIN"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
	expectMessages(t, []string{r.recv(), r.recv(), r.recv()}, "ParseComplete", "BindComplete", "CopyInResponse 0 [0 0]")
	r.send(&pgproto3.CopyData{Data: []byte("5\ty\n")}, &pgproto3.CopyDone{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), "CommandComplete COPY 1", "ReadyForQuery I")

	r.send(&pgproto3.Parse{Query: "COPY t FROM STDIN"}, &pgproto3.Bind{}, &pgproto3.Execute{}, &pgproto3.Flush{})
	expectMessages(t, []string{r.recv(), r.recv(), r.recv()}, "ParseComplete", "BindComplete", "CopyInResponse 0 [0 0]")
	r.send(&pgproto3.CopyData{Data: []byte("bad\n")}, &pgproto3.CopyData{Data: []byte("more\n")}, &pgproto3.CopyDone{}, &pgproto3.Sync{})
	expectMessages(t, r.untilReady(), `ErrorResponse ERROR 22P04 missing data for column "b"`, "ReadyForQuery I")

	if want := []string{"1\tx\n", "5\ty\n"}; !slices.Equal(ts.h.copiedData(), want) {
		t.Errorf("server got %q, want %q", ts.h.copiedData(), want)
	}
}
