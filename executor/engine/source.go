package engine

import (
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/freshetdb/freshet/connectors/datagen"
	"github.com/freshetdb/freshet/connectors/format"
	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/connectors/nexmark"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// procTimeIncludes makes the columns declared AS PROCTIME() processing
// time columns of source t: each row's is the time its feed read it. They
// are timestamptz and come after the columns the messages fill, like the
// INCLUDE columns after them.
func procTimeIncludes(cs *parser.CreateSource, t *catalog.Table, spec *catalog.SourceSpec) error {
	if len(cs.ProcTime) == 0 {
		return nil
	}
	if cs.IsTable {
		return sqlerr.Unsupported("AS PROCTIME() columns in a table fed by Kafka")
	}
	first := len(t.Columns) - len(cs.ProcTime)
	for i, name := range cs.ProcTime {
		idx := t.ColumnIndex(name)
		if idx != first+i {
			return sqlerr.Newf(sqlerr.InvalidTableDefinition, "column %q AS PROCTIME() must come after the source's other columns", name)
		}
		if t.Columns[idx].Type.Kind != types.KindTimestampTZ {
			return sqlerr.Newf(sqlerr.DatatypeMismatch, "column %q AS PROCTIME() must be timestamptz, not %s", name, t.Columns[idx].Type)
		}
		spec.Includes = append(spec.Includes, catalog.SourceInclude{Column: idx, Kind: "proctime"})
	}
	return nil
}

// sourceValueColumns returns the columns of source t that its messages or
// its generator fill: all but the INCLUDE and AS PROCTIME() columns, which
// come last.
func sourceValueColumns(t *catalog.Table) []catalog.Column {
	n := len(t.Columns)
	if t.Source != nil {
		n -= len(t.Source.Includes)
	}
	return t.Columns[:n]
}

// includeTypes are the column types of the message attributes INCLUDE
// makes columns of.
var includeTypes = map[string]types.T{
	"partition": types.Int4,
	"offset":    types.Int8,
	"timestamp": types.TimestampTZ,
	"key":       types.Bytea,
	"header":    types.JSONB, // all headers; one named header is bytea
}

// createSource runs CREATE SOURCE: it checks the options, that the broker
// answers and the topic exists, and adds the source to the catalog. It
// reads nothing: each materialized view over the source reads it. It also
// runs CREATE TABLE with a connector (cs.IsTable): a table with a primary
// key that a feed of its own fills with the topic's upserts and deletes.
func (s *Session) createSource(cs *parser.CreateSource) (string, error) {
	t := &catalog.Table{Name: cs.Table.Relation.Relname, Kind: catalog.RelSource}
	tag := "CREATE SOURCE"
	if cs.IsTable {
		t.Kind, tag = catalog.RelTable, "CREATE TABLE"
	}
	spec := &catalog.SourceSpec{Options: map[string]string{}, Format: cs.Format, Encode: cs.Encode}
	for _, o := range cs.With {
		if _, dup := spec.Options[o.Key]; dup || o.Key == "connector" && spec.Connector != "" {
			return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "option %q is given twice", o.Key)
		}
		if o.Key == "connector" {
			spec.Connector = o.Value
			continue
		}
		if o.Key == "on_error" {
			switch o.Value {
			case "skip":
			case "stop":
				spec.StopOnError = true
			default:
				return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "on_error must be 'skip' or 'stop', not %q", o.Value)
			}
			continue
		}
		spec.Options[o.Key] = o.Value
	}
	switch spec.Connector {
	case "kafka":
	case "":
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "CREATE SOURCE needs the option connector").
			WithHint("For a Kafka topic: WITH (connector = 'kafka', topic = '...', properties.bootstrap.server = 'host:port').")
	case "nexmark":
		if cs.IsTable {
			return "", sqlerr.Unsupported("CREATE TABLE with connector 'nexmark' (use CREATE SOURCE)")
		}
		return s.createNexmarkSource(cs, t, spec)
	case "datagen":
		if cs.IsTable {
			return "", sqlerr.Unsupported("CREATE TABLE with connector 'datagen' (use CREATE SOURCE)")
		}
		return s.createGeneratedSource(cs, t, spec)
	case "postgres-cdc":
		return "", sqlerr.Unsupported("connector '" + spec.Connector + "'")
	default:
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown connector %q; Freshet reads sources with connector 'kafka'", spec.Connector)
	}
	cfg, err := kafka.ParseConfig(spec.Options)
	if err != nil {
		return "", err
	}
	if err := checkSourceFormat(spec, cs.IsTable); err != nil {
		return "", err
	}
	switch spec.Encode {
	case "JSON", "CSV", "BYTES", "AVRO":
	case "PROTOBUF":
		return "", sqlerr.Unsupported("ENCODE " + spec.Encode)
	default:
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown ENCODE %s; a source takes ENCODE JSON, CSV or BYTES", spec.Encode)
	}
	for _, o := range cs.EncodeOptions {
		if spec.EncodeOptions == nil {
			spec.EncodeOptions = map[string]string{}
		}
		spec.EncodeOptions[o.Key] = o.Value
	}
	if err := loadAvroSchema(spec); err != nil {
		return "", err
	}
	pk, pkName, err := s.tableColumns(cs.Table, t)
	if err != nil {
		return "", err
	}
	if cs.IsTable {
		if err := setPrimaryKey(t, pk, pkName); err != nil {
			return "", err
		}
		if len(pk) == 0 {
			return "", sqlerr.Newf(sqlerr.InvalidTableDefinition, "a FORMAT %s table needs a PRIMARY KEY: it keys the upserts and deletes", spec.Format)
		}
	} else if len(pk) > 0 {
		return "", errSourceKey()
	}
	for _, c := range t.Columns {
		if cs.IsTable {
			if c.Default != "" {
				return "", sqlerr.Newf(sqlerr.InvalidTableDefinition, "column %q of a table fed by Kafka cannot have a DEFAULT", c.Name)
			}
			continue
		}
		if c.Default != "" || c.NotNull {
			return "", sqlerr.Newf(sqlerr.InvalidTableDefinition, "column %q of a source cannot have DEFAULT or NOT NULL: a message missing the field gives NULL", c.Name)
		}
	}
	if len(t.Columns) == 0 {
		return "", sqlerr.New(sqlerr.InvalidTableDefinition, "a JSON source needs its columns: CREATE SOURCE name (column type, ...) WITH (...)")
	}
	if err := procTimeIncludes(cs, t, spec); err != nil {
		return "", err
	}
	for _, inc := range cs.Includes {
		typ, ok := includeTypes[inc.Kind]
		if !ok {
			return "", sqlerr.Newf(sqlerr.SyntaxError, "cannot INCLUDE %q; a Kafka source can include key, partition, offset, timestamp or header", inc.Kind)
		}
		if inc.Kind == "header" && inc.Header != "" {
			typ = types.Bytea
		}
		name := inc.As
		if name == "" {
			name = "_rw_kafka_" + inc.Kind
		}
		if t.ColumnIndex(name) >= 0 {
			return "", sqlerr.Newf(sqlerr.DuplicateColumn, "column %q specified more than once", name)
		}
		spec.Includes = append(spec.Includes, catalog.SourceInclude{Column: len(t.Columns), Kind: inc.Kind, Header: inc.Header})
		t.Columns = append(t.Columns, catalog.Column{Name: name, Type: typ})
	}
	t.Source = spec
	if _, err := newDecoder(t); err != nil {
		return "", err
	}
	if err := kafka.Probe(cfg); err != nil {
		return "", err
	}
	exists, err := s.addSource(cs, t)
	if err != nil || exists {
		return tag, err
	}
	if cs.IsTable {
		if err := s.e.startTableFeed(t); err != nil {
			return "", err
		}
	}
	return tag, nil
}

