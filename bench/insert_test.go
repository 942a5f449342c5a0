package bench

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// insertBatchRows is the number of rows of one multi-row INSERT.
const insertBatchRows = 1000

// BenchmarkInsert measures INSERT into a five-column table with a bigint
// primary key, outside a transaction block (each statement commits):
//
//   - single-prepared: one row per statement, a prepared statement run with
//     parameters in the extended protocol; an op is one row.
//   - batch-1000: INSERT ... VALUES with 1000 literal rows, sent in the simple
//     protocol; an op is one statement (1000 rows). Building the SQL text is not
//     timed.
func BenchmarkInsert(b *testing.B) {
	b.Run("single-prepared", func(b *testing.B) {
		conn := connect(b)
		ctx := context.Background()
		exec(b, conn, "DROP TABLE IF EXISTS ins_single", "CREATE TABLE ins_single "+factColumns)
		if _, err := conn.Prepare(ctx, "ins_single", "INSERT INTO ins_single VALUES ($1, $2, $3, $4, $5)"); err != nil {
			b.Fatal(err)
		}
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		id := 0
		for b.Loop() {
			id++
			ts := base.Add(time.Duration(id) * time.Second)
			if _, err := conn.Exec(ctx, "ins_single", int64(id), int32(dimKey(id)), int64(id*31%100_003), "name", ts); err != nil {
				b.Fatal(err)
			}
		}
		reportRowRate(b, id)
	})
	b.Run("batch-1000", func(b *testing.B) {
		conn := connect(b)
		ctx := context.Background()
		exec(b, conn, "DROP TABLE IF EXISTS ins_batch", "CREATE TABLE ins_batch "+factColumns)
		var sql []byte
		next := 1
		for b.Loop() {
			b.StopTimer()
			sql = appendInsertBatch(sql[:0], "ins_batch", next, insertBatchRows)
			next += insertBatchRows
			b.StartTimer()
			tag, err := conn.Exec(ctx, string(sql))
			if err != nil {
				b.Fatal(err)
			}
			if tag.RowsAffected() != insertBatchRows {
				b.Fatalf("INSERT: %d rows, want %d", tag.RowsAffected(), insertBatchRows)
			}
		}
		reportRowRate(b, next-1)
	})
}

// appendInsertBatch appends one INSERT statement of n literal rows starting at
// id first, with the same values COPY would load.
func appendInsertBatch(b []byte, table string, first, n int) []byte {
	b = append(b, "INSERT INTO "...)
	b = append(b, table...)
	b = append(b, " VALUES "...)
	for id := first; id < first+n; id++ {
		if id > first {
			b = append(b, ',')
		}
		b = append(b, '(')
		b = strconv.AppendInt(b, int64(id), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(dimKey(id)), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64((id*31)%100_003), 10)
		b = append(b, ",'name-"...)
		b = strconv.AppendInt(b, int64(id%1000), 10)
		b = append(b, "','2024-01-"...)
		b = append2(b, 1+id%28)
		b = append(b, ' ')
		b = append2(b, id%24)
		b = append(b, ":00:00')"...)
	}
	return b
}
