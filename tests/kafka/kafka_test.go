package kafka

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/tests/oracle"
	"github.com/freshetdb/freshet/tests/testserver"
)

func TestMain(m *testing.M) { os.Exit(testserver.Main(m)) }

// event is one valid message of the test topic; name nil is a missing
// field.
type event struct {
	ID   int64   `json:"id"`
	K    int     `json:"k"`
	V    int64   `json:"v"`
	Name *string `json:"name,omitempty"`
}

// malformed are messages a JSON source must count as errors, one per kind.
var malformed = []string{
	`{"id": 1, "k": 2, "v": 3`,            // truncated
	`{"id": "one", "k": 2, "v": 3}`,       // a string that is not a bigint
	`{"id": 1, "k": 2.5, "v": 3}`,         // a fraction for an int column
	`{"id": 1, "k": 2, "v": true}`,        // a boolean for a bigint
	`{"id": 1, "k": 99999999999, "v": 3}`, // out of range for int
	`[1, 2, 3]`,                           // not an object
	`{"id": 1, "name": 17}`,               // a number for a text column
	`{"id": 1} trailing`,                  // text after the object
	`null`,
}

// workload makes n events from id first, some of them malformed, as the
// lines of a file, and returns the file and the valid events.
func workload(t *testing.T, rng *rand.Rand, first int64, n int) (string, []event, int) {
	var buf bytes.Buffer
	var valid []event
	bad := 0
	for i := 0; i < n; i++ {
		if rng.IntN(100) == 0 {
			buf.WriteString(malformed[rng.IntN(len(malformed))])
			buf.WriteByte('\n')
			bad++
			continue
		}
		e := event{ID: first + int64(i), K: rng.IntN(13), V: rng.Int64N(1_000_000) - 500_000}
		if rng.IntN(10) > 0 {
			name := fmt.Sprintf("n%d", rng.IntN(1000))
			e.Name = &name
		}
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if rng.IntN(20) == 0 {
			// An extra field, ignored.
			b = append(b[:len(b)-1], `,"extra":{"nested":[1,"two",null]}}`...)
		}
		buf.Write(b)
		buf.WriteByte('\n')
		valid = append(valid, e)
	}
	path := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, valid, bad
}

// views are the materialized views over the source, each with the query
// PostgreSQL runs over the valid events to check it.
var views = []struct{ name, query string }{
	{"totals", "SELECT count(*) AS n, sum(v) AS s, count(name) AS named, count(DISTINCT id) AS ids FROM ev"},
	{"by_k", "SELECT k, count(*) AS n, sum(v) AS s, min(v) AS lo, max(length(name)) AS longest FROM ev GROUP BY k"},
	{"top", "SELECT id, v FROM ev ORDER BY v DESC, id LIMIT 10"},
}

