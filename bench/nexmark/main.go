// Command nexmark runs the Nexmark benchmark (shared/NEXMARK.md) against
// Freshet: each query in turn, on a fresh server, over a bounded stream
// of events, and reports per query the events, seconds, events per second,
// events per second per core used, peak RSS, freshness, result rows and
// whether the result was verified.
//
//	go run ./bench/nexmark --queries q0,q1 --events 1000000 --verify --out results.csv
//
// A query runs in two modes: "sink", RisingWave's published form (CREATE
// SINK ... AS query WITH (connector = 'blackhole'), changes computed and
// thrown away), and "mv" (CREATE MATERIALIZED VIEW, the result stored and
// queryable). Events come from the built-in generator, or with --kafka
// from a real Kafka broker: a loader first writes the events as JSON to
// three topics, and the sources read them from the start.
//
// Throughput: the clock runs from the CREATE statement until every feed
// has read the stream to its end and committed it; CPU time and peak RSS
// are the server process's, from /proc. Freshness: with the generator, a
// second run on a fresh server paces the events at half the throughput the
// first run measured, for --freshness-seconds, and reads the server's
// freshness histogram (the delay from a feed reading an event to the
// commit that makes its effect visible); with Kafka, the histogram of the
// throughput run itself, at full load. See docs/benchmarks.md.
package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/freshetdb/freshet/bench/nexmark/workload"
)

// options are the command line's settings.
type options struct {
	bin, tmp, kafka, modes string
	events                 int64
	splits, partitions     int
	verify                 bool
	freshness              time.Duration
	timeout                time.Duration
}

func main() {
	var o options
	queries := flag.String("queries", "all", "queries to run, comma separated (q0,q3,...), or all")
	flag.Int64Var(&o.events, "events", 1_000_000, "events in the stream (all kinds)")
	flag.BoolVar(&o.verify, "verify", false, "check each materialized view against the query run once over the same events in tables")
	out := flag.String("out", "", "write the results as CSV to this file")
	flag.StringVar(&o.modes, "modes", "sink,mv", "modes to run: sink (blackhole sink), mv (materialized view)")
	flag.StringVar(&o.bin, "bin", "bin/freshet", "the freshet binary (make build)")
	flag.StringVar(&o.tmp, "tmp", os.TempDir(), "directory for the servers' data")
	flag.StringVar(&o.kafka, "kafka", "", "read the events from this Kafka broker (host:port), written there first by the loader")
	flag.IntVar(&o.splits, "splits", runtime.NumCPU(), "nexmark.split.num of the generator's sources")
	flag.IntVar(&o.partitions, "partitions", 4, "partitions of each Kafka topic")
	flag.DurationVar(&o.freshness, "freshness-seconds", 10*time.Second, "length of the paced run that measures freshness (0: none)")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Minute, "longest a run may take")
	flag.Parse()
	if err := run(o, *queries, *out); err != nil {
		fmt.Fprintln(os.Stderr, "nexmark:", err)
		os.Exit(1)
	}
}

// baseTime is the event time of the stream's first event, in ms.
const baseTime = 1_700_000_000_000

func run(o options, queryList, out string) error {
	qs, err := workload.Select(queryList)
	if err != nil {
		return err
	}
	modes := strings.Split(o.modes, ",")
	for _, m := range modes {
		if m != "sink" && m != "mv" {
			return fmt.Errorf("--modes takes sink and mv, not %q", m)
		}
	}
	if _, err := os.Stat(o.bin); err != nil {
		return fmt.Errorf("%w (run `make build`, or name the binary with --bin)", err)
	}
	stream := workload.Stream{Events: o.events, BaseTime: baseTime, Rate: 10_000, MaxSpeed: true, Splits: o.splits}
	if o.kafka != "" {
		start := time.Now()
		if err := loadKafka(o.kafka, stream, o.partitions, workload.Topic); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "loaded %d events into Kafka in %.1fs\n", o.events, time.Since(start).Seconds())
	}
	var results []result
	for _, q := range qs {
		for _, mode := range modes {
			r, err := measure(o, stream, q, mode)
			if err != nil {
				return fmt.Errorf("%s (%s): %w", q.Name, mode, err)
			}
			fmt.Fprintln(os.Stderr, r.summary())
			results = append(results, r)
			if r.verified == "false" {
				fmt.Fprintf(os.Stderr, "%s: the view differs from the query over the tables: %s\n", q.Name, r.diff)
			}
		}
	}
	printTable(results)
	if out != "" {
		if err := writeCSV(out, results); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.verified == "false" {
			return errors.New("some views differ from their independent computation (see above)")
		}
	}
	return nil
}

