package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// TestNexmarkSource: the generator's stream does not depend on the number
// of splits, and a restart in the middle of it neither loses nor repeats
// an event.
func TestNexmarkSource(t *testing.T) {
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	with := func(splits string) string {
		return "WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '300000', nexmark.base.time = '1700000000000', nexmark.max.emit.speed = 'true', nexmark.split.num = '" + splits + "')"
	}
	const q = "SELECT count(*) AS n, sum(price) AS p, sum(auction) AS a, count(DISTINCT bidder) AS b, max(date_time) AS t, max(length(extra)) AS e FROM "
	mustExec(t, c,
		"CREATE SOURCE bid1 "+with("1"),
		"CREATE SOURCE bid3 (auction bigint, bidder bigint, price bigint, date_time timestamp, extra varchar) "+with("3"),
		"CREATE MATERIALIZED VIEW v1 AS "+q+"bid1",
		"CREATE MATERIALIZED VIEW v3 AS "+q+"bid3",
		// RisingWave's benchmark form of a query: a sink that discards.
		"CREATE SINK nexmark_q1 AS SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid1 WITH (connector = 'blackhole', type = 'append-only', force_append_only = 'true')")
	// 46 of every 50 events are bids.
	waitFor(t, c, "SELECT n::text FROM v1", "276000")
	waitFor(t, c, "SELECT n::text FROM v3", "276000")
	one, three := rows(t, c, "SELECT * FROM v1"), rows(t, c, "SELECT * FROM v3")
	waitFor(t, c, "SELECT status FROM freshet_sinks WHERE sink = 'nexmark_q1'", "running")
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(scrape(t, r), "freshet_sink_messages_total 276000\n"); {
		if time.Now().After(deadline) {
			t.Fatalf("the blackhole sink did not take every bid")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if one[0] != three[0] {
		t.Fatalf("1 split: %v\n3 splits: %v", one, three)
	}
	// A view created now replays the stream from its start, and a restart
	// while it reads resumes where its stored offsets say.
	mustExec(t, c, "CREATE MATERIALIZED VIEW late AS "+q+"bid3")
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	// Every view, and the blackhole sink's own query, loads its state.
	if m := scrape(t, r); !strings.Contains(m, `freshet_views_started_total{how="rebuilt"} 0`+"\n") {
		t.Errorf("a view was built again at the start:\n%s", m)
	}
	waitFor(t, c, "SELECT n::text FROM late", "276000")
	if late := rows(t, c, "SELECT * FROM late"); late[0] != one[0] {
		t.Fatalf("after a restart: %v, want %v", late, one)
	}
	waitFor(t, c, "SELECT bool_and(status = 'finished' AND lag = 0)::text FROM freshet_source_partitions", "true")

	for _, tc := range []struct{ sql, code string }{
		{"CREATE SOURCE x WITH (connector = 'nexmark')", "22023"},
		{"CREATE SOURCE x WITH (connector = 'nexmark', nexmark.table.type = 'lot')", "22023"},
		{"CREATE SOURCE x (nope int) WITH (connector = 'nexmark', nexmark.table.type = 'bid')", "42703"},
		{"CREATE SOURCE x WITH (connector = 'nexmark', nexmark.table.type = 'bid') FORMAT PLAIN ENCODE JSON", "22023"},
		{"CREATE SOURCE x WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.colour = 'red')", "22023"},
		{"CREATE SOURCE x WITH (connector = 'datagen')", "42P16"},
		{"CREATE SOURCE x (j jsonb) WITH (connector = 'datagen')", "0A000"},
		{"CREATE SOURCE x (a int) WITH (connector = 'datagen', fields.b.kind = 'random')", "22023"},
		{"CREATE SOURCE x (a int) WITH (connector = 'postgres-cdc')", "0A000"},
		{"CREATE SINK x AS SELECT 1 WITH (connector = 'blackhole', topic = 't')", "22023"},
		{"CREATE SINK x AS SELECT 1 WITH (connector = 'blackhole') FORMAT PLAIN ENCODE JSON", "22023"},
		{"CREATE SINK x AS SELECT 1 WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = 'h:1')", "22023"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
}

// TestDatagenSource: a bounded datagen source with a sequence and random
// columns, across a restart.
func TestDatagenSource(t *testing.T) {
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	mustExec(t, c,
		`CREATE SOURCE gen (id bigint, k int, name varchar, at timestamp) WITH (connector = 'datagen',
			fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '50000',
			fields.k.min = '0', fields.k.max = '9', fields.name.length = '6',
			datagen.rows.per.second = '0', datagen.split.num = '2')`,
		"CREATE MATERIALIZED VIEW g AS SELECT count(*) AS n, sum(id)::text AS s, count(DISTINCT k) AS ks, min(length(name)) AS l FROM gen")
	waitFor(t, c, "SELECT n::text FROM g", "50000")
	want := "[[50000 1250025000 10 6]]"
	if got := fmt.Sprint(rows(t, c, "SELECT * FROM g")); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	mustExec(t, c, "CREATE MATERIALIZED VIEW g2 AS SELECT count(*) AS n, sum(id)::text AS s, count(DISTINCT k) AS ks, min(length(name)) AS l FROM gen")
	waitFor(t, c, "SELECT n::text FROM g2", "50000")
	if got := fmt.Sprint(rows(t, c, "SELECT * FROM g")); got != want {
		t.Fatalf("after a restart: %s", got)
	}
}

// TestProcTimeColumn: a column declared AS PROCTIME() holds when its feed
// read each row, on a generator and a datagen source; it must be a last
// timestamptz column of a source.
func TestProcTimeColumn(t *testing.T) {
	r := startOn(t, vfs.NewMem())
	c := r.conn(t)
	before := time.Now()
	mustExec(t, c,
		`CREATE SOURCE bid (auction bigint, bidder bigint, price bigint, channel varchar, url varchar, date_time timestamp, extra varchar,
			p_time timestamptz AS PROCTIME()) WITH (connector = 'nexmark', nexmark.table.type = 'bid', nexmark.event.num = '50000',
			nexmark.max.emit.speed = 'true', nexmark.split.num = '2')`,
		`CREATE SOURCE gen (id bigint, seen timestamptz AS PROCTIME()) WITH (connector = 'datagen',
			fields.id.kind = 'sequence', fields.id.start = '1', fields.id.end = '1000', datagen.rows.per.second = '0')`,
		"CREATE MATERIALIZED VIEW q12 AS SELECT bidder, count(*) AS bid_count, window_start, window_end FROM TUMBLE(bid, p_time, INTERVAL '10' SECOND) GROUP BY bidder, window_start, window_end",
		"CREATE MATERIALIZED VIEW seen AS SELECT count(*) AS n, sum(id) AS s, min(seen) AS lo, max(seen) AS hi, count(seen) AS c FROM gen")
	waitFor(t, c, "SELECT coalesce(sum(bid_count), 0)::text FROM q12", "46000")
	waitFor(t, c, "SELECT n::text FROM seen", "1000")
	var lo, hi time.Time
	var s, n int64
	if err := c.QueryRow(context.Background(), "SELECT s, c, lo, hi FROM seen").Scan(&s, &n, &lo, &hi); err != nil {
		t.Fatal(err)
	}
	if s != 500500 || n != 1000 || lo.Before(before.Add(-time.Second)) || hi.After(time.Now().Add(time.Second)) || hi.Before(lo) {
		t.Fatalf("sum %d, %d processing times from %v to %v; created at %v", s, n, lo, hi, before)
	}
	if got := rows(t, c, "SELECT count(*) FROM q12 WHERE window_end <> window_start + interval '10 seconds' OR window_start > now()"); got[0] != "[0]" {
		t.Fatalf("%s windows are not 10 s long or lie ahead", got[0])
	}
	for _, tc := range []struct{ sql, code string }{
		{"CREATE SOURCE x (id bigint, p timestamp AS PROCTIME()) WITH (connector = 'datagen')", "42804"},
		{"CREATE SOURCE x (p timestamptz AS PROCTIME(), id bigint) WITH (connector = 'datagen')", "42P16"},
		{"CREATE TABLE x (id int PRIMARY KEY, p timestamptz AS PROCTIME()) WITH (connector = 'kafka', topic = 't', properties.bootstrap.server = 'h:1') FORMAT UPSERT ENCODE JSON", "0A000"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
}
