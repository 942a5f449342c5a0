package types

// Kind is the physical family of a value. Several SQL types share a Kind's
// representation but keep their own Kind so that OIDs, output formats and
// casts stay exact (text, varchar, bpchar and name all hold a string).
type Kind uint8

// The kinds. KindNull is the zero value: a Datum of KindNull is SQL NULL.
const (
	KindNull Kind = iota
	KindBool
	KindInt2
	KindInt4
	KindInt8
	KindFloat4
	KindFloat8
	KindNumeric
	KindText
	KindVarchar
	KindBPChar
	KindName
	KindChar // the single-byte "char" type of pg_catalog
	KindBytea
	KindDate
	KindTime
	KindTimestamp
	KindTimestampTZ
	KindInterval
	KindJSONB
	KindJSON
	KindOID
	KindRegClass
	KindRegType
	KindRegProc
	KindRegNamespace
	KindArray
	KindUnknown // an untyped literal or parameter before the binder resolves it
	KindRecord  // an anonymous row value
	numKinds
)

var kindNames = [numKinds]string{
	KindNull:         "null",
	KindBool:         "boolean",
	KindInt2:         "smallint",
	KindInt4:         "integer",
	KindInt8:         "bigint",
	KindFloat4:       "real",
	KindFloat8:       "double precision",
	KindNumeric:      "numeric",
	KindText:         "text",
	KindVarchar:      "character varying",
	KindBPChar:       "character",
	KindName:         "name",
	KindChar:         `"char"`,
	KindBytea:        "bytea",
	KindDate:         "date",
	KindTime:         "time without time zone",
	KindTimestamp:    "timestamp without time zone",
	KindTimestampTZ:  "timestamp with time zone",
	KindInterval:     "interval",
	KindJSONB:        "jsonb",
	KindJSON:         "json",
	KindOID:          "oid",
	KindRegClass:     "regclass",
	KindRegType:      "regtype",
	KindRegProc:      "regproc",
	KindRegNamespace: "regnamespace",
	KindArray:        "array",
	KindUnknown:      "unknown",
	KindRecord:       "record",
}

// String returns the Postgres name of the kind, as format_type prints it
// without modifiers.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "invalid"
}

// IsString reports whether values of k are character strings.
func (k Kind) IsString() bool {
	switch k {
	case KindText, KindVarchar, KindBPChar, KindName, KindChar:
		return true
	}
	return false
}

// IsInteger reports whether k is int2, int4 or int8.
func (k Kind) IsInteger() bool { return k == KindInt2 || k == KindInt4 || k == KindInt8 }

// IsNumeric reports whether k is one of the numeric families (integers,
// floats, numeric).
func (k Kind) IsNumeric() bool {
	return k.IsInteger() || k == KindFloat4 || k == KindFloat8 || k == KindNumeric
}

// IsOIDLike reports whether k is oid or one of the reg* alias types, which
// hold an OID in Datum.Int.
func (k Kind) IsOIDLike() bool {
	switch k {
	case KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace:
		return true
	}
	return false
}
