package testserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Timeouts for starting and stopping a server.
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 30 * time.Second
)

// User and Database are what Conn and ConnString connect as.
const (
	User     = "freshet"
	Database = "dev"
)

// Server is a Freshet server process started by Start. Its methods must be
// called from the test's goroutine. The process is stopped at the end of the
// test (SIGTERM), and the test fails if it then exits with a non-zero status.
type Server struct {
	// Addr is the Postgres protocol address, 127.0.0.1:port.
	Addr string
	// HTTPAddr is the HTTP address (/healthz, /metrics), 127.0.0.1:port.
	HTTPAddr string
	// DataDir is the server's data directory; it survives Restart and Kill and
	// is removed at the end of the test.
	DataDir string

	bin     string
	logPath string
	proc    *process
}

// process is one run of the server binary.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when Wait returns
	err  error         // Wait's result, valid after done is closed
}

// Start starts a server with a fresh data directory on free loopback ports and
// waits until /healthz answers 200. It fails the test if the server cannot be
// built or does not become healthy within 30s, printing the server's log.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		bin:     Binary(t),
		DataDir: t.TempDir(),
		logPath: filepath.Join(t.TempDir(), "freshet.log"),
	}
	t.Cleanup(func() { s.cleanup(t) })
	const attempts = 3
	for i := 1; ; i++ {
		s.Addr, s.HTTPAddr = freeAddr(t), freeAddr(t)
		err := s.start()
		if err == nil {
			return s
		}
		// Another process may have taken a port between freeAddr and the bind.
		if i < attempts && strings.Contains(s.logTail(20), "address already in use") {
			continue
		}
		t.Fatalf("testserver: %v\nserver log (%s):\n%s", err, s.logPath, s.logTail(50))
	}
}

// ConnString returns a Postgres connection URL for the server.
func (s *Server) ConnString() string {
	return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", User, s.Addr, Database)
}

// Conn opens a pgx connection to the server, closed at the end of the test.
func (s *Server) Conn(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.ConnString())
	if err != nil {
		t.Fatalf("testserver: connect to %s: %v", s.Addr, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Restart stops the server (SIGTERM, failing the test on a non-zero exit) if it
// is running and starts it again on the same ports and data directory.
// Connections opened before are broken; open new ones.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	if s.proc != nil {
		if err := s.stop(); err != nil {
			t.Fatalf("testserver: %v\nserver log:\n%s", err, s.logTail(50))
		}
	}
	if err := s.start(); err != nil {
		t.Fatalf("testserver: restart: %v\nserver log:\n%s", err, s.logTail(50))
	}
}

// Kill ends the server with SIGKILL, as a crash would, and waits for it to go.
// Restart brings it back on the same data directory.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	if s.proc == nil {
		t.Fatalf("testserver: Kill: server is not running")
	}
	_ = s.proc.cmd.Process.Signal(syscall.SIGKILL)
	<-s.proc.done
	s.proc = nil
}

// start runs the binary and waits for /healthz.
func (s *Server) start() error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "--- testserver: start %s\n", time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(s.bin, "server",
		"--listen", s.Addr,
		"--http-listen", s.HTTPAddr,
		"--data-dir", s.DataDir)
	cmd.Stdout = logf
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", s.bin, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.proc = p

	client := &http.Client{Timeout: time.Second}
	url := "http://" + s.HTTPAddr + "/healthz"
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-p.done:
			s.proc = nil
			return fmt.Errorf("server exited during start-up: %v", p.err)
		default:
		}
		// Another server may have taken the port between freeAddr and
		// the bind: only this process's answer counts.
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && resp.Header.Get("X-Freshet-Pid") == strconv.Itoa(cmd.Process.Pid) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-p.done
			s.proc = nil
			return fmt.Errorf("%s did not answer 200 within %v", url, startTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits; it reports a non-zero exit or a hang (after
// which the process is killed).
func (s *Server) stop() error {
	p := s.proc
	s.proc = nil
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("server did not exit within %v of SIGTERM", stopTimeout)
	}
	if p.err != nil {
		return fmt.Errorf("server exited with %v after SIGTERM", p.err)
	}
	return nil
}

// cleanup stops the server at the end of the test.
func (s *Server) cleanup(t testing.TB) {
	if s.proc != nil {
		if err := s.stop(); err != nil {
			t.Errorf("testserver: %v", err)
		}
	}
	if t.Failed() {
		t.Logf("testserver: server log (%s), last lines:\n%s", s.logPath, s.logTail(100))
	}
}

// logTail returns the last n lines of the server's log.
func (s *Server) logTail(n int) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		t.Fatalf("testserver: %v", err)
	}
	return addr
}
