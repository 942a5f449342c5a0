package testserver

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Exec runs statements that must succeed on conn; a failure ends the test,
// naming the statement and the SQLSTATE.
func Exec(t testing.TB, conn *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, s := range sqls {
		if _, err := conn.Exec(context.Background(), s); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) {
				t.Fatalf("%s: %s (%s)", s, pe.Message, pe.Code)
			}
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// EnvInt returns the environment variable name as a number of at least
// min, or def when it is unset; anything else ends the test.
func EnvInt(t testing.TB, name string, def, min int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min {
		t.Fatalf("%s=%q: want a number of at least %d", name, s, min)
	}
	return n
}
