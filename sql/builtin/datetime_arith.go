package builtin

import (
	"math"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Time units in microseconds, and calendar constants, as Postgres uses them.
const (
	usPerSec       = int64(1_000_000)
	usPerMinute    = 60 * usPerSec
	usPerHour      = 60 * usPerMinute
	usPerDay       = 24 * usPerHour
	daysPerMonth   = 30
	secsPerDay     = 86400
	unixEpochJDate = 2440588 // Julian day of 1970-01-01
	// minTimestamp is 4714-11-24 00:00:00 BC, the first valid timestamp.
	minTimestamp = -211813488000000000 - 946684800000000
	// minDate and maxDate bound the valid dates (4714-11-24 BC and
	// 5874897-12-31), in days since 1970-01-01.
	minDate = -unixEpochJDate
	maxDate = 2147483494 - 1 - unixEpochJDate
	// maxTimestampDays is the last day whose midnight fits a timestamp.
	maxTimestampDays = math.MaxInt64/usPerDay - 1
)

// datetimeArithFuncs are the date/time operators: date ± integer, date -
// date, date ± interval, date + time, timestamp[tz] ± interval, timestamp[tz]
// - timestamp[tz], interval ± interval, interval * / float8, -interval, time
// ± interval, time - time.
func datetimeArithFuncs() []*Func {
	d, ts, tz, iv, tm := types.Date, types.Timestamp, types.TimestampTZ, types.Interval, types.Time
	// timestamptz ± interval moves the wall clock in the session time zone,
	// so it is stable, not immutable.
	zoned := func(name string, params []types.T, fn func(ctx *EvalContext, v []types.Datum) (types.Datum, error)) *Func {
		return &Func{Name: name, Args: params, Ret: tz, Strict: true, Vol: Stable, Fn: fn}
	}
	return []*Func{
		binop("+", d, types.Int4, d, func(x, y types.Datum) (types.Datum, error) { return dateAddDays(x.Int(), y.Int()) }),
		binop("+", types.Int4, d, d, func(x, y types.Datum) (types.Datum, error) { return dateAddDays(y.Int(), x.Int()) }),
		binop("-", d, types.Int4, d, func(x, y types.Datum) (types.Datum, error) { return dateAddDays(x.Int(), -y.Int()) }),
		binop("-", d, d, types.Int4, func(x, y types.Datum) (types.Datum, error) {
			if isInfDate(x.Int()) || isInfDate(y.Int()) {
				return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite dates")
			}
			return types.NewInt4(int32(x.Int() - y.Int())), nil
		}),
		binop("+", d, iv, ts, func(x, y types.Datum) (types.Datum, error) {
			return timestampAddInterval(nil, dateToTimestamp(x.Int()), y, 1)
		}),
		binop("+", iv, d, ts, func(x, y types.Datum) (types.Datum, error) {
			return timestampAddInterval(nil, dateToTimestamp(y.Int()), x, 1)
		}),
		binop("-", d, iv, ts, func(x, y types.Datum) (types.Datum, error) {
			return timestampAddInterval(nil, dateToTimestamp(x.Int()), y, -1)
		}),
		binop("+", d, tm, ts, func(x, y types.Datum) (types.Datum, error) { return dateAddTime(x.Int(), y.Int()) }),
		binop("+", tm, d, ts, func(x, y types.Datum) (types.Datum, error) { return dateAddTime(y.Int(), x.Int()) }),
		binop("+", ts, iv, ts, func(x, y types.Datum) (types.Datum, error) { return timestampAddInterval(nil, x.Int(), y, 1) }),
		binop("+", iv, ts, ts, func(x, y types.Datum) (types.Datum, error) { return timestampAddInterval(nil, y.Int(), x, 1) }),
		binop("-", ts, iv, ts, func(x, y types.Datum) (types.Datum, error) { return timestampAddInterval(nil, x.Int(), y, -1) }),
		binop("-", ts, ts, iv, func(x, y types.Datum) (types.Datum, error) { return timestampDiff(x.Int(), y.Int()) }),
		zoned("+", args(tz, iv), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return timestampAddInterval(ctx.location(), v[0].Int(), v[1], 1)
		}),
		zoned("+", args(iv, tz), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return timestampAddInterval(ctx.location(), v[1].Int(), v[0], 1)
		}),
		zoned("-", args(tz, iv), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return timestampAddInterval(ctx.location(), v[0].Int(), v[1], -1)
		}),
		binop("-", tz, tz, iv, func(x, y types.Datum) (types.Datum, error) { return timestampDiff(x.Int(), y.Int()) }),
		binop("+", iv, iv, iv, func(x, y types.Datum) (types.Datum, error) { return intervalAdd(x, y, 1) }),
		binop("-", iv, iv, iv, func(x, y types.Datum) (types.Datum, error) { return intervalAdd(x, y, -1) }),
		unop("-", iv, iv, func(x types.Datum) (types.Datum, error) { return intervalAdd(types.NewInterval(0, 0, 0), x, -1) }),
		unop("+", iv, iv, func(x types.Datum) (types.Datum, error) { return x, nil }),
		binop("*", iv, types.Float8, iv, func(x, y types.Datum) (types.Datum, error) { return intervalMul(x, y.Float()) }),
		binop("*", types.Float8, iv, iv, func(x, y types.Datum) (types.Datum, error) { return intervalMul(y, x.Float()) }),
		binop("/", iv, types.Float8, iv, func(x, y types.Datum) (types.Datum, error) { return intervalDiv(x, y.Float()) }),
		binop("+", tm, iv, tm, func(x, y types.Datum) (types.Datum, error) { return timeAddInterval(x.Int(), y, 1), nil }),
		binop("+", iv, tm, tm, func(x, y types.Datum) (types.Datum, error) { return timeAddInterval(y.Int(), x, 1), nil }),
		binop("-", tm, iv, tm, func(x, y types.Datum) (types.Datum, error) { return timeAddInterval(x.Int(), y, -1), nil }),
		binop("-", tm, tm, iv, func(x, y types.Datum) (types.Datum, error) { return types.NewInterval(0, 0, x.Int()-y.Int()), nil }),
	}
}

