package bench

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The benchmark tables. Fact tables have five columns and a bigint primary
// key; k joins them to the dimension table d (ids 1..dimRows).
const (
	factColumns = "(id bigint PRIMARY KEY, k integer NOT NULL, x bigint, s text, ts timestamp)"
	scanRows    = 100_000
	dimRows     = 1_000
)

// rowReader is an io.Reader of generated rows of a fact table in COPY's text
// format: rows first..first+n-1, each a pure function of its id, made on the
// fly so the client side costs little and allocates nothing per row.
type rowReader struct {
	next, end int
	buf       []byte
	off       int
}

func newRowReader(first, n int) *rowReader {
	return &rowReader{next: first, end: first + n, buf: make([]byte, 0, 64<<10)}
}

// Read implements io.Reader.
func (r *rowReader) Read(p []byte) (int, error) {
	if r.off == len(r.buf) {
		if r.next == r.end {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		for r.next < r.end && len(r.buf) < cap(r.buf)-128 {
			r.buf = appendRow(r.buf, r.next)
			r.next++
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// appendRow appends row id of a fact table as a COPY text line.
func appendRow(b []byte, id int) []byte {
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(dimKey(id)), 10)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64((id*31)%100_003), 10)
	b = append(b, "\tname-"...)
	b = strconv.AppendInt(b, int64(id%1000), 10)
	b = append(b, "\t2024-01-"...)
	b = append2(b, 1+id%28)
	b = append(b, ' ')
	b = append2(b, id%24)
	b = append(b, ':')
	b = append2(b, (id/24)%60)
	b = append(b, ':')
	b = append2(b, (id/1440)%60)
	return append(b, '\n')
}

// dimKey is the dimension row that fact row id refers to.
func dimKey(id int) int { return (id*7919)%dimRows + 1 }

// append2 appends v (0..99) as two digits.
func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

// copyRows loads rows first..first+n-1 into table with COPY FROM STDIN in
// text format and checks the row count the server reports.
func copyRows(ctx context.Context, conn *pgx.Conn, table string, first, n int) error {
	tag, err := conn.PgConn().CopyFrom(ctx, newRowReader(first, n), "COPY "+table+" FROM STDIN")
	if err != nil {
		return fmt.Errorf("COPY %s: %w", table, err)
	}
	if got := tag.RowsAffected(); got != int64(n) {
		return fmt.Errorf("COPY %s: %d rows, want %d", table, got, n)
	}
	return nil
}

// fixture holds the tables the read benchmarks share: t (scanRows rows) and d
// (dimRows rows), loaded once per process.
var fixture struct {
	once sync.Once
	err  error
}

// loadFixture creates and fills t and d unless an earlier benchmark did.
func loadFixture(b *testing.B) {
	b.Helper()
	conn := connect(b)
	fixture.once.Do(func() {
		ctx := context.Background()
		for _, s := range []string{
			"CREATE TABLE t " + factColumns,
			"CREATE TABLE d (id integer PRIMARY KEY, grp integer NOT NULL, name text)",
			"INSERT INTO d SELECT g, g % 10, 'dim-' || g FROM generate_series(1, 1000) g",
		} {
			if _, err := conn.Exec(ctx, s); err != nil {
				fixture.err = err
				return
			}
		}
		fixture.err = copyRows(ctx, conn, "t", 1, scanRows)
	})
	if fixture.err != nil {
		b.Fatalf("load fixture: %v", fixture.err)
	}
}
