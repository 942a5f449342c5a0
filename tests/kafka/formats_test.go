package kafka

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"

	"github.com/freshetdb/freshet/tests/testserver"
)

const bidSchema = `{"type": "record", "name": "bid", "fields": [
	{"name": "auction", "type": "long"},
	{"name": "price", "type": "long"},
	{"name": "bidder", "type": ["null", "string"], "default": null}
]}`

// TestAvroAndCSVSources: Avro records (encoded by goavro, an
// implementation independent of the server's) and CSV lines, both
// produced by kcat into a real broker, with malformed ones among them.
func TestAvroAndCSVSources(t *testing.T) {
	broker := testserver.Kafka(t)
	seed := time.Now().UnixNano()
	avroTopic, csvTopic := fmt.Sprintf("bids_avro_%d", seed), fmt.Sprintf("bids_csv_%d", seed)
	testserver.CreateTopic(t, broker, avroTopic, 3)
	testserver.CreateTopic(t, broker, csvTopic, 3)
	codec, err := goavro.NewCodec(bidSchema)
	if err != nil {
		t.Fatal(err)
	}
	const n = 2000
	var msgs [][]byte
	var lines []string
	wantCount, wantSum, wantNamed := 0, int64(0), 0
	for i := 0; i < n; i++ {
		bidder := goavro.Union("null", nil)
		if i%3 != 0 {
			bidder = goavro.Union("string", fmt.Sprintf("b%d", i%17))
			wantNamed++
		}
		m, err := codec.BinaryFromNative(nil, map[string]any{"auction": int64(i % 50), "price": int64(i), "bidder": bidder})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
		name := ""
		if i%3 != 0 {
			name = fmt.Sprintf(`"b%d"`, i%17)
		}
		lines = append(lines, fmt.Sprintf("%d,%d,%s", i%50, i, name))
		wantCount++
		wantSum += int64(i)
	}
	msgs = append(msgs, []byte{0xff, 0xff, 0xff, 0xff, 0xff}, []byte("not avro"))
	lines = append(lines, "auction,price,bidder", "1,two,x", `1,2,"open`)
	testserver.ProduceMessages(t, broker, avroTopic, msgs)
	path := filepath.Join(t.TempDir(), "bids.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	testserver.ProduceFile(t, broker, csvTopic, path)
	schemaPath := filepath.Join(t.TempDir(), "bid.avsc")
	if err := os.WriteFile(schemaPath, []byte(bidSchema), 0o644); err != nil {
		t.Fatal(err)
	}

	s := testserver.Start(t)
	conn := s.Conn(t)
	with := func(topic string) string {
		return fmt.Sprintf("WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s')", topic, broker)
	}
	testserver.Exec(t, conn,
		"CREATE SOURCE bids_avro (auction bigint, price bigint, bidder text) "+with(avroTopic)+
			" FORMAT PLAIN ENCODE AVRO (schema.location = 'file://"+schemaPath+"')",
		"CREATE SOURCE bids_csv (auction bigint, price bigint, bidder text) "+with(csvTopic)+" FORMAT PLAIN ENCODE CSV",
		"CREATE MATERIALIZED VIEW avro_totals AS SELECT count(*) AS n, sum(price) AS s, count(bidder) AS named, count(DISTINCT auction) AS auctions FROM bids_avro",
		"CREATE MATERIALIZED VIEW csv_totals AS SELECT count(*) AS n, sum(price) AS s, count(bidder) AS named, count(DISTINCT auction) AS auctions FROM bids_csv")
	want := fmt.Sprintf("%d %d %d 50", wantCount, wantSum, wantNamed)
	for _, v := range []string{"avro_totals", "csv_totals"} {
		waitCount(t, s, v, "n", wantCount)
		got := query(t, s, "SELECT 'x', n || ' ' || s || ' ' || named || ' ' || auctions FROM "+v)
		if got["x"] != want {
			t.Fatalf("%s: %s, want %s", v, got["x"], want)
		}
	}
	errs := query(t, s, "SELECT source::text, count(*)::text FROM freshet_source_errors GROUP BY source")
	if errs["bids_avro"] != "2" || errs["bids_csv"] != "2" {
		t.Fatalf("source errors: %v (want 2 each: the CSV header is skipped, not an error)", errs)
	}
}
