package types

import (
	"bufio"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// TestTextIO checks ParseText and FormatText against outputs and errors
// of a real PostgreSQL 15 (testdata/text_io.tsv), and that every accepted
// value reads back from its own output.
func TestTextIO(t *testing.T) {
	f, err := os.Open("testdata/text_io.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			t.Fatalf("bad line %q", line)
		}
		zone, typ, in, want := cols[0], typeByName(t, cols[1]), cols[2], cols[3]
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewFormatContext(loc)
		n++
		d, err := ParseText(in, typ, ctx)
		var got string
		if err != nil {
			got = "ERR " + string(sqlerr.CodeOf(err)) + ": " + err.Error()
		} else {
			got = "OK " + string(FormatText(nil, d, typ, ctx))
		}
		if got != want {
			t.Errorf("%s %s %q:\n got  %s\n want %s", zone, cols[1], in, got, want)
			continue
		}
		if err != nil {
			continue
		}
		out := string(FormatText(nil, d, typ, ctx))
		d2, err := ParseText(out, typ, ctx)
		if err != nil {
			t.Errorf("%s %s: re-reading %q: %v", zone, cols[1], out, err)
			continue
		}
		if out2 := string(FormatText(nil, d2, typ, ctx)); out2 != out || !Equal(d, d2) {
			t.Errorf("%s %s: %q re-read as %q", zone, cols[1], out, out2)
		}
	}
	if n < 300 {
		t.Fatalf("only %d cases read", n)
	}
}

// TestTextErrorDetails checks the detail and hint fields Postgres adds.
func TestTextErrorDetails(t *testing.T) {
	cases := []struct {
		typ, in      string
		detail, hint string
		code         sqlerr.Code
	}{
		{"numeric(5,2)", "123456", "A field with precision 5, scale 2 must round to an absolute value less than 10^3.", "", sqlerr.NumericValueOutOfRange},
		{"numeric(2,2)", "1", "A field with precision 2, scale 2 must round to an absolute value less than 1.", "", sqlerr.NumericValueOutOfRange},
		{"numeric(5,2)", "-inf", "A field with precision 5, scale 2 cannot hold an infinite value.", "", sqlerr.NumericValueOutOfRange},
		{"date", "13/01/2024", "", `Perhaps you need a different "datestyle" setting.`, sqlerr.DatetimeFieldOverflow},
		{"jsonb", `{"a":1`, "The input string ended unexpectedly.", "", sqlerr.InvalidTextRepresentation},
		{"jsonb", `{"a" 1}`, `Expected ":", but found "1".`, "", sqlerr.InvalidTextRepresentation},
		{"jsonb", `[1,]`, `Expected JSON value, but found "]".`, "", sqlerr.InvalidTextRepresentation},
		{"jsonb", `"\u0000"`, `\u0000 cannot be converted to text.`, "", sqlerr.UntranslatableCharacter},
		{"integer[]", "{1,2", "Unexpected end of input.", "", sqlerr.InvalidTextRepresentation},
		{"integer[]", "1,2", `Array value must start with "{" or dimension information.`, "", sqlerr.InvalidTextRepresentation},
		{"integer[]", "{1,,2}", `Unexpected "," character.`, "", sqlerr.InvalidTextRepresentation},
		{"text[]", `{ "a\\"b" }`, "Unexpected array element.", "", sqlerr.InvalidTextRepresentation},
	}
	for _, c := range cases {
		_, err := ParseText(c.in, typeByName(t, c.typ), nil)
		e := sqlerr.As(err)
		if e == nil {
			t.Errorf("%s %q: no error", c.typ, c.in)
			continue
		}
		if e.Code != c.code || e.Detail != c.detail || e.Hint != c.hint {
			t.Errorf("%s %q: got %s %q detail %q hint %q", c.typ, c.in, e.Code, e.Message, e.Detail, e.Hint)
		}
	}
}

