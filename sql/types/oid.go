package types

// Postgres type OIDs (pg_type.oid) for the types Freshet knows.
const (
	OIDBool         uint32 = 16
	OIDBytea        uint32 = 17
	OIDChar         uint32 = 18
	OIDName         uint32 = 19
	OIDInt8         uint32 = 20
	OIDInt2         uint32 = 21
	OIDInt2Vector   uint32 = 22
	OIDInt4         uint32 = 23
	OIDRegProc      uint32 = 24
	OIDText         uint32 = 25
	OIDOID          uint32 = 26
	OIDOIDVector    uint32 = 30
	OIDJSON         uint32 = 114
	OIDFloat4       uint32 = 700
	OIDFloat8       uint32 = 701
	OIDUnknown      uint32 = 705
	OIDBPChar       uint32 = 1042
	OIDVarchar      uint32 = 1043
	OIDDate         uint32 = 1082
	OIDTime         uint32 = 1083
	OIDTimestamp    uint32 = 1114
	OIDTimestampTZ  uint32 = 1184
	OIDInterval     uint32 = 1186
	OIDNumeric      uint32 = 1700
	OIDRegClass     uint32 = 2205
	OIDRegType      uint32 = 2206
	OIDRecord       uint32 = 2249
	OIDJSONB        uint32 = 3802
	OIDRegNamespace uint32 = 4089
)

var kindOIDs = [numKinds]uint32{
	KindBool: OIDBool, KindInt2: OIDInt2, KindInt4: OIDInt4, KindInt8: OIDInt8,
	KindFloat4: OIDFloat4, KindFloat8: OIDFloat8, KindNumeric: OIDNumeric,
	KindText: OIDText, KindVarchar: OIDVarchar, KindBPChar: OIDBPChar, KindName: OIDName,
	KindChar: OIDChar, KindBytea: OIDBytea, KindDate: OIDDate, KindTime: OIDTime,
	KindTimestamp: OIDTimestamp, KindTimestampTZ: OIDTimestampTZ, KindInterval: OIDInterval,
	KindJSONB: OIDJSONB, KindJSON: OIDJSON, KindOID: OIDOID, KindRegClass: OIDRegClass,
	KindRegType: OIDRegType, KindRegProc: OIDRegProc, KindRegNamespace: OIDRegNamespace,
	KindUnknown: OIDUnknown, KindRecord: OIDRecord, KindNull: OIDUnknown,
}

// arrayOIDs maps an element kind to the OID of its array type.
var arrayOIDs = map[Kind]uint32{
	KindBool: 1000, KindBytea: 1001, KindChar: 1002, KindName: 1003, KindInt2: 1005,
	KindInt4: 1007, KindRegProc: 1008, KindText: 1009, KindOID: 1028, KindBPChar: 1014,
	KindVarchar: 1015, KindInt8: 1016, KindFloat4: 1021, KindFloat8: 1022,
	KindTimestamp: 1115, KindDate: 1182, KindTime: 1183, KindTimestampTZ: 1185,
	KindInterval: 1187, KindNumeric: 1231, KindRegClass: 2210, KindRegType: 2211,
	KindJSONB: 3807, KindJSON: 199, KindRegNamespace: 4090, KindRecord: 2287,
}

// OID returns the Postgres type OID of t (the array type's OID for arrays).
func (t T) OID() uint32 {
	if t.Kind == KindArray {
		return arrayOIDs[t.Elem.Kind]
	}
	return kindOIDs[t.Kind]
}

// FromOID returns the type with the given OID and no modifier; ok is false
// for an OID Freshet does not know.
func FromOID(oid uint32) (T, bool) {
	for k := Kind(0); k < numKinds; k++ {
		if kindOIDs[k] == oid && k != KindNull {
			return T{Kind: k, Mod: -1}, true
		}
	}
	for k, a := range arrayOIDs {
		if a == oid {
			return ArrayOf(T{Kind: k, Mod: -1}), true
		}
	}
	return T{}, false
}

// TypLen returns pg_type.typlen for t: the fixed size in bytes, or -1 for
// variable-length types (and -2 for cstring-like ones, unused here).
func (t T) TypLen() int16 {
	switch t.Kind {
	case KindBool, KindChar:
		return 1
	case KindInt2:
		return 2
	case KindInt4, KindFloat4, KindOID, KindRegClass, KindRegType, KindRegProc, KindRegNamespace, KindDate:
		return 4
	case KindInt8, KindFloat8, KindTime, KindTimestamp, KindTimestampTZ:
		return 8
	case KindInterval:
		return 16
	case KindName:
		return 64
	}
	return -1
}