func isInfDate(d int64) bool { return d == types.DateInfinity || d == types.DateNegInfinity }

func isInfTimestamp(t int64) bool {
	return t == types.TimestampInfinity || t == types.TimestampNegInfinity
}

func dateOutOfRange() error { return sqlerr.New(sqlerr.DatetimeFieldOverflow, "date out of range") }

func timestampOutOfRange() error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp out of range")
}

func intervalOutOfRange() error {
	return sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
}

func dateAddDays(d, n int64) (types.Datum, error) {
	if isInfDate(d) {
		return types.NewDate(int32(d)), nil
	}
	r := d + n
	if r < minDate || r > maxDate {
		return types.NullDatum, dateOutOfRange()
	}
	return types.NewDate(int32(r)), nil
}

// dateToTimestamp is midnight of date d, as a timestamp.
func dateToTimestamp(d int64) int64 {
	switch d {
	case types.DateInfinity:
		return types.TimestampInfinity
	case types.DateNegInfinity:
		return types.TimestampNegInfinity
	}
	return d * usPerDay
}

func dateAddTime(d, t int64) (types.Datum, error) {
	ts := dateToTimestamp(d)
	if isInfTimestamp(ts) {
		return types.NewTimestamp(types.KindTimestamp, ts), nil
	}
	return types.NewTimestamp(types.KindTimestamp, ts+t), nil
}

// validTimestamp reports whether a finite timestamp is in Postgres' range.
func validTimestamp(t int64) bool {
	return t >= minTimestamp && t < types.TimestampInfinity
}

// civil is a broken-down date and time of day.
type civil struct {
	year, month, day int // year <= 0 is 1-year BC
	us               int64
}

// date2j is Postgres' Julian day number of a proleptic Gregorian date.
func date2j(y, m, d int) int64 {
	yy, mm := int64(y), int64(m)
	if mm > 2 {
		mm++
		yy += 4800
	} else {
		mm += 13
		yy += 4799
	}
	century := yy / 100
	julian := yy*365 - 32167
	julian += yy/4 - century + century/4
	julian += 7834*mm/256 + int64(d)
	return julian
}

// j2date is the inverse of date2j.
func j2date(jd int64) (y, m, d int) {
	julian := uint64(jd) + 32044
	quad := julian / 146097
	extra := (julian-quad*146097)*4 + 3
	julian += 60 + quad*3 + extra/146097
	quad = julian / 1461
	julian -= quad * 1461
	yy := int64(julian * 4 / 1461)
	if yy != 0 {
		julian = (julian+305)%365 + 123
	} else {
		julian = (julian+306)%366 + 123
	}
	yy += int64(quad * 4)
	y = int(yy - 4800)
	q := julian * 2141 / 65536
	d = int(julian - 7834*q/256)
	m = int((q+10)%12 + 1)
	return y, m, d
}

// daysToCivil splits days since 1970-01-01.
func daysToCivil(days int64) (y, m, d int) { return j2date(days + unixEpochJDate) }

