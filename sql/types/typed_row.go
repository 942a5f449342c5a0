package types

// Typed rows
//
// Operator state is stored without a schema beside it, so its rows describe
// their own types: AppendTypedRow writes each value with its type, as the
// fields of a record value are written (exact: numeric scale, -0 and
// interval fields survive). AppendEqualKey writes a row so that rows equal
// by Equal (1.0 and 1.00, '1 day' and '24 hours') get the same bytes, for
// keys that name a group rather than a written form.

// AppendTypedRow appends the self-describing value encoding of row.
func AppendTypedRow(buf []byte, row Row) []byte {
	return appendValuePayload(buf, NewRecord(row), T{Kind: KindRecord})
}

// DecodeTypedRow decodes a row that AppendTypedRow wrote at the start of b
// and returns it with the bytes after it.
func DecodeTypedRow(b []byte) (Row, []byte, error) {
	r := &valueReader{b: b}
	d, err := decodeValuePayload(r, T{Kind: KindRecord}, 0)
	if err != nil {
		return nil, nil, err
	}
	return Row(d.Record()), b[r.pos:], nil
}

// AppendEqualKey appends the key encoding of every value of row, each as
// its own type: rows that are Equal value by value get the same bytes.
func AppendEqualKey(buf []byte, row Row) []byte {
	for _, d := range row {
		buf = AppendKey(buf, d, typeOfDatum(d), false)
	}
	return buf
}
