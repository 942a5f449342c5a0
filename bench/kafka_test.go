package bench

import (
	"context"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// kafkaEvents is the number of events BenchmarkKafkaIngest reads per op.
const kafkaEvents = 1_000_000

// kafkaTopic is the benchmark's topic, filled once per process.
var kafkaTopic struct {
	once   sync.Once
	broker string
	name   string
	bytes  int64
	err    error
}

// benchBroker returns a Kafka broker: FRESHET_TEST_KAFKA's, or one that
// scripts/kafka.sh starts (and leaves running) on 127.0.0.1:19192.
func benchBroker() (string, error) {
	if addr := os.Getenv("FRESHET_TEST_KAFKA"); addr != "" {
		return addr, nil
	}
	out, err := osexec.Command("../scripts/kafka.sh", "start", "/tmp/freshet-bench-kafka", "19192").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("scripts/kafka.sh start: %v\n%s", err, out)
	}
	return "127.0.0.1:19192", nil
}

// fillTopic writes kafkaEvents small JSON events into a new topic of 4
// partitions with kcat.
func fillTopic() {
	t := &kafkaTopic
	if t.broker, t.err = benchBroker(); t.err != nil {
		return
	}
	t.name = fmt.Sprintf("bench_%d", time.Now().UnixNano())
	dir, err := os.MkdirTemp("", "freshet-bench-kafka-")
	if err != nil {
		t.err = err
		return
	}
	defer os.RemoveAll(dir)
	var sb strings.Builder
	for i := 0; i < kafkaEvents; i++ {
		fmt.Fprintf(&sb, `{"id": %d, "k": %d, "v": %d, "name": "user%d"}`+"\n", i, i%100, i%1000, i%5000)
	}
	t.bytes = int64(sb.Len() - kafkaEvents)
	path := filepath.Join(dir, "events.jsonl")
	if t.err = os.WriteFile(path, []byte(sb.String()), 0o644); t.err != nil {
		return
	}
	cp, err := osexec.Command("../scripts/kafka.sh", "classpath").Output()
	if err != nil {
		t.err = fmt.Errorf("scripts/kafka.sh classpath: %v", err)
		return
	}
	topicCmd := osexec.Command("java", "-cp", strings.TrimSpace(string(cp)), "org.apache.kafka.tools.TopicCommand",
		"--bootstrap-server", t.broker, "--create", "--topic", t.name, "--partitions", "4")
	if out, err := topicCmd.CombinedOutput(); err != nil {
		t.err = fmt.Errorf("create topic: %v\n%s", err, out)
		return
	}
	if out, err := osexec.Command("kcat", "-P", "-b", t.broker, "-t", t.name, "-l", path).CombinedOutput(); err != nil {
		t.err = fmt.Errorf("kcat: %v\n%s", err, out)
	}
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkKafkaIngest: one op creates a JSON source over a topic of
// 1,000,000 small events (4 partitions, on a real broker) and a count/sum
// GROUP BY view over it, and waits until the view counts every event: the
// ingest rate from the broker through decoding, the dataflow and the
// durable epochs.
func BenchmarkKafkaIngest(b *testing.B) {
	kafkaTopic.once.Do(fillTopic)
	if kafkaTopic.err != nil {
		b.Fatal(kafkaTopic.err)
	}
	conn := connect(b)
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		src := fmt.Sprintf("kafka_src_%d", i)
		exec(b, conn, fmt.Sprintf(`CREATE SOURCE %s (id bigint, k int, v bigint, name text)
			WITH (connector = 'kafka', topic = '%s', properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`,
			src, kafkaTopic.name, kafkaTopic.broker))
		b.StartTimer()
		before := cpuTime()
		exec(b, conn, fmt.Sprintf("CREATE MATERIALIZED VIEW %s_agg AS SELECT k, count(*) AS n, sum(v) AS s FROM %s GROUP BY k", src, src))
		for {
			var n int64
			if err := conn.QueryRow(context.Background(), fmt.Sprintf("SELECT coalesce(sum(n), 0) FROM %s_agg", src)).Scan(&n); err != nil {
				b.Fatal(err)
			}
			if n == kafkaEvents {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cpu += cpuTime() - before
		b.StopTimer()
		exec(b, conn, "DROP SOURCE "+src+" CASCADE")
		b.StartTimer()
	}
	secs := b.Elapsed().Seconds()
	events := float64(kafkaEvents) * float64(b.N)
	b.ReportMetric(events/secs, "events/s")
	b.ReportMetric(float64(kafkaTopic.bytes)*float64(b.N)/secs/1e6, "MB/s")
	b.ReportMetric(float64(kafkaTopic.bytes)/kafkaEvents, "bytes/event")
	if cpu > 0 {
		b.ReportMetric(events/cpu.Seconds(), "events/cpu-s")
	}
}
