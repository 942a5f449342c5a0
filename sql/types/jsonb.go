package types

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// jsonKind is the type of a JSON value, numbered in Postgres' jsonb sort
// order: null < string < number < boolean < array < object.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonString
	jsonNumber
	jsonBool
	jsonArray
	jsonObject
)

// jsonNode is a parsed JSON value. Objects keep their keys in jsonb order
// (shorter keys first, then bytewise) without duplicates, the last value of
// a duplicated key winning; elems then holds the values in key order.
type jsonNode struct {
	kind  jsonKind
	str   string       // string value
	num   *apd.Decimal // number value (Postgres form)
	b     bool
	keys  []string
	elems []jsonNode
}

// jsonParser is a recursive-descent JSON parser producing jsonNodes (for
// jsonb) or only validating (for json).
type jsonParser struct {
	src   string
	pos   int
	build bool // build nodes (jsonb); otherwise only validate
	depth int
}

// jsonMaxDepth bounds nesting so hostile input cannot exhaust the stack.
const jsonMaxDepth = 6400

type jsonSyntaxError struct {
	err error
}

func (p *jsonParser) fail(detail string) *jsonSyntaxError {
	return &jsonSyntaxError{err: sqlerr.New(sqlerr.InvalidTextRepresentation, "invalid input syntax for type json").
		WithDetail(detail)}
}

// token returns the invalid token starting at the current position.
func (p *jsonParser) token() string {
	end := p.pos
	for end < len(p.src) && !strings.ContainsRune(" \t\n\r,:[]{}\"", rune(p.src[end])) {
		end++
	}
	if end == p.pos && end < len(p.src) {
		_, n := utf8.DecodeRuneInString(p.src[end:])
		end += n
	}
	return p.src[p.pos:end]
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) unexpectedEnd() *jsonSyntaxError {
	return p.fail("The input string ended unexpectedly.")
}

// value parses one value.
func (p *jsonParser) value() (jsonNode, *jsonSyntaxError) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return jsonNode{}, p.unexpectedEnd()
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return jsonNode{kind: jsonString, str: s}, err
	case c == '-' || isDigit(c):
		return p.number()
	case c == ']' || c == '}' || c == ',' || c == ':':
		return jsonNode{}, p.fail("Expected JSON value, but found \"" + string(c) + "\".")
	}
	tok := p.token()
	switch tok {
	case "true", "false":
		p.pos += len(tok)
		return jsonNode{kind: jsonBool, b: tok == "true"}, nil
	case "null":
		p.pos += len(tok)
		return jsonNode{kind: jsonNull}, nil
	}
	return jsonNode{}, p.fail("Token \"" + tok + "\" is invalid.")
}

func (p *jsonParser) number() (jsonNode, *jsonSyntaxError) {
	start := p.pos
	i := p.pos
	s := p.src
	if i < len(s) && s[i] == '-' {
		i++
	}
	ok := true
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && isDigit(s[i]):
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		ok = false
	}
	if ok && i < len(s) && s[i] == '.' {
		i++
		n := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			n++
		}
		ok = n > 0
	}
	if ok && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		n := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			n++
		}
		ok = n > 0
	}
	if ok && i < len(s) && !strings.ContainsRune(" \t\n\r,:[]{}\"", rune(s[i])) {
		ok = false
	}
	if !ok {
		return jsonNode{}, p.fail("Token \"" + p.token() + "\" is invalid.")
	}
	p.pos = i
	if !p.build {
		return jsonNode{kind: jsonNumber}, nil
	}
	d, err := parseDecimal(s[start:i])
	if err != nil {
		return jsonNode{}, &jsonSyntaxError{err: err}
	}
	return jsonNode{kind: jsonNumber, num: d}, nil
}

// string parses a string literal and returns its decoded value (only when
// building).
func (p *jsonParser) string() (string, *jsonSyntaxError) {
	p.pos++ // opening quote
	start := p.pos
	var sb []byte
	plain := true
	for {
		if p.pos >= len(p.src) {
			return "", p.unexpectedEnd()
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			p.pos++
			if plain {
				return p.src[start : p.pos-1], nil
			}
			return string(sb), nil
		case c < 0x20:
			return "", p.fail("Character with value 0x" + hex2(c) + " must be escaped.")
		case c == '\\':
			if plain {
				sb = append(sb, p.src[start:p.pos]...)
				plain = false
			}
			p.pos++
			if p.pos >= len(p.src) {
				return "", p.unexpectedEnd()
			}
			e := p.src[p.pos]
			p.pos++
			switch e {
			case '"', '\\', '/':
				sb = append(sb, e)
			case 'b':
				sb = append(sb, '\b')
			case 'f':
				sb = append(sb, '\f')
			case 'n':
				sb = append(sb, '\n')
			case 'r':
				sb = append(sb, '\r')
			case 't':
				sb = append(sb, '\t')
			case 'u':
				r, err := p.unicodeEscape()
				if err != nil {
					return "", err
				}
				sb = utf8.AppendRune(sb, r)
			default:
				p.pos--
				return "", p.fail("Escape sequence \"\\" + p.tokenFromEscape() + "\" is invalid.")
			}
		default:
			if !plain {
				sb = append(sb, c)
			}
			p.pos++
		}
	}
}