// createNexmarkSource runs CREATE SOURCE ... WITH (connector =
// 'nexmark'): the columns are fields of the table type's events, all of
// them when none are declared; the base time is fixed now, so the stream
// is the same after a restart.
func (s *Session) createNexmarkSource(cs *parser.CreateSource, t *catalog.Table, spec *catalog.SourceSpec) (string, error) {
	cfg, err := nexmark.ParseConfig(spec.Options, s.e.opts.Clock())
	if err != nil {
		return "", err
	}
	spec.Options = cfg.ResolvedOptions(spec.Options)
	if spec.Format != "" {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "a nexmark source takes no FORMAT: it makes its events' columns itself")
	}
	if len(cs.Includes) > 0 {
		return "", sqlerr.Unsupported("INCLUDE on a nexmark source")
	}
	if err := s.streamColumns(cs, t); err != nil {
		return "", err
	}
	if err := procTimeIncludes(cs, t, spec); err != nil {
		return "", err
	}
	fields := nexmark.Fields(cfg.Kind)
	if len(t.Columns) == 0 {
		for _, f := range fields {
			t.Columns = append(t.Columns, catalog.Column{Name: f.Name, Type: f.Type.SQLType()})
		}
	}
	t.Source = spec
	if _, err := nexmarkColumns(t, cfg.Kind); err != nil {
		return "", err
	}
	if _, err := s.addSource(cs, t); err != nil {
		return "", err
	}
	return "CREATE SOURCE", nil
}