// civilToDays is days since 1970-01-01 of a date.
func civilToDays(y, m, d int) int64 { return date2j(y, m, d) - unixEpochJDate }

// splitMicros breaks a timestamp (as wall-clock microseconds) down.
func splitMicros(t int64) civil {
	days := floorDiv(t, usPerDay)
	y, m, d := daysToCivil(days)
	return civil{year: y, month: m, day: d, us: t - days*usPerDay}
}

// micros joins a broken-down time into wall-clock microseconds.
func (c civil) micros() int64 { return civilToDays(c.year, c.month, c.day)*usPerDay + c.us }

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var monthDays = [2][12]int{
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
}

func daysInMonth(y, m int) int {
	if isLeap(y) {
		return monthDays[1][m-1]
	}
	return monthDays[0][m-1]
}

// zoneOffset returns the UTC offset in seconds of loc at instant t
// (microseconds since 1970 UTC).
func zoneOffset(loc *time.Location, t int64) int64 {
	if loc == time.UTC || loc == nil {
		return 0
	}
	_, off := time.Unix(floorDiv(t, usPerSec), 0).In(loc).Zone()
	return int64(off)
}

// toLocal converts an instant to wall-clock microseconds in loc.
func toLocal(loc *time.Location, t int64) int64 { return t + zoneOffset(loc, t)*usPerSec }

// fromLocal converts wall-clock microseconds in loc to an instant, as
// Postgres' DetermineTimeZoneOffset does: a time skipped by a
// spring-forward transition takes the offset from before it, and an
// ambiguous time in a fall-back transition takes the offset after it.
func fromLocal(loc *time.Location, local int64) int64 {
	if loc == time.UTC || loc == nil {
		return local
	}
	before := zoneOffset(loc, local-usPerDay)
	after := zoneOffset(loc, local+usPerDay)
	if before == after {
		return local - before*usPerSec
	}
	beforeTime := local - before*usPerSec
	afterTime := local - after*usPerSec
	bOK := zoneOffset(loc, beforeTime) == before
	aOK := zoneOffset(loc, afterTime) == before
	switch {
	case bOK && aOK:
		return beforeTime
	case !bOK && !aOK:
		return afterTime
	case beforeTime > afterTime:
		return beforeTime
	}
	return afterTime
}

// timestampAddInterval is timestamp ± interval; with loc non-nil it is
// timestamptz ± interval, whose month and day parts move the wall clock in
// loc.
func timestampAddInterval(loc *time.Location, t int64, iv types.Datum, sign int64) (types.Datum, error) {
	kind := types.KindTimestamp
	if loc != nil {
		kind = types.KindTimestampTZ
	}
	if isInfTimestamp(t) {
		return types.NewTimestamp(kind, t), nil
	}
	months, days, us := iv.Interval()
	m, dd := int64(months)*sign, int64(days)*sign
	if m != 0 {
		local := t
		if loc != nil {
			local = toLocal(loc, t)
		}
		c := splitMicros(local)
		mon := int64(c.month) + m
		year := int64(c.year)
		if mon > 12 {
			year += (mon - 1) / 12
			mon = (mon-1)%12 + 1
		} else if mon < 1 {
			year += mon/12 - 1
			mon = mon%12 + 12
		}
		c.year, c.month = int(year), int(mon)
		if dim := daysInMonth(c.year, c.month); c.day > dim {
			c.day = dim
		}
		days := civilToDays(c.year, c.month, c.day)
		if days < minDate || days > maxTimestampDays {
			return types.NullDatum, timestampOutOfRange()
		}
		local = days*usPerDay + c.us
		if !validTimestamp(local) {
			return types.NullDatum, timestampOutOfRange()
		}
		t = local
		if loc != nil {
			t = fromLocal(loc, local)
		}
	}
	if dd != 0 {
		local := t
		if loc != nil {
			local = toLocal(loc, t)
		}
		c := splitMicros(local)
		days := civilToDays(c.year, c.month, c.day) + dd
		if days < minDate || days > maxTimestampDays {
			return types.NullDatum, timestampOutOfRange()
		}
		local = days*usPerDay + c.us
		if !validTimestamp(local) {
			return types.NullDatum, timestampOutOfRange()
		}
		t = local
		if loc != nil {
			t = fromLocal(loc, local)
		}
	}
	r, o := addOverflow(t, us*sign)
	if o || !validTimestamp(r) {
		return types.NullDatum, timestampOutOfRange()
	}
	return types.NewTimestamp(kind, r), nil
}