func (p *jsonParser) tokenFromEscape() string {
	_, n := utf8.DecodeRuneInString(p.src[p.pos:])
	return p.src[p.pos : p.pos+n]
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// hex4 reads four hex digits after \u.
func (p *jsonParser) hex4() (rune, *jsonSyntaxError) {
	if p.pos+4 > len(p.src) {
		return 0, p.fail("\"\\u\" must be followed by four hexadecimal digits.")
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, p.fail("\"\\u\" must be followed by four hexadecimal digits.")
	}
	p.pos += 4
	return rune(v), nil
}

func (p *jsonParser) unicodeEscape() (rune, *jsonSyntaxError) {
	r, err := p.hex4()
	if err != nil {
		return 0, err
	}
	switch {
	case r == 0 && p.build:
		return 0, &jsonSyntaxError{err: sqlerr.New(sqlerr.UntranslatableCharacter, "unsupported Unicode escape sequence").
			WithDetail("\\u0000 cannot be converted to text.")}
	case r >= 0xD800 && r <= 0xDBFF:
		if p.pos+6 > len(p.src) || p.src[p.pos] != '\\' || p.src[p.pos+1] != 'u' {
			return 0, p.fail("Unicode high surrogate must not follow a high surrogate.")
		}
		p.pos += 2
		lo, err := p.hex4()
		if err != nil {
			return 0, err
		}
		if lo < 0xDC00 || lo > 0xDFFF {
			return 0, p.fail("Unicode low surrogate must follow a high surrogate.")
		}
		return (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000, nil
	case r >= 0xDC00 && r <= 0xDFFF:
		return 0, p.fail("Unicode low surrogate must follow a high surrogate.")
	}
	return r, nil
}

func (p *jsonParser) array() (jsonNode, *jsonSyntaxError) {
	if p.depth++; p.depth > jsonMaxDepth {
		return jsonNode{}, &jsonSyntaxError{err: sqlerr.New(sqlerr.StatementTooComplex, "stack depth limit exceeded")}
	}
	defer func() { p.depth-- }()
	p.pos++
	n := jsonNode{kind: jsonArray}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return n, err
		}
		if p.build {
			n.elems = append(n.elems, v)
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return n, p.unexpectedEnd()
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return n, p.fail("Expected \",\" or \"]\", but found \"" + p.token() + "\".")
		}
	}
}

func (p *jsonParser) object() (jsonNode, *jsonSyntaxError) {
	if p.depth++; p.depth > jsonMaxDepth {
		return jsonNode{}, &jsonSyntaxError{err: sqlerr.New(sqlerr.StatementTooComplex, "stack depth limit exceeded")}
	}
	defer func() { p.depth-- }()
	p.pos++
	n := jsonNode{kind: jsonObject}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) {
			return n, p.unexpectedEnd()
		}
		if p.src[p.pos] != '"' {
			return n, p.fail("Expected string, but found \"" + p.token() + "\".")
		}
		k, err := p.string()
		if err != nil {
			return n, err
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return n, p.unexpectedEnd()
		}
		if p.src[p.pos] != ':' {
			return n, p.fail("Expected \":\", but found \"" + p.token() + "\".")
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return n, err
		}
		if p.build {
			n.setKey(k, v)
		}
		p.skipSpace()
		if p.pos >= len(p.src) {
			return n, p.unexpectedEnd()
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return n, p.fail("Expected \",\" or \"}\", but found \"" + p.token() + "\".")
		}
	}
}

// compareJSONKeys orders object keys as jsonb stores them.
func compareJSONKeys(a, b string) int {
	if len(a) != len(b) {
		return cmpInt(int64(len(a)), int64(len(b)))
	}
	return strings.Compare(a, b)
}

