package pgwire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Server accepts Postgres client connections and serves each on its own
// goroutine. A Server serves one listener once: create it with New, start it
// with Run or Serve, stop it with Close or by cancelling the context given to
// Run / Serve. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	log  *slog.Logger

	// ctx is the parent of every connection's context; cancel ends them all.
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	ln      net.Listener
	started bool
	closed  bool
	conns   map[uint32]*conn // by process ID, including those still in startup
	nextPID uint32
	wg      sync.WaitGroup // one per connection goroutine
}

// New returns a Server for opts, after filling in its defaults. It does not
// listen yet.
func New(opts Options) (*Server, error) {
	if err := opts.EnsureDefaults(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Server{
		opts:   opts,
		log:    opts.Logger,
		ctx:    ctx,
		cancel: cancel,
		conns:  make(map[uint32]*conn),
	}, nil
}

// Run listens on Options.Addr and serves until ctx is cancelled or Close is
// called; see Serve.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("pgwire: %w", err)
	}
	return s.Serve(ctx, ln)
}

// Serve accepts connections on ln until ctx is cancelled, Close is called or
// ln fails. Whatever ends it, Serve closes the server (the listener and every
// connection) and returns once no connection goroutine is left. It returns
// nil after a cancellation or Close, and the listener's error otherwise. The
// Server takes ownership of ln. Serve may be called only once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		_ = ln.Close()
		return errors.New("pgwire: Serve called on a server already started or closed")
	}
	s.started = true
	s.ln = ln
	s.mu.Unlock()
	s.log.Info("pgwire listening", "addr", ln.Addr().String())

	stop := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-stop:
		}
	}()

	err := s.acceptLoop(ln)
	close(stop)
	<-watched
	_ = s.Close()
	return err
}

// acceptLoop accepts connections until the listener fails. It returns nil
// when the failure is the server closing it.
func (s *Server) acceptLoop(ln net.Listener) error {
	var backoff time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("pgwire accept failed; retrying", "err", err, "backoff", backoff)
				time.Sleep(backoff)
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		backoff = 0
		s.start(nc)
	}
}

// isTemporary reports whether an accept error is worth retrying (too many
// open files and the like).
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

// start registers nc and serves it on a new goroutine, unless the server is
// closing.
func (s *Server) start(nc net.Conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = nc.Close()
		return
	}
	c := s.newConnLocked(nc)
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		c.serve()
	}()
}

// newConnLocked creates the conn for nc with a fresh process ID and secret
// and registers it. s.mu must be held.
func (s *Server) newConnLocked(nc net.Conn) *conn {
	for {
		s.nextPID++
		if s.nextPID == 0 || s.nextPID > 1<<31-1 {
			s.nextPID = 1
		}
		if _, used := s.conns[s.nextPID]; !used {
			break
		}
	}
	c := newConn(s, nc, s.nextPID, newSecret())
	s.conns[c.pid] = c
	return c
}

// forget removes c from the registry once its goroutine ends.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	if s.conns[c.pid] == c {
		delete(s.conns, c.pid)
	}
	s.mu.Unlock()
}

// Addr returns the address the server listens on, or nil before Serve or
// Run has its listener.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops accepting, cancels every running statement, closes every
// connection and waits until all connection goroutines have ended (each
// closes its Session). It may be called more than once and concurrently;
// every call returns after the shutdown is complete.
func (s *Server) Close() error {
	s.mu.Lock()
	var err error
	if !s.closed {
		s.closed = true
		s.cancel()
		if s.ln != nil {
			err = s.ln.Close()
		}
		for _, c := range s.conns {
			c.abort()
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
