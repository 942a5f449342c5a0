package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// BenchmarkPointSelect measures the latency (ns/op) of SELECT * FROM t WHERE
// id = $1 on the scanRows-row table, in pgx's default mode (a prepared
// statement, binary results), with ids spread over the whole table.
func BenchmarkPointSelect(b *testing.B) {
	loadFixture(b)
	conn := connect(b)
	ctx := context.Background()
	var (
		id, x int64
		k     int32
		s     string
		ts    time.Time
	)
	i := 0
	for b.Loop() {
		want := int64(i*7919%scanRows + 1)
		i++
		if err := conn.QueryRow(ctx, "SELECT * FROM t WHERE id = $1", want).Scan(&id, &k, &x, &s, &ts); err != nil {
			b.Fatal(err)
		}
		if id != want {
			b.Fatalf("got id %d, want %d", id, want)
		}
	}
}

// BenchmarkFullScan reads the whole scanRows-row table per op:
//
//   - count-sum: SELECT count(*), sum(x) FROM t, one row back.
//   - select-all: SELECT * FROM t, every row sent to the client (pgx reads
//     each row but does not decode its values).
//
// rows/s counts table rows scanned.
func BenchmarkFullScan(b *testing.B) {
	loadFixture(b)
	b.Run("count-sum", func(b *testing.B) {
		conn := connect(b)
		ctx := context.Background()
		ops := 0
		for b.Loop() {
			var n int64
			var sum pgtype.Numeric
			if err := conn.QueryRow(ctx, "SELECT count(*), sum(x) FROM t").Scan(&n, &sum); err != nil {
				b.Fatal(err)
			}
			if n != scanRows {
				b.Fatalf("count(*) = %d, want %d", n, scanRows)
			}
			ops++
		}
		reportRowRate(b, ops*scanRows)
	})
	b.Run("select-all", func(b *testing.B) {
		conn := connect(b)
		ctx := context.Background()
		ops := 0
		for b.Loop() {
			rows, err := conn.Query(ctx, "SELECT * FROM t")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			if n != scanRows {
				b.Fatalf("SELECT * returned %d rows, want %d", n, scanRows)
			}
			ops++
		}
		reportRowRate(b, ops*scanRows)
	})
}
