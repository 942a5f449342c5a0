package storage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
)

// recordingHandler keeps the messages of every record it handles.
type recordingHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) has(prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if strings.HasPrefix(m, prefix) {
			return true
		}
	}
	return false
}

// captureOutput redirects os.Stdout, os.Stderr and the standard logger for
// the duration of f and returns what was written to them.
func captureOutput(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	var std bytes.Buffer
	log.SetOutput(&std)
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	defer func() {
		os.Stdout, os.Stderr = stdout, stderr
		log.SetOutput(os.Stderr)
	}()
	f()
	_ = w.Close()
	return <-out + std.String()
}

func TestPebbleLogsGoThroughSlog(t *testing.T) {
	h := &recordingHandler{}
	printed := captureOutput(t, func() {
		s, err := Open(Options{Dir: t.TempDir(), Logger: slog.New(h)})
		if err != nil {
			t.Fatal(err)
		}
		mustSet(t, s, "k", "v")
		if err := s.db.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Compact(context.Background(), []byte("a"), []byte("z"), true); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	})
	if printed != "" {
		t.Fatalf("storage printed outside slog:\n%s", printed)
	}
	for _, want := range []string{"pebble flush", "pebble compaction"} {
		if !h.has(want) {
			t.Errorf("no %q record in %q", want, h.msgs)
		}
	}
}

func TestPebbleLoggerLevels(t *testing.T) {
	var buf bytes.Buffer
	l := pebbleLogger{l: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelError}))}
	l.Infof("hidden %d", 1)
	l.Errorf("shown %d", 2)
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "level=ERROR msg=\"shown 2\"") {
		t.Fatalf("log output %q", got)
	}
}

func TestDataCorruptionEventIsNotFatal(t *testing.T) {
	// Pebble's default DataCorruption handler calls Fatalf; ours logs.
	h := &recordingHandler{}
	eventListener(slog.New(h)).DataCorruption(pebble.DataCorruptionInfo{
		Path: "000001.sst", Details: errors.New("bad checksum"),
	})
	if !h.has("pebble data corruption") {
		t.Fatalf("records %q", h.msgs)
	}
}
