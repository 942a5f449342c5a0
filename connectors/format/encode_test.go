package format

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/freshetdb/freshet/sql/types"
)

func TestAppendJSONObject(t *testing.T) {
	cols := []Column{{"i", types.Int8}, {"s", types.Text}, {"b", types.Bool}, {"f", types.Float8}, {"n", types.Numeric},
		{"j", types.JSONB}, {"ts", types.Timestamp}, {"z", types.Text}, {"nan", types.Float8}}
	num, _ := types.NewNumericFromString("12.50")
	j, _ := types.ParseText(`{"a": [1, "x"]}`, types.JSONB, nil)
	row := types.Row{types.NewInt8(-3), types.NewText("q\"\\\n\x01é"), types.NewBool(true), types.NewFloat8(0.5), num, j,
		types.NewTimestamp(types.KindTimestamp, 0), types.NullDatum, types.NewFloat8(math.NaN())}
	got := string(AppendJSONObject(nil, cols, row))
	want := `{"i":-3,"s":"q\"\\\n\u0001é","b":true,"f":0.5,"n":12.50,"j":{"a": [1, "x"]},"ts":"1970-01-01 00:00:00","z":null,"nan":"NaN"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Fatal("not valid JSON")
	}
	// The JSON decoder reads it back.
	back := make(types.Row, len(cols))
	if err := NewJSON(cols).Decode([]byte(got), back); err != nil {
		t.Fatal(err)
	}
	if back[1].Str() != row[1].Str() || back[0].Int() != -3 {
		t.Fatalf("round trip: %v", back)
	}
}
