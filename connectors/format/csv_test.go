package format

import (
	"errors"
	"strings"
	"testing"

	"github.com/freshetdb/freshet/sql/types"
)

func TestCSVDecode(t *testing.T) {
	cols := []Column{{Name: "id", Type: types.Int8}, {Name: "name", Type: types.Text}, {Name: "at", Type: types.Timestamp}}
	cases := []struct {
		msg, want, err string
		noHeader       bool
	}{
		{msg: "1,ada,2024-01-02 03:04:05\n", want: "1|ada|2024-01-02 03:04:05"},
		{msg: `2,"a, ""quoted""` + "\nname\",", want: "2|a, \"quoted\"\nname|null"},
		{msg: `3,"",`, want: "3||null"},
		{msg: "4,x,\r\n", want: "4|x|null"},
		{msg: "ID,Name,at", err: ErrHeader.Error()},
		{msg: "id,name,at", noHeader: true, err: "invalid input syntax for type bigint"},
		{msg: "1,2", err: "has 2 fields"},
		{msg: "1,a,b,c", err: "has 4 fields"},
		{msg: `1,"open,x`, err: "ends inside a quoted field"},
		{msg: `1,"a"b,x`, err: "after its closing quote"},
		{msg: `1,a"b,x`, err: "quote inside"},
		{msg: "x,a,", err: `column "id"`},
		{msg: "", err: "empty message"},
	}
	for _, c := range cases {
		d := NewCSV(cols, ',', c.noHeader)
		row := make(types.Row, len(cols))
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
		if g := rowText(row, cols); g != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.msg, g, c.want)
		}
	}
	d := NewCSV(cols, '|', false)
	row := make(types.Row, len(cols))
	if err := d.Decode([]byte("7|a,b|"), row); err != nil || row[1].Str() != "a,b" {
		t.Fatalf("delimiter |: %v %v", err, row)
	}
	if err := d.Decode([]byte("id|name|at"), row); !errors.Is(err, ErrHeader) {
		t.Fatalf("header: %v", err)
	}
}

func TestBytesDecode(t *testing.T) {
	row := make(types.Row, 1)
	for _, msg := range []string{"", "\x00\xff raw"} {
		if err := (Bytes{}).Decode([]byte(msg), row); err != nil || row[0].Str() != msg {
			t.Fatalf("%q: %v %q", msg, err, row[0].Str())
		}
	}
}

func FuzzCSVDecode(f *testing.F) {
	f.Add([]byte(`1,"a,""b""",2024-01-01`))
	cols := []Column{{Name: "id", Type: types.Int8}, {Name: "name", Type: types.Text}, {Name: "at", Type: types.Date}}
	d := NewCSV(cols, ',', false)
	f.Fuzz(func(t *testing.T, msg []byte) {
		row := make(types.Row, len(cols))
		_ = d.Decode(msg, row)
	})
}