// result is one query's figures in one mode.
type result struct {
	query, mode, source string
	events              int64
	seconds, cpu        float64
	peakRSS             int64
	// p50 and p99 are the freshness quantiles in ms (NaN: none),
	// measured at freshnessRate events per second (0: full load).
	p50, p99      float64
	freshnessRate int64
	rows          int64 // -1 in sink mode
	verified      string
	diff          string
}

func (r result) eventsPerSecond() float64 { return float64(r.events) / r.seconds }
func (r result) cores() float64           { return r.cpu / r.seconds }
func (r result) perCore() float64         { return float64(r.events) / r.cpu }

func (r result) summary() string {
	return fmt.Sprintf("%s %s: %d events in %.2fs, %.0f events/s, %.2f cores, %.0f events/s per core, peak RSS %d MB, freshness p50 %.0f ms p99 %.0f ms",
		r.query, r.mode, r.events, r.seconds, r.eventsPerSecond(), r.cores(), r.perCore(), r.peakRSS>>20, r.p50, r.p99)
}

// measure runs query q in one mode on a fresh server and, with the
// generator, measures freshness on another.
func measure(o options, stream workload.Stream, q workload.Query, mode string) (result, error) {
	ctx := context.Background()
	r := result{query: q.Name, mode: mode, source: "generator", events: stream.Events, rows: -1}
	sources := stream.GeneratorSources(q.ProcTime)
	if o.kafka != "" {
		r.source, sources = "kafka", workload.KafkaSources(o.kafka, q.ProcTime, workload.Topic)
	}
	srv, err := startServer(ctx, o.bin, o.tmp, nil)
	if err != nil {
		return r, err
	}
	defer srv.stop()
	conn, err := srv.connect(ctx)
	if err != nil {
		return r, err
	}
	defer conn.Close(ctx)
	for _, s := range append(sources, q.Setup...) {
		if _, err := conn.Exec(ctx, s); err != nil {
			return r, fmt.Errorf("%s: %w", s, err)
		}
	}
	before, err := srv.freshness(ctx)
	if err != nil {
		return r, err
	}
	cpu0, err := srv.cpuSeconds()
	if err != nil {
		return r, err
	}
	cpu := srv.sampleCPU(5 * time.Millisecond)
	start := time.Now()
	if _, err := conn.Exec(ctx, createStatement(q, mode)); err != nil {
		cpu.stop()
		return r, err
	}
	end, err := workload.WaitRead(ctx, conn, o.timeout)
	cpu.stop()
	if err != nil {
		return r, err
	}
	r.seconds, r.cpu = end.Sub(start).Seconds(), cpu.at(end)-cpu0
	if r.peakRSS, err = srv.peakRSS(); err != nil {
		return r, err
	}
	after, err := srv.freshness(ctx)
	if err != nil {
		return r, err
	}
	h := after.minus(before)
	r.p50, r.p99 = 1000*h.quantile(0.5), 1000*h.quantile(0.99)
	if mode == "mv" {
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+q.View()).Scan(&r.rows); err != nil {
			return r, err
		}
		if o.verify {
			if r.verified, r.diff, err = verify(ctx, srv, stream, q); err != nil {
				return r, err
			}
		}
	}
	srv.stop()
	if o.freshness > 0 {
		rate := max(1, int64(r.eventsPerSecond()/2))
		paced := workload.Stream{Events: rate * int64(o.freshness/time.Second), BaseTime: baseTime, Rate: rate, Splits: o.splits}
		if r.p50, r.p99, err = pacedFreshness(ctx, o, paced, q, mode); err != nil {
			return r, fmt.Errorf("freshness at %d events/s: %w", rate, err)
		}
		r.freshnessRate = rate
	}
	return r, nil
}