// createGeneratedSource runs CREATE SOURCE ... WITH (connector =
// 'datagen'): declared columns, each a sequence or random values.
func (s *Session) createGeneratedSource(cs *parser.CreateSource, t *catalog.Table, spec *catalog.SourceSpec) (string, error) {
	if spec.Format != "" || len(cs.Includes) > 0 {
		return "", sqlerr.New(sqlerr.InvalidParameterValue, "a datagen source takes no FORMAT and no INCLUDE: it makes its columns itself")
	}
	if err := s.streamColumns(cs, t); err != nil {
		return "", err
	}
	if len(t.Columns) == 0 {
		return "", sqlerr.New(sqlerr.InvalidTableDefinition, "a datagen source needs its columns: CREATE SOURCE name (column type, ...) WITH (connector = 'datagen', ...)")
	}
	if err := procTimeIncludes(cs, t, spec); err != nil {
		return "", err
	}
	t.Source = spec
	cfg, err := datagen.ParseConfig(spec.Options, datagenColumns(t), s.e.opts.Clock())
	if err != nil {
		return "", err
	}
	spec.Options = cfg.ResolvedOptions(spec.Options)
	if _, err := s.addSource(cs, t); err != nil {
		return "", err
	}
	return "CREATE SOURCE", nil
}

// datagenColumns returns the columns of datagen source t that it makes
// (not its processing-time columns).
func datagenColumns(t *catalog.Table) []datagen.Column {
	made := sourceValueColumns(t)
	out := make([]datagen.Column, len(made))
	for i, c := range made {
		out[i] = datagen.Column{Name: c.Name, Type: c.Type}
	}
	return out
}

// nexmarkColumns maps the columns of nexmark source t to the fields of its
// events, checking that each is one.
func nexmarkColumns(t *catalog.Table, kind nexmark.Kind) ([]nexmark.Field, error) {
	fields := nexmark.Fields(kind)
	made := sourceValueColumns(t)
	out := make([]nexmark.Field, len(made))
	for i, c := range made {
		found := false
		for _, f := range fields {
			if f.Name == c.Name {
				out[i], found = f, true
			}
		}
		if !found {
			names := make([]string, len(fields))
			for j, f := range fields {
				names[j] = f.Name
			}
			return nil, sqlerr.Newf(sqlerr.UndefinedColumn, "a nexmark %s event has no field %q; its fields are %s",
				t.Source.Options["nexmark.table.type"], c.Name, strings.Join(names, ", "))
		}
	}
	return out, nil
}

// nexmarkRow fills row from event e, each column from its field, converted
// to the column's type.
func nexmarkRow(t *catalog.Table, fields []nexmark.Field, e *nexmark.Event, row types.Row) error {
	for i, f := range fields {
		typ := t.Columns[i].Type
		var err error
		switch v := e.Value(f).(type) {
		case int64:
			switch {
			case f.Type == nexmark.Time && (typ.Kind == types.KindTimestamp || typ.Kind == types.KindTimestampTZ):
				row[i] = types.NewTimestamp(typ.Kind, v*1000)
			case f.Type == nexmark.Int && typ.Kind == types.KindInt8:
				row[i] = types.NewInt8(v)
			case f.Type == nexmark.Time:
				row[i], err = types.ParseText(time.UnixMilli(v).UTC().Format("2006-01-02 15:04:05.000"), typ, nil)
			default:
				row[i], err = types.ParseText(strconv.FormatInt(v, 10), typ, nil)
			}
		case string:
			if typ.Kind == types.KindText || typ.Kind == types.KindVarchar && typ.Mod < 0 {
				row[i] = types.NewString(typ.Kind, v)
			} else {
				row[i], err = types.ParseText(v, typ, nil)
			}
		}
		if err != nil {
			return fmt.Errorf("field %q: %w", f.Name, err)
		}
	}
	return nil
}

