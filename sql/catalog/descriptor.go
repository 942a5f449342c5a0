package catalog

import (
	"github.com/freshetdb/freshet/sql/types"
)

// Well-known OIDs of built-in schemas and objects, equal to Postgres' own so
// that clients that hard-code them keep working.
const (
	PgCatalogID      uint32 = 11
	PublicID         uint32 = 2200
	InfoSchemaID     uint32 = 13000
	DatabaseID       uint32 = 16384
	SuperuserID      uint32 = 10
	FirstUserID      uint32 = 16400
	DatabaseName            = "freshet"
	DefaultOwnerName        = "freshet"
)

// RelKind is the kind of a relation, with Postgres' pg_class.relkind letters.
type RelKind byte

// Relation kinds.
const (
	RelTable            RelKind = 'r'
	RelView             RelKind = 'v'
	RelMaterializedView RelKind = 'm'
	RelSystem           RelKind = 's' // a virtual pg_catalog / information_schema relation (reported as 'r' or 'v')
	// RelSource is a source: a stream read from outside (a Kafka topic),
	// not stored; each materialized view over it reads it itself. Postgres
	// clients see it as a foreign table.
	RelSource RelKind = 'f'
	// RelSink is a sink: it writes the changes of a materialized view to a
	// Kafka topic. It is in the catalog for its name and dependency, but
	// not a relation to Postgres clients (pg_class does not list it).
	RelSink RelKind = 'k'
)

// Noun names the kind in messages: "table", "view", "materialized view",
// "source" or "sink" (a system relation is a table).
func (k RelKind) Noun() string {
	switch k {
	case RelView:
		return "view"
	case RelMaterializedView:
		return "materialized view"
	case RelSource:
		return "source"
	case RelSink:
		return "sink"
	}
	return "table"
}

// SinkSpec says where a sink writes and how it encodes changes.
type SinkSpec struct {
	// Connector names the connector: "kafka".
	Connector string `json:"connector"`
	// Options are the WITH options (connector and primary_key excluded).
	Options map[string]string `json:"options"`
	// Format is PLAIN, UPSERT or DEBEZIUM; Encode is JSON.
	Format string `json:"format"`
	Encode string `json:"encode"`
	// From is the materialized view whose changes the sink writes.
	From uint32 `json:"from"`
	// Key lists the columns of From that key the messages (primary_key).
	Key []int `json:"key,omitempty"`
}

// SourceSpec says where a source reads from and how its messages decode.
type SourceSpec struct {
	// Connector names the connector: "kafka".
	Connector string `json:"connector"`
	// Options are the WITH options (connector excluded), keys lower-case.
	Options map[string]string `json:"options"`
	// Format and Encode name how messages decode: PLAIN, and JSON, CSV
	// or BYTES; EncodeOptions are the encoding's options.
	Format        string            `json:"format"`
	Encode        string            `json:"encode"`
	EncodeOptions map[string]string `json:"encode_options,omitempty"`
	// Includes are the columns filled from message attributes rather
	// than from its value, after the value's columns.
	Includes []SourceInclude `json:"includes,omitempty"`
	// StopOnError says a message that cannot be read stops the source
	// (on_error = 'stop') instead of being recorded and skipped.
	StopOnError bool `json:"stop_on_error,omitempty"`
}

// SourceInclude is a column filled from a message attribute: its index
// among the source's columns and the attribute (partition, offset,
// timestamp, key or header); Header names the one header of a header
// column ("" for all of them).
type SourceInclude struct {
	Column int    `json:"column"`
	Kind   string `json:"kind"`
	Header string `json:"header,omitempty"`
}

// Schema is a namespace.
type Schema struct {
	ID   uint32 `json:"id"`
	Name string `json:"name"`
}

// Column is one column of a relation.
type Column struct {
	Name    string  `json:"name"`
	Type    types.T `json:"type"`
	NotNull bool    `json:"not_null,omitempty"`
	// Default is the SQL text of the DEFAULT expression, "" when none.
	Default string `json:"default,omitempty"`
}

// Table describes a relation: a stored table, a view, or a system relation.
type Table struct {
	ID       uint32   `json:"id"`
	SchemaID uint32   `json:"schema_id"`
	Name     string   `json:"name"`
	Kind     RelKind  `json:"kind"`
	Columns  []Column `json:"columns"`
	// PrimaryKey lists the column indexes of the primary key in key order.
	// A table without one is keyed by a hidden row id.
	PrimaryKey []int `json:"primary_key,omitempty"`
	// PKName is the primary key constraint's name ("t_pkey").
	PKName string `json:"pk_name,omitempty"`
	// PKIndexID is the OID of the primary key's index, which pg_class,
	// pg_index and pg_constraint show as a relation of its own named
	// PKName. Manager.Apply allocates it for a table with a primary key.
	PKIndexID uint32 `json:"pk_index_id,omitempty"`
	// Query is the defining SQL of a view.
	Query string `json:"query,omitempty"`
	// Depends lists the relations a view's query reads directly.
	Depends []uint32 `json:"depends,omitempty"`
	// Source describes a source's connector and format.
	Source *SourceSpec `json:"source,omitempty"`
	// Sink describes a sink's connector and format.
	Sink *SinkSpec `json:"sink,omitempty"`
	// Generate produces the rows of a system relation from a snapshot, as
	// the session s (nil when there is none) sees them.
	Generate func(c *Catalog, s Session) []types.Row `json:"-"`
	// sysKind is the relkind a system relation reports.
	sysKind RelKind
}

// RelKind returns the relation's pg_class.relkind: 'r' for tables, 'v' for
// views, 'm' for materialized views, and for system relations 'r' or 'v' as
// Postgres defines them.
func (t *Table) RelKind() RelKind {
	if t.Kind == RelSystem {
		return t.sysKind
	}
	return t.Kind
}

// ColumnIndex returns the index of the named column, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// ColumnTypes returns the types of the columns in order.
func (t *Table) ColumnTypes() []types.T {
	out := make([]types.T, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Type
	}
	return out
}

// IsPKColumn reports whether column i is part of the primary key.
func (t *Table) IsPKColumn(i int) bool {
	for _, k := range t.PrimaryKey {
		if k == i {
			return true
		}
	}
	return false
}

// clone returns a deep enough copy for copy-on-write edits.
func (t *Table) clone() *Table {
	cp := *t
	cp.Columns = append([]Column(nil), t.Columns...)
	cp.PrimaryKey = append([]int(nil), t.PrimaryKey...)
	return &cp
}
