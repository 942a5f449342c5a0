package storage

import "encoding/binary"

// Key layout.
//
// Every key starts with a one-byte namespace tag; ids are big-endian so that
// byte order equals numeric order and all keys of one object are contiguous.
// The tags are printable ASCII so that raw keys stay readable in dumps:
//
//	tag  namespace        key                                 value
//	'c'  catalog          'c' objectID(u32)                   descriptor bytes (owned by the catalog)
//	'e'  source errors    'e' sourceID(u32) partition(u32)    the record of a message that could not
//	                      offset(u64)                         be read (owned by the engine)
//	'k'  sink log         'k' sinkID(u32) epoch(u64) seq(u32) a message a sink has yet to deliver;
//	                                                          epoch 0 seq 0 holds the last epoch logged
//	'm'  meta             'm' name                            small values: id counters (see NextID), etc.
//	's'  operator state   's' objectID(u32) <operator bytes>  operator state bytes, and the source
//	                                                          offsets of a view (its own bytes)
//	't'  table rows       't' tableID(u32) <key bytes>        row bytes; key bytes are the primary key
//	                                                          encoded by types.AppendKey, or a row id
//
// Builders that take a buf argument append to it and return the extended
// slice, so a caller can reuse one buffer for a whole scan or batch. Builders
// without one return a fresh slice the caller owns.
const (
	tagCatalog byte = 'c'
	tagError   byte = 'e'
	tagSink    byte = 'k'
	tagMeta    byte = 'm'
	tagState   byte = 's'
	tagTable   byte = 't'
)

// MetaKey returns the key of the meta entry name ('m' name). Meta entries
// hold small store-wide values such as the id counters of NextID.
func MetaKey(name string) []byte {
	k := make([]byte, 0, 1+len(name))
	k = append(k, tagMeta)
	return append(k, name...)
}

// CatalogKey returns the key of the catalog descriptor of object id
// ('c' id).
func CatalogKey(id uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte{tagCatalog}, id)
}

// CatalogPrefix returns the bounds [lower, upper) that hold every catalog
// descriptor, in object id order.
func CatalogPrefix() (lower, upper []byte) {
	return []byte{tagCatalog}, []byte{tagCatalog + 1}
}

// CatalogIDFromKey returns the object id of a key built by CatalogKey. ok is
// false when key is not a catalog key.
func CatalogIDFromKey(key []byte) (id uint32, ok bool) {
	if len(key) != 5 || key[0] != tagCatalog {
		return 0, false
	}
	return binary.BigEndian.Uint32(key[1:]), true
}

// TableKey appends the row-key prefix of table tableID ('t' tableID) to buf
// and returns the extended slice; the caller appends the row's key bytes.
func TableKey(buf []byte, tableID uint32) []byte {
	buf = append(buf, tagTable)
	return binary.BigEndian.AppendUint32(buf, tableID)
}

// TablePrefix returns the bounds [lower, upper) that hold every row of table
// tableID.
func TablePrefix(tableID uint32) (lower, upper []byte) {
	return idPrefix(tagTable, tableID)
}

// SplitTableKey splits a key built by TableKey into its table id and the row
// key bytes after the prefix (a subslice of key). ok is false when key is not
// a table key.
func SplitTableKey(key []byte) (tableID uint32, rowKey []byte, ok bool) {
	if len(key) < 5 || key[0] != tagTable {
		return 0, nil, false
	}
	return binary.BigEndian.Uint32(key[1:5]), key[5:], true
}

// StateKey appends the operator-state prefix of object objectID
// ('s' objectID) to buf and returns the extended slice; the operator appends
// its own key bytes.
func StateKey(buf []byte, objectID uint32) []byte {
	buf = append(buf, tagState)
	return binary.BigEndian.AppendUint32(buf, objectID)
}

// StatePrefix returns the bounds [lower, upper) that hold all operator state
// of object objectID.
func StatePrefix(objectID uint32) (lower, upper []byte) {
	return idPrefix(tagState, objectID)
}

// StateSpan returns the bounds [lower, upper) that hold the operator state
// of every object.
func StateSpan() (lower, upper []byte) {
	return []byte{tagState}, []byte{tagState + 1}
}

// StateIDFromKey returns the object id of a key under StateKey. ok is false
// when key is not a state key.
func StateIDFromKey(key []byte) (id uint32, ok bool) {
	if len(key) < 5 || key[0] != tagState {
		return 0, false
	}
	return binary.BigEndian.Uint32(key[1:5]), true
}

// SourceErrorKey returns the key of the record of the message at offset
// of one partition of source sourceID ('e' sourceID partition offset).
func SourceErrorKey(sourceID, partition uint32, offset uint64) []byte {
	k := make([]byte, 0, 17)
	k = append(k, tagError)
	k = binary.BigEndian.AppendUint32(k, sourceID)
	k = binary.BigEndian.AppendUint32(k, partition)
	return binary.BigEndian.AppendUint64(k, offset)
}

// SourceErrorPrefix returns the bounds [lower, upper) that hold the error
// records of source sourceID, in partition and offset order.
func SourceErrorPrefix(sourceID uint32) (lower, upper []byte) {
	return idPrefix(tagError, sourceID)
}

// SourceErrorSpan returns the bounds [lower, upper) of every source's
// error records.
func SourceErrorSpan() (lower, upper []byte) {
	return []byte{tagError}, []byte{tagError + 1}
}

// SplitSourceErrorKey returns the parts of a key made by SourceErrorKey.
func SplitSourceErrorKey(key []byte) (sourceID, partition uint32, offset uint64, ok bool) {
	if len(key) != 17 || key[0] != tagError {
		return 0, 0, 0, false
	}
	return binary.BigEndian.Uint32(key[1:]), binary.BigEndian.Uint32(key[5:]), binary.BigEndian.Uint64(key[9:]), true
}

// SinkLogKey returns the key of message seq of epoch epoch of sink
// sinkID's log ('k' sinkID epoch seq); epoch 0 is the log's counter.
func SinkLogKey(sinkID uint32, epoch uint64, seq uint32) []byte {
	k := make([]byte, 0, 17)
	k = append(k, tagSink)
	k = binary.BigEndian.AppendUint32(k, sinkID)
	k = binary.BigEndian.AppendUint64(k, epoch)
	return binary.BigEndian.AppendUint32(k, seq)
}

// SinkLogPrefix returns the bounds [lower, upper) of sink sinkID's log.
func SinkLogPrefix(sinkID uint32) (lower, upper []byte) {
	return idPrefix(tagSink, sinkID)
}

// SinkLogSpan returns the bounds [lower, upper) of every sink's log.
func SinkLogSpan() (lower, upper []byte) {
	return []byte{tagSink}, []byte{tagSink + 1}
}

// SplitSinkLogKey returns the parts of a key made by SinkLogKey.
func SplitSinkLogKey(key []byte) (sinkID uint32, epoch uint64, seq uint32, ok bool) {
	if len(key) != 17 || key[0] != tagSink {
		return 0, 0, 0, false
	}
	return binary.BigEndian.Uint32(key[1:]), binary.BigEndian.Uint64(key[5:]), binary.BigEndian.Uint32(key[13:]), true
}

// PrefixEnd returns the smallest key greater than every key that starts with
// prefix, for use as an exclusive upper bound. It returns nil (no upper
// bound) when prefix is empty or all 0xff bytes. The result is a fresh slice.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// idPrefix returns the bounds of the keys tag id(u32) ...
func idPrefix(tag byte, id uint32) (lower, upper []byte) {
	lower = binary.BigEndian.AppendUint32([]byte{tag}, id)
	return lower, PrefixEnd(lower)
}
