package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/freshetdb/freshet/executor/engine"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/storage"
)

// metrics implements pgwire.Observer with Prometheus counters.
type metrics struct {
	connsTotal  prometheus.Counter
	connsActive prometheus.Gauge
	statements  prometheus.Counter
	errors      *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry, version string, st *storage.Store, eng *engine.Engine) *metrics {
	m := &metrics{
		connsTotal:  prometheus.NewCounter(prometheus.CounterOpts{Name: "freshet_connections_total", Help: "Client connections accepted since start."}),
		connsActive: prometheus.NewGauge(prometheus.GaugeOpts{Name: "freshet_connections_active", Help: "Client connections open now."}),
		statements:  prometheus.NewCounter(prometheus.CounterOpts{Name: "freshet_statements_total", Help: "Statements executed (completed or failed)."}),
		errors:      prometheus.NewCounterVec(prometheus.CounterOpts{Name: "freshet_statement_errors_total", Help: "Statements that failed, by SQLSTATE class."}, []string{"class"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "freshet_build_info", Help: "Always 1; the version label says which build runs.", ConstLabels: prometheus.Labels{"version": version}})
	build.Set(1)
	disk := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "freshet_storage_disk_bytes", Help: "Bytes the store uses on disk."}, func() float64 {
		return float64(st.Metrics().DiskUsageBytes)
	})
	counter := func(name, help string, labels prometheus.Labels, f func(engine.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, func() float64 {
			return float64(f(eng.Stats()))
		})
	}
	const started = "Materialized views started since the server started, by how: from their stored state (loaded) or computed again from their inputs (rebuilt)."
	reg.MustRegister(m.connsTotal, m.connsActive, m.statements, m.errors, build, disk,
		counter("freshet_views_started_total", started, prometheus.Labels{"how": "loaded"}, func(s engine.Stats) int64 { return s.ViewsLoaded }),
		counter("freshet_views_started_total", started, prometheus.Labels{"how": "rebuilt"}, func(s engine.Stats) int64 { return s.ViewsRebuilt }),
		counter("freshet_checkpoints_total", "Commits that wrote materialized views' state changes.", nil, func(s engine.Stats) int64 { return s.Checkpoints }),
		counter("freshet_checkpoint_bytes_total", "Bytes of materialized views' state changes written by commits.", nil, func(s engine.Stats) int64 { return s.CheckpointBytes }),
		counter("freshet_source_messages_total", "Kafka messages read by the feeds of views and tables (each view's feed counts its own).", nil, func(s engine.Stats) int64 { return s.SourceMessages }),
		counter("freshet_source_bytes_total", "Bytes of the Kafka messages read by feeds.", nil, func(s engine.Stats) int64 { return s.SourceBytes }),
		counter("freshet_source_errors_total", "Kafka messages that could not be read (see freshet_source_errors).", nil, func(s engine.Stats) int64 { return s.SourceErrors }),
		counter("freshet_source_epochs_total", "Source epochs committed.", nil, func(s engine.Stats) int64 { return s.SourceEpochs }),
		counter("freshet_sink_messages_total", "Messages sinks committed to Kafka.", nil, func(s engine.Stats) int64 { return s.SinkMessages }),
		counter("freshet_sink_epochs_total", "Epochs sinks committed to Kafka, one transaction each.", nil, func(s engine.Stats) int64 { return s.SinkEpochs }),
		freshnessCollector{eng})
	return m
}

// freshnessCollector exports the engine's freshness histogram: rows of
// source epochs by the delay from their message being read to their
// epoch's commit.
type freshnessCollector struct{ eng *engine.Engine }

var freshnessDesc = prometheus.NewDesc("freshet_source_freshness_seconds",
	"Delay from a feed reading a source message to the commit of the epoch holding its effect (visible to SELECT), counted per row.", nil, nil)

// Describe implements prometheus.Collector.
func (c freshnessCollector) Describe(ch chan<- *prometheus.Desc) { ch <- freshnessDesc }

// Collect implements prometheus.Collector.
func (c freshnessCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.eng.Stats()
	buckets := make(map[float64]uint64, len(engine.FreshnessBounds))
	var total uint64
	for i, bound := range engine.FreshnessBounds {
		total += uint64(s.FreshnessRows[i])
		buckets[bound] = total
	}
	total += uint64(s.FreshnessRows[len(engine.FreshnessBounds)])
	ch <- prometheus.MustNewConstHistogram(freshnessDesc, total, s.FreshnessSeconds, buckets)
}

// ConnOpened implements pgwire.Observer.
func (m *metrics) ConnOpened() { m.connsTotal.Inc(); m.connsActive.Inc() }

// ConnClosed implements pgwire.Observer.
func (m *metrics) ConnClosed() { m.connsActive.Dec() }

// Statement implements pgwire.Observer.
func (m *metrics) Statement(err error) {
	m.statements.Inc()
	if err != nil {
		m.errors.WithLabelValues(sqlerr.CodeOf(err).Class()).Inc()
	}
}