// setKey inserts or replaces key k in an object node.
func (n *jsonNode) setKey(k string, v jsonNode) {
	lo, hi := 0, len(n.keys)
	for lo < hi {
		mid := (lo + hi) / 2
		if compareJSONKeys(n.keys[mid], k) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(n.keys) && n.keys[lo] == k {
		n.elems[lo] = v
		return
	}
	n.keys = append(n.keys, "")
	copy(n.keys[lo+1:], n.keys[lo:])
	n.keys[lo] = k
	n.elems = append(n.elems, jsonNode{})
	copy(n.elems[lo+1:], n.elems[lo:])
	n.elems[lo] = v
}

// parseJSONText parses a whole JSON document; build selects whether a tree
// is returned (jsonb) or the text is only validated (json).
func parseJSONText(s string, build bool) (jsonNode, error) {
	p := &jsonParser{src: s, build: build}
	n, err := p.value()
	if err != nil {
		return jsonNode{}, err.err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return jsonNode{}, p.fail("Token \"" + p.token() + "\" is invalid.").err
	}
	return n, nil
}

// parseJSONB parses jsonb input into its canonical text.
func parseJSONB(s string) (Datum, error) {
	n, err := parseJSONText(s, true)
	if err != nil {
		return Datum{}, err
	}
	return stringDatum(KindJSONB, string(n.appendText(nil))), nil
}

// parseJSON validates json input and keeps it as written.
func parseJSON(s string) (Datum, error) {
	if _, err := parseJSONText(s, false); err != nil {
		return Datum{}, err
	}
	return stringDatum(KindJSON, s), nil
}

// appendText appends the canonical jsonb text of n.
func (n *jsonNode) appendText(buf []byte) []byte {
	switch n.kind {
	case jsonNull:
		return append(buf, "null"...)
	case jsonBool:
		if n.b {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case jsonNumber:
		return appendNumeric(buf, n.num)
	case jsonString:
		return appendJSONString(buf, n.str)
	case jsonArray:
		buf = append(buf, '[')
		for i := range n.elems {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = n.elems[i].appendText(buf)
		}
		return append(buf, ']')
	}
	buf = append(buf, '{')
	for i := range n.elems {
		if i > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendJSONString(buf, n.keys[i])
		buf = append(buf, ": "...)
		buf = n.elems[i].appendText(buf)
	}
	return append(buf, '}')
}

// appendJSONString appends s as a JSON string literal, escaped as
// Postgres' escape_json does.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\b':
			buf = append(buf, `\b`...)
		case '\f':
			buf = append(buf, `\f`...)
		case '\n':
			buf = append(buf, `\n`...)
		case '\r':
			buf = append(buf, `\r`...)
		case '\t':
			buf = append(buf, `\t`...)
		case '"':
			buf = append(buf, `\"`...)
		case '\\':
			buf = append(buf, `\\`...)
		default:
			if c < 0x20 {
				buf = append(buf, `\u00`...)
				buf = append(buf, hex2(c)...)
			} else {
				buf = append(buf, c)
			}
		}
	}
	return append(buf, '"')
}

// jsonbTree parses a stored (canonical) jsonb text. Stored jsonb is always
// valid; a parse failure means a corrupt value and yields JSON null.
func jsonbTree(s string) jsonNode {
	n, err := parseJSONText(s, true)
	if err != nil {
		return jsonNode{kind: jsonNull}
	}
	return n
}

// compareJSONB orders two jsonb values as Postgres' jsonb btree operators
// do (strings bytewise, as in the C collation).
func compareJSONB(a, b string) int {
	if a == b {
		return 0
	}
	x, y := jsonbTree(a), jsonbTree(b)
	return compareJSONTop(&x, &y)
}

// compareJSONTop compares top-level values: a top-level scalar counts as a
// one-element "raw scalar" array, which sorts below a real array of one
// element but above an empty one, as in Postgres.
func compareJSONTop(a, b *jsonNode) int {
	aArr, bArr := a.kind != jsonObject, b.kind != jsonObject
	if aArr != bArr {
		if aArr {
			return -1
		}
		return 1
	}
	if !aArr {
		return compareJSON(a, b)
	}
	aRaw, bRaw := a.kind != jsonArray, b.kind != jsonArray
	an, bn := 1, 1
	if !aRaw {
		an = len(a.elems)
	}
	if !bRaw {
		bn = len(b.elems)
	}
	if an != bn {
		return cmpInt(int64(an), int64(bn))
	}
	if aRaw != bRaw {
		if aRaw {
			return -1
		}
		return 1
	}
	if aRaw {
		return compareJSON(a, b)
	}
	for i := range a.elems {
		if c := compareJSON(&a.elems[i], &b.elems[i]); c != 0 {
			return c
		}
	}
	return 0
}