// timestampDiff is timestamp - timestamp: microseconds, justified into
// days and time.
func timestampDiff(a, b int64) (types.Datum, error) {
	if isInfTimestamp(a) || isInfTimestamp(b) {
		return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	d, o := subOverflow(a, b)
	if o {
		return types.NullDatum, intervalOutOfRange()
	}
	return justifyHours(0, 0, d)
}

// justifyHours moves whole days out of the time part, keeping the signs
// of days and time alike.
func justifyHours(months int32, days int64, us int64) (types.Datum, error) {
	whole := us / usPerDay
	us -= whole * usPerDay
	days += whole
	if days > 0 && us < 0 {
		us += usPerDay
		days--
	} else if days < 0 && us > 0 {
		us -= usPerDay
		days++
	}
	if days > math.MaxInt32 || days < math.MinInt32 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(months, int32(days), us), nil
}

func intervalAdd(x, y types.Datum, sign int64) (types.Datum, error) {
	m1, d1, t1 := x.Interval()
	m2, d2, t2 := y.Interval()
	m := int64(m1) + sign*int64(m2)
	d := int64(d1) + sign*int64(d2)
	var t int64
	var o bool
	if sign > 0 {
		t, o = addOverflow(t1, t2)
	} else {
		t, o = subOverflow(t1, t2)
	}
	if o || m > math.MaxInt32 || m < math.MinInt32 || d > math.MaxInt32 || d < math.MinInt32 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(int32(m), int32(d), t), nil
}

// tsRound rounds to microsecond precision, as Postgres' TSROUND.
func tsRound(f float64) float64 { return math.RoundToEven(f*1e6) / 1e6 }

func fitsInt32(f float64) bool { return !math.IsNaN(f) && f <= math.MaxInt32 && f >= math.MinInt32 }

// intervalMul is interval * float8, spreading fractional months into days
// (30 per month) and fractional days into time, as Postgres does.
func intervalMul(x types.Datum, factor float64) (types.Datum, error) {
	months, days, us := x.Interval()
	rm := float64(months) * factor
	rd := float64(days) * factor
	if !fitsInt32(rm) || !fitsInt32(rd) {
		return types.NullDatum, intervalOutOfRange()
	}
	resMonths := int32(rm)
	resDays := int32(rd)
	monthRemDays := tsRound((float64(months)*factor - float64(resMonths)) * daysPerMonth)
	secRem := tsRound((float64(days)*factor - float64(resDays) + monthRemDays - float64(int32(monthRemDays))) * secsPerDay)
	if math.Abs(secRem) >= secsPerDay {
		resDays += int32(secRem / secsPerDay)
		secRem -= float64(int32(secRem/secsPerDay)) * secsPerDay
	}
	resDays += int32(monthRemDays)
	rt := math.RoundToEven(float64(us)*factor + secRem*1e6)
	if math.IsNaN(rt) || rt < -9.223372036854775808e18 || rt >= 9.223372036854775808e18 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(resMonths, resDays, int64(rt)), nil
}

// intervalDiv is interval / float8.
func intervalDiv(x types.Datum, factor float64) (types.Datum, error) {
	if factor == 0 {
		return types.NullDatum, divisionByZero()
	}
	months, days, us := x.Interval()
	rm := float64(months) / factor
	rd := float64(days) / factor
	if !fitsInt32(rm) || !fitsInt32(rd) {
		return types.NullDatum, intervalOutOfRange()
	}
	resMonths := int32(rm)
	resDays := int32(rd)
	monthRemDays := tsRound((float64(months)/factor - float64(resMonths)) * daysPerMonth)
	secRem := tsRound((float64(days)/factor - float64(resDays) + monthRemDays - float64(int32(monthRemDays))) * secsPerDay)
	if math.Abs(secRem) >= secsPerDay {
		resDays += int32(secRem / secsPerDay)
		secRem -= float64(int32(secRem/secsPerDay)) * secsPerDay
	}
	resDays += int32(monthRemDays)
	rt := math.RoundToEven(float64(us)/factor + secRem*1e6)
	if math.IsNaN(rt) || rt < -9.223372036854775808e18 || rt >= 9.223372036854775808e18 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(resMonths, resDays, int64(rt)), nil
}

// timeAddInterval is time ± interval: only the time part counts, and the
// result wraps around midnight.
func timeAddInterval(t int64, iv types.Datum, sign int64) types.Datum {
	_, _, us := iv.Interval()
	r := t + sign*us
	r -= r / usPerDay * usPerDay
	if r < 0 {
		r += usPerDay
	}
	return types.NewTime(r)
}
