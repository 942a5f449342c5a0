package bench

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

// joinAggregateSQL joins every row of t to one of the dimRows rows of d and
// groups by d.grp (10 groups).
const joinAggregateSQL = `SELECT d.grp, count(*), sum(t.x) FROM t JOIN d ON t.k = d.id GROUP BY d.grp`

// BenchmarkJoinAggregate runs joinAggregateSQL over scanRows x dimRows rows per
// op; rows/s counts rows of t joined.
func BenchmarkJoinAggregate(b *testing.B) {
	loadFixture(b)
	conn := connect(b)
	ctx := context.Background()
	ops := 0
	for b.Loop() {
		rows, err := conn.Query(ctx, joinAggregateSQL)
		if err != nil {
			b.Fatal(err)
		}
		var (
			groups int
			total  int64
			grp    int32
			n      int64
			sum    pgtype.Numeric
		)
		for rows.Next() {
			if err := rows.Scan(&grp, &n, &sum); err != nil {
				b.Fatal(err)
			}
			groups++
			total += n
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		if groups != 10 || total != scanRows {
			b.Fatalf("got %d groups over %d rows, want 10 over %d", groups, total, scanRows)
		}
		ops++
	}
	reportRowRate(b, ops*scanRows)
}
