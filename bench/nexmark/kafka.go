package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/IBM/sarama"

	"github.com/freshetdb/freshet/bench/nexmark/workload"
	"github.com/freshetdb/freshet/connectors/nexmark"
)

// loadKafka writes the stream's events as JSON (workload.AppendJSON) to
// the three topics of RisingWave's layout, created anew with partitions
// partitions each, round robin over them.
func loadKafka(brokers string, s workload.Stream, partitions int) error {
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V3_9_0_0
	cfg.ClientID = "freshet-nexmark-loader"
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Partitioner = sarama.NewRoundRobinPartitioner
	cfg.Producer.Return.Successes = false
	cfg.Producer.Flush.Bytes = 1 << 20
	cfg.Producer.Flush.Frequency = 5 * time.Millisecond
	cfg.Producer.MaxMessageBytes = 8 << 20
	admin, err := sarama.NewClusterAdmin([]string{brokers}, cfg)
	if err != nil {
		return fmt.Errorf("connect to Kafka at %s: %w", brokers, err)
	}
	defer admin.Close()
	for _, kind := range workload.Kinds {
		topic := workload.Topic(kind)
		if err := admin.DeleteTopic(topic); err != nil && !errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return fmt.Errorf("delete topic %s: %w", topic, err)
		}
	}
	for _, kind := range workload.Kinds {
		topic := workload.Topic(kind)
		// A topic just deleted may still be going away.
		for tries := 0; ; tries++ {
			err = admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: int32(partitions), ReplicationFactor: 1}, false)
			if err == nil || !errors.Is(err, sarama.ErrTopicAlreadyExists) || tries == 100 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
	}
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
	err = s.Each(func(_ int64, e *nexmark.Event) error {
		select {
		case perr := <-failed:
			return perr
		default:
		}
		producer.Input() <- &sarama.ProducerMessage{Topic: workload.Topic(workload.Kinds[e.Kind]), Value: sarama.ByteEncoder(workload.AppendJSON(nil, e))}
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
