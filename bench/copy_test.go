package bench

import (
	"context"
	"testing"
)

// copyRowsPerOp is how many rows one COPY of BenchmarkCopyFrom loads.
const copyRowsPerOp = 100_000

// BenchmarkCopyFrom loads copyRowsPerOp generated rows per op with COPY FROM
// STDIN in text format (pgconn's CopyFrom reading an io.Reader) into a fresh
// five-column table with a bigint primary key. Creating and dropping the table
// is not timed.
func BenchmarkCopyFrom(b *testing.B) {
	conn := connect(b)
	ctx := context.Background()
	exec(b, conn, "DROP TABLE IF EXISTS copy_target")
	ops := 0
	for b.Loop() {
		b.StopTimer()
		exec(b, conn, "CREATE TABLE copy_target "+factColumns)
		b.StartTimer()
		if err := copyRows(ctx, conn, "copy_target", 1, copyRowsPerOp); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		exec(b, conn, "DROP TABLE copy_target")
		b.StartTimer()
		ops++
	}
	reportRowRate(b, ops*copyRowsPerOp)
}
