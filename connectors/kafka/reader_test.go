package kafka

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fakeTopic starts an in-process broker with topic "t" of parts
// partitions holding n messages "0".."n-1", spread by key.
func fakeTopic(t *testing.T, parts int32, n int) Config {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(parts, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for i := 0; i < n; i++ {
		v := fmt.Sprint(i)
		if err := cl.ProduceSync(context.Background(), &kgo.Record{Topic: "t", Key: []byte(v), Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := ParseConfig(map[string]string{"topic": "t", "properties.bootstrap.server": c.ListenAddrs()[0]})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// collect reads until want messages arrived and returns them by value,
// with the next offset of each partition.
func collect(t *testing.T, cfg Config, start map[int32]int64, want int) (map[string]int, map[int32]int64) {
	t.Helper()
	var mu sync.Mutex
	got := map[string]int{}
	next := map[int32]int64{}
	done := make(chan struct{})
	n := 0
	r := Start(cfg, start, func(m *Message) bool {
		mu.Lock()
		defer mu.Unlock()
		got[string(m.Value)]++
		if m.Offset+1 <= next[m.Partition] {
			t.Errorf("partition %d: offset %d after %d", m.Partition, m.Offset, next[m.Partition])
		}
		next[m.Partition] = m.Offset + 1
		if n++; n == want {
			close(done)
		}
		return true
	})
	defer r.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("read %d of %d messages; status %s", n, want, r.Status())
	}
	if st := r.Status(); st != "running" {
		t.Errorf("status %q", st)
	}
	return got, next
}

func TestReaderReadsEveryPartitionFromGivenOffsets(t *testing.T) {
	cfg := fakeTopic(t, 3, 300)
	got, next := collect(t, cfg, map[int32]int64{}, 300)
	if len(got) != 300 || len(next) != 3 {
		t.Fatalf("got %d distinct values over %d partitions", len(got), len(next))
	}
	// From the middle of each partition: exactly the rest.
	start := map[int32]int64{}
	rest := 0
	for p, off := range next {
		start[p] = off / 2
		rest += int(off - off/2)
	}
	got2, _ := collect(t, cfg, start, rest)
	for v, k := range got2 {
		if k != 1 || got[v] != 1 {
			t.Fatalf("value %s read %d times", v, k)
		}
	}
}

func TestProbeAndStartOffsets(t *testing.T) {
	cfg := fakeTopic(t, 2, 10)
	if err := Probe(cfg); err != nil {
		t.Fatal(err)
	}
	missing := cfg
	missing.Topic = "nope"
	if err := Probe(missing); err == nil {
		t.Fatal("probe of a missing topic succeeded")
	}
	cfg.StartMode = StartLatest
	offs, err := StartOffsets(cfg)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, o := range offs {
		total += o
	}
	if len(offs) != 2 || total != 10 {
		t.Fatalf("latest offsets %v", offs)
	}
}

func TestParseConfig(t *testing.T) {
	for _, c := range []struct {
		opts map[string]string
		err  string
	}{
		{map[string]string{"topic": "t"}, "properties.bootstrap.server"},
		{map[string]string{"properties.bootstrap.server": "h:1"}, "needs the option topic"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1", "scan.startup.mode": "middle"}, "must be 'earliest'"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1", "scan.startup.mode": "timestamp"}, "goes with"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1", "properties.sasl.mechanism": "x"}, "not a Kafka client property"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1", "colour": "x"}, "unknown Kafka source option"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1", "properties.security.protocol": "SSL"}, "not supported"},
		{map[string]string{"topic": "t", "properties.bootstrap.server": "h:1,h:2", "scan.startup.mode": "timestamp", "scan.startup.timestamp.millis": "5"}, ""},
	} {
		cfg, err := ParseConfig(c.opts)
		if c.err == "" {
			if err != nil || len(cfg.Brokers) != 2 || cfg.StartMillis != 5 {
				t.Errorf("%v: %v %+v", c.opts, err, cfg)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%v: error %v, want %q", c.opts, err, c.err)
		}
	}
}
