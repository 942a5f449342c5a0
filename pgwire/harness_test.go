package pgwire

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

// testServer is a Server on 127.0.0.1:0 serving a fakeHandler.
type testServer struct {
	*Server
	h    *fakeHandler
	addr string
}

// startServer starts a server for the test and closes it at cleanup,
// checking that Serve ends cleanly and every session was closed.
func startServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	h := newFakeHandler()
	if opts.Handler == nil {
		opts.Handler = h
	}
	opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(context.Background(), ln) }()
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		if n := h.openSessions(); n != 0 {
			t.Errorf("%d sessions left open", n)
		}
	})
	return &testServer{Server: s, h: h, addr: ln.Addr().String()}
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (ts *testServer) connString(extra string) string {
	return fmt.Sprintf("postgres://alice@%s/db?sslmode=disable%s", ts.addr, extra)
}

// pgx connects a pgx.Conn to the server.
func (ts *testServer) pgx(t *testing.T) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(testCtx(t), ts.connString(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// pgconn connects a pgconn.PgConn to the server.
func (ts *testServer) pgconn(t *testing.T) *pgconn.PgConn {
	t.Helper()
	c, err := pgconn.Connect(testCtx(t), ts.connString(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// rawClient speaks the protocol message by message over a net.Conn.
type rawClient struct {
	t      *testing.T
	nc     net.Conn
	fe     *pgproto3.Frontend
	pid    uint32
	secret []byte
}

// dialRaw opens a connection without any startup.
func (ts *testServer) dialRaw(t *testing.T) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

// connectRaw opens a connection and completes the startup.
func (ts *testServer) connectRaw(t *testing.T) *rawClient {
	t.Helper()
	c := ts.dialRaw(t)
	c.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "alice", "database": "db"}})
	got := c.untilReady()
	if got[0] != "AuthenticationOk" || got[len(got)-1] != "ReadyForQuery I" {
		t.Fatalf("startup: %q", got)
	}
	return c
}

// send sends messages and flushes.
func (c *rawClient) send(msgs ...pgproto3.FrontendMessage) {
	c.t.Helper()
	for _, m := range msgs {
		c.fe.Send(m)
	}
	if err := c.fe.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

// sendRaw writes bytes as they are.
func (c *rawClient) sendRaw(b []byte) {
	c.t.Helper()
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// recv returns the next message summarized (see summarize).
func (c *rawClient) recv() string {
	c.t.Helper()
	msg, err := c.fe.Receive()
	if err != nil {
		c.t.Fatalf("receive: %v", err)
	}
	return c.summarize(msg)
}

// untilReady returns the summaries of the messages up to and including
// ReadyForQuery.
func (c *rawClient) untilReady() []string {
	c.t.Helper()
	var got []string
	for {
		s := c.recv()
		got = append(got, s)
		if strings.HasPrefix(s, "ReadyForQuery") {
			return got
		}
	}
}

// expectClosed checks that the server closes the connection.
func (c *rawClient) expectClosed() {
	c.t.Helper()
	msg, err := c.fe.Receive()
	if err == nil {
		c.t.Fatalf("got %s, want the connection closed", c.summarize(msg))
	}
}

// expectSilence checks that nothing arrives for a short while.
func (c *rawClient) expectSilence() {
	c.t.Helper()
	_ = c.nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	buf := make([]byte, 1)
	if n, err := c.nc.Read(buf); n > 0 || err == nil {
		c.t.Fatalf("got byte %q, want nothing", buf[:n])
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
}

// summarize renders a backend message as one short line for comparisons.
func (c *rawClient) summarize(msg pgproto3.BackendMessage) string {
	switch m := msg.(type) {
	case *pgproto3.AuthenticationOk:
		return "AuthenticationOk"
	case *pgproto3.ParameterStatus:
		return "ParameterStatus " + m.Name + "=" + m.Value
	case *pgproto3.BackendKeyData:
		c.pid, c.secret = m.ProcessID, append([]byte(nil), m.SecretKey...)
		return "BackendKeyData"
	case *pgproto3.ReadyForQuery:
		return "ReadyForQuery " + string(m.TxStatus)
	case *pgproto3.RowDescription:
		var b strings.Builder
		b.WriteString("RowDescription")
		for _, f := range m.Fields {
			fmt.Fprintf(&b, " %s:%d/%d", f.Name, f.DataTypeOID, f.Format)
		}
		return b.String()
	case *pgproto3.DataRow:
		parts := make([]string, len(m.Values))
		for i, v := range m.Values {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = fmt.Sprintf("%q", v)
			}
		}
		return "DataRow " + strings.Join(parts, ",")
	case *pgproto3.CommandComplete:
		return "CommandComplete " + string(m.CommandTag)
	case *pgproto3.ErrorResponse:
		s := fmt.Sprintf("ErrorResponse %s %s %s", m.Severity, m.Code, m.Message)
		if m.Position != 0 {
			s += fmt.Sprintf(" @%d", m.Position)
		}
		return s
	case *pgproto3.NoticeResponse:
		return fmt.Sprintf("NoticeResponse %s %s %s", m.Severity, m.Code, m.Message)
	case *pgproto3.ParameterDescription:
		return fmt.Sprintf("ParameterDescription %v", m.ParameterOIDs)
	case *pgproto3.NegotiateProtocolVersion:
		return fmt.Sprintf("NegotiateProtocolVersion %d %v", m.NewestMinorProtocol, m.UnrecognizedOptions)
	case *pgproto3.CopyInResponse:
		return fmt.Sprintf("CopyInResponse %d %v", m.OverallFormat, m.ColumnFormatCodes)
	case *pgproto3.CopyOutResponse:
		return fmt.Sprintf("CopyOutResponse %d %v", m.OverallFormat, m.ColumnFormatCodes)
	case *pgproto3.CopyData:
		return fmt.Sprintf("CopyData %q", m.Data)
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", msg), "*pgproto3.")
}

// memConn is a net.Conn that reads a fixed byte stream and discards (or
// collects) what is written, for fuzzing and allocation tests.
type memConn struct {
	r      io.Reader
	w      io.Writer
	mu     sync.Mutex
	closed bool
}

func newMemConn(in []byte, out io.Writer) *memConn {
	if out == nil {
		out = io.Discard
	}
	return &memConn{r: bytes.NewReader(in), w: out}
}

func (m *memConn) Read(p []byte) (int, error)  { return m.r.Read(p) }
func (m *memConn) Write(p []byte) (int, error) { return m.w.Write(p) }
func (m *memConn) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	return nil
}
func (m *memConn) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}
func (m *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (m *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "mem" }
