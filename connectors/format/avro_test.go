package format

import (
	"encoding/binary"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"

	"github.com/freshetdb/freshet/sql/types"
)

const testAvroSchema = `{"type": "record", "name": "bid", "fields": [
	{"name": "auction", "type": "long"},
	{"name": "price", "type": "int"},
	{"name": "bidder", "type": ["null", "string"], "default": null},
	{"name": "ok", "type": "boolean"},
	{"name": "ratio", "type": "double"},
	{"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
	{"name": "extra", "type": {"type": "map", "values": "int"}},
	{"name": "raw", "type": "bytes"}
]}`

func TestAvroDecode(t *testing.T) {
	// The messages are written by goavro, an implementation independent of
	// the one that reads them.
	codec, err := goavro.NewCodec(testAvroSchema)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := codec.BinaryFromNative(nil, map[string]any{
		"auction": int64(7), "price": int32(250), "bidder": goavro.Union("string", "ada"), "ok": true, "ratio": 0.25,
		"at": int64(1_700_000_000_000), "extra": map[string]any{"a": int32(1)}, "raw": []byte{0, 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	cols := []Column{{"auction", types.Int8}, {"Price", types.Numeric}, {"bidder", types.Text}, {"ok", types.Bool},
		{"ratio", types.Float8}, {"at", types.TimestampTZ}, {"extra", types.JSONB}, {"raw", types.Bytea}, {"missing", types.Int4}}
	d, err := NewAvro(testAvroSchema, cols)
	if err != nil {
		t.Fatal(err)
	}
	row := make(types.Row, len(cols))
	if err := d.Decode(msg, row); err != nil {
		t.Fatal(err)
	}
	want := `7|250|ada|t|0.25|2023-11-14 22:13:20+00|{"a": 1}|\x0001|null`
	if g := rowText(row, cols); g != want {
		t.Fatalf("got  %s\nwant %s", g, want)
	}
	if err := d.Decode(msg[:3], row); err == nil {
		t.Fatal("a truncated record decoded")
	}
	if _, err := NewAvro(`{"type": "string"}`, cols); err == nil {
		t.Fatal("a non-record schema was taken")
	}
	if _, err := NewAvro(`{"type": "recor`, cols); err == nil {
		t.Fatal("a broken schema was taken")
	}
}

func FuzzAvroDecode(f *testing.F) {
	f.Add([]byte{14, 244, 3, 2, 6, 97, 100, 97, 1})
	d, err := NewAvro(testAvroSchema, []Column{{"auction", types.Int8}, {"bidder", types.Text}, {"extra", types.JSONB}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		row := make(types.Row, 3)
		_ = d.Decode(msg, row)
	})
}

func TestAvroDecodesAfterAnError(t *testing.T) {
	codec, err := goavro.NewCodec(`{"type": "record", "name": "r", "fields": [{"name": "a", "type": "long"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewAvro(`{"type": "record", "name": "r", "fields": [{"name": "a", "type": "long"}]}`, []Column{{"a", types.Int8}})
	if err != nil {
		t.Fatal(err)
	}
	row := make(types.Row, 1)
	for i := int64(0); i < 3; i++ {
		msg, _ := codec.BinaryFromNative(nil, map[string]any{"a": i})
		if err := d.Decode(msg, row); err != nil || row[0].Int() != i {
			t.Fatalf("message %d: %v %v", i, err, row)
		}
		if err := d.Decode(append(msg, 1), row); err == nil {
			t.Fatalf("message %d with a byte more decoded", i)
		}
	}
}

func TestAvroHugeCountsAreRefused(t *testing.T) {
	schema := `{"type": "record", "name": "r", "fields": [{"name": "xs", "type": {"type": "array", "items": "long"}},
		{"name": "m", "type": {"type": "map", "values": "null"}}]}`
	d, err := NewAvro(schema, []Column{{"xs", types.JSONB}, {"m", types.JSONB}})
	if err != nil {
		t.Fatal(err)
	}
	row := make(types.Row, 2)
	// An array claiming 2^59 longs in a few bytes.
	huge := binary.AppendVarint(nil, 1<<59)
	if err := d.Decode(append(huge, 2, 4, 6), row); err == nil || !strings.Contains(err.Error(), "items") {
		t.Fatalf("got %v", err)
	}
	// A map of 2^20 nulls: each item is a key, so at least a byte each.
	if err := d.Decode(append(append([]byte{0}, binary.AppendVarint(nil, 1<<20)...), 0, 0), row); err == nil {
		t.Fatal("a map claiming a million entries in two bytes decoded")
	}
	codec, _ := goavro.NewCodec(schema)
	msg, err := codec.BinaryFromNative(nil, map[string]any{"xs": []any{int64(1), int64(2)}, "m": map[string]any{"a": nil}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Decode(msg, row); err != nil || row[0].Str() != "[1, 2]" || row[1].Str() != `{"a": null}` {
		t.Fatalf("%v %v", err, row)
	}
}
