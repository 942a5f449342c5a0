package bind

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/types"
)

// TestHopMicrosMatchesCalendar: HOP's integer arithmetic gives the windows
// its general arithmetic (date_bin, +, -) gives, for times before and
// after the origin and sizes shorter and longer than the slide.
func TestHopMicrosMatchesCalendar(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		kind := rapid.SampledFrom([]types.Kind{types.KindTimestamp, types.KindTimestampTZ}).Draw(rt, "kind")
		tt := types.T{Kind: kind, Mod: -1}
		bin, _, err := builtin.Resolve("date_bin", []types.T{types.Interval, tt, tt})
		if err != nil {
			rt.Fatal(err)
		}
		add, _, _ := builtin.Resolve("+", []types.T{tt, types.Interval})
		sub, _, _ := builtin.Resolve("-", []types.T{tt, types.Interval})
		const day = int64(86_400_000_000)
		ts := types.NewTimestamp(kind, rapid.Int64Range(-3000*day, 3000*day).Draw(rt, "ts"))
		origin := types.NewTimestamp(kind, rapid.Int64Range(-10*day, 10*day).Draw(rt, "origin"))
		slide := types.NewInterval(0, 0, rapid.Int64Range(1, 2*day).Draw(rt, "slide"))
		_, _, sl := slide.Interval()
		size := types.NewInterval(0, 0, rapid.Int64Range(1, 20*sl).Draw(rt, "size"))
		collect := func(out *[]string) func([]types.Datum) error {
			return func(r []types.Datum) error {
				*out = append(*out, fmt.Sprintf("%d-%d", r[0].Int(), r[1].Int()))
				return nil
			}
		}
		var fast, general []string
		ok, err := hopMicros(ts, slide, size, origin, collect(&fast))
		if !ok || err != nil {
			rt.Fatalf("hopMicros did not apply (%v, %v)", ok, err)
		}
		if err := hopCalendar(&builtin.EvalContext{}, bin, add, sub, ts, slide, size, origin, collect(&general)); err != nil {
			rt.Fatal(err)
		}
		if fmt.Sprint(fast) != fmt.Sprint(general) {
			rt.Fatalf("integer arithmetic %v, general %v", fast, general)
		}
	})
}
