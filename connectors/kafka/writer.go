package kafka

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/IBM/sarama"
)

// Record is one message a sink writes.
type Record struct {
	Key, Value []byte
}

// EpochHeader is the header every sink message carries: the number of the
// epoch that wrote it.
const EpochHeader = "freshet-epoch"

// Writer writes a sink's epochs to a topic, each in one Kafka transaction.
// The transaction also commits the epoch's number as the offset of
// partition 0 of the topic for the sink's own consumer group. So the topic
// and the record of what it holds change together, and after a crash
// Delivered says exactly which epochs a read_committed consumer sees.
type Writer struct {
	cfg      Config
	group    string
	client   sarama.Client
	producer sarama.SyncProducer
}

// NewWriter connects a transactional producer with id txnID. Opening it
// aborts a transaction an earlier producer with that id left open, and
// fences that producer off.
func NewWriter(cfg Config, txnID string) (*Writer, error) {
	sc := cfg.saramaConfig()
	sc.Producer.Idempotent = true
	sc.Producer.RequiredAcks = sarama.WaitForAll
	sc.Producer.Return.Successes = true
	sc.Producer.Transaction.ID = txnID
	sc.Producer.MaxMessageBytes = 16 << 20
	sc.Net.MaxOpenRequests = 1
	client, err := sarama.NewClient(cfg.Brokers, sc)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Kafka at %s: %w", joinBrokers(cfg), err)
	}
	producer, err := sarama.NewSyncProducerFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("transactional producer %s: %w", txnID, err)
	}
	return &Writer{cfg: cfg, group: txnID, client: client, producer: producer}, nil
}

// Close closes the producer and its client.
func (w *Writer) Close() {
	w.producer.Close()
	w.client.Close()
}

// Delivered returns the number of the last epoch whose transaction
// committed; 0 when none has.
func (w *Writer) Delivered() (uint64, error) {
	admin, err := sarama.NewClusterAdminFromClient(w.client)
	if err != nil {
		return 0, err
	}
	// The admin shares the writer's client: closing it would close that.
	resp, err := admin.ListConsumerGroupOffsets(w.group, map[string][]int32{w.cfg.Topic: {0}})
	if errors.Is(err, sarama.ErrGroupIDNotFound) || err == nil && resp.Err == sarama.ErrGroupIDNotFound {
		// No transaction ever committed the group's offsets.
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the delivered epoch of %s: %w", w.group, err)
	}
	if resp.Err != sarama.ErrNoError {
		return 0, fmt.Errorf("read the delivered epoch of %s: %w", w.group, resp.Err)
	}
	b := resp.GetBlock(w.cfg.Topic, 0)
	if b != nil && b.Err != sarama.ErrNoError {
		return 0, fmt.Errorf("read the delivered epoch of %s: %w", w.group, b.Err)
	}
	if b == nil || b.Offset < 0 {
		return 0, nil
	}
	return uint64(b.Offset), nil
}

// Write writes the records of one epoch in one transaction, with the
// epoch's number as the group's offset.
func (w *Writer) Write(epoch uint64, recs []Record) error {
	if err := w.producer.BeginTxn(); err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	header := []sarama.RecordHeader{{Key: []byte(EpochHeader), Value: []byte(strconv.FormatUint(epoch, 10))}}
	msgs := make([]*sarama.ProducerMessage, len(recs))
	for i, r := range recs {
		m := &sarama.ProducerMessage{Topic: w.cfg.Topic, Headers: header}
		if r.Key != nil {
			m.Key = sarama.ByteEncoder(r.Key)
		}
		if r.Value != nil {
			m.Value = sarama.ByteEncoder(r.Value)
		}
		msgs[i] = m
	}
	err := w.producer.SendMessages(msgs)
	if err == nil {
		err = w.producer.AddOffsetsToTxn(map[string][]*sarama.PartitionOffsetMetadata{
			w.cfg.Topic: {{Partition: 0, Offset: int64(epoch)}}}, w.group)
	}
	if err == nil {
		err = w.producer.CommitTxn()
	}
	if err != nil {
		if aerr := w.producer.AbortTxn(); aerr != nil {
			err = errors.Join(err, aerr)
		}
		return fmt.Errorf("epoch %d: %w", epoch, err)
	}
	return nil
}
