package format

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hamba/avro/v2"
)

// maxAvroItems bounds the items of one array or map whose items take no
// bytes (nulls): their count cannot be checked against the message's size.
const maxAvroItems = 1 << 16

// errAvroShort is the error of a message that ends inside a value.
var errAvroShort = errors.New("the record ends early")

// checkAvro walks msg as one value of schema s, checking every length and
// item count against the bytes left, and returns the bytes after it. The
// decoder trusts counts (an array claiming 2^60 items makes it allocate
// until the process dies), so a message is checked before it is decoded.
func checkAvro(s avro.Schema, msg []byte, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxDepth)
	}
	long := func() (int64, error) {
		v, n := binary.Varint(msg)
		if n <= 0 {
			return 0, errAvroShort
		}
		msg = msg[n:]
		return v, nil
	}
	take := func(n int64) error {
		if n < 0 || n > int64(len(msg)) {
			return errAvroShort
		}
		msg = msg[n:]
		return nil
	}
	switch s.Type() {
	case avro.Null:
		return msg, nil
	case avro.Boolean:
		return msg, take(1)
	case avro.Int, avro.Long, avro.Enum:
		_, err := long()
		return msg, err
	case avro.Float:
		return msg, take(4)
	case avro.Double:
		return msg, take(8)
	case avro.String, avro.Bytes:
		n, err := long()
		if err != nil {
			return nil, err
		}
		return msg, take(n)
	case avro.Fixed:
		return msg, take(int64(s.(*avro.FixedSchema).Size()))
	case avro.Ref:
		return checkAvro(s.(*avro.RefSchema).Schema(), msg, depth+1)
	case avro.Record, avro.Error:
		var err error
		for _, f := range s.(*avro.RecordSchema).Fields() {
			if msg, err = checkAvro(f.Type(), msg, depth+1); err != nil {
				return nil, err
			}
		}
		return msg, nil
	case avro.Union:
		i, err := long()
		if err != nil {
			return nil, err
		}
		types := s.(*avro.UnionSchema).Types()
		if i < 0 || i >= int64(len(types)) {
			return nil, fmt.Errorf("union branch %d of %d", i, len(types))
		}
		return checkAvro(types[i], msg, depth+1)
	case avro.Array, avro.Map:
		var items avro.Schema
		if a, ok := s.(*avro.ArraySchema); ok {
			items = a.Items()
		} else {
			items = s.(*avro.MapSchema).Values()
		}
		for {
			n, err := long()
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return msg, nil
			}
			if n < 0 {
				// A negative count is followed by the block's size in
				// bytes.
				n = -n
				if _, err := long(); err != nil {
					return nil, err
				}
			}
			if n > int64(len(msg)) && n > maxAvroItems {
				return nil, fmt.Errorf("a block of %d items in %d bytes", n, len(msg))
			}
			for ; n > 0; n-- {
				if s.Type() == avro.Map {
					k, err := long()
					if err != nil {
						return nil, err
					}
					if err := take(k); err != nil {
						return nil, err
					}
				}
				if msg, err = checkAvro(items, msg, depth+1); err != nil {
					return nil, err
				}
			}
		}
	}
	return nil, fmt.Errorf("Avro type %s is not supported", s.Type())
}
