package format

import (
	"strings"
	"testing"

	"github.com/freshetdb/freshet/sql/types"
)

func testColumns() []Column {
	return []Column{
		{Name: "id", Type: types.Int8},
		{Name: "name", Type: types.Text},
		{Name: "price", Type: types.Numeric},
		{Name: "ok", Type: types.Bool},
		{Name: "at", Type: types.Timestamp},
		{Name: "doc", Type: types.JSONB},
		{Name: "small", Type: types.Int2},
		{Name: "ratio", Type: types.Float8},
	}
}

func TestJSONDecode(t *testing.T) {
	cases := []struct {
		msg  string
		want string // the row's values as text, NULL as "null"
		err  string
	}{
		{msg: `{"id": 1, "name": "a", "price": 2.50, "ok": true, "at": "2024-01-02 03:04:05", "doc": {"b": [1, 2]}, "small": -3, "ratio": 1e3}`,
			want: `1|a|2.50|t|2024-01-02 03:04:05|{"b": [1, 2]}|-3|1000`},
		{msg: `{"ID": 7, "Name": "x\u00e9\n\"q\""}`, want: "7|x\u00e9\n\"q\"|null|null|null|null|null|null"},
		{msg: ` { } `, want: "null|null|null|null|null|null|null|null"},
		{msg: `{"id": null, "extra": {"deep": [1, {"x": "y"}]}, "name": "n"}`, want: "null|n|null|null|null|null|null|null"},
		{msg: `{"id": "12", "doc": "str", "ok": false}`, want: `12|null|null|f|null|"str"|null|null`},
		{msg: `{"id": 123456789012345678901}`, err: "out of range"},
		{msg: `{"small": 40000}`, err: "out of range"},
		{msg: `{"name": 5}`, err: `column "name" of type text cannot take a number`},
		{msg: `{"id": true}`, err: "cannot take a boolean"},
		{msg: `{"id": [1]}`, err: "cannot take an array"},
		{msg: `{"id": "abc"}`, err: "invalid input syntax for type bigint"},
		{msg: `{"id": 1`, err: "invalid JSON"},
		{msg: `{"id": 1} x`, err: "the end of the message"},
		{msg: `[1, 2]`, err: "expected a JSON object"},
		{msg: ``, err: "empty message"},
		{msg: ` `, err: "expected a JSON object at the end"},
		{msg: "\x00\xff\xfe", err: "invalid JSON"},
		{msg: `{"id": 01}`, err: "invalid JSON"},
		{msg: `{"id": -}`, err: "invalid JSON"},
		{msg: `{"name": "\ud800"}`, err: "unpaired surrogate"},
		{msg: `{"name": "\u0000"}`, err: "cannot be converted to text"},
		{msg: "{\"name\": \"\xff\"}", err: "not valid UTF-8"},
		{msg: `{"x": ` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`, err: "nested deeper"},
	}
	d := NewJSON(testColumns())
	for _, c := range cases {
		row := make(types.Row, len(testColumns()))
		err := d.Decode([]byte(c.msg), row)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one containing %q", c.msg, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.msg, err)
			continue
		}
		if g := rowText(row, testColumns()); g != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.msg, g, c.want)
		}
	}
}

// rowText shows a decoded row: its values' text output separated by |,
// NULL as null.
func rowText(row types.Row, cols []Column) string {
	parts := make([]string, len(row))
	for i, v := range row {
		if v.IsNull() {
			parts[i] = "null"
		} else {
			parts[i] = string(types.FormatText(nil, v, cols[i].Type, nil))
		}
	}
	return strings.Join(parts, "|")
}

func FuzzJSONDecode(f *testing.F) {
	f.Add([]byte(`{"id": 1, "name": "a", "doc": {"x": [1, "2", null]}}`))
	f.Add([]byte(`{"at": "2024-01-01", "ratio": -0.5e-3, "ok": false}`))
	d := NewJSON(testColumns())
	f.Fuzz(func(t *testing.T, msg []byte) {
		row := make(types.Row, len(testColumns()))
		_ = d.Decode(msg, row)
	})
}
