// Package nexmark is the Nexmark benchmark's event generator
// (shared/NEXMARK.md §1): Generator makes event n of the stream
// deterministically, seeded per event, and Start emits the events of one
// kind on parallel splits (connectors/generator) as a source's messages
// (kafka.Message with the *Event as its Record), from event numbers its
// caller stores as offsets.
//
// It imports connectors/generator, connectors/kafka (for the message type
// feeds consume) and sql/sqlerr.
package nexmark