// TestFloatExtraDigits checks float output under extra_float_digits 0 and
// -3 (confirmed against PostgreSQL 15).
func TestFloatExtraDigits(t *testing.T) {
	cases := []struct {
		extra int
		kind  Kind
		v     float64
		want  string
	}{
		{0, KindFloat8, 0.1, "0.1"},
		{0, KindFloat8, 1e15, "1e+15"},
		{0, KindFloat8, 1e16, "1e+16"},
		{0, KindFloat8, 1.0 / 3, "0.333333333333333"},
		{0, KindFloat8, 1e100, "1e+100"},
		{0, KindFloat4, 1.0 / 3, "0.333333"},
		{0, KindFloat8, 1e-5, "1e-05"},
		{0, KindFloat8, 123456789, "123456789"},
		{0, KindFloat4, 1234567, "1.23457e+06"},
		{0, KindFloat4, 100, "100"},
		{-3, KindFloat8, 1.0 / 3, "0.333333333333"},
		{-3, KindFloat4, 1.0 / 3, "0.333"},
		{-3, KindFloat4, 123456, "1.23e+05"},
		{-3, KindFloat8, 1e15, "1e+15"},
		{3, KindFloat8, 0.1, "0.1"},
		{0, KindFloat8, math.Inf(-1), "-Infinity"},
	}
	for _, c := range cases {
		ctx := &FormatContext{ExtraFloatDigits: c.extra}
		typ := T{Kind: c.kind, Mod: -1}
		if got := string(FormatText(nil, NewFloat(c.kind, c.v), typ, ctx)); got != c.want {
			t.Errorf("extra %d %v %v: got %q want %q", c.extra, c.kind, c.v, got, c.want)
		}
	}
}

