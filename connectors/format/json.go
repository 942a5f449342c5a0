package format

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/freshetdb/freshet/sql/types"
)

// JSON decodes messages that are JSON objects into rows: each column takes
// the value of the field of its name (matched exactly, else ignoring
// case), a missing field or JSON null gives NULL, and fields without a
// column are ignored. Strings are read as the column type's text input
// (so '2024-01-01 10:00:00' fills a timestamp column), numbers fill
// numeric columns, true and false boolean ones, and objects and arrays
// json and jsonb columns. Anything else (a number for a text column, a
// string that is not valid input for the column's type, a message that
// is not one JSON object) is an error of that message.
type JSON struct {
	cols  []Column
	exact map[string]int
	fold  map[string]int
	ctx   *types.FormatContext
	// seen marks the columns a message has set, to NULL the others.
	seen []bool
	buf  []byte
}

// Column is one column a format fills: its name and type.
type Column struct {
	Name string
	Type types.T
}

// NewJSON returns a decoder into rows of cols.
func NewJSON(cols []Column) *JSON {
	d := &JSON{cols: cols, exact: map[string]int{}, fold: map[string]int{}, ctx: types.NewFormatContext(nil), seen: make([]bool, len(cols))}
	for i, c := range cols {
		d.exact[c.Name] = i
		if _, dup := d.fold[strings.ToLower(c.Name)]; !dup {
			d.fold[strings.ToLower(c.Name)] = i
		}
	}
	return d
}

// Decoder decodes one message into a row of a source's columns. A
// decoder is used by one goroutine at a time.
type Decoder interface {
	// Decode fills row (of the columns' width) from msg; the row owns
	// its values after.
	Decode(msg []byte, row types.Row) error
}

// Decode fills row (of the columns' width) from msg.
func (d *JSON) Decode(msg []byte, row types.Row) error {
	if len(msg) == 0 {
		return errors.New("empty message")
	}
	for i := range d.seen {
		d.seen[i] = false
	}
	s := scanner{b: msg}
	s.space()
	if !s.take('{') {
		return s.fail("a JSON object")
	}
	s.space()
	if !s.take('}') {
		for {
			s.space()
			key, err := s.str(&d.buf)
			if err != nil {
				return err
			}
			col, ok := d.exact[string(key)]
			if !ok {
				col, ok = d.fold[strings.ToLower(string(key))]
			}
			s.space()
			if !s.take(':') {
				return s.fail("':'")
			}
			s.space()
			if ok {
				if row[col], err = d.value(&s, d.cols[col]); err != nil {
					return err
				}
				d.seen[col] = true
			} else if err := s.skip(0); err != nil {
				return err
			}
			s.space()
			if s.take(',') {
				continue
			}
			if s.take('}') {
				break
			}
			return s.fail("',' or '}'")
		}
	}
	s.space()
	if s.i != len(s.b) {
		return s.fail("the end of the message")
	}
	for i, seen := range d.seen {
		if !seen {
			row[i] = types.NullDatum
		}
	}
	return nil
}

// value reads one JSON value as a datum of column c's type.
func (d *JSON) value(s *scanner, c Column) (types.Datum, error) {
	if s.i >= len(s.b) {
		return types.NullDatum, s.fail("a value")
	}
	start := s.i
	switch ch := s.b[s.i]; {
	case ch == '"':
		v, err := s.str(&d.buf)
		if err != nil {
			return types.NullDatum, err
		}
		switch c.Type.Kind {
		case types.KindJSON, types.KindJSONB:
			return d.parse(s.b[start:s.i], c)
		}
		return d.parse(v, c)
	case ch == 'n':
		if !s.word("null") {
			return types.NullDatum, s.fail("a value")
		}
		return types.NullDatum, nil
	case ch == 't' || ch == 'f':
		if !s.word("true") && !s.word("false") {
			return types.NullDatum, s.fail("a value")
		}
		switch c.Type.Kind {
		case types.KindBool:
			return types.NewBool(ch == 't'), nil
		case types.KindJSON, types.KindJSONB:
			return d.parse(s.b[start:s.i], c)
		}
		return types.NullDatum, mismatch(c, "a boolean")
	case ch == '{' || ch == '[':
		if err := s.skip(0); err != nil {
			return types.NullDatum, err
		}
		switch c.Type.Kind {
		case types.KindJSON, types.KindJSONB:
			return d.parse(s.b[start:s.i], c)
		}
		if ch == '{' {
			return types.NullDatum, mismatch(c, "an object")
		}
		return types.NullDatum, mismatch(c, "an array")
	default:
		if err := s.number(); err != nil {
			return types.NullDatum, err
		}
		num := s.b[start:s.i]
		switch c.Type.Kind {
		case types.KindInt2, types.KindInt4, types.KindInt8:
			if v, ok := smallInt(num); ok {
				return intDatum(v, c)
			}
			return d.parse(num, c)
		case types.KindFloat4, types.KindFloat8, types.KindNumeric, types.KindJSON, types.KindJSONB:
			return d.parse(num, c)
		}
		return types.NullDatum, mismatch(c, "a number")
	}
}

