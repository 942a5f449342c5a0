package pgwire

import (
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"
)

// encodeMessages returns the wire bytes of a client message stream.
func encodeMessages(t testing.TB, msgs ...pgproto3.FrontendMessage) []byte {
	var out []byte
	for _, m := range msgs {
		var err error
		if out, err = m.Encode(out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

var fuzzStartup = &pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30,
	Parameters: map[string]string{"user": "fuzz"}}

// FuzzMessages feeds arbitrary bytes to a connection as the client's
// message stream, after a valid startup (even mode) or from the very first
// byte (odd mode), and checks that the server never panics, ends the
// connection when the stream ends, and closes the session.
func FuzzMessages(f *testing.F) {
	seeds := [][]pgproto3.FrontendMessage{
		{&pgproto3.Query{String: "rows 2; create; fail 22012 x; rows 1"}},
		{&pgproto3.Query{String: ""}, &pgproto3.Query{String: "bogus"}, &pgproto3.Terminate{}},
		{&pgproto3.Parse{Name: "s", Query: "echo int4 text", ParameterOIDs: []uint32{23}},
			&pgproto3.Describe{ObjectType: 'S', Name: "s"},
			&pgproto3.Bind{DestinationPortal: "p", PreparedStatement: "s", ParameterFormatCodes: []int16{1, 0},
				Parameters: [][]byte{{0, 0, 0, 7}, []byte("x")}, ResultFormatCodes: []int16{1}},
			&pgproto3.Describe{ObjectType: 'P', Name: "p"},
			&pgproto3.Execute{Portal: "p", MaxRows: 1},
			&pgproto3.Close{ObjectType: 'P', Name: "p"},
			&pgproto3.Sync{}},
		{&pgproto3.Parse{Query: "rows 5"}, &pgproto3.Bind{}, &pgproto3.Execute{MaxRows: 2},
			&pgproto3.Execute{MaxRows: 2}, &pgproto3.Flush{}, &pgproto3.Execute{}, &pgproto3.Sync{}},
		{&pgproto3.Parse{Query: "fail 22012 x"}, &pgproto3.Bind{}, &pgproto3.Execute{},
			&pgproto3.Execute{}, &pgproto3.Sync{}, &pgproto3.Query{String: "begin; sleep"}},
		{&pgproto3.Query{String: "COPY t FROM STDIN"}, &pgproto3.CopyData{Data: []byte("1\ta\n")},
			&pgproto3.CopyDone{}, &pgproto3.Query{String: "COPY t FROM STDIN"}, &pgproto3.CopyFail{Message: "no"},
			&pgproto3.Query{String: "COPY t TO STDOUT"}},
		{&pgproto3.Query{String: "notice; set a b; plainfail"}, &pgproto3.FunctionCall{Function: 1}},
	}
	for _, seed := range seeds {
		f.Add(byte(0), encodeMessages(f, seed...))
	}
	f.Add(byte(1), encodeMessages(f, &pgproto3.SSLRequest{}, &pgproto3.GSSEncRequest{}, fuzzStartup,
		&pgproto3.Query{String: "rows 1"}))
	f.Add(byte(1), encodeMessages(f, &pgproto3.CancelRequest{ProcessID: 1, SecretKey: []byte{1, 2, 3, 4}}))

	startup := encodeMessages(f, fuzzStartup)
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		h := newFakeHandler()
		h.noSleep = true
		s, err := New(Options{Handler: h, MaxMessageSize: 1 << 16})
		if err != nil {
			t.Fatal(err)
		}
		in := data
		if mode%2 == 0 {
			in = append(append([]byte(nil), startup...), data...)
		}
		mc := newMemConn(in, nil)
		s.mu.Lock()
		c := s.newConnLocked(mc)
		s.mu.Unlock()
		c.serve()
		if !mc.isClosed() {
			t.Error("connection not closed")
		}
		if n := len(s.conns); n != 0 {
			t.Errorf("%d connections still registered", n)
		}
		if n := h.openSessions(); n != 0 {
			t.Errorf("%d sessions left open", n)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
}
