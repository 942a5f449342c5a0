// Package workload is the Nexmark workload shared by the benchmark
// (bench/nexmark) and the smoke test (tests/nexmark): the queries, the
// statements that declare the sources (the built-in generator or Kafka
// topics of JSON), the independent copy of the events in tables that
// verification runs the queries over, the JSON the Kafka loader writes,
// and the wait until every feed has read a bounded stream.
package workload

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/connectors/nexmark"
	"github.com/freshetdb/freshet/tests/oracle"
)

// Kinds names the three sources, in the order of nexmark.Kind.
var Kinds = []string{"person", "auction", "bid"}

// Stream is the configuration of the events a run reads.
type Stream struct {
	// Events is the number of events of all kinds.
	Events int64
	// BaseTime is the event time of event 0 in ms; Rate the events per
	// second of event time, which is also the wall-clock rate unless
	// MaxSpeed.
	BaseTime, Rate int64
	MaxSpeed       bool
	// Splits is the number of parallel splits of each source.
	Splits int
}

// Select returns the queries named in list ("q0,q3"; "" or "all": all),
// in the order of Queries, or an error naming one that does not run.
func Select(list string) ([]Query, error) {
	if list == "" || list == "all" {
		return Queries, nil
	}
	var out []Query
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		i := slices.IndexFunc(Queries, func(q Query) bool { return q.Name == name })
		if i >= 0 {
			out = append(out, Queries[i])
			continue
		}
		return nil, fmt.Errorf("there is no Nexmark query %q (q0 to q22)", name)
	}
	return out, nil
}

// Query is one Nexmark query.
type Query struct {
	Name, SQL string
	// ProcTime says the query reads bid's processing-time column p_time
	// (declared AS PROCTIME()), which the other queries' bid has not.
	ProcTime bool
	// Setup holds the statements that make the tables the query reads
	// besides the sources (q13's side input): run before the query is
	// created, and again among the tables it is verified over.
	Setup []string
	// Check, when set, is how the query's result is verified, because it
	// depends on when events were read: the view's side and the tables'
	// side of the comparison. Without it the view is compared with the
	// query run over the tables.
	Check *Check
}

// Check is a comparison that verifies a query's view: View runs over the
// view (nexmark_<name>), Batch over the tables holding the events.
type Check struct{ View, Batch string }

// verification returns the queries whose results must be equal for q's
// view to be verified: one over the view, one over the tables.
func (q Query) verification() (view, batch string) {
	if q.Check != nil {
		return q.Check.View, q.Check.Batch
	}
	return "SELECT * FROM " + q.View(), q.SQL
}

// View is the name of the query's view or sink: nexmark_<name>, with
// "-" as "_".
func (q Query) View() string { return "nexmark_" + strings.ReplaceAll(q.Name, "-", "_") }

// GeneratorSources returns the statements that declare person, auction
// and bid over the built-in generator; with procTime bid has p_time.
func (s Stream) GeneratorSources(procTime bool) []string {
	var out []string
	for i, kind := range Kinds {
		out = append(out, fmt.Sprintf(`CREATE SOURCE %s (%s) WITH (connector = 'nexmark', nexmark.table.type = '%s',
	nexmark.event.num = '%d', nexmark.base.time = '%d', nexmark.event.rate = '%d',
	nexmark.max.emit.speed = '%t', nexmark.split.num = '%d')`,
			kind, sourceColumns(nexmark.Kind(i), procTime), kind, s.Events, s.BaseTime, s.Rate, s.MaxSpeed, s.Splits))
	}
	return out
}

// KafkaSources returns the statements that declare person, auction and
// bid over the topics topic names (Topic, PacedTopic), read from the
// start; with procTime bid has p_time.
func KafkaSources(brokers string, procTime bool, topic func(kind string) string) []string {
	var out []string
	for i, kind := range Kinds {
		out = append(out, fmt.Sprintf(`CREATE SOURCE %s (%s) WITH (connector = 'kafka', topic = '%s',
	properties.bootstrap.server = '%s', scan.startup.mode = 'earliest') FORMAT PLAIN ENCODE JSON`,
			kind, sourceColumns(nexmark.Kind(i), procTime), topic(kind), brokers))
	}
	return out
}

// sourceColumns returns the column definitions of a kind's source: its
// table's, and for bid with procTime a processing-time column p_time, as
// RisingWave's q12 and q13 declare it.
func sourceColumns(k nexmark.Kind, procTime bool) string {
	if procTime && k == nexmark.Bid {
		return columns(k) + ", p_time timestamptz AS PROCTIME()"
	}
	return columns(k)
}

// Topic is the Kafka topic of a kind of event, as RisingWave's benchmark
// names it.
func Topic(kind string) string { return "nexmark-" + kind }

// PacedTopic is the topic of a kind of event written while a query runs,
// for its freshness: apart from Topic, so that the loaded stream stays as
// it was for the next query.
func PacedTopic(kind string) string { return "nexmark-paced-" + kind }

// columns returns the column definitions of a kind's table.
func columns(k nexmark.Kind) string {
	var cols []string
	for _, f := range nexmark.Fields(k) {
		cols = append(cols, f.Name+" "+f.Type.SQLType().String())
	}
	return strings.Join(cols, ", ")
}

