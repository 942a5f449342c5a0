package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Message is one message read from a partition. Key and Value are only
// valid during the Handler call.
type Message struct {
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Timestamp time.Time
	Headers   []Header
	// Record, when set, is the message already decoded: an event a
	// built-in generator made (see connectors/nexmark).
	Record any
}

// Header is one message header.
type Header struct {
	Key, Value []byte
}

// Handler receives a reader's messages, each partition's in offset order,
// from one goroutine per partition; it may block to slow the reader down.
// It returns false when the reader is to stop.
type Handler func(m *Message) bool

// PartitionStats is what a reader knows of one partition.
type PartitionStats struct {
	Partition int32
	// HighWatermark is the offset after the partition's last message, as
	// the broker last said; -1 before it has.
	HighWatermark int64
}

// Reader reads every partition of a topic, each with its own consumer from
// the offset the caller gives (not through a consumer group), and picks up
// partitions added later. It retries an unreachable broker and reports
// what it is doing through Status.
type Reader struct {
	cfg     Config
	start   map[int32]int64
	handle  Handler
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	status  string
	parts   map[int32]sarama.PartitionConsumer
	refresh time.Duration
}

// Start starts reading cfg's topic: partition p from offset start[p], a
// partition missing from start from the beginning of what the broker
// retains.
func Start(cfg Config, start map[int32]int64, h Handler) *Reader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reader{cfg: cfg, start: start, handle: h, ctx: ctx, cancel: cancel, status: "connecting",
		parts: map[int32]sarama.PartitionConsumer{}, refresh: 5 * time.Second}
	r.wg.Add(1)
	go r.run()
	return r
}

// Status says what the reader is doing: "running", "connecting", or why
// it is waiting ("retrying: ...").
func (r *Reader) Status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

func (r *Reader) setStatus(s string) {
	r.mu.Lock()
	r.status = s
	r.mu.Unlock()
}

// Partitions returns the partitions being read.
func (r *Reader) Partitions() []PartitionStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]PartitionStats, 0, len(r.parts))
	for p, pc := range r.parts {
		out = append(out, PartitionStats{Partition: p, HighWatermark: pc.HighWaterMarkOffset()})
	}
	return out
}

// Close stops the reader and waits for its goroutines; the handler is not
// called after Close returns.
func (r *Reader) Close() {
	r.Stop()
	r.Wait()
}

// Stop tells the reader to stop, without waiting: a connection attempt in
// progress may take its timeout to end.
func (r *Reader) Stop() { r.cancel() }

// Wait waits until the reader's goroutines have ended, after Stop.
func (r *Reader) Wait() { r.wg.Wait() }

