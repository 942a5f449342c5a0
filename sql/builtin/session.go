package builtin

import (
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// SessionGap returns the gap of a session window (GROUP BY SESSION(time,
// gap)) in microseconds, or the error of one that is not a positive
// interval of fixed length: days count 24 hours, and months, whose length
// varies, are refused.
func SessionGap(gap types.Datum) (int64, error) {
	if gap.IsNull() {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "the gap of a session window must not be NULL")
	}
	months, days, us := gap.Interval()
	if months != 0 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "the gap of a session window must not count months or years; write it in days, hours, minutes or seconds")
	}
	const dayMicros = 86_400_000_000
	if days > 1<<20 || days < -(1<<20) {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "the gap of a session window is too long")
	}
	g := int64(days)*dayMicros + us
	if g <= 0 {
		return 0, sqlerr.New(sqlerr.InvalidParameterValue, "the gap of a session window must be positive")
	}
	return g, nil
}
