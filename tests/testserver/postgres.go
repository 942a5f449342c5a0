package testserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// PostgresEnv names the environment variable holding the URL of the private
// PostgreSQL (its maintenance database) that scripts/integration.sh starts.
const PostgresEnv = "FRESHET_TEST_PG"

// Postgres creates a new database t_<random> on the private PostgreSQL and
// returns a connection string for it; the database is dropped (WITH (FORCE))
// at the end of the test. Without FRESHET_TEST_PG the test fails, telling the
// reader to run `make test`: tests that need PostgreSQL never skip.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Fatalf("testserver: %s is not set: this test needs the private PostgreSQL that "+
			"`make test` starts (or `make integration`, which runs only the integration tests)", PostgresEnv)
	}
	cfg, err := pgconn.ParseConfig(admin)
	if err != nil {
		t.Fatalf("testserver: %s=%q: %v", PostgresEnv, admin, err)
	}
	name := "t_" + randomHex(6)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("testserver: connect to the private PostgreSQL (%s): %v; is it running? `make test` starts it", admin, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testserver: CREATE DATABASE %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("testserver: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("testserver: DROP DATABASE %s: %v", name, err)
		}
	})

	parts := []string{
		"host=" + quoteConnValue(cfg.Host),
		fmt.Sprintf("port=%d", cfg.Port),
		"user=" + quoteConnValue(cfg.User),
		"dbname=" + name,
		"sslmode=disable",
	}
	if cfg.Password != "" {
		parts = append(parts, "password="+quoteConnValue(cfg.Password))
	}
	return strings.Join(parts, " ")
}

// quoteConnValue quotes a value for a keyword=value connection string.
func quoteConnValue(v string) string {
	v = strings.ReplaceAll(v, `\`, `\\`)
	v = strings.ReplaceAll(v, `'`, `\'`)
	return "'" + v + "'"
}

// randomHex returns 2n random lower-case hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b)
}