// Each calls fn with every event of the stream, in order; e is reused.
func (s Stream) Each(fn func(n int64, e *nexmark.Event) error) error {
	gen := nexmark.NewGenerator(s.BaseTime, s.Rate)
	var e nexmark.Event
	for n := int64(0); n < s.Events; n++ {
		gen.Event(n, &e)
		if err := fn(n, &e); err != nil {
			return err
		}
	}
	return nil
}

// LoadTables writes the stream's events into tables person, auction and
// bid of a new schema, straight from the generator package (not through
// Freshet's sources), for the queries to be run over once.
func (s Stream) LoadTables(ctx context.Context, conn *pgx.Conn, schema string) error {
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	gen := nexmark.NewGenerator(s.BaseTime, s.Rate)
	for i, kind := range Kinds {
		k := nexmark.Kind(i)
		if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE TABLE %s.%s (%s)", schema, kind, columns(k))); err != nil {
			return fmt.Errorf("create table %s.%s: %w", schema, kind, err)
		}
		fields := nexmark.Fields(k)
		var cols []string
		for _, f := range fields {
			cols = append(cols, f.Name)
		}
		var e nexmark.Event
		n := int64(-1)
		row := make([]any, len(fields))
		next := func() bool {
			for n++; n < s.Events; n++ {
				if nexmark.KindOf(n) == k {
					gen.Event(n, &e)
					return true
				}
			}
			return false
		}
		values := func() ([]any, error) {
			for j, f := range fields {
				row[j] = e.Value(f)
				if f.Type == nexmark.Time {
					row[j] = time.UnixMilli(e.Times[f.Index]).UTC()
				}
			}
			return row, nil
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{schema, kind}, cols, pgx.CopyFromFunc(func() ([]any, error) {
			if !next() {
				return nil, nil
			}
			return values()
		})); err != nil {
			return fmt.Errorf("copy into %s.%s: %w", schema, kind, err)
		}
	}
	return nil
}

// AppendJSON appends event e as a JSON object with snake_case keys (the
// fields of its kind), its times as 'YYYY-MM-DD HH:MM:SS.mmm' in UTC.
func AppendJSON(b []byte, e *nexmark.Event) []byte {
	b = append(b, '{')
	for i, f := range nexmark.Fields(e.Kind) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.Name...)
		b = append(b, '"', ':')
		switch f.Type {
		case nexmark.Int:
			b = fmt.Appendf(b, "%d", e.Ints[f.Index])
		case nexmark.Time:
			b = time.UnixMilli(e.Times[f.Index]).UTC().AppendFormat(append(b, '"'), "2006-01-02 15:04:05.000")
			b = append(b, '"')
		default:
			// The generator's strings are ASCII letters, digits and
			// URL punctuation: nothing JSON must escape.
			b = append(b, '"')
			b = append(b, e.Strings[f.Index]...)
			b = append(b, '"')
		}
	}
	return append(b, '}')
}

// Verify compares q's view with q run once over the tables LoadTables
// filled in schema batch (after q's Setup there), through conn, whose
// search path it leaves at public. It returns "" when they are equal, else
// the difference, and the view's rows; a query that fails is an error.
func Verify(ctx context.Context, conn *pgx.Conn, q Query) (diff string, rows int, err error) {
	viewSQL, batchSQL := q.verification()
	view, err := oracle.Run(ctx, conn.PgConn(), viewSQL)
	if err == nil && view.Err != nil {
		err = fmt.Errorf("the query over the view failed: %w", view.Err)
	}
	if err != nil {
		return "", 0, err
	}
	for _, s := range append([]string{"SET search_path TO batch"}, q.Setup...) {
		if _, err := conn.Exec(ctx, s); err != nil {
			return "", 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	batch, err := oracle.Run(ctx, conn.PgConn(), batchSQL)
	if err == nil && batch.Err != nil {
		err = fmt.Errorf("the query over the tables failed: %w", batch.Err)
	}
	if _, serr := conn.Exec(ctx, "SET search_path TO public"); err == nil {
		err = serr
	}
	if err != nil {
		return "", 0, err
	}
	// Compare calls the first result PostgreSQL's: here it is the query's
	// over the tables, and Freshet's the view's.
	return oracle.Compare(batch, view, false), len(view.Rows), nil
}

// WaitRead waits until every feed of every view and sink has read its
// source to the end and committed it, or fails after timeout. For a
// Kafka source the end is its high watermark. It returns when it first
// saw every feed done.
func WaitRead(ctx context.Context, conn *pgx.Conn, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	var first time.Time
	for {
		now := time.Now()
		var feeds, behind int
		err := conn.QueryRow(ctx, "SELECT count(*), count(*) FILTER (WHERE lag IS NULL OR lag <> 0) FROM freshet_source_partitions").Scan(&feeds, &behind)
		if err != nil {
			return time.Time{}, fmt.Errorf("read freshet_source_partitions: %w", err)
		}
		// Held twice in a row: a feed that has not listed its
		// partitions yet is not taken for done.
		switch {
		case feeds == 0 || behind > 0:
			first = time.Time{}
		case first.IsZero():
			first = now
		default:
			return first, nil
		}
		if now.After(deadline) {
			return time.Time{}, fmt.Errorf("the feeds have not read the stream after %v (%d of %d partitions behind)", timeout, behind, feeds)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
