package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/freshetdb/freshet/bench/nexmark/workload"
	"github.com/freshetdb/freshet/connectors/nexmark"
)

// producerConfig is the loader's client configuration.
func producerConfig() *sarama.Config {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_9_0_0
	cfg.ClientID = "freshet-nexmark-loader"
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Partitioner = sarama.NewRoundRobinPartitioner
	cfg.Producer.Return.Successes = false
	cfg.Producer.Flush.Bytes = 1 << 20
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	cfg.Producer.MaxMessageBytes = 8 << 20
	return cfg
}

// loadKafka creates the three topics topic names (workload.Topic:
// RisingWave's layout) anew, with partitions partitions each, and writes
// the stream's events to them as JSON (workload.AppendJSON), round robin
// over the partitions, as fast as the broker takes them.
func loadKafka(brokers string, s workload.Stream, partitions int, topic func(string) string) error {
	admin, err := sarama.NewClusterAdmin([]string{brokers}, producerConfig())
	if err != nil {
		return fmt.Errorf("connect to Kafka at %s: %w", brokers, err)
	}
	defer admin.Close()
	for _, kind := range workload.Kinds {
		name := topic(kind)
		if err := admin.DeleteTopic(name); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("delete topic %s: %w", name, err)
		}
	}
	for _, kind := range workload.Kinds {
		name := topic(kind)
		// A topic just deleted may still be going away.
		for tries := 0; ; tries++ {
			err = admin.CreateTopic(name, &sarama.TopicDetail{NumPartitions: int32(partitions), ReplicationFactor: 1}, false)
			if err == nil || !errors.Is(err, sarama.ErrTopicAlreadyExists) || tries == 100 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			return fmt.Errorf("create topic %s: %w", name, err)
		}
	}
	return produceKafka(brokers, s, topic, false)
}

// produceKafka writes the stream's events to the topics, as fast as the
// broker takes them or, when paced, each at its due time by the stream's
// rate (events per second of wall time).
func produceKafka(brokers string, s workload.Stream, topic func(string) string, paced bool) error {
	cfg := producerConfig()
	producer, err := sarama.NewAsyncProducer([]string{brokers}, cfg)
	if err != nil {
		return fmt.Errorf("start a producer: %w", err)
	}
	failed := make(chan error, 1)
	go func() {
		for perr := range producer.Errors() {
			select {
			case failed <- perr:
			default:
			}
		}
	}()
	start := time.Now()
	err = s.Each(func(n int64, e *nexmark.Event) error {
		select {
		case perr := <-failed:
			return perr
		default:
		}
		if paced {
			if wait := time.Until(start.Add(time.Duration(n * int64(time.Second) / s.Rate))); wait > time.Millisecond {
				time.Sleep(wait)
			}
		}
		producer.Input() <- &sarama.ProducerMessage{Topic: topic(workload.Kinds[e.Kind]), Value: sarama.ByteEncoder(workload.AppendJSON(nil, e))}
		return nil
	})
	if cerr := producer.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		select {
		case err = <-failed:
		default:
		}
	}
	if err != nil {
		return fmt.Errorf("write the events to Kafka: %w", err)
	}
	return nil
}