func mustNumeric(t testing.TB, s string) Datum {
	t.Helper()
	d, err := NewNumericFromString(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFormatComposite checks arrays and records built in Go against the
// output of PostgreSQL 15 for the same values.
func TestFormatComposite(t *testing.T) {
	ts := time.Date(2024, 1, 5, 13, 0, 0, 0, time.UTC).UnixMicro()
	jb, err := ParseText(`{"a": [1, 2]}`, JSONB, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		d    Datum
		typ  T
		want string
	}{
		{NewArray(Text, []Datum{NewText("a b"), NewText(`x"y`), {}, NewText(""), NewText("NULL"), NewText(`a\b`), NewText("{}"), NewText("é")}),
			ArrayOf(Text), `{"a b","x\"y",NULL,"","NULL","a\\b","{}",é}`},
		{NewArray(Bytea, []Datum{NewBytea([]byte{1})}), ArrayOf(Bytea), `{"\\x01"}`},
		{NewArray(Bytea, []Datum{NewBytea(nil)}), ArrayOf(Bytea), `{"\\x"}`},
		{NewArray(Float8, []Datum{NewFloat8(1.5), NewFloat8(math.NaN())}), ArrayOf(Float8), `{1.5,NaN}`},
		{NewArray(Timestamp, []Datum{NewTimestamp(KindTimestamp, ts)}), ArrayOf(Timestamp), `{"2024-01-05 13:00:00"}`},
		{NewArray(TimestampTZ, []Datum{NewTimestamp(KindTimestampTZ, ts)}), ArrayOf(TimestampTZ), `{"2024-01-05 13:00:00+00"}`},
		{NewArray(Interval, []Datum{NewInterval(0, 1, 0), NewInterval(0, 0, -1e6)}), ArrayOf(Interval), `{"1 day",-00:00:01}`},
		{NewArray(JSONB, []Datum{jb}), ArrayOf(JSONB), `{"{\"a\": [1, 2]}"}`},
		{NewArray(BPChar, []Datum{NewString(KindBPChar, "ab")}), ArrayOf(T{Kind: KindBPChar, Mod: 3}), `{"ab "}`},
		{NewArray(Int4, nil), ArrayOf(Int4), `{}`},
		{NewArray(Numeric, []Datum{mustNumeric(t, "1.50")}), ArrayOf(Numeric), `{1.50}`},
		{NewArray(Bool, []Datum{NewBool(true)}), ArrayOf(Bool), `{t}`},
		{NewArray(Record, []Datum{NewRecord([]Datum{NewInt4(1), NewInt4(2)})}), ArrayOf(Record), `{"(1,2)"}`},
		{NewRecord([]Datum{
			NewFloat8(1.5), NewText("a"), NewString(KindVarchar, "x y"), {}, NewDate(19727), NewInterval(0, 1, 0),
			NewBytea([]byte{1}), jb, NewRecord([]Datum{NewInt4(1), NewText("b c")}), NewArray(Int4, []Datum{NewInt4(1), NewInt4(2)}),
			NewText(""), NewBool(true),
		}), Record, `(1.5,a,"x y",,2024-01-05,"1 day","\\x01","{""a"": [1, 2]}","(1,""b c"")","{1,2}","",t)`},
	}
	for _, c := range cases {
		if got := string(FormatText(nil, c.d, c.typ, nil)); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

// TestParseTextNow checks the words that depend on the statement time.
func TestParseTextNow(t *testing.T) {
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 3, 9, 23, 30, 15, 250000000, loc)
	ctx := &FormatContext{Location: loc, ExtraFloatDigits: 1, Now: now}
	cases := []struct {
		typ, in, want string
	}{
		{"date", "today", "2024-03-09"},
		{"date", "tomorrow", "2024-03-10"},
		{"date", "yesterday", "2024-03-08"},
		{"date", "now", "2024-03-09"},
		{"timestamp", "now", "2024-03-09 23:30:15.25"},
		{"timestamp", "today", "2024-03-09 00:00:00"},
		{"timestamp", "tomorrow 10:00", "2024-03-10 10:00:00"},
		{"timestamp with time zone", "now", "2024-03-09 23:30:15.25-05"},
		{"timestamp with time zone", "tomorrow", "2024-03-10 00:00:00-05"},
		{"timestamp with time zone", "tomorrow 12:00", "2024-03-10 12:00:00-04"},
		{"time", "now", "23:30:15.25"},
	}
	for _, c := range cases {
		typ := typeByName(t, c.typ)
		d, err := ParseText(c.in, typ, ctx)
		if err != nil {
			t.Errorf("%s %q: %v", c.typ, c.in, err)
			continue
		}
		if got := string(FormatText(nil, d, typ, ctx)); got != c.want {
			t.Errorf("%s %q: got %q want %q", c.typ, c.in, got, c.want)
		}
	}
}

// TestNumericForm checks that numerics built outside the parser print in
// Postgres form.
func TestNumericForm(t *testing.T) {
	cases := []struct {
		d    *apd.Decimal
		want string
	}{
		{apd.New(123, 2), "12300"},
		{apd.New(-5, -3), "-0.005"},
		{apd.New(0, -2), "0.00"},
		{&apd.Decimal{Negative: true, Exponent: -1}, "0.0"},
		{apd.New(12345, -2), "123.45"},
	}
	for _, c := range cases {
		if got := string(FormatText(nil, NewNumeric(c.d), Numeric, nil)); got != c.want {
			t.Errorf("%v: got %q want %q", c.d, got, c.want)
		}
		v, _, err := DecodeValue(AppendValue(nil, NewNumeric(c.d), Numeric), Numeric)
		if got := string(FormatText(nil, v, Numeric, nil)); err != nil || got != c.want {
			t.Errorf("%v: value round trip gave %q (%v)", c.d, got, err)
		}
		b, err := AppendBinary(nil, NewNumeric(c.d), Numeric)
		if err == nil {
			v, err = ParseBinary(b, Numeric)
		}
		if got := string(FormatText(nil, v, Numeric, nil)); err != nil || got != c.want {
			t.Errorf("%v: binary round trip gave %q (%v)", c.d, got, err)
		}
	}
}

// TestRegTypes: reg* values print and read as their OID number; names are
// left to the catalog layer.
func TestRegTypes(t *testing.T) {
	for _, typ := range []T{RegClass, RegType, RegProc, RegNS, OID} {
		d, err := ParseText("1259", typ, nil)
		if err != nil || string(FormatText(nil, d, typ, nil)) != "1259" {
			t.Errorf("%s: %v %s", typ, err, FormatText(nil, d, typ, nil))
		}
	}
	if _, err := ParseText("pg_class", RegClass, nil); sqlerr.CodeOf(err) != sqlerr.FeatureNotSupported {
		t.Errorf("regclass by name: %v", err)
	}
	if got := string(FormatText(nil, NewInt(KindOID, 4294967295), OID, nil)); got != "4294967295" {
		t.Errorf("oid: %s", got)
	}
}
