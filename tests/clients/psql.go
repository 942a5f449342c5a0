package clients

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// psqlTimeout bounds one psql run.
const psqlTimeout = 3 * time.Minute

// Psql runs psql against one server.
type Psql struct {
	Bin  string // path of the psql binary
	Host string
	Port uint16
	User string
	DB   string
}

// NewPsql returns a Psql for the server a connection string names.
func NewPsql(connString string) (*Psql, error) {
	bin, err := exec.LookPath("psql")
	if err != nil {
		return nil, fmt.Errorf("psql is not on PATH (scripts/deps.sh installs it): %w", err)
	}
	cfg, err := pgconn.ParseConfig(connString)
	if err != nil {
		return nil, err
	}
	return &Psql{Bin: bin, Host: cfg.Host, Port: cfg.Port, User: cfg.User, DB: cfg.Database}, nil
}

// Run runs psql -X -A -t with ON_ERROR_STOP and the given arguments (usually
// -c or -f), feeding it stdin, and returns what it printed on stdout. A
// non-zero exit, or anything on stderr, is an error that quotes stderr.
func (p *Psql) Run(ctx context.Context, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, psqlTimeout)
	defer cancel()
	full := append([]string{
		"-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
		"-h", p.Host, "-p", fmt.Sprint(p.Port), "-U", p.User, "-d", p.DB,
	}, args...)
	cmd := exec.CommandContext(ctx, p.Bin, full...)
	cmd.Env = append(cmd.Environ(), "PGCONNECT_TIMEOUT=10", "PGSSLMODE=disable")
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stderr.Len() > 0 {
		return stdout.String(), fmt.Errorf("psql %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), nil
}
