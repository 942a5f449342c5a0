package storage

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2"
)

// pebbleLogger is a pebble.Logger that writes through slog, so that Pebble
// never prints to stdout or to the standard log package.
//
// Fatalf logs at error level and then panics with a *fatalError: Pebble
// assumes Fatalf does not return. Store.Commit and Open recover that panic
// and return an error; anywhere else it ends the process, as Pebble's
// default logger (log.Fatalf) would.
type pebbleLogger struct {
	l *slog.Logger
}

// Infof logs at info level.
func (p pebbleLogger) Infof(format string, args ...any) {
	p.log(slog.LevelInfo, format, args)
}

// Errorf logs at error level.
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.log(slog.LevelError, format, args)
}

// Fatalf logs at error level and panics with a *fatalError.
func (p pebbleLogger) Fatalf(format string, args ...any) {
	p.log(slog.LevelError, format, args)
	panic(newFatalError(format, args))
}

func (p pebbleLogger) log(level slog.Level, format string, args []any) {
	ctx := context.Background()
	if !p.l.Enabled(ctx, level) {
		return
	}
	p.l.Log(ctx, level, fmt.Sprintf(format, args...))
}

// eventListener returns the Pebble events Freshet logs: errors and stalls
// at error and warning level, flushes and compactions at debug level. Data
// corruption is logged, not fatal: the read that found it returns an XX001
// error instead.
func eventListener(l *slog.Logger) *pebble.EventListener {
	ctx := context.Background()
	debug := func(msg string, info fmt.Stringer) {
		if l.Enabled(ctx, slog.LevelDebug) {
			l.Debug(msg, "info", info.String())
		}
	}
	return &pebble.EventListener{
		BackgroundError: func(err error) {
			l.Error("pebble background error", "err", err)
		},
		DataCorruption: func(info pebble.DataCorruptionInfo) {
			l.Error("pebble data corruption", "path", info.Path, "err", info.Details)
		},
		DiskSlow: func(info pebble.DiskSlowInfo) {
			l.Warn("disk slow", "path", info.Path, "op", info.OpType.String(), "duration", info.Duration)
		},
		WriteStallBegin: func(info pebble.WriteStallBeginInfo) {
			l.Warn("pebble write stall", "reason", info.Reason)
		},
		WriteStallEnd: func() {
			l.Info("pebble write stall ended")
		},
		FlushEnd: func(info pebble.FlushInfo) {
			debug("pebble flush", info)
		},
		CompactionEnd: func(info pebble.CompactionInfo) {
			debug("pebble compaction", info)
		},
	}
}
