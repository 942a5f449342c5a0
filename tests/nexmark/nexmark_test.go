// Package nexmark is the Nexmark smoke test: every Nexmark query that runs
// (workload.Queries: shared/NEXMARK.md §2, in RisingWave's dialect) is created as
// a materialized view over the built-in generator's sources, and after the
// bounded stream is read, each view must equal the same query run once
// over tables holding the same events, written from the generator package
// by workload.LoadTables (not through the sources). The benchmark is
// bench/nexmark's job; this checks the answers.
package nexmark

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/freshetdb/freshet/bench/nexmark/workload"
	"github.com/freshetdb/freshet/tests/testserver"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

const baseTime = 1_700_000_000_000 // ms

// TestNexmarkQueries: see the package comment. FRESHET_NEXMARK_EVENTS sets
// the stream's length (default 50,000 events), FRESHET_NEXMARK_QUERIES the
// queries (q0,q3,...; default all that run).
func TestNexmarkQueries(t *testing.T) {
	stream := workload.Stream{Events: int64(testserver.EnvInt(t, "FRESHET_NEXMARK_EVENTS", 50_000, 1)),
		BaseTime: baseTime, Rate: 10_000, MaxSpeed: true, Splits: 2}
	run, err := workload.Select(os.Getenv("FRESHET_NEXMARK_QUERIES"))
	if err != nil {
		t.Fatal(err)
	}
	// The queries over bid's processing-time column run on a server of
	// their own, whose bid declares it.
	for _, procTime := range []bool{false, true} {
		var qs []workload.Query
		for _, q := range run {
			if q.ProcTime == procTime {
				qs = append(qs, q)
			}
		}
		if len(qs) > 0 {
			checkQueries(t, stream, qs, procTime)
		}
	}
}

// checkQueries creates the queries as views over the generator's sources
// on a new server, and once the stream is read checks each against the
// same query over tables holding the events.
func checkQueries(t *testing.T, stream workload.Stream, qs []workload.Query, procTime bool) {
	s := testserver.Start(t)
	conn := s.Conn(t)
	ctx := context.Background()
	testserver.Exec(t, conn, stream.GeneratorSources(procTime)...)
	for _, q := range qs {
		testserver.Exec(t, conn, q.Setup...)
	}
	start := time.Now()
	for _, q := range qs {
		testserver.Exec(t, conn, "CREATE MATERIALIZED VIEW "+q.View()+" AS "+q.SQL)
	}
	if _, err := workload.WaitRead(ctx, conn, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d events through %d queries in %.1fs", stream.Events, len(qs), time.Since(start).Seconds())

	if err := stream.LoadTables(ctx, conn, "batch"); err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		d, rows, err := workload.Verify(ctx, conn, q)
		if err != nil {
			t.Fatalf("%s: %v", q.Name, err)
		}
		if d != "" {
			t.Errorf("%s: the view differs from the query over the tables: %s", q.Name, d)
			continue
		}
		t.Logf("%s: %d rows, equal", q.Name, rows)
	}
}