// parse reads text as the column type's text input.
func (d *JSON) parse(text []byte, c Column) (types.Datum, error) {
	v, err := types.ParseText(string(text), c.Type, d.ctx)
	if err != nil {
		return types.NullDatum, fmt.Errorf("column %q: %w", c.Name, err)
	}
	return v, nil
}

// intDatum checks v against an integer column's range.
func intDatum(v int64, c Column) (types.Datum, error) {
	lo, hi := int64(-1<<63), int64(1<<63-1)
	switch c.Type.Kind {
	case types.KindInt2:
		lo, hi = -1<<15, 1<<15-1
	case types.KindInt4:
		lo, hi = -1<<31, 1<<31-1
	}
	if v < lo || v > hi {
		return types.NullDatum, fmt.Errorf("column %q: value %d is out of range for type %s", c.Name, v, c.Type)
	}
	return types.NewInt(c.Type.Kind, v), nil
}

// smallInt parses an integer of at most 18 digits (no fraction or
// exponent), which cannot overflow.
func smallInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

func mismatch(c Column, what string) error {
	return fmt.Errorf("column %q of type %s cannot take %s", c.Name, c.Type, what)
}

// scanner reads JSON text.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) fail(want string) error {
	if s.i >= len(s.b) {
		return fmt.Errorf("invalid JSON: expected %s at the end of the message", want)
	}
	return fmt.Errorf("invalid JSON: expected %s at byte %d, found %q", want, s.i, s.b[s.i])
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) take(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) word(w string) bool {
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// number reads a JSON number.
func (s *scanner) number() error {
	start := s.i
	s.take('-')
	digits := func() bool {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n > 0
	}
	// A leading zero stands alone: 0, 0.5, never 01.
	if !s.take('0') && !digits() {
		s.i = start
		return s.fail("a value")
	}
	if s.take('.') && !digits() {
		return s.fail("a digit")
	}
	if s.take('e') || s.take('E') {
		if !s.take('+') {
			s.take('-')
		}
		if !digits() {
			return s.fail("a digit")
		}
	}
	return nil
}

// str reads a JSON string and returns its contents: a slice of the
// message when it has no escapes, else decoded into *buf.
func (s *scanner) str(buf *[]byte) ([]byte, error) {
	if !s.take('"') {
		return nil, s.fail("a string")
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			s.i++
			if !utf8.Valid(s.b[start : s.i-1]) {
				return nil, fmt.Errorf("invalid JSON: a string is not valid UTF-8")
			}
			return s.b[start : s.i-1], nil
		}
		if c == '\\' {
			return s.escaped(start, buf)
		}
		if c < 0x20 {
			return nil, s.fail("no control character in a string")
		}
		s.i++
	}
	return nil, s.fail("'\"'")
}

// escaped decodes a string with escapes from its start.
func (s *scanner) escaped(start int, buf *[]byte) ([]byte, error) {
	out := append((*buf)[:0], s.b[start:s.i]...)
	defer func() { *buf = out[:0] }()
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return nil, fmt.Errorf("invalid JSON: a string is not valid UTF-8")
			}
			return out, nil
		case c < 0x20:
			return nil, s.fail("no control character in a string")
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		s.i++
		if s.i >= len(s.b) {
			break
		}
		e := s.b[s.i]
		s.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return nil, s.fail("four hex digits")
			}
			if utf16.IsSurrogate(r) {
				if s.word(`\u`) {
					if r2, ok := s.hex4(); ok {
						r = utf16.DecodeRune(r, r2)
					}
				}
				if r == utf8.RuneError || utf16.IsSurrogate(r) {
					return nil, fmt.Errorf("invalid JSON: a string holds an unpaired surrogate")
				}
			}
			if r == 0 {
				return nil, fmt.Errorf(`invalid JSON: \u0000 cannot be converted to text`)
			}
			out = utf8.AppendRune(out, r)
		default:
			s.i--
			return nil, s.fail("an escape")
		}
	}
	return nil, s.fail("'\"'")
}

func (s *scanner) hex4() (rune, bool) {
	if len(s.b)-s.i < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(unsafe.String(&s.b[s.i], 4), 16, 32)
	if err != nil {
		return 0, false
	}
	s.i += 4
	return rune(v), true
}

// maxDepth bounds the nesting of skipped values, so that a hostile
// message cannot exhaust the stack.
const maxDepth = 512

// skip reads past one JSON value, checking its syntax.
func (s *scanner) skip(depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("invalid JSON: nested deeper than %d levels", maxDepth)
	}
	if s.i >= len(s.b) {
		return s.fail("a value")
	}
	var scratch []byte
	switch c := s.b[s.i]; {
	case c == '"':
		_, err := s.str(&scratch)
		return err
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.space()
		if s.take(end) {
			return nil
		}
		for {
			s.space()
			if c == '{' {
				if _, err := s.str(&scratch); err != nil {
					return err
				}
				s.space()
				if !s.take(':') {
					return s.fail("':'")
				}
				s.space()
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			s.space()
			if s.take(',') {
				continue
			}
			if s.take(end) {
				return nil
			}
			return s.fail(fmt.Sprintf("',' or '%c'", end))
		}
	case s.word("true"), s.word("false"), s.word("null"):
		return nil
	default:
		return s.number()
	}
}
