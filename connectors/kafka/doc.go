// Package kafka reads Kafka topics for sources: a Reader consumes every
// partition of a topic from offsets its caller stores (not through a
// consumer group), with github.com/IBM/sarama at an explicit protocol
// version. Config reads a source's WITH options.
//
// It imports sql/sqlerr only, for the errors a statement reports.
package kafka
