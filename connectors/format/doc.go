// Package format decodes source messages into rows of a source's columns:
// JSON objects (JSON), CSV lines (CSV), Avro binary records (Avro), or
// whole messages into one bytea column (Bytes); and it encodes rows as JSON
// objects for sinks (AppendJSONObject). A decoder is used by one goroutine at a time; the
// rows it fills own their values (nothing points into the message).
//
// It imports sql/types only.
package format