// run connects, then keeps every partition read until the reader closes.
func (r *Reader) run() {
	defer r.wg.Done()
	backoff := 200 * time.Millisecond
	for {
		err := r.session()
		if r.ctx.Err() != nil {
			return
		}
		r.setStatus("retrying: " + err.Error())
		select {
		case <-r.ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// session reads with one client until an error or the reader's close.
func (r *Reader) session() error {
	client, err := sarama.NewClient(r.cfg.Brokers, r.cfg.saramaConfig())
	if err != nil {
		return fmt.Errorf("cannot reach Kafka at %v: %w", r.cfg.Brokers, err)
	}
	defer client.Close()
	consumer, err := sarama.NewConsumerFromClient(client)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer func() {
		r.mu.Lock()
		for p, pc := range r.parts {
			pc.AsyncClose()
			delete(r.parts, p)
		}
		r.mu.Unlock()
		wg.Wait()
		consumer.Close()
	}()
	failed := make(chan error, 1)
	fail := func(err error) {
		select {
		case failed <- err:
		default:
		}
	}
	tick := time.NewTicker(r.refresh)
	defer tick.Stop()
	for {
		if err := client.RefreshMetadata(r.cfg.Topic); err != nil {
			return topicError(r.cfg.Topic, err)
		}
		ids, err := client.Partitions(r.cfg.Topic)
		if err != nil {
			return topicError(r.cfg.Topic, err)
		}
		for _, p := range ids {
			r.mu.Lock()
			_, have := r.parts[p]
			r.mu.Unlock()
			if have {
				continue
			}
			pc, err := r.consume(client, consumer, p)
			if err != nil {
				return err
			}
			r.mu.Lock()
			r.parts[p] = pc
			r.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := r.drain(p, pc); err != nil {
					fail(err)
				}
			}()
		}
		r.setStatus("running")
		select {
		case <-r.ctx.Done():
			return r.ctx.Err()
		case err := <-failed:
			return err
		case <-tick.C:
		}
	}
}

// consume opens partition p at its start offset. An offset the broker no
// longer retains (deleted by retention) starts at the oldest retained one.
func (r *Reader) consume(client sarama.Client, consumer sarama.Consumer, p int32) (sarama.PartitionConsumer, error) {
	r.mu.Lock()
	off, ok := r.start[p]
	r.mu.Unlock()
	if !ok {
		off = sarama.OffsetOldest
	}
	pc, err := consumer.ConsumePartition(r.cfg.Topic, p, off)
	if errors.Is(err, sarama.ErrOffsetOutOfRange) {
		oldest, oerr := client.GetOffset(r.cfg.Topic, p, sarama.OffsetOldest)
		if oerr == nil && off < oldest {
			pc, err = consumer.ConsumePartition(r.cfg.Topic, p, oldest)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("partition %d of topic %q from offset %d: %w", p, r.cfg.Topic, off, err)
	}
	return pc, nil
}

// drain hands partition p's messages to the handler until the consumer
// closes or fails, then notes where a new session resumes: after the last
// message handled.
func (r *Reader) drain(p int32, pc sarama.PartitionConsumer) error {
	var m Message
	next := int64(-1)
	defer func() {
		if next >= 0 {
			r.mu.Lock()
			r.start[p] = next
			r.mu.Unlock()
		}
	}()
	msgs, errs := pc.Messages(), pc.Errors()
	for msgs != nil || errs != nil {
		select {
		case msg, ok := <-msgs:
			if !ok {
				msgs = nil
				continue
			}
			m = Message{Partition: msg.Partition, Offset: msg.Offset, Key: msg.Key, Value: msg.Value, Timestamp: msg.Timestamp}
			for _, h := range msg.Headers {
				if h != nil {
					m.Headers = append(m.Headers, Header{Key: h.Key, Value: h.Value})
				}
			}
			if !r.handle(&m) {
				return nil
			}
			next = m.Offset + 1
		case err, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			if errors.Is(err.Err, sarama.ErrOffsetOutOfRange) || errors.Is(err.Err, sarama.ErrUnknownTopicOrPartition) {
				return topicError(r.cfg.Topic, err.Err)
			}
			r.setStatus("retrying: " + err.Error())
		}
	}
	return nil
}

// topicError explains a failure to find or read a topic.
func topicError(topic string, err error) error {
	if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
		return fmt.Errorf("topic %q does not exist (deleted?)", topic)
	}
	return fmt.Errorf("topic %q: %w", topic, err)
}

// Probe checks that the brokers answer and the topic exists, for CREATE
// SOURCE: 08001 when no broker answers, 42704 when the topic is missing.
func Probe(cfg Config) error {
	client, err := sarama.NewClient(cfg.Brokers, cfg.saramaConfig())
	if err != nil {
		return sqlerr.Newf(sqlerr.SQLClientUnableToEstablishSQLConnection, "cannot reach Kafka at %s: %v", joinBrokers(cfg), err)
	}
	defer client.Close()
	if _, err := client.Partitions(cfg.Topic); err != nil {
		if errors.Is(err, sarama.ErrUnknownTopicOrPartition) {
			return sqlerr.Newf(sqlerr.UndefinedObject, "Kafka topic %q does not exist at %s", cfg.Topic, joinBrokers(cfg)).
				WithHint("Create the topic first; Freshet does not create the topics it reads or writes.")
		}
		return sqlerr.Newf(sqlerr.SQLClientUnableToEstablishSQLConnection, "cannot read the partitions of Kafka topic %q: %v", cfg.Topic, err)
	}
	return nil
}

// StartOffsets resolves cfg's start mode into an offset per partition
// that exists now: for 'latest' the offset after the last message, for
// 'timestamp' the first message at or after it. 'earliest' needs none
// (nil): it means the oldest retained message whenever the partition is
// read.
func StartOffsets(cfg Config) (map[int32]int64, error) {
	if cfg.StartMode == StartEarliest {
		return nil, nil
	}
	client, err := sarama.NewClient(cfg.Brokers, cfg.saramaConfig())
	if err != nil {
		return nil, sqlerr.Newf(sqlerr.SQLClientUnableToEstablishSQLConnection, "cannot reach Kafka at %s: %v", joinBrokers(cfg), err)
	}
	defer client.Close()
	ids, err := client.Partitions(cfg.Topic)
	if err != nil {
		return nil, sqlerr.Newf(sqlerr.SQLClientUnableToEstablishSQLConnection, "cannot read the partitions of Kafka topic %q: %v", cfg.Topic, err)
	}
	out := map[int32]int64{}
	for _, p := range ids {
		at := sarama.OffsetNewest
		if cfg.StartMode == StartTimestamp {
			at = cfg.StartMillis
		}
		off, err := client.GetOffset(cfg.Topic, p, at)
		if err == nil && off < 0 {
			// No message at or after the timestamp: start at the end.
			off, err = client.GetOffset(cfg.Topic, p, sarama.OffsetNewest)
		}
		if err != nil {
			return nil, sqlerr.Newf(sqlerr.SQLClientUnableToEstablishSQLConnection, "cannot find the start offset of partition %d of Kafka topic %q: %v", p, cfg.Topic, err)
		}
		out[p] = off
	}
	return out, nil
}

func joinBrokers(cfg Config) string {
	s := ""
	for i, b := range cfg.Brokers {
		if i > 0 {
			s += ","
		}
		s += b
	}
	return s
}