// createStatement is the statement that runs q in mode.
func createStatement(q workload.Query, mode string) string {
	if mode == "sink" {
		return "CREATE SINK " + q.View() + " AS " + q.SQL + " WITH (connector = 'blackhole', type = 'append-only', force_append_only = 'true')"
	}
	return "CREATE MATERIALIZED VIEW " + q.View() + " AS " + q.SQL
}

// verify loads the stream's events into tables (from the generator
// package, not through the sources) and compares the view with the query
// run once over them (or runs the query's own Check).
func verify(ctx context.Context, srv *server, stream workload.Stream, q workload.Query) (verified, diff string, err error) {
	conn, err := srv.connect(ctx)
	if err != nil {
		return "", "", err
	}
	defer conn.Close(ctx)
	if err := stream.LoadTables(ctx, conn, "batch"); err != nil {
		return "", "", err
	}
	d, _, err := workload.Verify(ctx, conn, q)
	if err != nil {
		return "", "", err
	}
	if d != "" {
		return "false", d, nil
	}
	return "true", "", nil
}

// pacedFreshness runs q in mode on a fresh server over a stream paced at
// its event rate (from the generator, or produced to Kafka while the query
// runs) and returns the p50 and p99 freshness in ms.
func pacedFreshness(ctx context.Context, o options, stream workload.Stream, q workload.Query, mode string) (p50, p99 float64, err error) {
	srv, err := startServer(ctx, o.bin, o.tmp, nil)
	if err != nil {
		return 0, 0, err
	}
	defer srv.stop()
	conn, err := srv.connect(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(ctx)
	sources := stream.GeneratorSources(q.ProcTime)
	if o.kafka != "" {
		// Topics of their own, empty until the query runs.
		if err := loadKafka(o.kafka, workload.Stream{}, o.partitions, workload.PacedTopic); err != nil {
			return 0, 0, err
		}
		sources = workload.KafkaSources(o.kafka, q.ProcTime, workload.PacedTopic)
	}
	stmts := append(append(sources, q.Setup...), createStatement(q, mode))
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	if o.kafka != "" {
		if err := produceKafka(o.kafka, stream, workload.PacedTopic, true); err != nil {
			return 0, 0, err
		}
	}
	if _, err := workload.WaitRead(ctx, conn, o.timeout); err != nil {
		return 0, 0, err
	}
	h, err := srv.freshness(ctx)
	if err != nil {
		return 0, 0, err
	}
	return 1000 * h.quantile(0.5), 1000 * h.quantile(0.99), nil
}

// header is the CSV's first line.
var header = []string{"query", "mode", "source", "events", "seconds", "events_per_second", "cores", "events_per_second_per_core",
	"peak_rss_mb", "p50_freshness_ms", "p99_freshness_ms", "freshness_rate", "result_rows", "verified"}

// fields renders r as the CSV's columns.
func (r result) fields() []string {
	num := func(v float64, prec int) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', prec, 64)
	}
	rows, rate := "", "full"
	if r.rows >= 0 {
		rows = strconv.FormatInt(r.rows, 10)
	}
	if r.freshnessRate > 0 {
		rate = strconv.FormatInt(r.freshnessRate, 10)
	}
	return []string{r.query, r.mode, r.source, strconv.FormatInt(r.events, 10), num(r.seconds, 3), num(r.eventsPerSecond(), 0),
		num(r.cores(), 2), num(r.perCore(), 0), strconv.FormatInt(r.peakRSS>>20, 10), num(r.p50, 1), num(r.p99, 1), rate, rows, r.verified}
}

func writeCSV(path string, results []result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write(header)
	for _, r := range results {
		_ = w.Write(r.fields())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// printTable prints the results as an aligned table on stdout.
func printTable(results []result) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, strings.Join(header, "\t")+"\t")
	for _, r := range results {
		fmt.Fprintln(w, strings.Join(r.fields(), "\t")+"\t")
	}
	w.Flush()
}
