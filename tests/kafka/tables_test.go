package kafka

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/freshetdb/freshet/tests/testserver"
)

// TestUpsertAndDebeziumTables: tables fed by an UPSERT topic and a
// DEBEZIUM topic of a real broker, written by kcat with keys and
// tombstones, equal the same operations applied in Go, across a kill -9;
// partitions added to a topic are read; a deleted topic shows in the
// status while the server serves on.
func TestUpsertAndDebeziumTables(t *testing.T) {
	broker := testserver.Kafka(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 11))
	users, orders := fmt.Sprintf("users_%d", seed), fmt.Sprintf("orders_%d", seed)
	testserver.CreateTopic(t, broker, users, 2)
	testserver.CreateTopic(t, broker, orders, 2)

	wantUsers := map[int]string{}  // id -> name
	wantOrders := map[int][2]int{} // id -> user, amount
	// batch writes n random operations on both topics.
	batch := func(n int) {
		var u, o []string
		for i := 0; i < n; i++ {
			id := rng.IntN(200)
			if rng.IntN(4) == 0 {
				u = append(u, fmt.Sprintf(`{"id":%d}|`, id))
				delete(wantUsers, id)
			} else {
				name := fmt.Sprintf("u%d_%d", id, rng.IntN(1000))
				u = append(u, fmt.Sprintf(`{"id":%d}|{"id":%d,"name":"%s"}`, id, id, name))
				wantUsers[id] = name
			}
			oid := rng.IntN(300)
			old, had := wantOrders[oid]
			before := "null"
			if had {
				before = fmt.Sprintf(`{"id":%d,"user_id":%d,"amount":%d}`, oid, old[0], old[1])
			}
			switch {
			case had && rng.IntN(3) == 0:
				o = append(o, fmt.Sprintf(`{"id":%d}|{"before":%s,"after":null,"op":"d"}`, oid, before))
				delete(wantOrders, oid)
			default:
				now := [2]int{rng.IntN(200), rng.IntN(100)}
				op := "c"
				if had {
					op = "u"
				}
				o = append(o, fmt.Sprintf(`{"id":%d}|{"payload":{"before":%s,"after":{"id":%d,"user_id":%d,"amount":%d},"op":"%s"}}`,
					oid, before, oid, now[0], now[1], op))
				wantOrders[oid] = now
			}
		}
		testserver.ProduceKeyed(t, broker, users, -1, u)
		testserver.ProduceKeyed(t, broker, orders, -1, o)
	}
	batch(3000)

	s := testserver.Start(t)
	conn := s.Conn(t)
	with := func(topic string) string {
		return fmt.Sprintf("WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s')", topic, broker)
	}
	testserver.Exec(t, conn,
		"CREATE TABLE users (id int PRIMARY KEY, name text) "+with(users)+" FORMAT UPSERT ENCODE JSON",
		"CREATE TABLE orders (id int PRIMARY KEY, user_id int, amount int) "+with(orders)+" FORMAT DEBEZIUM ENCODE JSON",
		"CREATE MATERIALIZED VIEW spend AS SELECT o.user_id, count(*) AS n, sum(o.amount) AS total FROM orders o JOIN users u ON u.id = o.user_id GROUP BY o.user_id")
	check := func() {
		t.Helper()
		wantU := map[string]string{}
		for id, name := range wantUsers {
			wantU[fmt.Sprint(id)] = name
		}
		wantSpend := map[string]string{}
		per := map[int][2]int{}
		for _, o := range wantOrders {
			if _, ok := wantUsers[o[0]]; ok {
				p := per[o[0]]
				per[o[0]] = [2]int{p[0] + 1, p[1] + o[1]}
			}
		}
		for u, p := range per {
			wantSpend[fmt.Sprint(u)] = fmt.Sprintf("%d %d", p[0], p[1])
		}
		deadline := time.Now().Add(time.Minute)
		for {
			gotU := query(t, s, "SELECT id::text, name FROM users")
			gotS := query(t, s, "SELECT user_id::text, n::text || ' ' || total::text FROM spend")
			if maps.Equal(gotU, wantU) && maps.Equal(gotS, wantSpend) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("users: %d rows, want %d; spend: %d rows, want %d", len(gotU), len(wantU), len(gotS), len(wantSpend))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	check()

	// kill -9 while more operations stream in.
	batch(2000)
	time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
	s.Kill(t)
	batch(1000)
	s.Restart(t)
	check()

	// Partitions added to the topic are read (within the 5 s refresh).
	testserver.AddPartitions(t, broker, users, 4)
	time.Sleep(time.Second)
	testserver.ProduceKeyed(t, broker, users, 3, []string{`{"id":1000}|{"id":1000,"name":"in partition 3"}`})
	wantUsers[1000] = "in partition 3"
	check()

	// A deleted topic: the feed says so and the server serves on.
	testserver.DeleteTopic(t, broker, orders)
	deadline := time.Now().Add(time.Minute)
	for {
		st := query(t, s, "SELECT partition::text, status FROM freshet_source_partitions WHERE source = 'orders'")
		statuses := slices.Collect(maps.Values(st))
		if len(statuses) > 0 && statuses[0] != "running" {
			t.Logf("after the topic's deletion: %v", statuses)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status after the topic's deletion: %v", st)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := query(t, s, "SELECT 'n', count(*)::text FROM users"); got["n"] != fmt.Sprint(len(wantUsers)) {
		t.Fatalf("users after the orders topic went: %v", got)
	}
}

// query returns a two-column query's rows as a map.
func query(t *testing.T, s *testserver.Server, q string) map[string]string {
	t.Helper()
	conn := s.Conn(t)
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		out[k] = v
	}
	return out
}
