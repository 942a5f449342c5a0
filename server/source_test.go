package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/freshetdb/freshet/storage"
)

// fakeKafka starts an in-process broker with topic "ev" of 3 partitions
// and returns its address and a function producing messages to it.
func fakeKafka(t *testing.T) (*kfake.Cluster, string, func(msgs ...string)) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "ev"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	produce := func(msgs ...string) {
		t.Helper()
		recs := make([]*kgo.Record, len(msgs))
		for i, m := range msgs {
			recs[i] = &kgo.Record{Topic: "ev", Value: []byte(m)}
		}
		if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	return c, c.ListenAddrs()[0], produce
}

// events returns n JSON events from id first: k = id % 5, v = id; every
// tenth is malformed instead. It returns the count and the sum of v of the
// valid ones.
func events(first, n int) (msgs []string, valid, sum int64) {
	for id := first; id < first+n; id++ {
		if id%10 == 9 {
			msgs = append(msgs, fmt.Sprintf(`{"id": %d, "k": "not a number"}`, id))
			continue
		}
		msgs = append(msgs, fmt.Sprintf(`{"id": %d, "k": %d, "v": %d}`, id, id%5, id))
		valid++
		sum += int64(id)
	}
	return msgs, valid, sum
}

// scrape returns the server's /metrics.
func scrape(t *testing.T, r *running) string {
	t.Helper()
	resp, err := http.Get("http://" + r.srv.HTTPAddr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitFor polls query until it returns want.
func waitFor(t *testing.T, c *pgx.Conn, query, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if err := c.QueryRow(context.Background(), query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		if got == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: %s after 30s, want %s", query, got, want)
}

// TestSourceFeedsViews: views over a Kafka source (an aggregate, a join
// with a table, a view over a view) follow the topic, record malformed
// messages, keep their offsets across a restart (nothing read twice), and
// report a broker that went away while the server keeps serving.
func TestSourceFeedsViews(t *testing.T) {
	cluster, addr, produce := fakeKafka(t)
	msgs, valid, sum := events(0, 3000)
	produce(msgs...)
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	mustExec(t, c,
		"CREATE TABLE names (k int PRIMARY KEY, name text)",
		"INSERT INTO names VALUES (0, 'zero'), (1, 'one'), (2, 'two')",
		fmt.Sprintf(`CREATE SOURCE ev (id bigint, k int, v bigint) INCLUDE partition AS part
			WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr),
		"CREATE MATERIALIZED VIEW by_k AS SELECT k, count(*) AS n, sum(v) AS s FROM ev GROUP BY k",
		"CREATE MATERIALIZED VIEW named AS SELECT n.name, count(*) AS n FROM ev JOIN names n ON n.k = ev.k GROUP BY n.name",
		"CREATE MATERIALIZED VIEW total AS SELECT sum(n) AS n FROM by_k")
	waitFor(t, c, "SELECT coalesce(n, 0)::text FROM total", fmt.Sprint(valid))
	waitFor(t, c, "SELECT count(*)::text FROM freshet_source_errors", "300")
	// Two views read the source: each feed counts the 3000 messages.
	metrics := scrape(t, r)
	for _, want := range []string{"freshet_source_messages_total 6000", "freshet_source_errors_total 600"} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	check := func(c *pgx.Conn, names int) {
		t.Helper()
		// Every valid event counts once.
		var n, s int64
		if err := c.QueryRow(context.Background(), "SELECT sum(n), sum(s) FROM by_k").Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		if n != valid || s != sum {
			t.Fatalf("by_k counts %d events summing to %d, want %d and %d", n, s, valid, sum)
		}
		got := rows(t, c, "SELECT * FROM named")
		if len(got) != names {
			t.Fatalf("named: %v", got)
		}
	}
	check(c, 3)
	if got := rows(t, c, "SELECT partition, committed_offset, lag, status FROM freshet_source_partitions WHERE view = 'by_k'"); len(got) != 3 ||
		!strings.Contains(got[0], "1000 0 running") {
		t.Fatalf("partitions: %v", got)
	}

	// A restart loads the views and their offsets: nothing is read twice.
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	more, valid2, sum2 := events(3000, 600)
	produce(more...)
	valid, sum = valid+valid2, sum+sum2
	waitFor(t, c, "SELECT coalesce(n, 0)::text FROM total", fmt.Sprint(valid))
	check(c, 3)
	waitFor(t, c, "SELECT count(*)::text FROM freshet_source_errors", "360")

	// The broker goes away: the feeds say so, the server serves on.
	cluster.Close()
	waitFor(t, c, "SELECT bool_and(status LIKE 'retrying:%')::text FROM freshet_source_partitions", "true")
	mustExec(t, c, "INSERT INTO names VALUES (3, 'three')")
	check(c, 4)
}

// TestSourceErrors: what CREATE SOURCE and statements on a source refuse,
// with their SQLSTATEs.
func TestSourceErrors(t *testing.T) {
	_, addr, _ := fakeKafka(t)
	r := startOn(t, vfs.NewMem())
	c := r.conn(t)
	with := func(opts string) string {
		return "CREATE SOURCE s (a int) WITH (connector = 'kafka', " + opts + ") FORMAT PLAIN ENCODE JSON"
	}
	for _, tc := range []struct{ sql, code string }{
		{with("topic = 'nope', properties.bootstrap.server = '" + addr + "'"), "42704"},
		{with("topic = 'ev', properties.bootstrap.server = '127.0.0.1:1'"), "08001"},
		{with("topic = 'ev'"), "22023"},
		{with("topic = 'ev', properties.bootstrap.server = '" + addr + "', scan.startup.mode = 'soon'"), "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "')", "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE PROTOBUF", "0A000"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE AVRO", "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE AVRO (schema.registry = 'http://127.0.0.1:8081')", "0A000"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE AVRO (schema.location = 'file:///no/such.avsc')", "58P01"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE AVRO (schema.definition = '{\"type\": \"int\"}')", "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE BYTES", "42P16"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE CSV (delimiter = ';;')", "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE CSV (colour = 'red')", "22023"},
		{"CREATE SOURCE s (a int) WITH (connector = 'postgres-cdc')", "0A000"},
		{"CREATE SOURCE s (a int) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE JSON (x = 'y')", "22023"},
		{"CREATE SOURCE s (a int PRIMARY KEY) WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "') FORMAT PLAIN ENCODE JSON", "42P16"},
		{"CREATE SOURCE s (a int, WATERMARK FOR a AS a) WITH (connector = 'kafka')", "0A000"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
	mustExec(t, c, with("topic = 'ev', properties.bootstrap.server = '"+addr+"'"),
		"CREATE MATERIALIZED VIEW v AS SELECT count(*) FROM s")
	for _, tc := range []struct{ sql, code string }{
		{"SELECT * FROM s", "0A000"},
		{"INSERT INTO s VALUES (1)", "42809"},
		{"DROP SOURCE s", "2BP01"},
		{"DROP TABLE s", "42809"},
		{with("topic = 'ev', properties.bootstrap.server = '" + addr + "'"), "42P07"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
	if got := rows(t, c, "SHOW SOURCES"); len(got) != 1 || got[0] != "[s]" {
		t.Fatalf("SHOW SOURCES: %v", got)
	}
	// psql's \d of a source reads its server and options.
	if got := rows(t, c, "SELECT s.srvname, array_length(f.ftoptions, 1) FROM pg_foreign_table f JOIN pg_foreign_server s ON s.oid = f.ftserver"); fmt.Sprint(got) != "[[kafka 3]]" {
		t.Fatalf("pg_foreign_table: %v", got)
	}
	mustExec(t, c, "DROP SOURCE s CASCADE", "DROP SOURCE IF EXISTS s")
	if got := rows(t, c, "SELECT count(*) FROM freshet_source_partitions"); got[0] != "[0]" {
		t.Fatalf("a dropped source's feed is still listed: %v", got)
	}
}

// TestSourceEncodings: CSV lines (a header skipped, a malformed line
// recorded) and whole messages as bytea.
func TestSourceEncodings(t *testing.T) {
	_, addr, produce := fakeKafka(t)
	produce("id;name", "1;ada", `2;"b;""c"""`, "3;", "x;bad", "4;d;extra")
	r := startOn(t, vfs.NewMem())
	c := r.conn(t)
	with := "WITH (connector = 'kafka', topic = 'ev', properties.bootstrap.server = '" + addr + "')"
	mustExec(t, c,
		"CREATE SOURCE lines (id int, name text) "+with+" FORMAT PLAIN ENCODE CSV (delimiter = ';')",
		"CREATE SOURCE raw (payload bytea) INCLUDE offset AS off INCLUDE timestamp INCLUDE key AS k INCLUDE partition "+with+" FORMAT PLAIN ENCODE BYTES",
		"CREATE MATERIALIZED VIEW raw_attrs AS SELECT count(*) AS n, count(DISTINCT (_rw_kafka_partition, off)) AS positions, count(k) AS keyed, min(_rw_kafka_timestamp) > '2026-01-01' AS recent FROM raw",
		"CREATE MATERIALIZED VIEW csv_rows AS SELECT id, name FROM lines",
		"CREATE MATERIALIZED VIEW raw_count AS SELECT count(*) AS n, sum(length(payload)) AS bytes FROM raw")
	waitFor(t, c, "SELECT coalesce(n, 0)::text FROM raw_count", "6")
	waitFor(t, c, "SELECT count(*)::text FROM csv_rows", "3")
	if got := rows(t, c, "SELECT * FROM csv_rows"); fmt.Sprint(got) != `[[1 ada] [2 b;"c"] [3 <nil>]]` {
		t.Fatalf("csv rows: %v", got)
	}
	waitFor(t, c, "SELECT count(*)::text FROM freshet_source_errors WHERE source = 'lines'", "2")
	// With on_error = 'stop' the first bad line stops the source.
	mustExec(t, c, "CREATE SOURCE strict (id int, name text) WITH (connector = 'kafka', topic = 'ev', on_error = 'stop', properties.bootstrap.server = '"+addr+"') FORMAT PLAIN ENCODE CSV (delimiter = ';')",
		"CREATE MATERIALIZED VIEW strict_rows AS SELECT * FROM strict")
	waitFor(t, c, "SELECT count(*)::text FROM freshet_source_partitions WHERE source = 'strict' AND status LIKE 'stopped: partition % offset % cannot be read%'", "3")
	if got := rows(t, c, "SELECT bytes FROM raw_count"); got[0] != "[39]" {
		t.Fatalf("raw bytes: %v", got)
	}
	// fakeKafka's messages have no key.
	if got := rows(t, c, "SELECT * FROM raw_attrs"); got[0] != "[6 6 0 true]" {
		t.Fatalf("included attributes: %v", got)
	}
}

// readTopic reads every committed message of topic (read_committed) from
// the start until it has want of them, and then whatever else comes within
// 300 ms.
func readTopic(t *testing.T, addr, topic string, want int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(out) < want {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %d of %d messages of %s", len(out), want, topic)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	// Anything more (a message written twice) arrives meanwhile.
	more, cancelMore := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelMore()
	cl.PollFetches(more).EachRecord(func(r *kgo.Record) { out = append(out, r) })
	return out
}

// TestSinkWritesChangesOnce: an UPSERT sink and a DEBEZIUM sink write a
// view's changes, each epoch in one transaction, across a restart with
// nothing written twice.
func TestSinkWritesChangesOnce(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "up", "dbz", "q"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	with := "WITH (connector = 'kafka', properties.bootstrap.server = '" + addr + "', primary_key = 'k', topic = "
	mustExec(t, c,
		"CREATE TABLE t (id int PRIMARY KEY, k int, v int)",
		"INSERT INTO t VALUES (1, 1, 10), (2, 2, 20)",
		"CREATE MATERIALIZED VIEW agg AS SELECT k, sum(v) AS s FROM t GROUP BY k",
		"CREATE SINK up FROM agg "+with+"'up') FORMAT UPSERT ENCODE JSON",
		"CREATE SINK dbz FROM agg "+with+"'dbz') FORMAT DEBEZIUM ENCODE JSON",
		"CREATE SINK q AS SELECT k, count(*) AS n FROM t GROUP BY k "+with+"'q') FORMAT UPSERT ENCODE JSON",
		"UPDATE t SET v = 11 WHERE id = 1",
		"DELETE FROM t WHERE id = 2",
		"INSERT INTO t VALUES (3, 3, 30)")
	// The snapshot (2 rows), an update, a delete, an insert.
	up := readTopic(t, addr, "up", 5)
	var got []string
	for _, m := range up {
		got = append(got, string(m.Key)+" "+string(m.Value))
	}
	want := []string{`{"k":1} {"k":1,"s":10}`, `{"k":2} {"k":2,"s":20}`, `{"k":1} {"k":1,"s":11}`, `{"k":2} `, `{"k":3} {"k":3,"s":30}`}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("upsert messages:\n got %q\nwant %q", got, want)
	}
	dbz := readTopic(t, addr, "dbz", 5)
	ops := map[string]int{}
	for _, m := range dbz {
		var ev struct {
			Before, After map[string]any
			Op            string
		}
		if err := json.Unmarshal(m.Value, &ev); err != nil {
			t.Fatalf("%s: %v", m.Value, err)
		}
		ops[ev.Op]++
	}
	if ops["c"] != 3 || ops["u"] != 1 || ops["d"] != 1 {
		t.Fatalf("debezium ops %v", ops)
	}
	// The sink of a query: its snapshot (k 1 and 2, one row each), k 2
	// gone, k 3 new; the update of row 1 changes no count.
	var q []string
	for _, m := range readTopic(t, addr, "q", 4) {
		q = append(q, string(m.Key)+" "+string(m.Value))
	}
	slices.Sort(q)
	if want := []string{`{"k":1} {"k":1,"n":1}`, `{"k":2} `, `{"k":2} {"k":2,"n":1}`, `{"k":3} {"k":3,"n":1}`}; !slices.Equal(q, want) {
		t.Fatalf("query sink:\n got %q\nwant %q", q, want)
	}
	// A restart writes nothing again; later changes follow.
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	mustExec(t, c, "INSERT INTO t VALUES (4, 1, 1)")
	// One message more each, and nothing written again. (Messages of
	// different partitions come in any order: look for it.)
	for topic, want := range map[string]string{"up": `{"k":1,"s":12}`, "q": `{"k":1,"n":2}`} {
		n := map[string]int{"up": 6, "q": 5}[topic]
		msgs := readTopic(t, addr, topic, n)
		found := 0
		for _, m := range msgs {
			if string(m.Value) == want {
				found++
			}
		}
		if len(msgs) != n || found != 1 {
			t.Fatalf("%s after the restart: %d messages, %d of them %s", topic, len(msgs), found, want)
		}
	}
	waitFor(t, c, "SELECT status FROM freshet_sinks WHERE sink = 'up'", "running")
	if got := rows(t, c, "SHOW SINKS"); len(got) != 3 {
		t.Fatalf("SHOW SINKS: %v", got)
	}
	for _, tc := range []struct{ sql, code string }{
		{"SELECT * FROM up", "42809"},
		{"SELECT * FROM q", "42809"},
		{"CREATE SINK bad FROM q " + with + "'up') FORMAT UPSERT ENCODE JSON", "42809"},
		{"CREATE SINK bad AS SELECT nope FROM t " + with + "'up') FORMAT UPSERT ENCODE JSON", "42703"},
		{"DROP MATERIALIZED VIEW agg", "2BP01"},
		{"CREATE SINK bad FROM agg " + with + "'up') FORMAT UPSERT ENCODE AVRO", "0A000"},
		{"CREATE SINK bad FROM t " + with + "'up') FORMAT UPSERT ENCODE JSON", "0A000"},
		{"CREATE SINK bad FROM agg WITH (connector = 'kafka', properties.bootstrap.server = '" + addr + "', topic = 'up') FORMAT UPSERT ENCODE JSON", "22023"},
		{"CREATE SINK bad FROM agg " + with + "'nope') FORMAT UPSERT ENCODE JSON", "42704"},
	} {
		_, err := c.Exec(context.Background(), tc.sql)
		if got := sqlState(err); got != tc.code {
			t.Errorf("%s: %v (%s), want %s", tc.sql, err, got, tc.code)
		}
	}
	mustExec(t, c, "DROP SINK up", "DROP MATERIALIZED VIEW agg CASCADE", "DROP SINK q")
	if got := rows(t, c, "SELECT count(*) FROM freshet_sinks"); got[0] != "[0]" {
		t.Fatalf("sinks after drop: %v", got)
	}
}

// TestKafkaTables: tables fed by UPSERT and DEBEZIUM topics, with views
// over them, across a restart.
func TestKafkaTables(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "users", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	send := func(topic string, kv ...string) {
		t.Helper()
		for i := 0; i < len(kv); i += 2 {
			r := &kgo.Record{Topic: topic, Key: []byte(kv[i])}
			if kv[i+1] != "<null>" {
				r.Value = []byte(kv[i+1])
			}
			if err := cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	send("users",
		`{"id": 1}`, `{"id": 1, "name": "ada"}`,
		`{"id": 2}`, `{"id": 2, "name": "bob"}`,
		`{"id": 1}`, `{"id": 1, "name": "ada lovelace"}`,
		`3`, `{"id": 3, "name": "cy"}`,
		`{"id": 2}`, `<null>`,
		`{"id": 4}`, `{"name": "no key in the value"}`,
		`{"id": 5}`, `not json`)
	send("orders",
		`{"id": 10}`, `{"before": null, "after": {"id": 10, "user_id": 1, "amount": 5}, "op": "c"}`,
		`{"id": 11}`, `{"schema": {}, "payload": {"before": null, "after": {"id": 11, "user_id": 3, "amount": 7}, "op": "r"}}`,
		`{"id": 10}`, `{"before": {"id": 10, "user_id": 1, "amount": 5}, "after": {"id": 10, "user_id": 1, "amount": 6}, "op": "u"}`,
		`{"id": 11}`, `{"before": {"id": 11}, "after": null, "op": "d"}`,
		`{"id": 11}`, `<null>`,
		`{"id": 12}`, `{"before": null, "after": {"id": 12, "user_id": 3, "amount": 1}, "op": "x"}`)
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	with := func(topic string) string {
		return "WITH (connector = 'kafka', topic = '" + topic + "', properties.bootstrap.server = '" + addr + "')"
	}
	mustExec(t, c,
		"CREATE TABLE users (id int PRIMARY KEY, name text) "+with("users")+" FORMAT UPSERT ENCODE JSON",
		"CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int) "+with("orders")+" FORMAT DEBEZIUM ENCODE JSON",
		"CREATE MATERIALIZED VIEW spend AS SELECT u.name, sum(o.amount) AS total FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.name")
	waitFor(t, c, "SELECT count(*)::text FROM users", "3")
	waitFor(t, c, "SELECT count(*)::text FROM freshet_source_errors", "2")
	if got := rows(t, c, "SELECT * FROM users"); fmt.Sprint(got) != "[[1 ada lovelace] [3 cy] [4 no key in the value]]" {
		// {"id": 4} keyed a value without the key column: the key fills it.
		t.Fatalf("users: %v", got)
	}
	if got := rows(t, c, "SELECT * FROM orders"); fmt.Sprint(got) != "[[10 1 6]]" {
		t.Fatalf("orders: %v", got)
	}
	if got := rows(t, c, "SELECT * FROM spend"); fmt.Sprint(got) != "[[ada lovelace 6]]" {
		t.Fatalf("spend: %v", got)
	}
	if _, err := c.Exec(context.Background(), "INSERT INTO users VALUES (9, 'x')"); sqlState(err) != "42809" {
		t.Fatalf("DML into a Kafka table: %v", err)
	}
	// A restart resumes after the stored offsets.
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startOn(t, fs)
	c = r.conn(t)
	send("users", `3`, `<null>`)
	send("orders", `{"id": 13}`, `{"before": null, "after": {"id": 13, "user_id": 1, "amount": 100}, "op": "c"}`)
	waitFor(t, c, "SELECT count(*)::text FROM users", "2")
	waitFor(t, c, "SELECT total::text FROM spend", "106")
	if got := rows(t, c, "SELECT count(*) FROM freshet_source_errors"); got[0] != "[2]" {
		t.Fatalf("errors after restart: %v", got)
	}
	mustExec(t, c, "DROP TABLE users CASCADE")
	if got := rows(t, c, "SELECT count(*) FROM freshet_source_partitions WHERE source = 'users'"); got[0] != "[0]" {
		t.Fatalf("the dropped table's feed is listed: %v", got)
	}
}

// TestIncludeHeaders: INCLUDE header makes all headers a jsonb object, and
// INCLUDE header 'name' one header's bytes.
func TestIncludeHeaders(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "h"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	recs := []*kgo.Record{
		{Topic: "h", Value: []byte(`{"a": 1}`), Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("t1")}, {Key: "src", Value: []byte("web")}}},
		{Topic: "h", Value: []byte(`{"a": 2}`)},
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	r := startOn(t, vfs.NewMem())
	c := r.conn(t)
	mustExec(t, c, "CREATE SOURCE hs (a int) INCLUDE header AS hdrs INCLUDE header 'trace' AS trace WITH (connector = 'kafka', topic = 'h', properties.bootstrap.server = '"+addr+"') FORMAT PLAIN ENCODE JSON",
		"CREATE MATERIALIZED VIEW hv AS SELECT a, hdrs, encode(trace, 'escape') AS trace FROM hs")
	waitFor(t, c, "SELECT count(*)::text FROM hv", "2")
	if got := rows(t, c, "SELECT a, hdrs::text, trace FROM hv"); fmt.Sprint(got) != `[[1 {"src": "web", "trace": "t1"} t1] [2 <nil> <nil>]]` {
		t.Fatalf("headers: %v", got)
	}
}

// TestSinkQueryRebuiltAtStart: a sink of its own query whose stored state
// cannot be loaded at a start is built again from its inputs, and writes
// nothing of that backfill again: only the changes after the start.
func TestSinkQueryRebuiltAtStart(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "q"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	addr := cluster.ListenAddrs()[0]
	fs := vfs.NewMem()
	r := startOn(t, fs)
	c := r.conn(t)
	mustExec(t, c,
		"CREATE TABLE t (id int PRIMARY KEY, k int)",
		"INSERT INTO t VALUES (1, 1), (2, 2), (3, 2)",
		"CREATE SINK q AS SELECT k, count(*) AS n FROM t GROUP BY k WITH (connector = 'kafka', properties.bootstrap.server = '"+addr+"', topic = 'q', primary_key = 'k') FORMAT UPSERT ENCODE JSON")
	if got := readTopic(t, addr, "q", 2); len(got) != 2 {
		t.Fatalf("%d messages, want the 2 groups", len(got))
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	// Every state header goes: no stored state can be loaded.
	editStore(t, fs, func(st *storage.Store, b *storage.Batch) {
		lo, _ := storage.StatePrefix(0)
		_, hi := storage.StatePrefix(1 << 30)
		it, err := st.NewIter(lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		defer it.Close()
		for it.First(); it.Valid(); it.Next() {
			if k := it.Key(); len(k) == 9 && bytes.Equal(k[5:], []byte{0xFF, 0xFF, 0xFF, 0xFF}) {
				b.Delete(slices.Clone(k))
			}
		}
	})
	r = startOn(t, fs)
	c = r.conn(t)
	mustExec(t, c, "INSERT INTO t VALUES (4, 3)")
	got := readTopic(t, addr, "q", 3)
	var values []string
	for _, m := range got {
		values = append(values, string(m.Value))
	}
	if len(got) != 3 || string(got[2].Value) != `{"k":3,"n":1}` {
		t.Fatalf("after the start: %q, want the 2 groups and then k 3 only", values)
	}
}