// TestJSONSource: 200,000 JSON events, some malformed, produced by
// independent clients (kcat and Kafka's console producer) into a real
// broker; the views equal PostgreSQL's answers over the valid events, the
// malformed ones are recorded, a kill -9 during ingest and a restart change
// nothing, and a view created later replays the whole topic.
func TestJSONSource(t *testing.T) {
	broker := testserver.Kafka(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	topic := fmt.Sprintf("events_%d", seed)
	testserver.CreateTopic(t, broker, topic, 4)
	sinkTopic := topic + "_by_k"
	testserver.CreateTopic(t, broker, sinkTopic, 2)

	path, valid, bad := workload(t, rng, 0, 200_000)
	testserver.ProduceFile(t, broker, topic, path)
	// Messages a line cannot carry: empty ones, binary garbage, a 2 MB
	// event and 2 MB of garbage.
	testserver.ProduceLines(t, broker, topic, []string{"", ""})
	bad += 2
	big := strings.Repeat("x", 2<<20)
	bigEvent := event{ID: -1, K: 0, V: 1, Name: &big}
	bigJSON, _ := json.Marshal(bigEvent)
	garbage := make([]byte, 300)
	for i := range garbage {
		garbage[i] = byte(rng.Uint32())
	}
	testserver.ProduceMessages(t, broker, topic, [][]byte{garbage, {0xff, 0xfe, 0}, bigJSON, []byte(big)})
	valid = append(valid, bigEvent)
	bad += 3

	s := testserver.Start(t)
	conn := s.Conn(t)
	testserver.Exec(t, conn, fmt.Sprintf(`CREATE SOURCE ev (id bigint, k int, v bigint, name text)
		INCLUDE partition AS part INCLUDE offset AS off
		WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s', scan.startup.mode = 'earliest')
		FORMAT PLAIN ENCODE JSON`, topic, broker))
	for _, v := range views {
		testserver.Exec(t, conn, "CREATE MATERIALIZED VIEW "+v.name+" AS "+v.query)
	}
	testserver.Exec(t, conn, fmt.Sprintf(`CREATE SINK by_k_out FROM by_k WITH (connector = 'kafka', topic = '%s',
		properties.bootstrap.server = '%s', primary_key = 'k') FORMAT UPSERT ENCODE JSON`, sinkTopic, broker))
	start := time.Now()
	waitCount(t, s, "totals", "n", len(valid))
	t.Logf("%d valid events of %d messages in the views %.1fs after CREATE", len(valid), len(valid)+bad, time.Since(start).Seconds())

	pg := loadOracle(t, valid)
	checkViews(t, s, pg)
	checkErrors(t, s, bad)

	// kill -9 while more events stream in, then restart: every event
	// counts exactly once.
	cycles := testserver.EnvInt(t, "FRESHET_KAFKA_CRASH_CYCLES", 3, 0)
	for c := 1; c <= cycles; c++ {
		more, moreValid, moreBad := workload(t, rng, int64(c)*1_000_000, 30_000)
		wait := testserver.ProduceFileAsync(t, broker, topic, more)
		time.Sleep(time.Duration(rng.IntN(1000)) * time.Millisecond)
		s.Kill(t)
		wait()
		s.Restart(t)
		valid, bad = append(valid, moreValid...), bad+moreBad
		waitCount(t, s, "totals", "n", len(valid))
		insertOracle(t, pg, moreValid)
		checkViews(t, s, pg)
		checkErrors(t, s, bad)
	}
	t.Logf("%d kill -9 cycles during ingest survived: %d valid events, %d malformed, counted once each", cycles, len(valid), bad)

	// A clean restart loads the same state and reads nothing twice.
	s.Restart(t)
	time.Sleep(500 * time.Millisecond)
	checkViews(t, s, pg)
	checkErrors(t, s, bad)

	// A view created now replays the topic from the start (Kappa).
	conn = s.Conn(t)
	testserver.Exec(t, conn, "CREATE MATERIALIZED VIEW late AS SELECT count(*) AS n, sum(v) AS s FROM ev")
	waitCount(t, s, "late", "n", len(valid))
	var late, total string
	if err := conn.QueryRow(context.Background(), "SELECT (SELECT s::text FROM late), (SELECT s::text FROM totals)").Scan(&late, &total); err != nil {
		t.Fatal(err)
	}
	if late != total {
		t.Fatalf("late view's sum %s, totals' %s", late, total)
	}
	checkPartitions(t, s)
	checkSink(t, s, broker, sinkTopic)
}

// checkSink reads the upsert sink's topic with read_committed (kcat) and
// checks that no epoch was written twice (each key at most once per
// epoch, epochs in order per partition) and that the last value of each
// key is the view's row.
func checkSink(t *testing.T, s *testserver.Server, broker, topic string) {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	view := map[string]string{}
	rows, err := conn.Query(context.Background(), "SELECT k::text, n, s::text, lo, longest FROM by_k")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, sum string
		var n, lo int64
		var longest *int64
		if err := rows.Scan(&k, &n, &sum, &lo, &longest); err != nil {
			t.Fatal(err)
		}
		l := "null"
		if longest != nil {
			l = fmt.Sprint(*longest)
		}
		view[k] = fmt.Sprintf(`{"k":%s,"n":%d,"s":%s,"lo":%d,"longest":%s}`, k, n, sum, lo, l)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		last, err := readSink(t, broker, topic)
		if err == nil && maps.Equal(last, view) {
			return
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("sink topic %s: %v\n got %v\nwant %v", topic, err, last, view)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// readSink returns the last value of each key of an upsert topic, or an
// error when an epoch appears twice.
func readSink(t *testing.T, broker, topic string) (map[string]string, error) {
	out, err := exec.Command("kcat", "-C", "-b", broker, "-t", topic, "-e", "-q", "-X", "isolation.level=read_committed",
		"-f", "%p\t%h\t%k\t%s\n").Output()
	if err != nil {
		t.Fatalf("kcat -C: %v", err)
	}
	last := map[string]string{}
	seen := map[string]bool{}
	lastEpoch := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) != 4 {
			return nil, fmt.Errorf("kcat line %q", line)
		}
		part, hdr, key, val := f[0], f[1], f[2], f[3]
		epoch, err := strconv.Atoi(strings.TrimPrefix(hdr, "freshet-epoch="))
		if err != nil {
			return nil, fmt.Errorf("header %q", hdr)
		}
		if seen[hdr+key] {
			return nil, fmt.Errorf("key %s twice in epoch %d: an epoch was written twice", key, epoch)
		}
		seen[hdr+key] = true
		if epoch < lastEpoch[part] {
			return nil, fmt.Errorf("partition %s: epoch %d after %d", part, epoch, lastEpoch[part])
		}
		lastEpoch[part] = epoch
		var k struct{ K int }
		if err := json.Unmarshal([]byte(key), &k); err != nil {
			return nil, fmt.Errorf("key %q: %v", key, err)
		}
		if val == "" {
			delete(last, fmt.Sprint(k.K))
		} else {
			last[fmt.Sprint(k.K)] = val
		}
	}
	return last, nil
}

// waitCount waits until column col of the one-row view reaches want, and
// fails if it passes it or does not reach it within two minutes.
func waitCount(t *testing.T, s *testserver.Server, view, col string, want int) {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	deadline := time.Now().Add(2 * time.Minute)
	var n int
	for time.Now().Before(deadline) {
		if err := conn.QueryRow(context.Background(), "SELECT "+col+" FROM "+view).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == want {
			return
		}
		if n > want {
			t.Fatalf("view %s counts %d events, more than the %d valid ones", view, n, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("view %s counts %d events after two minutes, want %d", view, n, want)
}

// loadOracle creates table ev in a private PostgreSQL database with the
// valid events.
func loadOracle(t *testing.T, valid []event) *pgx.Conn {
	pg, err := pgx.Connect(context.Background(), testserver.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close(context.Background()) })
	if _, err := pg.Exec(context.Background(), "CREATE TABLE ev (id bigint, k int, v bigint, name text)"); err != nil {
		t.Fatal(err)
	}
	insertOracle(t, pg, valid)
	return pg
}

func insertOracle(t *testing.T, pg *pgx.Conn, events []event) {
	rows := make([][]any, len(events))
	for i, e := range events {
		rows[i] = []any{e.ID, e.K, e.V, e.Name}
	}
	if _, err := pg.CopyFrom(context.Background(), pgx.Identifier{"ev"}, []string{"id", "k", "v", "name"}, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
}

// checkViews compares every view with PostgreSQL's answer to its query.
func checkViews(t *testing.T, s *testserver.Server, pg *pgx.Conn) {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	for _, v := range views {
		got := oracle.MustRun(t, conn.PgConn(), "SELECT * FROM "+v.name)
		if d := oracle.Compare(oracle.MustRun(t, pg.PgConn(), v.query), got, false); d != "" {
			t.Fatalf("view %s differs from PostgreSQL: %s", v.name, d)
		}
	}
}

// checkErrors checks that every malformed message is recorded once.
func checkErrors(t *testing.T, s *testserver.Server, want int) {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	var n, distinct, empty int
	err := conn.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT (partition, message_offset)),
		count(*) FILTER (WHERE error = 'empty message') FROM freshet_source_errors WHERE source = 'ev'`).Scan(&n, &distinct, &empty)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || distinct != want || empty != 2 {
		t.Fatalf("freshet_source_errors holds %d records (%d distinct, %d empty messages), want %d (2 empty)", n, distinct, empty, want)
	}
}

// checkPartitions checks that every partition was read to its end.
func checkPartitions(t *testing.T, s *testserver.Server) {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	var parts, behind int
	err := conn.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE lag <> 0 OR status <> 'running')
		FROM freshet_source_partitions WHERE source = 'ev' AND view = 'totals'`).Scan(&parts, &behind)
	if err != nil {
		t.Fatal(err)
	}
	if parts != 4 || behind != 0 {
		t.Fatalf("freshet_source_partitions: %d partitions of totals, %d behind or not running; want 4, 0", parts, behind)
	}
}
