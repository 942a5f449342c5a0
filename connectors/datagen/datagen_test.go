package datagen

import (
	"strings"
	"testing"
	"time"

	"github.com/freshetdb/freshet/sql/types"
)

func TestDatagenRows(t *testing.T) {
	cols := []Column{{"id", types.Int8}, {"v", types.Int4}, {"s", types.Varchar}, {"f", types.Float8}, {"at", types.Timestamp}}
	c, err := ParseConfig(map[string]string{
		"fields.id.kind": "sequence", "fields.id.start": "5", "fields.id.end": "104",
		"fields.v.min": "-3", "fields.v.max": "3", "fields.s.length": "4", "fields.at.max_past": "1h",
		"datagen.rows.per.second": "0",
	}, cols, time.UnixMilli(1_700_000_000_000))
	if err != nil {
		t.Fatal(err)
	}
	if c.Limit != 100 {
		t.Fatalf("limit %d", c.Limit)
	}
	row, again := make(types.Row, 5), make(types.Row, 5)
	for n := int64(0); n < 100; n++ {
		if err := c.Row(n, row); err != nil {
			t.Fatal(err)
		}
		_ = c.Row(n, again)
		if row[0].Int() != 5+n || row[1].Int() < -3 || row[1].Int() > 3 || len(row[2].Str()) != 4 ||
			row[3].Float() < 0 || row[3].Float() > 32767 || row[4].Int() > c.BaseTime || row[4].Int() < c.BaseTime-3_600_000_000 {
			t.Fatalf("row %d: %v", n, row)
		}
		for i := range row {
			if !types.Identical(row[i], again[i]) {
				t.Fatalf("row %d differs when made again", n)
			}
		}
	}
	for _, bad := range []map[string]string{
		{"fields.nope.kind": "random"},
		{"fields.v.kind": "chaos"},
		{"fields.v.max": "3000000000", "fields.v.min": "0"},
		{"fields.id.kind": "sequence", "fields.id.start": "10", "fields.id.end": "1"},
		{"datagen.colour": "red"},
		{"fields.v.min": "2.5", "fields.v.max": "2.6"},
	} {
		if _, err := ParseConfig(bad, cols, time.Now()); err == nil || !strings.Contains(err.Error(), "datagen") {
			t.Errorf("%v: %v", bad, err)
		}
	}
	if _, err := ParseConfig(nil, []Column{{"j", types.JSONB}}, time.Now()); err == nil {
		t.Error("a jsonb column was taken")
	}
}
