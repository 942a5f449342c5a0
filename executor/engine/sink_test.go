package engine

import (
	"fmt"
	"testing"

	"github.com/freshetdb/freshet/connectors/format"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/types"
)

// TestSinkEncodeNetsAnEpoch: an epoch's changes are netted per row before
// they become messages, so a row updated and then deleted within one
// epoch is a delete, and a row inserted and deleted again is nothing.
func TestSinkEncodeNetsAnEpoch(t *testing.T) {
	row := func(k int32, v string) types.Row { return types.Row{types.NewInt4(k), types.NewText(v)} }
	cols := []format.Column{{Name: "k", Type: types.Int4}, {Name: "v", Type: types.Text}}
	encode := func(f string, changes ...any) string {
		s := &msink{spec: &catalog.SinkSpec{Format: f, Key: []int{0}, Options: map[string]string{}}, cols: cols,
			view: &mview{t: &catalog.Table{Name: "v"}}}
		ch := types.NewChunk(2, 8)
		for i := 0; i < len(changes); i += 2 {
			ch.Append(changes[i].(types.Row), int64(changes[i+1].(int)))
		}
		recs, err := s.encode(ch)
		if err != nil {
			return "error: " + err.Error()
		}
		out := ""
		for _, r := range recs {
			out += fmt.Sprintf("[%s %s]", r.Key, r.Value)
		}
		return out
	}
	for _, c := range []struct {
		got, want string
	}{
		// x updated to y, then deleted: a tombstone.
		{encode("UPSERT", row(1, "x"), -1, row(1, "y"), 1, row(1, "y"), -1), `[{"k":1} ]`},
		// An update.
		{encode("UPSERT", row(1, "x"), -1, row(1, "y"), 1), `[{"k":1} {"k":1,"v":"y"}]`},
		// Inserted and deleted again: nothing.
		{encode("UPSERT", row(2, "a"), 1, row(2, "a"), -1), ``},
		{encode("PLAIN", row(2, "a"), 1, row(2, "a"), -1), ``},
		{encode("DEBEZIUM", row(1, "x"), -1, row(1, "y"), 1, row(1, "y"), -1, row(1, "z"), 1)[:76],
			`[{"k":1} {"before":{"k":1,"v":"x"},"after":{"k":1,"v":"z"},"op":"u","ts_ms":`},
	} {
		if c.got != c.want {
			t.Errorf("got  %s\nwant %s", c.got, c.want)
		}
	}
	if got := encode("PLAIN", row(1, "x"), -1); got[:6] != "error:" {
		t.Errorf("a PLAIN sink took a delete: %s", got)
	}
}
