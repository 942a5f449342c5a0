package pgwire

import (
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Format codes of the protocol.
const (
	formatText   int16 = 0
	formatBinary int16 = 1
)

// decodeParam decodes the value of bind parameter $n, given in format (text
// or binary), into type t. A nil value is NULL. Text values must be valid
// UTF-8, the only client encoding served. A binary value of a fixed-size
// type must have exactly that size; the errors are Postgres' own.
func decodeParam(b []byte, format int16, t types.T, fctx *types.FormatContext, n int) (types.Datum, error) {
	if b == nil {
		return types.NullDatum, nil
	}
	switch format {
	case formatText:
		s := string(b)
		if err := checkUTF8(s); err != nil {
			return types.NullDatum, err
		}
		return types.ParseText(s, t, fctx)
	case formatBinary:
		if size := binarySize(t); size >= 0 && len(b) != size {
			if len(b) < size {
				return types.NullDatum, sqlerr.New(sqlerr.ProtocolViolation, "insufficient data left in message")
			}
			return types.NullDatum, sqlerr.Newf(sqlerr.InvalidBinaryRepresentation,
				"incorrect binary data format in bind parameter %d", n)
		}
		return types.ParseBinary(b, t)
	}
	return types.NullDatum, sqlerr.Newf(sqlerr.InvalidParameterValue, "unsupported format code: %d", format)
}

// paramFormat returns the format code of parameter i from a Bind message's
// codes: none means all text, one applies to all, else one each.
func paramFormat(codes []int16, i int) int16 {
	switch len(codes) {
	case 0:
		return formatText
	case 1:
		return codes[0]
	}
	return codes[i]
}

// resultFormats expands a Bind message's result format codes to one per
// column; nil means all text. The codes themselves are checked when the
// portal runs (checkFormats), as in Postgres.
func resultFormats(codes []int16, columns int) ([]int16, error) {
	switch {
	case len(codes) == 0 || len(codes) == 1 && codes[0] == formatText:
		return nil, nil
	case len(codes) == 1:
		formats := make([]int16, columns)
		for i := range formats {
			formats[i] = codes[0]
		}
		return formats, nil
	case len(codes) == columns:
		return append([]int16(nil), codes...), nil
	}
	return nil, sqlerr.Newf(sqlerr.ProtocolViolation,
		"bind message has %d result formats but query has %d columns", len(codes), columns)
}

// checkFormats checks that every result format is text or binary.
func checkFormats(formats []int16) error {
	for _, f := range formats {
		if f != formatText && f != formatBinary {
			return sqlerr.Newf(sqlerr.InvalidParameterValue, "unsupported format code: %d", f)
		}
	}
	return nil
}

// columnFormat returns the format of column i; nil formats mean all text.
func columnFormat(formats []int16, i int) int16 {
	if formats == nil {
		return formatText
	}
	return formats[i]
}

// binarySize returns the size of the binary form of t's values, or -1 when
// it varies.
func binarySize(t types.T) int {
	switch t.Kind {
	case types.KindBool:
		return 1
	case types.KindInt2:
		return 2
	case types.KindInt4, types.KindFloat4, types.KindDate, types.KindOID,
		types.KindRegClass, types.KindRegType, types.KindRegProc, types.KindRegNamespace:
		return 4
	case types.KindInt8, types.KindFloat8, types.KindTime, types.KindTimestamp, types.KindTimestampTZ:
		return 8
	case types.KindInterval:
		return 16
	}
	return -1
}

// typmod returns the type modifier as the protocol and pg_attribute carry
// it: Postgres adds the 4-byte varlena header size to the modifiers of
// varchar(n), char(n) and numeric(p,s), which types.T keeps without it.
func typmod(t types.T) int32 {
	if t.Mod < 0 {
		return -1
	}
	switch t.Kind {
	case types.KindVarchar, types.KindBPChar, types.KindNumeric:
		return t.Mod + 4
	}
	return t.Mod
}
