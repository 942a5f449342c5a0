package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// server is a Freshet server process started for one run, on loopback
// ports of its own and a fresh data directory.
type server struct {
	cmd     *exec.Cmd
	dir     string
	pgAddr  string
	webAddr string
	log     *os.File
	stopped bool
}

// startServer starts bin with a new data directory under tmp and waits
// until it accepts connections.
func startServer(ctx context.Context, bin, tmp string, extra []string) (*server, error) {
	dir, err := os.MkdirTemp(tmp, "freshet-nexmark-")
	if err != nil {
		return nil, err
	}
	pgAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	webAddr, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, err
	}
	args := append([]string{"server", "--data-dir", filepath.Join(dir, "data"), "--listen", pgAddr, "--http-listen", webAddr}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &server{cmd: cmd, dir: dir, pgAddr: pgAddr, webAddr: webAddr, log: log}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := s.connect(ctx)
		if err == nil {
			conn.Close(ctx)
			return s, nil
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			s.stop()
			return nil, fmt.Errorf("the server did not accept connections within 30 s (log: %s): %w", log.Name(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// freePort returns a loopback address with a port the kernel picked.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// connect opens a connection to the server.
func (s *server) connect(ctx context.Context) (*pgx.Conn, error) {
	host, port, _ := net.SplitHostPort(s.pgAddr)
	return pgx.Connect(ctx, fmt.Sprintf("postgres://freshet@%s:%s/dev?sslmode=disable", host, port))
}

// stop ends the server and removes its data directory.
func (s *server) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	s.log.Close()
	_ = os.RemoveAll(s.dir)
}

// cpuSeconds is the CPU time (user and system) the server has used.
func (s *server) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat has %d fields", s.cmd.Process.Pid, len(f))
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: utime %q, stime %q", s.cmd.Process.Pid, f[11], f[12])
	}
	// Clock ticks: 100 per second on Linux.
	return (utime + stime) / 100, nil
}

// cpuSampler reads the server's CPU time every interval, so that the CPU
// time at the moment a run ended can be known after the wait that saw it
// end.
type cpuSampler struct {
	done    chan struct{}
	stopped chan struct{}
	times   []time.Time
	cpus    []float64
}

// sampleCPU starts sampling the server's CPU time.
func (s *server) sampleCPU(interval time.Duration) *cpuSampler {
	c := &cpuSampler{done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(c.stopped)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if v, err := s.cpuSeconds(); err == nil {
				c.times, c.cpus = append(c.times, time.Now()), append(c.cpus, v)
			}
			select {
			case <-c.done:
				return
			case <-tick.C:
			}
		}
	}()
	return c
}

// stop ends the sampling.
func (c *cpuSampler) stop() {
	close(c.done)
	<-c.stopped
}

// at returns the CPU time of the first sample taken at or after t (the
// last one if none was).
func (c *cpuSampler) at(t time.Time) float64 {
	for i, st := range c.times {
		if !st.Before(t) {
			return c.cpus[i]
		}
	}
	return c.cpus[len(c.cpus)-1]
}

// peakRSS is the server's peak resident set size in bytes (VmHWM).
func (s *server) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
}

// histogram is a cumulative Prometheus histogram: bounds and counts.
type histogram struct {
	bounds []float64
	counts []float64
}

// freshness reads the server's freshet_source_freshness_seconds
// histogram from /metrics.
func (s *server) freshness(ctx context.Context) (histogram, error) {
	var h histogram
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.webAddr+"/metrics", nil)
	if err != nil {
		return h, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return h, fmt.Errorf("read /metrics: %w", err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	const prefix = `freshet_source_freshness_seconds_bucket{le="`
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), prefix)
		if !ok {
			continue
		}
		le, count, ok := strings.Cut(rest, `"} `)
		if !ok {
			continue
		}
		bound, err1 := strconv.ParseFloat(le, 64)
		n, err2 := strconv.ParseFloat(count, 64)
		if err1 != nil || err2 != nil {
			return h, fmt.Errorf("/metrics: cannot read bucket line %q", sc.Text())
		}
		h.bounds = append(h.bounds, bound)
		h.counts = append(h.counts, n)
	}
	if err := sc.Err(); err != nil {
		return h, err
	}
	if len(h.bounds) == 0 {
		return h, fmt.Errorf("/metrics has no freshet_source_freshness_seconds histogram")
	}
	return h, nil
}

// minus returns the counts of h not in before (a reading taken earlier).
func (h histogram) minus(before histogram) histogram {
	out := histogram{bounds: h.bounds, counts: make([]float64, len(h.counts))}
	for i := range h.counts {
		out.counts[i] = h.counts[i]
		if i < len(before.counts) {
			out.counts[i] -= before.counts[i]
		}
	}
	return out
}

// quantile returns the q-quantile in seconds, interpolated linearly in its
// bucket as Prometheus's histogram_quantile does; NaN when empty.
func (h histogram) quantile(q float64) float64 {
	if len(h.counts) == 0 || h.counts[len(h.counts)-1] == 0 {
		return math.NaN()
	}
	rank := q * h.counts[len(h.counts)-1]
	for i, c := range h.counts {
		if c < rank {
			continue
		}
		if math.IsInf(h.bounds[i], 1) {
			return h.bounds[i-1]
		}
		lo, below := 0.0, 0.0
		if i > 0 {
			lo, below = h.bounds[i-1], h.counts[i-1]
		}
		if c == below {
			return h.bounds[i]
		}
		return lo + (h.bounds[i]-lo)*(rank-below)/(c-below)
	}
	return h.bounds[len(h.bounds)-1]
}