// errSourceKey refuses a PRIMARY KEY on a source.
func errSourceKey() error {
	return sqlerr.New(sqlerr.InvalidTableDefinition, "a source has no primary key: it is a stream of events, not a table")
}

// streamColumns reads the column definitions of a source into t, which
// takes no primary key.
func (s *Session) streamColumns(cs *parser.CreateSource, t *catalog.Table) error {
	pk, _, err := s.tableColumns(cs.Table, t)
	if err == nil && len(pk) > 0 {
		err = errSourceKey()
	}
	return err
}

// addSource adds source (or table) t to the catalog; exists says it was
// there already (IF NOT EXISTS), with a notice sent.
func (s *Session) addSource(cs *parser.CreateSource, t *catalog.Table) (exists bool, err error) {
	_, err = s.e.cat.Apply(func(e *catalog.Edit) (err error) {
		exists, err = s.putNewRelation(e, t, cs.Table.Relation.Schemaname, cs.Table.IfNotExists)
		return err
	})
	if err != nil {
		return false, err
	}
	if exists {
		return true, s.notice("42P07", "relation \""+t.Name+"\" already exists, skipping")
	}
	return false, nil
}

// checkSourceFormat checks the FORMAT of a source (PLAIN) or of a table
// fed by a connector (UPSERT or DEBEZIUM, ENCODE JSON).
func checkSourceFormat(spec *catalog.SourceSpec, isTable bool) error {
	if isTable {
		switch {
		case spec.Format == "UPSERT" || spec.Format == "DEBEZIUM":
			if spec.Encode != "JSON" {
				return sqlerr.Unsupported("FORMAT " + spec.Format + " ENCODE " + spec.Encode)
			}
			return nil
		case spec.Format == "PLAIN":
			return sqlerr.New(sqlerr.InvalidParameterValue, "a table fed by Kafka takes FORMAT UPSERT or DEBEZIUM; for a stream of events use CREATE SOURCE ... FORMAT PLAIN")
		}
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown FORMAT %s; a table takes FORMAT UPSERT or DEBEZIUM", spec.Format)
	}
	switch {
	case spec.Format == "":
		return sqlerr.New(sqlerr.InvalidParameterValue, "a Kafka source needs FORMAT PLAIN ENCODE JSON after its WITH options")
	case spec.Format == "UPSERT" || spec.Format == "DEBEZIUM":
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "FORMAT %s keys a table: use CREATE TABLE name (..., PRIMARY KEY (...)) WITH (...) FORMAT %s ENCODE JSON", spec.Format, spec.Format)
	case spec.Format != "PLAIN":
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown FORMAT %s; a source takes FORMAT PLAIN", spec.Format)
	}
	return nil
}

