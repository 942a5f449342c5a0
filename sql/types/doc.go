// Package types is the shared vocabulary of Freshet: SQL types (T), values
// (Datum), rows and chunks of changes, and the encodings of values as text,
// as Postgres binary, and as order-preserving storage keys.
//
// Every layer may import this package; it imports only the standard library
// and github.com/cockroachdb/apd/v3 (arbitrary-precision numeric).
//
// Representation choices:
//   - A Datum is a small struct, not an interface, so rows of them live in one
//     flat slice and a chunk of changes costs no allocation per value.
//   - date is days since 1970-01-01; timestamp and timestamptz are
//     microseconds since 1970-01-01 00:00:00 UTC (timestamp without time zone
//     is stored as if it were UTC); time is microseconds since midnight.
//     ±infinity use math.MaxInt64 / math.MinInt64 (and MaxInt32/MinInt32 for
//     date), as Postgres does at its own epoch.
//   - interval keeps months, days and microseconds apart, as Postgres does.
//   - jsonb is kept as its canonical Postgres text form.
//
// Encodings, one file each:
//   - text (format_text.go, parse_text.go; datetime.go, interval.go,
//     numeric.go, float.go, jsonb.go, array.go for the harder kinds):
//     byte-identical to PostgreSQL 15 with DateStyle ISO, MDY and
//     IntervalStyle postgres, with Postgres' input errors and SQLSTATEs;
//   - Postgres binary send/recv (binary.go);
//   - order-preserving keys for Pebble (key.go): bytes compare as Compare
//     does, and values that Compare equal share one canonical key;
//   - compact exact row values for storage (value.go).
//
// Ordering and grouping (compare.go, hash.go) follow Postgres' btree and
// hash opclasses with one deliberate difference: text compares bytewise,
// as under the C collation, which is the only collation Freshet has.
package types