// compareJSON compares nested values.
func compareJSON(a, b *jsonNode) int {
	if a.kind != b.kind {
		return cmpInt(int64(a.kind), int64(b.kind))
	}
	switch a.kind {
	case jsonNull:
		return 0
	case jsonString:
		return strings.Compare(a.str, b.str)
	case jsonNumber:
		return compareNumeric(a.num, b.num)
	case jsonBool:
		return cmpBool(a.b, b.b)
	}
	if len(a.elems) != len(b.elems) {
		return cmpInt(int64(len(a.elems)), int64(len(b.elems)))
	}
	for i := range a.elems {
		if a.kind == jsonObject {
			if c := strings.Compare(a.keys[i], b.keys[i]); c != 0 {
				return c
			}
		}
		if c := compareJSON(&a.elems[i], &b.elems[i]); c != 0 {
			return c
		}
	}
	return 0
}

// jsonb key encoding: a top-level value starts with 0 (array or raw scalar)
// or 1 (object); arrays carry their length and then a raw-scalar flag (0
// raw, 1 real); objects their pair count; nested values a kind byte.

// appendJSONBKey appends the order-preserving encoding of a jsonb text.
func appendJSONBKey(buf []byte, s string) []byte {
	n := jsonbTree(s)
	if n.kind == jsonObject {
		buf = append(buf, 1)
		return appendJSONKeyBody(buf, &n)
	}
	buf = append(buf, 0)
	if n.kind == jsonArray {
		buf = appendUint32BE(buf, uint32(len(n.elems)))
		buf = append(buf, 1)
		for i := range n.elems {
			buf = appendJSONKeyValue(buf, &n.elems[i])
		}
		return buf
	}
	buf = appendUint32BE(buf, 1)
	buf = append(buf, 0)
	return appendJSONKeyValue(buf, &n)
}

func appendJSONKeyValue(buf []byte, n *jsonNode) []byte {
	buf = append(buf, byte(n.kind))
	switch n.kind {
	case jsonString:
		return appendEscapedKey(buf, n.str)
	case jsonNumber:
		return appendNumericKey(buf, n.num)
	case jsonBool:
		if n.b {
			return append(buf, 1)
		}
		return append(buf, 0)
	case jsonArray, jsonObject:
		return appendJSONKeyBody(buf, n)
	}
	return buf
}

func appendJSONKeyBody(buf []byte, n *jsonNode) []byte {
	buf = appendUint32BE(buf, uint32(len(n.elems)))
	for i := range n.elems {
		if n.kind == jsonObject {
			buf = appendEscapedKey(buf, n.keys[i])
		}
		buf = appendJSONKeyValue(buf, &n.elems[i])
	}
	return buf
}

// decodeJSONBKey decodes appendJSONBKey's output into canonical jsonb text.
func decodeJSONBKey(r *keyReader) (string, error) {
	top, err := r.byte()
	if err != nil {
		return "", err
	}
	var n jsonNode
	switch top {
	case 1:
		n.kind = jsonObject
		if err := decodeJSONKeyBody(r, &n, 0); err != nil {
			return "", err
		}
	case 0:
		cnt, err := r.uint32()
		if err != nil {
			return "", err
		}
		raw, err := r.byte()
		if err != nil {
			return "", err
		}
		if raw == 0 {
			if cnt != 1 {
				return "", errCorruptKey()
			}
			if n, err = decodeJSONKeyValue(r, 0); err != nil {
				return "", err
			}
			break
		}
		n.kind = jsonArray
		for i := uint32(0); i < cnt; i++ {
			v, err := decodeJSONKeyValue(r, 0)
			if err != nil {
				return "", err
			}
			n.elems = append(n.elems, v)
		}
	default:
		return "", errCorruptKey()
	}
	return string(n.appendText(nil)), nil
}

func decodeJSONKeyValue(r *keyReader, depth int) (jsonNode, error) {
	if depth > jsonMaxDepth {
		return jsonNode{}, errCorruptKey()
	}
	k, err := r.byte()
	if err != nil {
		return jsonNode{}, err
	}
	n := jsonNode{kind: jsonKind(k)}
	switch n.kind {
	case jsonNull:
	case jsonString:
		n.str, err = r.escaped()
	case jsonNumber:
		n.num, err = decodeNumericKey(r)
	case jsonBool:
		var b byte
		b, err = r.byte()
		n.b = b != 0
	case jsonArray, jsonObject:
		err = decodeJSONKeyBody(r, &n, depth+1)
	default:
		err = errCorruptKey()
	}
	return n, err
}

func decodeJSONKeyBody(r *keyReader, n *jsonNode, depth int) error {
	cnt, err := r.uint32()
	if err != nil {
		return err
	}
	if int(cnt) > r.remaining() {
		return errCorruptKey()
	}
	for i := uint32(0); i < cnt; i++ {
		if n.kind == jsonObject {
			k, err := r.escaped()
			if err != nil {
				return err
			}
			n.keys = append(n.keys, k)
		}
		v, err := decodeJSONKeyValue(r, depth)
		if err != nil {
			return err
		}
		n.elems = append(n.elems, v)
	}
	return nil
}
