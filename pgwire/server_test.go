package pgwire

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
)

func TestStartup(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	if got := c.ParameterStatus("server_version"); got != "15.0" {
		t.Errorf("server_version = %q", got)
	}
	if c.PID() == 0 || len(c.SecretKey()) != 4 {
		t.Errorf("pid %d, secret %x", c.PID(), c.SecretKey())
	}
	if c.TxStatus() != 'I' {
		t.Errorf("TxStatus = %c", c.TxStatus())
	}

	r := ts.dialRaw(t)
	r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"user": "bob"}})
	want := []string{
		"AuthenticationOk",
		"ParameterStatus DateStyle=ISO, MDY",
		"ParameterStatus TimeZone=UTC",
		"ParameterStatus client_encoding=UTF8",
		"ParameterStatus integer_datetimes=on",
		"ParameterStatus server_encoding=UTF8",
		"ParameterStatus server_version=15.0",
		"BackendKeyData",
		"ReadyForQuery I",
	}
	if got := r.untilReady(); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestStartupErrors(t *testing.T) {
	ts := startServer(t, Options{})

	r := ts.dialRaw(t)
	r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
		Parameters: map[string]string{"database": "db"}})
	if got, want := r.recv(), "ErrorResponse FATAL 28000 no PostgreSQL user name specified in startup packet"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	r.expectClosed()

	_, err := pgconn.Connect(testCtx(t), ts.connString("")+"&database=nodb")
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" || pgErr.Severity != "FATAL" {
		t.Errorf("connect to nodb: %v", err)
	}

	r = ts.dialRaw(t)
	r.sendRaw([]byte{0, 0, 0, 8, 0, 2, 0, 0}) // protocol 2.0
	if got := r.recv(); !strings.HasPrefix(got, "ErrorResponse FATAL 08P01 invalid startup packet") {
		t.Errorf("got %q", got)
	}
	r.expectClosed()
}

// TestEncryptionDeclined checks that SSLRequest and GSSENCRequest get 'N'
// and that the startup then goes on over the same connection.
func TestEncryptionDeclined(t *testing.T) {
	ts := startServer(t, Options{})
	for _, reqs := range [][]pgproto3.FrontendMessage{
		{&pgproto3.SSLRequest{}},
		{&pgproto3.GSSEncRequest{}},
		{&pgproto3.GSSEncRequest{}, &pgproto3.SSLRequest{}},
	} {
		r := ts.dialRaw(t)
		for _, req := range reqs {
			r.send(req)
			b := make([]byte, 1)
			if _, err := r.nc.Read(b); err != nil || b[0] != 'N' {
				t.Fatalf("reply to %T: %q %v", req, b, err)
			}
		}
		r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
			Parameters: map[string]string{"user": "alice"}})
		if got := r.untilReady(); got[0] != "AuthenticationOk" {
			t.Fatalf("startup: %q", got)
		}
		r.send(&pgproto3.Query{String: "rows 1"})
		if got := r.untilReady(); len(got) != 4 {
			t.Errorf("query: %q", got)
		}
	}

	r := ts.dialRaw(t)
	r.send(&pgproto3.SSLRequest{})
	b := make([]byte, 1)
	if _, err := r.nc.Read(b); err != nil {
		t.Fatal(err)
	}
	r.send(&pgproto3.SSLRequest{})
	if got := r.recv(); got != "ErrorResponse FATAL 08P01 duplicate SSLRequest in startup" {
		t.Errorf("second SSLRequest: %q", got)
	}

	// pgx with sslmode=prefer asks for SSL first and falls back to plain.
	c, err := pgx.Connect(testCtx(t), "postgres://alice@"+ts.addr+"/db?sslmode=prefer")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var n int64
	if err := c.QueryRow(testCtx(t), "rows 1").Scan(&n, new(string)); err != nil || n != 1 {
		t.Errorf("query over prefer: %d %v", n, err)
	}
}

