package pgwire

import (
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// valueCases are values in Postgres 15's canonical text output form.
var valueCases = []struct {
	typ  string
	oid  uint32
	text string
}{
	{"int4", 23, "42"},
	{"int4", 23, "-2147483648"},
	{"int8", 20, "-9000000000"},
	{"int8", 20, "9223372036854775807"},
	{"text", 25, "héllo wörld"},
	{"text", 25, ""},
	{"bool", 16, "t"},
	{"bool", 16, "f"},
	{"float8", 701, "1.5"},
	{"float8", 701, "3.14159"},
	{"float8", 701, "1e+100"},
	{"float8", 701, "-0.001"},
	{"numeric", 1700, "12345.678900"},
	{"numeric", 1700, "-0.5"},
	{"numeric", 1700, "0"},
	{"timestamp", 1114, "2024-02-29 13:14:15.123456"},
	{"timestamp", 1114, "1999-12-31 23:59:59"},
	{"timestamptz", 1184, "2024-02-29 13:14:15.5+00"},
	{"date", 1082, "2024-02-29"},
}

// comparable renders a value decoded by pgtype so that text and binary
// decodings of the same value compare equal.
func comparable(v any) string {
	switch v := v.(type) {
	case pgtype.Numeric:
		s, _ := v.Value()
		return fmt.Sprintf("numeric %v", s)
	case time.Time:
		return "time " + v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%T %v", v, v)
}

// TestValueFormats sends each value as a text and as a binary parameter and
// reads it back in text and in binary, comparing the text with Postgres'
// output and the binary with what pgx decodes it to.
func TestValueFormats(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgconn(t)
	m := pgtype.NewMap()
	for _, tc := range valueCases {
		name := tc.typ + " " + tc.text
		var want any
		if err := m.Scan(tc.oid, pgtype.TextFormatCode, []byte(tc.text), &want); err != nil {
			t.Fatalf("%s: pgtype cannot read the text: %v", name, err)
		}
		bin, err := m.Encode(tc.oid, pgtype.BinaryFormatCode, want, []byte{})
		if err != nil {
			t.Fatalf("%s: pgtype cannot encode: %v", name, err)
		}
		for _, in := range []struct {
			format int16
			value  []byte
		}{{0, []byte(tc.text)}, {1, bin}} {
			res := c.ExecParams(testCtx(t), "echo "+tc.typ, [][]byte{in.value}, nil,
				[]int16{in.format}, []int16{0}).Read()
			if res.Err != nil {
				t.Errorf("%s: param format %d: %v", name, in.format, res.Err)
				continue
			}
			if got := string(res.Rows[0][0]); got != tc.text {
				t.Errorf("%s: param format %d: text output %q", name, in.format, got)
			}
			res = c.ExecParams(testCtx(t), "echo "+tc.typ, [][]byte{in.value}, nil,
				[]int16{in.format}, []int16{1}).Read()
			if res.Err != nil {
				t.Errorf("%s: param format %d, binary result: %v", name, in.format, res.Err)
				continue
			}
			var got any
			if err := m.Scan(tc.oid, pgtype.BinaryFormatCode, res.Rows[0][0], &got); err != nil {
				t.Errorf("%s: pgx cannot decode the binary result %x: %v", name, res.Rows[0][0], err)
			} else if comparable(got) != comparable(want) {
				t.Errorf("%s: binary result decodes to %s, want %s", name, comparable(got), comparable(want))
			}
		}
	}

	res := c.ExecParams(testCtx(t), "echo int4 text", [][]byte{nil, nil}, nil, []int16{1}, []int16{1}).Read()
	if res.Err != nil || res.Rows[0][0] != nil || res.Rows[0][1] != nil {
		t.Errorf("NULLs: %+v", res)
	}
	res = c.ExecParams(testCtx(t), "echo int4", [][]byte{[]byte("abc")}, nil, nil, nil).Read()
	if sqlerrCode(res.Err) != "22P02" {
		t.Errorf("bad text int4: %v", res.Err)
	}
	res = c.ExecParams(testCtx(t), "echo numeric", [][]byte{{0, 1}}, nil, []int16{1}, nil).Read()
	if sqlerrCode(res.Err) != "08P01" {
		t.Errorf("short binary numeric: %v", res.Err)
	}
}

func sqlerrCode(err error) string {
	if e, ok := err.(interface{ SQLState() string }); ok {
		return e.SQLState()
	}
	return fmt.Sprint(err)
}

// TestValuesWithPgx lets pgx choose formats, as applications do.
func TestValuesWithPgx(t *testing.T) {
	ts := startServer(t, Options{})
	c := ts.pgx(t)
	ts0 := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	num := pgtype.Numeric{Int: big.NewInt(1234567), Exp: -3, Valid: true}
	var (
		i4  int32
		i8  int64
		s   string
		b   bool
		f   float64
		n   pgtype.Numeric
		tim time.Time
	)
	err := c.QueryRow(testCtx(t), "echo int4 int8 text bool float8 numeric timestamp",
		int32(-7), int64(1)<<40, "naïve", true, 2.25, num, ts0).Scan(&i4, &i8, &s, &b, &f, &n, &tim)
	if err != nil {
		t.Fatal(err)
	}
	nv, _ := n.Value()
	if i4 != -7 || i8 != 1<<40 || s != "naïve" || !b || f != 2.25 || nv != "1234.567" || !tim.Equal(ts0) {
		t.Errorf("got %d %d %q %v %v %v %v", i4, i8, s, b, f, nv, tim)
	}
	rows, err := c.Query(testCtx(t), "rows 1000")
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for rows.Next() {
		var n int64
		var s string
		if err := rows.Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		count++
		if n != int64(count) || s != fmt.Sprintf("row %d", count) {
			t.Fatalf("row %d: %d %q", count, n, s)
		}
	}
	if rows.Err() != nil || count != 1000 {
		t.Errorf("%d rows, %v", count, rows.Err())
	}
}

func TestResultFormats(t *testing.T) {
	for _, tc := range []struct {
		codes   []int16
		columns int
		want    []int16
		code    sqlerr.Code
	}{
		{nil, 3, nil, ""},
		{[]int16{0}, 3, nil, ""},
		{[]int16{1}, 3, []int16{1, 1, 1}, ""},
		{[]int16{1, 0}, 2, []int16{1, 0}, ""},
		{[]int16{1}, 0, []int16{}, ""},
		{[]int16{1, 0}, 3, nil, sqlerr.ProtocolViolation},
		{[]int16{3}, 1, nil, sqlerr.InvalidParameterValue},
	} {
		got, err := resultFormats(tc.codes, tc.columns)
		if err == nil {
			err = checkFormats(got)
		}
		if tc.code != "" {
			if sqlerr.CodeOf(err) != tc.code {
				t.Errorf("%v/%d: error %v, want %s", tc.codes, tc.columns, err, tc.code)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("%v/%d: got %v %v, want %v", tc.codes, tc.columns, got, err, tc.want)
		}
	}
}

func TestTypmod(t *testing.T) {
	for _, tc := range []struct {
		t    types.T
		want int32
	}{
		{types.Int4, -1},
		{types.T{Kind: types.KindVarchar, Mod: 10}, 14},
		{types.T{Kind: types.KindBPChar, Mod: 1}, 5},
		{types.T{Kind: types.KindNumeric, Mod: types.NumericMod(10, 2)}, 10<<16 | 2 + 4},
		{types.T{Kind: types.KindTimestamp, Mod: 3}, 3},
	} {
		if got := typmod(tc.t); got != tc.want {
			t.Errorf("typmod(%v) = %d, want %d", tc.t, got, tc.want)
		}
	}
}

func TestCheckUTF8(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", ""},
		{"naïve ☃ 𝄞", ""},
		{"a\xc3\x28b", "0xc3 0x28"},
		{"a\xe2\x82", "0xe2 0x82"},
		{"\xff", "0xff"},
		{"a\x00b", "0x00"},
		{"\xed\xa0\x80", "0xed 0xa0 0x80"}, // a surrogate
		{"\xf0\x9f\x98", "0xf0 0x9f 0x98"},
	} {
		err := checkUTF8(tc.in)
		want := ""
		if tc.want != "" {
			want = `invalid byte sequence for encoding "UTF8": ` + tc.want
		}
		got := ""
		if err != nil {
			got = err.Error()
			if sqlerr.CodeOf(err) != sqlerr.CharacterNotInRepertoire {
				t.Errorf("%q: code %s", tc.in, sqlerr.CodeOf(err))
			}
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", tc.in, got, want)
		}
	}
}