// newDecoder returns the decoder of source t's messages, checking its
// encoding's options and columns.
func newDecoder(t *catalog.Table) (format.Decoder, error) {
	spec := t.Source
	cols := valueColumns(t)
	opts := maps.Clone(spec.EncodeOptions)
	take := func(key string) (string, bool) {
		v, ok := opts[key]
		delete(opts, key)
		return v, ok
	}
	var d format.Decoder
	switch spec.Encode {
	case "JSON":
		d = format.NewJSON(cols)
	case "CSV":
		delim := byte(',')
		if v, ok := take("delimiter"); ok {
			if len(v) != 1 {
				return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "ENCODE CSV delimiter must be one single-byte character, not %q", v)
			}
			delim = v[0]
		}
		noHeader := false
		if v, ok := take("without_header"); ok {
			switch strings.ToLower(v) {
			case "true":
				noHeader = true
			case "false":
			default:
				return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "ENCODE CSV without_header must be 'true' or 'false', not %q", v)
			}
		}
		d = format.NewCSV(cols, delim, noHeader)
	case "AVRO":
		schema, _ := take("schema.definition")
		a, err := format.NewAvro(schema, cols)
		if err != nil {
			return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "ENCODE AVRO: %v", err)
		}
		d = a
	case "BYTES":
		if len(cols) != 1 || cols[0].Type.Kind != types.KindBytea {
			return nil, sqlerr.New(sqlerr.InvalidTableDefinition, "ENCODE BYTES fills exactly one column, of type bytea")
		}
		d = format.Bytes{}
	}
	for k := range opts {
		return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "ENCODE %s has no option %q", spec.Encode, k)
	}
	return d, nil
}

// loadAvroSchema reads the schema of an ENCODE AVRO source from
// schema.location (a file, as a path or file:// URL) into
// schema.definition, so that the catalog holds the schema the source was
// created with.
func loadAvroSchema(spec *catalog.SourceSpec) error {
	if spec.Encode != "AVRO" {
		return nil
	}
	opts := spec.EncodeOptions
	if _, ok := opts["schema.registry"]; ok {
		return sqlerr.Unsupported("ENCODE AVRO with schema.registry").
			WithHint("Give the writer's schema as a file: ENCODE AVRO (schema.location = 'file:///path/schema.avsc').")
	}
	loc, hasLoc := opts["schema.location"]
	_, hasDef := opts["schema.definition"]
	switch {
	case hasLoc && hasDef:
		return sqlerr.New(sqlerr.InvalidParameterValue, "ENCODE AVRO takes schema.location or schema.definition, not both")
	case hasDef:
		return nil
	case !hasLoc:
		return sqlerr.New(sqlerr.InvalidParameterValue, "ENCODE AVRO needs the writer's schema: (schema.location = 'file:///path/schema.avsc') or (schema.definition = '{...}')")
	}
	path := strings.TrimPrefix(loc, "file://")
	if strings.Contains(path, "://") {
		return sqlerr.Unsupported("schema.location " + loc + " (only files)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return sqlerr.Newf(sqlerr.UndefinedFile, "cannot read the Avro schema at %q: %v", loc, err)
	}
	delete(opts, "schema.location")
	opts["schema.definition"] = string(b)
	return nil
}

// valueColumns returns the columns of source t that a message's value
// fills, for its decoder: those before the included attributes.
func valueColumns(t *catalog.Table) []format.Column {
	var out []format.Column
	for _, c := range sourceValueColumns(t) {
		out = append(out, format.Column{Name: c.Name, Type: c.Type})
	}
	return out
}

// sweepSourceErrors deletes, in b, the error records of sources (and
// tables fed by Kafka) that are not in cat (dropped, perhaps by a crash
// before their records went).
func sweepSourceErrors(r reader, cat *catalog.Catalog, b *storage.Batch) error {
	lo, hi := storage.SourceErrorSpan()
	it, err := r.NewIter(lo, hi)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.First(); it.Valid(); {
		id, _, _, ok := storage.SplitSourceErrorKey(it.Key())
		if !ok {
			return sqlerr.Newf(sqlerr.DataCorrupted, "a stored source error has a malformed key %x", it.Key())
		}
		plo, phi := storage.SourceErrorPrefix(id)
		if t, ok := cat.TableByID(id); !ok || t.Source == nil {
			b.DeleteRange(plo, phi)
		}
		it.SeekGE(phi)
	}
	return it.Error()
}

// readsSource reports whether view v reads a source itself (directly or
// through plain views), as opposed to through the contents of other
// materialized views.
func (v *mview) readsSource() bool {
	cat := v.engine.cat.Current()
	var reads func(t *catalog.Table) bool
	reads = func(t *catalog.Table) bool {
		for _, id := range t.Depends {
			d, ok := cat.TableByID(id)
			if ok && (d.Kind == catalog.RelSource || d.Kind == catalog.RelView && reads(d)) {
				return true
			}
		}
		return false
	}
	return reads(v.t)
}