func TestNegotiateProtocolVersion(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.dialRaw(t)
	r.send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion32,
		Parameters: map[string]string{"user": "alice", "_pq_.b": "1", "_pq_.a": "2"}})
	if got, want := r.recv(), "NegotiateProtocolVersion 0 [_pq_.a _pq_.b]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := r.untilReady(); got[0] != "AuthenticationOk" {
		t.Errorf("startup: %q", got)
	}

	c, err := pgconn.Connect(testCtx(t), ts.connString("&max_protocol_version=3.2"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	if len(c.SecretKey()) != 4 {
		t.Errorf("secret key %x", c.SecretKey())
	}
	if _, err := c.Exec(testCtx(t), "rows 2").ReadAll(); err != nil {
		t.Error(err)
	}
}

func TestProtocolViolation(t *testing.T) {
	ts := startServer(t, Options{MaxMessageSize: 1000})

	r := ts.connectRaw(t)
	r.sendRaw([]byte{'Z', 0, 0, 0, 4})
	if got := r.recv(); got != "ErrorResponse FATAL 08P01 invalid frontend message type 90" {
		t.Errorf("unknown type: %q", got)
	}
	r.expectClosed()

	r = ts.connectRaw(t)
	r.sendRaw([]byte{'Q', 0, 0, 0x10, 0})
	if got := r.recv(); got != "ErrorResponse FATAL 08P01 message of 4092 bytes exceeds the limit of 1000 bytes" {
		t.Errorf("long message: %q", got)
	}
	r.expectClosed()

	r = ts.connectRaw(t)
	r.sendRaw([]byte{0xe9, 0, 0, 0, 4})
	if got := r.recv(); got != "ErrorResponse FATAL 08P01 invalid frontend message type 233" {
		t.Errorf("unknown type: %q", got)
	}
	r.expectClosed()

	r = ts.connectRaw(t)
	r.send(&pgproto3.PasswordMessage{Password: "x"})
	if got := r.recv(); got != "ErrorResponse FATAL 08P01 invalid frontend message type 112" {
		t.Errorf("password after startup: %q", got)
	}
	r.expectClosed()

	r = ts.connectRaw(t)
	r.sendRaw([]byte{'B', 0, 0, 0, 5, 0}) // Bind cut short
	if got := r.recv(); !strings.HasPrefix(got, "ErrorResponse FATAL 08P01 invalid frontend message: ") {
		t.Errorf("short Bind: %q", got)
	}
	r.expectClosed()
}

// TestSessionPanic: a panic while a statement runs (a bug in the Session)
// ends that connection with a FATAL XX000 that names it; the server goes on
// serving other connections.
func TestSessionPanic(t *testing.T) {
	ts := startServer(t, Options{})
	r := ts.connectRaw(t)
	r.send(&pgproto3.Query{String: "panic"})
	expectMessages(t, []string{r.recv()}, "ErrorResponse FATAL XX000 internal error: a bug in the session")
	r.expectClosed()
	if _, err := ts.pgconn(t).Exec(testCtx(t), "rows 2").ReadAll(); err != nil {
		t.Errorf("after a panic on another connection: %v", err)
	}
}

func TestCancel(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)

	done := make(chan error, 1)
	go func() {
		_, err := c.Exec(context.Background(), "sleep").ReadAll()
		done <- err
	}()
	<-ts.h.sleeping

	// A wrong key is ignored: the server just closes the cancel connection.
	r := ts.dialRaw(t)
	key := binary.BigEndian.Uint32(c.SecretKey()) + 1
	r.send(&pgproto3.CancelRequest{ProcessID: c.PID(), SecretKey: binary.BigEndian.AppendUint32(nil, key)})
	r.expectClosed()
	select {
	case err := <-done:
		t.Fatalf("statement ended by a wrong cancel key: %v", err)
	case <-time.After(50 * time.Millisecond):
	}

	other := ts.pgconn(t) // a second live connection must not be affected
	if err := c.CancelRequest(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	err := <-done
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" || pgErr.Message != "canceling statement due to user request" {
		t.Fatalf("got %v, want 57014", err)
	}
	if _, err := c.Exec(testCtx(t), "rows 1").ReadAll(); err != nil {
		t.Errorf("after cancel: %v", err)
	}
	if _, err := other.Exec(testCtx(t), "rows 1").ReadAll(); err != nil {
		t.Errorf("other connection: %v", err)
	}
}

