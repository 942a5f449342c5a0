// Package datagen is the datagen connector: a source of generated rows for
// tests and demos. Each column is a sequence (start, start+1, ... end) or
// random values (seeded, so row n is always the same), and rows come at
// datagen.rows.per.second on parallel splits (connectors/generator), the
// row number being the offset.
//
// It imports connectors/generator, connectors/kafka (the message type),
// sql/types and sql/sqlerr.
package datagen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/freshetdb/freshet/connectors/generator"
	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Column is a column the connector fills: its name and type.
type Column struct {
	Name string
	Type types.T
}

// field is how one column's values are made.
type field struct {
	typ      types.T
	sequence bool
	start    int64 // a sequence's first value
	end      int64 // a sequence's last value; math.MaxInt64 for none
	min, max float64
	length   int
	seed     uint64
	maxPast  int64 // microseconds before the base time, for random times
}

// Config is a datagen source: its columns' fields and its pace.
type Config struct {
	fields []field
	// Rate is rows per second of wall time; 0 emits as fast as the views
	// take them.
	Rate int64
	// Splits is the number of parallel splits.
	Splits int
	// Limit is the number of rows: the shortest sequence's length, 0 for
	// none.
	Limit int64
	// BaseTime is what random times go back from, in microseconds.
	BaseTime int64
}

// ParseConfig reads a datagen source's WITH options (the connector
// excluded) for rows of cols. A missing datagen.base.time is now; the
// caller stores the options ResolvedOptions returns.
func ParseConfig(opts map[string]string, cols []Column, now time.Time) (Config, error) {
	c := Config{Rate: 10, Splits: 1, BaseTime: now.UnixMicro(), fields: make([]field, len(cols))}
	bad := func(k, format string, args ...any) error {
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen option %q %s", k, fmt.Sprintf(format, args...))
	}
	byName := map[string]int{}
	for i, col := range cols {
		byName[col.Name] = i
		c.fields[i] = field{typ: col.Type, end: math.MaxInt64, max: 32767, length: 10, seed: uint64(i + 1), maxPast: 24 * 3600 * 1_000_000}
		switch col.Type.Kind {
		case types.KindInt2, types.KindInt4, types.KindInt8, types.KindFloat4, types.KindFloat8, types.KindNumeric,
			types.KindText, types.KindVarchar, types.KindBool, types.KindTimestamp, types.KindTimestampTZ, types.KindDate:
		default:
			return c, sqlerr.Unsupported(fmt.Sprintf("datagen column %q of type %s", col.Name, col.Type))
		}
	}
	for k, v := range opts {
		num := func() (int64, error) {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return 0, bad(k, "must be a whole number, not %q", v)
			}
			return n, nil
		}
		switch {
		case k == "datagen.rows.per.second":
			n, err := num()
			if err != nil || n < 0 {
				return c, bad(k, "must be a number of rows, 0 for as fast as they are taken")
			}
			c.Rate = n
		case k == "datagen.split.num":
			n, err := num()
			if err != nil || n < 1 || n > 1024 {
				return c, bad(k, "must be 1 to 1024")
			}
			c.Splits = int(n)
		case k == "datagen.base.time":
			n, err := num()
			if err != nil {
				return c, err
			}
			c.BaseTime = n
		case strings.HasPrefix(k, "fields."):
			name, prop, ok := strings.Cut(strings.TrimPrefix(k, "fields."), ".")
			i, known := byName[name]
			if !ok || !known {
				return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen option %q names no column of the source", k)
			}
			f := &c.fields[i]
			var err error
			switch prop {
			case "kind":
				switch v {
				case "sequence":
					f.sequence = true
				case "random":
				default:
					return c, bad(k, "must be 'sequence' or 'random'")
				}
			case "start":
				f.start, err = num()
			case "end":
				f.end, err = num()
			case "min", "max":
				x, perr := strconv.ParseFloat(v, 64)
				if perr != nil {
					return c, bad(k, "must be a number, not %q", v)
				}
				if prop == "min" {
					f.min = x
				} else {
					f.max = x
				}
			case "length":
				var n int64
				n, err = num()
				if err == nil && (n < 0 || n > 1<<20) {
					err = bad(k, "must be 0 to 1048576")
				}
				f.length = int(n)
			case "seed":
				var n int64
				n, err = num()
				f.seed = uint64(n)
			case "max_past":
				d, perr := time.ParseDuration(v)
				if perr != nil || d < 0 {
					return c, bad(k, "must be a duration such as '24h', not %q", v)
				}
				f.maxPast = d.Microseconds()
			default:
				return c, bad(k, "is not a field property (kind, start, end, min, max, length, seed, max_past)")
			}
			if err != nil {
				return c, err
			}
		default:
			return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown datagen option %q", k).
				WithHint("A datagen source takes datagen.rows.per.second, datagen.split.num and fields.<column>.<kind|start|end|min|max|length|seed|max_past>.")
		}
	}
	for i, f := range c.fields {
		if !f.sequence {
			if f.min > f.max || f.typ.Kind.IsInteger() && math.Floor(f.max) < math.Ceil(f.min) {
				return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen column %q: no value lies between min and max", cols[i].Name)
			}
			if lo, hi := intRange(f.typ.Kind); f.typ.Kind.IsInteger() && (f.min < lo || f.max > hi) {
				return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen column %q: min and max must lie within type %s", cols[i].Name, f.typ)
			}
			continue
		}
		if lo, hi := intRange(f.typ.Kind); f.typ.Kind.IsInteger() && (float64(f.start) < lo || f.end != math.MaxInt64 && float64(f.end) > hi) {
			return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen column %q: the sequence must lie within type %s", cols[i].Name, f.typ)
		}
		if f.end < f.start {
			return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "datagen column %q: the sequence ends before it starts", cols[i].Name)
		}
		if f.end != math.MaxInt64 {
			if n := f.end - f.start + 1; c.Limit == 0 || n < c.Limit {
				c.Limit = n
			}
		}
	}
	return c, nil
}

