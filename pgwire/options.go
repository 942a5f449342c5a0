package pgwire

import (
	"errors"
	"log/slog"
	"time"
)

// Defaults for Options fields left at their zero value.
const (
	DefaultAddr           = "127.0.0.1:7432"
	DefaultMaxMessageSize = 128 << 20
	DefaultStartupTimeout = time.Minute
)

// Options configures a Server. Zero fields take the defaults documented on
// each field; Handler is required.
type Options struct {
	// Addr is the TCP address Run listens on. Default DefaultAddr.
	Addr string
	// Logger receives connection events (Debug) and errors (Warn).
	// Default: a logger that discards everything.
	Logger *slog.Logger
	// Handler creates the Session of each connection. Required.
	Handler Handler
	// Observer is told about connections and statements, for metrics.
	// Default: none.
	Observer Observer
	// MaxMessageSize is the largest client message body accepted, in
	// bytes; a larger one is a protocol violation that closes the
	// connection. Default DefaultMaxMessageSize.
	MaxMessageSize int
	// StartupTimeout bounds the time from accepting a connection to the
	// end of its startup handshake, as Postgres' authentication_timeout.
	// Default DefaultStartupTimeout.
	StartupTimeout time.Duration
}

// Observer receives connection and statement events, so that the caller can
// count them (Prometheus counters and gauges). Its methods are called from
// connection goroutines, concurrently, and must be quick and safe for
// concurrent use.
type Observer interface {
	// ConnOpened is called when a connection has completed its startup
	// and has a Session.
	ConnOpened()
	// ConnClosed is called once for each ConnOpened, when that connection
	// ends.
	ConnClosed()
	// Statement is called once for each statement that completes (err nil)
	// or fails, in the simple or the extended protocol. An Execute that
	// stops at its row limit (PortalSuspended) is not a completion.
	Statement(err error)
}

// EnsureDefaults fills zero fields with their defaults. It returns an error
// when a required field is missing or a value is out of range.
func (o *Options) EnsureDefaults() error {
	if o.Handler == nil {
		return errors.New("pgwire: Options.Handler is required")
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	if o.MaxMessageSize < 0 {
		return errors.New("pgwire: Options.MaxMessageSize must not be negative")
	}
	if o.StartupTimeout == 0 {
		o.StartupTimeout = DefaultStartupTimeout
	}
	if o.StartupTimeout < 0 {
		return errors.New("pgwire: Options.StartupTimeout must not be negative")
	}
	return nil
}

// nopObserver is the Observer used when none is given.
type nopObserver struct{}

func (nopObserver) ConnOpened()     {}
func (nopObserver) ConnClosed()     {}
func (nopObserver) Statement(error) {}