// TestCloseEndsEverything checks that Close ends idle and busy connections
// and returns only after their sessions are closed.
func TestCloseEndsEverything(t *testing.T) {
	h := newFakeHandler()
	s, err := New(Options{Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(context.Background(), ln) }()
	url := "postgres://alice@" + ln.Addr().String() + "/db"

	idle, err := pgconn.Connect(testCtx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close(context.Background())
	busy, err := pgconn.Connect(testCtx(t), url)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := busy.Exec(context.Background(), "sleep").ReadAll()
		done <- err
	}()
	<-h.sleeping

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := h.openSessions(); n != 0 {
		t.Errorf("%d sessions open after Close", n)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if err := <-done; err == nil {
		t.Error("busy statement succeeded")
	}
	if _, err := idle.Exec(testCtx(t), "rows 1").ReadAll(); err == nil {
		t.Error("idle connection still works")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("still accepting")
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestRunStopsWithContext(t *testing.T) {
	h := newFakeHandler()
	s, err := New(Options{Handler: h, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- s.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for s.Addr() == nil && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if s.Addr() == nil {
		t.Fatal("no address")
	}
	c, err := pgconn.Connect(testCtx(t), "postgres://alice@"+s.Addr().String()+"/db")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run: %v", err)
	}
	if n := h.openSessions(); n != 0 {
		t.Errorf("%d sessions open after Run returned", n)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(context.Background(), ln); err == nil {
		t.Error("second Serve succeeded")
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("listener given to a closed server is not closed: %v", err)
	}
}

type countingObserver struct {
	opened, closed, ok, failed atomic.Int64
}

func (o *countingObserver) ConnOpened() { o.opened.Add(1) }
func (o *countingObserver) ConnClosed() { o.closed.Add(1) }
func (o *countingObserver) Statement(err error) {
	if err != nil {
		o.failed.Add(1)
	} else {
		o.ok.Add(1)
	}
}

func TestObserver(t *testing.T) {
	obs := &countingObserver{}
	ts := startServer(t, Options{Observer: obs})
	c := ts.pgconn(t)
	_, _ = c.Exec(testCtx(t), "rows 1; create; fail 22012 oops; rows 1").ReadAll()
	_, _ = c.Exec(testCtx(t), "bogus").ReadAll()
	_ = c.ExecParams(testCtx(t), "rows 2", nil, nil, nil, nil).Read()
	_ = c.ExecParams(testCtx(t), "preparefail", nil, nil, nil, nil).Read()
	if err := c.Close(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	if o, c := obs.opened.Load(), obs.closed.Load(); o != 1 || c != 1 {
		t.Errorf("opened %d closed %d", o, c)
	}
	if ok, failed := obs.ok.Load(), obs.failed.Load(); ok != 3 || failed != 3 {
		t.Errorf("ok %d failed %d, want 3 and 3", ok, failed)
	}
}

func TestOptionsDefaults(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Error("New without a Handler succeeded")
	}
	o := Options{Handler: newFakeHandler()}
	if err := o.EnsureDefaults(); err != nil {
		t.Fatal(err)
	}
	if o.Addr != DefaultAddr || o.Logger == nil || o.Observer == nil ||
		o.MaxMessageSize != DefaultMaxMessageSize || o.StartupTimeout != DefaultStartupTimeout {
		t.Errorf("defaults not filled: %+v", o)
	}
}