// intRange is the range of an integer kind.
func intRange(k types.Kind) (float64, float64) {
	switch k {
	case types.KindInt2:
		return math.MinInt16, math.MaxInt16
	case types.KindInt4:
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

// ResolvedOptions returns opts with the base time set, to store.
func (c Config) ResolvedOptions(opts map[string]string) map[string]string {
	out := make(map[string]string, len(opts)+1)
	for k, v := range opts {
		out[k] = v
	}
	out["datagen.base.time"] = strconv.FormatInt(c.BaseTime, 10)
	return out
}

// Row fills row n into row.
func (c Config) Row(n int64, row types.Row) error {
	for i, f := range c.fields {
		v, err := f.value(n, c.BaseTime)
		if err != nil {
			return err
		}
		row[i] = v
	}
	return nil
}

// value makes the field's value of row n.
func (f *field) value(n int64, base int64) (types.Datum, error) {
	if f.sequence {
		v := f.start + n
		switch f.typ.Kind {
		case types.KindInt2, types.KindInt4, types.KindInt8:
			return types.NewInt(f.typ.Kind, v), nil
		case types.KindTimestamp, types.KindTimestampTZ:
			return types.NewTimestamp(f.typ.Kind, base+v*1_000_000), nil
		case types.KindDate:
			return types.NewDate(int32(base/86_400_000_000 + v)), nil
		}
		return types.ParseText(strconv.FormatInt(v, 10), f.typ, nil)
	}
	r := mix(f.seed*0x9e3779b97f4a7c15 + uint64(n))
	u := float64(r>>11) / (1 << 53)
	switch f.typ.Kind {
	case types.KindInt2, types.KindInt4, types.KindInt8:
		lo, hi := int64(math.Ceil(f.min)), int64(math.Floor(f.max))
		return types.NewInt(f.typ.Kind, lo+int64(r%uint64(hi-lo+1))), nil
	case types.KindFloat4, types.KindFloat8:
		return types.NewFloat(f.typ.Kind, f.min+u*(f.max-f.min)), nil
	case types.KindNumeric:
		return types.ParseText(strconv.FormatFloat(f.min+u*(f.max-f.min), 'f', 6, 64), f.typ, nil)
	case types.KindBool:
		return types.NewBool(r&1 == 1), nil
	case types.KindTimestamp, types.KindTimestampTZ:
		return types.NewTimestamp(f.typ.Kind, base-int64(r%uint64(f.maxPast+1))), nil
	case types.KindDate:
		return types.NewDate(int32((base - int64(r%uint64(f.maxPast+1))) / 86_400_000_000)), nil
	}
	b := make([]byte, f.length)
	for i := range b {
		r = mix(r)
		b[i] = byte('a' + r%26)
	}
	return types.ParseText(string(b), f.typ, nil)
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Start starts emitting the rows, as kafka.Messages whose Record is the
// types.Row (valid during the handler call): split i from row start[i],
// else from its first row.
func Start(c Config, start map[int32]int64, h kafka.Handler) *generator.Reader {
	s := generator.Stream{
		Splits:  c.Splits,
		Limit:   c.Limit,
		Scratch: func() any { return make(types.Row, len(c.fields)) },
		Make: func(n int64, m *kafka.Message, scratch any) bool {
			row := scratch.(types.Row)
			// Values are checked by construction: a failure is an empty
			// row, which the feed records as an error.
			if err := c.Row(n, row); err != nil {
				m.Record = err
				return true
			}
			m.Record = row
			return true
		},
	}
	if c.Rate > 0 {
		s.Pace = func(first, n int64) time.Duration {
			return time.Duration(float64(n-first) / float64(c.Rate) * float64(time.Second))
		}
	}
	return generator.Start(s, start, h)
}
