package catalog

import (
	"maps"
	"slices"

	"github.com/freshetdb/freshet/sql/types"
)

// Runtime is what a session may offer of the server's running state, for
// the system relations that show it. A Session without it shows them
// empty.
type Runtime interface {
	// SourcePartitions returns one row of freshet_source_partitions per
	// partition of every source a materialized view reads.
	SourcePartitions() []types.Row
	// SourceErrors returns the rows of freshet_source_errors.
	SourceErrors() []types.Row
	// SinkStatus returns one row of freshet_sinks per running sink.
	SinkStatus() []types.Row
}

// SourcePartitionColumns and SourceErrorColumns declare the columns of
// freshet_source_partitions and freshet_source_errors, in the order the
// Runtime's rows hold them.
const (
	SourcePartitionColumns = `source name, view name, partition int4, committed_offset int8, high_watermark int8, lag int8, messages int8, bytes int8, errors int8, status text`
	SourceErrorColumns     = `source name, partition int4, message_offset int8, error text, payload bytea, recorded_at timestamptz`
	SinkColumns            = `sink name, view name, topic text, format text, delivered_epoch int8, status text`
)

// sourceTables declares Freshet's system relations about sources, in
// pg_catalog so that they need no schema name.
func sourceTables() []systemTable {
	runtime := func(get func(Runtime) []types.Row) func(*rowBuilder, *Catalog, Session) []types.Row {
		return func(_ *rowBuilder, _ *Catalog, s Session) []types.Row {
			if rt, ok := s.(Runtime); ok {
				return get(rt)
			}
			return nil
		}
	}
	return []systemTable{
		catalogView(9200, "freshet_source_partitions", SourcePartitionColumns, runtime(Runtime.SourcePartitions)),
		catalogView(9201, "freshet_source_errors", SourceErrorColumns, runtime(Runtime.SourceErrors)),
		catalogView(9202, "freshet_sinks", SinkColumns, runtime(Runtime.SinkStatus)),
	}
}

// Sources are foreign tables to Postgres clients: each is a row of
// pg_foreign_table on the server of its connector, with its options.
var connectorServers = map[string]uint32{"kafka": 9301, "nexmark": 9302}

func pgForeignTable() systemTable {
	return catalogTable(3118, "pg_foreign_table", `ftrelid oid, ftserver oid, ftoptions text[]`,
		func(b *rowBuilder, c *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, t := range c.Tables() {
				if t.Kind != RelSource {
					continue
				}
				opts := []string{"connector=" + t.Source.Connector}
				for _, k := range slices.Sorted(maps.Keys(t.Source.Options)) {
					opts = append(opts, k+"="+t.Source.Options[k])
				}
				rows = append(rows, b.row("ftrelid", t.ID, "ftserver", connectorServers[t.Source.Connector], "ftoptions", opts))
			}
			return rows
		})
}

// pgForeignServer is pg_foreign_server: one server per connector.
func pgForeignServer() systemTable {
	return catalogTable(1417, "pg_foreign_server", `oid oid, srvname name, srvowner oid, srvfdw oid, srvtype text, srvversion text, srvacl text[], srvoptions text[]`,
		func(b *rowBuilder, _ *Catalog, _ Session) []types.Row {
			var rows []types.Row
			for _, name := range slices.Sorted(maps.Keys(connectorServers)) {
				rows = append(rows, b.row("oid", connectorServers[name], "srvname", name, "srvowner", SuperuserID))
			}
			return rows
		})
}
