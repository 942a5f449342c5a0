package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"sync"
)

// newSecret returns a random cancel key for BackendKeyData. Protocol 3.0
// carries 4 bytes of it.
func newSecret() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return binary.BigEndian.Uint32(b[:])
}

// cancelRequest handles a CancelRequest for process pid: when pid names a
// live connection and secret matches its key, the statement running there is
// cancelled. As in Postgres, a wrong key or an idle connection is silently
// ignored and the requester gets no reply.
func (s *Server) cancelRequest(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.conns[pid]
	s.mu.Unlock()
	if c == nil || len(secret) != 4 {
		s.log.Debug("pgwire cancel request for no connection", "conn", pid)
		return
	}
	var want [4]byte
	binary.BigEndian.PutUint32(want[:], c.secret)
	if subtle.ConstantTimeCompare(want[:], secret) != 1 {
		s.log.Debug("pgwire cancel request with a wrong key", "conn", pid)
		return
	}
	c.query.cancel()
}

// queryCancel holds the cancel function of the statement running on a
// connection, so that a CancelRequest from another goroutine can reach it.
type queryCancel struct {
	mu        sync.Mutex
	stop      context.CancelFunc // nil when no statement runs
	requested bool               // a CancelRequest stopped the current statement
}

// begin returns the context for a statement derived from parent and makes
// it the one a CancelRequest cancels. end must be called when the statement
// is over.
func (q *queryCancel) begin(parent context.Context) context.Context {
	ctx, stop := context.WithCancel(parent)
	q.mu.Lock()
	q.stop = stop
	q.requested = false
	q.mu.Unlock()
	return ctx
}

// end releases the current statement's context.
func (q *queryCancel) end() {
	q.mu.Lock()
	if q.stop != nil {
		q.stop()
		q.stop = nil
	}
	q.mu.Unlock()
}

// cancel cancels the running statement, if any.
func (q *queryCancel) cancel() {
	q.mu.Lock()
	if q.stop != nil {
		q.stop()
		q.requested = true
	}
	q.mu.Unlock()
}

// wasRequested reports whether the last statement was cancelled by a
// CancelRequest.
func (q *queryCancel) wasRequested() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.requested
}
