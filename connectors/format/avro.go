package format

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/hamba/avro/v2"

	"github.com/freshetdb/freshet/sql/types"
)

// Avro decodes messages that are Avro binary records of one schema (the
// writer's schema, given to the source) into rows: each column takes the
// record field of its name (matched exactly, else ignoring case); a
// missing field or null gives NULL. Avro ints, longs, floats, doubles,
// booleans, strings and bytes fill columns of their kind (or any column
// whose text input reads them); logical dates and timestamps fill date and
// timestamp columns; decimals numeric ones; records, arrays and maps json
// and jsonb ones.
type Avro struct {
	schema avro.Schema
	reader *avro.Reader
	cols   []Column
	ctx    *types.FormatContext
}

// NewAvro parses schema (an Avro schema in JSON) for rows of cols; the
// schema must be a record.
func NewAvro(schema string, cols []Column) (*Avro, error) {
	s, err := avro.Parse(schema)
	if err != nil {
		return nil, fmt.Errorf("the Avro schema does not parse: %w", err)
	}
	if s.Type() != avro.Record {
		return nil, fmt.Errorf("the Avro schema is a %s, not a record", s.Type())
	}
	return &Avro{schema: s, reader: avro.NewReader(nil, 0), cols: cols, ctx: types.NewFormatContext(nil)}, nil
}

// Decode fills row (of the columns' width) from msg.
func (d *Avro) Decode(msg []byte, row types.Row) error {
	if len(msg) == 0 {
		return fmt.Errorf("empty message")
	}
	rest, err := checkAvro(d.schema, msg, 0)
	if err != nil {
		return fmt.Errorf("invalid Avro record: %w", err)
	}
	if len(rest) > 0 {
		// Avro has no framing: bytes left over mean the message is not a
		// record of this schema.
		return fmt.Errorf("invalid Avro record: %d bytes left after the record", len(rest))
	}
	var rec map[string]any
	r := d.reader.Reset(msg)
	r.Error = nil // Reset keeps the last message's error
	r.ReadVal(d.schema, &rec)
	if r.Error != nil {
		return fmt.Errorf("invalid Avro record: %w", r.Error)
	}
	lower := map[string]any{}
	for k, v := range rec {
		lower[strings.ToLower(k)] = v
	}
	for i, c := range d.cols {
		v, ok := rec[c.Name]
		if !ok {
			v = lower[strings.ToLower(c.Name)]
		}
		datum, err := d.datum(c, v)
		if err != nil {
			return err
		}
		row[i] = datum
	}
	return nil
}

// datum converts one decoded Avro value to column c's type.
func (d *Avro) datum(c Column, v any) (types.Datum, error) {
	if m, ok := v.(map[string]any); ok && len(m) == 1 && c.Type.Kind != types.KindJSON && c.Type.Kind != types.KindJSONB {
		// A union decoded as {"type": value}.
		for _, inner := range m {
			v = inner
		}
	}
	var text string
	switch x := v.(type) {
	case nil:
		return types.NullDatum, nil
	case bool:
		if c.Type.Kind == types.KindBool {
			return types.NewBool(x), nil
		}
		text = fmt.Sprint(x)
	case int:
		if c.Type.Kind.IsInteger() {
			return intDatum(int64(x), c)
		}
		text = fmt.Sprint(x)
	case int32:
		if c.Type.Kind.IsInteger() {
			return intDatum(int64(x), c)
		}
		text = fmt.Sprint(x)
	case int64:
		if c.Type.Kind.IsInteger() {
			return intDatum(x, c)
		}
		text = fmt.Sprint(x)
	case float32:
		text = fmt.Sprint(x)
	case float64:
		text = fmt.Sprint(x)
	case string:
		text = x
	case []byte:
		if c.Type.Kind == types.KindBytea {
			return types.NewBytea(x), nil
		}
		text = string(x)
	case time.Time:
		switch c.Type.Kind {
		case types.KindTimestamp, types.KindTimestampTZ:
			return types.NewTimestamp(c.Type.Kind, x.UnixMicro()), nil
		case types.KindDate:
			return types.NewDate(int32(x.Unix() / 86400)), nil
		}
		text = x.UTC().Format(time.RFC3339Nano)
	case time.Duration:
		text = fmt.Sprintf("%d microseconds", x.Microseconds())
	case *big.Rat:
		text = x.FloatString(ratScale(x))
	default:
		if c.Type.Kind != types.KindJSON && c.Type.Kind != types.KindJSONB {
			return types.NullDatum, fmt.Errorf("column %q of type %s cannot take an Avro %T", c.Name, c.Type, v)
		}
		b, err := json.Marshal(x)
		if err != nil {
			return types.NullDatum, fmt.Errorf("column %q: %w", c.Name, err)
		}
		text = string(b)
	}
	v2, err := types.ParseText(text, c.Type, d.ctx)
	if err != nil {
		return types.NullDatum, fmt.Errorf("column %q: %w", c.Name, err)
	}
	return v2, nil
}

// ratScale is the number of decimals that show a decoded Avro decimal
// exactly (its denominator is a power of ten).
func ratScale(r *big.Rat) int {
	d := new(big.Int).Set(r.Denom())
	ten := big.NewInt(10)
	n := 0
	for d.Cmp(big.NewInt(1)) > 0 && n < 1000 {
		d.Quo(d, ten)
		n++
	}
	return n
}
