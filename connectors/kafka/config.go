package kafka

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Start modes: where a reader without a stored offset starts a partition.
const (
	StartEarliest  = "earliest"
	StartLatest    = "latest"
	StartTimestamp = "timestamp"
)

// Config is how a Kafka source connects and where it starts reading.
type Config struct {
	// Brokers are the bootstrap brokers, host:port.
	Brokers []string
	// Topic is the topic read.
	Topic string
	// StartMode is StartEarliest, StartLatest or StartTimestamp.
	StartMode string
	// StartMillis is the timestamp of StartTimestamp, in milliseconds since
	// the epoch.
	StartMillis int64
	// ClientID names the client to the brokers.
	ClientID string
	// MaxWait is how long a fetch waits for messages to arrive.
	MaxWait time.Duration
	// FetchBytes is the bytes fetched per partition and request.
	FetchBytes int32
	// ReadCommitted skips the messages of aborted transactions.
	ReadCommitted bool
}

// properties are the client properties (properties.<name>) a source may
// set, with what each sets.
var properties = map[string]func(c *Config, v string) error{
	"bootstrap.server": func(c *Config, v string) error {
		c.Brokers = nil
		for _, b := range strings.Split(v, ",") {
			if b = strings.TrimSpace(b); b != "" {
				c.Brokers = append(c.Brokers, b)
			}
		}
		if len(c.Brokers) == 0 {
			return fmt.Errorf("names no broker")
		}
		return nil
	},
	"client.id": func(c *Config, v string) error { c.ClientID = v; return nil },
	"fetch.max.wait.ms": func(c *Config, v string) error {
		ms, err := strconv.ParseInt(v, 10, 32)
		if err != nil || ms < 1 {
			return fmt.Errorf("must be a positive number of milliseconds")
		}
		c.MaxWait = time.Duration(ms) * time.Millisecond
		return nil
	},
	"max.partition.fetch.bytes": func(c *Config, v string) error {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1024 {
			return fmt.Errorf("must be a number of bytes, at least 1024")
		}
		c.FetchBytes = int32(n)
		return nil
	},
	"isolation.level": func(c *Config, v string) error {
		switch v {
		case "read_committed":
			c.ReadCommitted = true
		case "read_uncommitted":
			c.ReadCommitted = false
		default:
			return fmt.Errorf("must be read_committed or read_uncommitted")
		}
		return nil
	},
	"security.protocol": func(c *Config, v string) error {
		if !strings.EqualFold(v, "plaintext") {
			return sqlerr.Unsupported("Kafka security.protocol " + v + " (only PLAINTEXT)")
		}
		return nil
	},
}

// ParseConfig reads a source's WITH options (the connector option
// excluded). Errors are 22023 (invalid_parameter_value) naming the option.
func ParseConfig(opts map[string]string) (Config, error) {
	c := Config{StartMode: StartEarliest, ClientID: "freshet", MaxWait: 50 * time.Millisecond, FetchBytes: 1 << 20, ReadCommitted: true}
	bad := func(key, format string, args ...any) error {
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "Kafka option %q %s", key, fmt.Sprintf(format, args...))
	}
	keys := make([]string, 0, len(opts))
	for k := range opts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := opts[k]
		switch {
		case k == "topic":
			c.Topic = v
		case k == "scan.startup.mode":
			switch v {
			case StartEarliest, StartLatest, StartTimestamp:
				c.StartMode = v
			default:
				return c, bad(k, "must be 'earliest', 'latest' or 'timestamp', not %q", v)
			}
		case k == "scan.startup.timestamp.millis":
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil || ms < 0 {
				return c, bad(k, "must be milliseconds since 1970-01-01, not %q", v)
			}
			c.StartMillis = ms
		case strings.HasPrefix(k, "properties."):
			set, ok := properties[strings.TrimPrefix(k, "properties.")]
			if !ok {
				return c, bad(k, "is not a Kafka client property Freshet knows; it knows %s", knownProperties())
			}
			if err := set(&c, v); err != nil {
				if sqlerr.As(err) != nil {
					return c, err
				}
				return c, bad(k, "%v", err)
			}
		default:
			return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown Kafka source option %q", k).
				WithHint("A Kafka source takes topic, properties.bootstrap.server, scan.startup.mode, scan.startup.timestamp.millis and properties.<client property>.")
		}
	}
	if c.Topic == "" {
		return c, sqlerr.New(sqlerr.InvalidParameterValue, "a Kafka source or sink needs the option topic")
	}
	if len(c.Brokers) == 0 {
		return c, sqlerr.New(sqlerr.InvalidParameterValue, "a Kafka source or sink needs the option properties.bootstrap.server (host:port of a broker)")
	}
	if _, set := opts["scan.startup.timestamp.millis"]; set != (c.StartMode == StartTimestamp) {
		return c, sqlerr.New(sqlerr.InvalidParameterValue, "scan.startup.timestamp.millis goes with scan.startup.mode = 'timestamp', and only with it")
	}
	return c, nil
}

func knownProperties() string {
	names := make([]string, 0, len(properties))
	for k := range properties {
		names = append(names, "properties."+k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// saramaConfig is the client configuration for c. The protocol version is
// set explicitly: Kafka 4 brokers refuse the old request versions Sarama
// uses by default.
func (c Config) saramaConfig() *sarama.Config {
	sc := sarama.NewConfig()
	sc.Version = sarama.V3_9_0_0
	sc.ClientID = c.ClientID
	sc.Net.DialTimeout = 5 * time.Second
	sc.Metadata.AllowAutoTopicCreation = false
	sc.Metadata.Retry.Max = 1
	sc.Metadata.Retry.Backoff = 200 * time.Millisecond
	sc.Consumer.Return.Errors = true
	sc.Consumer.MaxWaitTime = c.MaxWait
	sc.Consumer.Fetch.Default = c.FetchBytes
	if c.ReadCommitted {
		sc.Consumer.IsolationLevel = sarama.ReadCommitted
	}
	return sc
}
