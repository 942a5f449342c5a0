package builtin

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// datetimeFuncs are the date/time functions: the current time (now,
// current_timestamp, statement_timestamp, clock_timestamp, current_date,
// localtimestamp ...), date_trunc, date_bin, date_part and extract, age,
// make_date/time/timestamp/timestamptz/interval, justify_*, isfinite,
// to_timestamp(float8) and timezone (AT TIME ZONE).
func datetimeFuncs() []*Func {
	ts, tz, d, iv, tm, t, f8, i4 := types.Timestamp, types.TimestampTZ, types.Date, types.Interval, types.Time, types.Text, types.Float8, types.Int4
	stable := func(name string, ret types.T, params []types.T, fn func(ctx *EvalContext, v []types.Datum) (types.Datum, error)) *Func {
		return &Func{Name: name, Args: params, Ret: ret, Strict: true, Vol: Stable, Fn: fn}
	}
	txnTZ := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		return types.NewTimestamp(types.KindTimestampTZ, ctx.txnTimestamp()), nil
	}
	txnTZPrec := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		return coerceTypmod(types.NewTimestamp(types.KindTimestampTZ, ctx.txnTimestamp()), types.T{Kind: types.KindTimestampTZ, Mod: int32(max(min(v[0].Int(), 6), 0))}, true)
	}
	localTS := func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
		return types.NewTimestamp(types.KindTimestamp, toLocal(ctx.location(), ctx.txnTimestamp())), nil
	}
	localTSPrec := func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
		l := types.NewTimestamp(types.KindTimestamp, toLocal(ctx.location(), ctx.txnTimestamp()))
		return coerceTypmod(l, types.T{Kind: types.KindTimestamp, Mod: int32(max(min(v[0].Int(), 6), 0))}, true)
	}
	fs := []*Func{
		stable("now", tz, nil, txnTZ),
		stable("current_timestamp", tz, nil, txnTZ),
		stable("current_timestamp", tz, args(i4), txnTZPrec),
		stable("transaction_timestamp", tz, nil, txnTZ),
		stable("statement_timestamp", tz, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			if ctx == nil {
				return txnTZ(ctx, nil)
			}
			return types.NewTimestamp(types.KindTimestampTZ, ctx.StmtTimestamp), nil
		}),
		{Name: "clock_timestamp", Ret: tz, Vol: Volatile, Fn: func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			return types.NewTimestamp(types.KindTimestampTZ, ctx.clock().UnixMicro()), nil
		}},
		{Name: "timeofday", Ret: t, Vol: Volatile, Fn: func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			now := ctx.clock().In(ctx.location())
			return types.NewText(now.Format("Mon Jan 02 15:04:05.000000 2006 MST")), nil
		}},
		stable("localtimestamp", ts, nil, localTS),
		stable("localtimestamp", ts, args(i4), localTSPrec),
		stable("current_date", d, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			return types.NewDate(int32(floorDiv(toLocal(ctx.location(), ctx.txnTimestamp()), usPerDay))), nil
		}),
		stable("localtime", tm, nil, func(ctx *EvalContext, _ []types.Datum) (types.Datum, error) {
			l := toLocal(ctx.location(), ctx.txnTimestamp())
			return types.NewTime(l - floorDiv(l, usPerDay)*usPerDay), nil
		}),
		binop("date_trunc", t, ts, ts, func(x, y types.Datum) (types.Datum, error) { return truncTimestamp(nil, x.Str(), y.Int()) }),
		stable("date_trunc", tz, args(t, tz), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return truncTimestamp(ctx.location(), v[0].Str(), v[1].Int())
		}),
		stable("date_trunc", tz, args(t, tz, t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			loc, err := ctx.zone(v[2].Str())
			if err != nil {
				return types.NullDatum, err
			}
			return truncTimestamp(loc, v[0].Str(), v[1].Int())
		}),
		binop("date_trunc", t, iv, iv, func(x, y types.Datum) (types.Datum, error) { return truncInterval(x.Str(), y) }),
		strict("date_bin", ts, args(iv, ts, ts), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return dateBin(v[0], v[1].Int(), v[2].Int(), types.KindTimestamp)
		}),
		strict("date_bin", tz, args(iv, tz, tz), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return dateBin(v[0], v[1].Int(), v[2].Int(), types.KindTimestampTZ)
		}),
		strict("age", iv, args(ts, ts), func(_ *EvalContext, v []types.Datum) (types.Datum, error) { return age(nil, v[0].Int(), v[1].Int()) }),
		stable("age", iv, args(tz, tz), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			return age(ctx.location(), v[0].Int(), v[1].Int())
		}),
		stable("age", iv, args(ts), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			today := floorDiv(toLocal(ctx.location(), ctx.txnTimestamp()), usPerDay) * usPerDay
			return age(nil, today, v[0].Int())
		}),
		stable("age", iv, args(tz), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			loc := ctx.location()
			today := fromLocal(loc, floorDiv(toLocal(loc, ctx.txnTimestamp()), usPerDay)*usPerDay)
			return age(loc, today, v[0].Int())
		}),
		unop("justify_days", iv, iv, func(x types.Datum) (types.Datum, error) { return justifyDays(x), nil }),
		unop("justify_hours", iv, iv, func(x types.Datum) (types.Datum, error) {
			m, dd, us := x.Interval()
			return justifyHours(m, int64(dd), us)
		}),
		unop("justify_interval", iv, iv, func(x types.Datum) (types.Datum, error) { return justifyInterval(x), nil }),
		unop("isfinite", d, types.Bool, func(x types.Datum) (types.Datum, error) { return types.NewBool(!isInfDate(x.Int())), nil }),
		unop("isfinite", ts, types.Bool, func(x types.Datum) (types.Datum, error) { return types.NewBool(!isInfTimestamp(x.Int())), nil }),
		unop("isfinite", tz, types.Bool, func(x types.Datum) (types.Datum, error) { return types.NewBool(!isInfTimestamp(x.Int())), nil }),
		unop("isfinite", iv, types.Bool, func(types.Datum) (types.Datum, error) { return types.NewBool(true), nil }),
		strict("make_date", d, args(i4, i4, i4), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			days, err := makeDate(v[0].Int(), v[1].Int(), v[2].Int())
			return types.NewDate(int32(days)), err
		}),
		strict("make_time", tm, args(i4, i4, f8), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			us, err := makeTime(v[0].Int(), v[1].Int(), v[2].Float())
			return types.NewTime(us), err
		}),
		strict("make_timestamp", ts, args(i4, i4, i4, i4, i4, f8), func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			l, err := makeTimestamp(v)
			return types.NewTimestamp(types.KindTimestamp, l), err
		}),
		stable("make_timestamptz", tz, args(i4, i4, i4, i4, i4, f8), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			l, err := makeTimestamp(v)
			return types.NewTimestamp(types.KindTimestampTZ, fromLocal(ctx.location(), l)), err
		}),
		stable("make_timestamptz", tz, args(i4, i4, i4, i4, i4, f8, t), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			l, err := makeTimestamp(v[:6])
			if err != nil {
				return types.NullDatum, err
			}
			loc, err := ctx.zone(v[6].Str())
			if err != nil {
				return types.NullDatum, err
			}
			return types.NewTimestamp(types.KindTimestampTZ, fromLocal(loc, l)), nil
		}),
		unop("to_timestamp", f8, tz, func(x types.Datum) (types.Datum, error) { return toTimestampEpoch(x.Float()) }),
		stable("timezone", tz, args(t, ts), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			loc, err := ctx.zone(v[0].Str())
			if err != nil || isInfTimestamp(v[1].Int()) {
				return types.NewTimestamp(types.KindTimestampTZ, v[1].Int()), err
			}
			return types.NewTimestamp(types.KindTimestampTZ, fromLocal(loc, v[1].Int())), nil
		}),
		stable("timezone", ts, args(t, tz), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			loc, err := ctx.zone(v[0].Str())
			if err != nil || isInfTimestamp(v[1].Int()) {
				return types.NewTimestamp(types.KindTimestamp, v[1].Int()), err
			}
			return types.NewTimestamp(types.KindTimestamp, toLocal(loc, v[1].Int())), nil
		}),
		binop("timezone", iv, ts, tz, func(x, y types.Datum) (types.Datum, error) {
			off, err := intervalZone(x)
			if err != nil || isInfTimestamp(y.Int()) {
				return types.NewTimestamp(types.KindTimestampTZ, y.Int()), err
			}
			return types.NewTimestamp(types.KindTimestampTZ, y.Int()-off), nil
		}),
		binop("timezone", iv, tz, ts, func(x, y types.Datum) (types.Datum, error) {
			off, err := intervalZone(x)
			if err != nil || isInfTimestamp(y.Int()) {
				return types.NewTimestamp(types.KindTimestamp, y.Int()), err
			}
			return types.NewTimestamp(types.KindTimestamp, y.Int()+off), nil
		}),
	}
	// make_interval(years, months, weeks, days, hours, mins, secs), with
	// trailing arguments defaulting to zero.
	for n := 0; n <= 7; n++ {
		params := make([]types.T, n)
		for i := range params {
			params[i] = i4
		}
		if n == 7 {
			params[6] = f8
		}
		fs = append(fs, strict("make_interval", iv, params, func(_ *EvalContext, v []types.Datum) (types.Datum, error) {
			return makeInterval(v)
		}))
	}
	for _, src := range []types.T{ts, tz, d, iv, tm} {
		src := src
		fs = append(fs,
			stable("date_part", f8, args(t, src), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
				return extractPart(ctx, v[0].Str(), v[1], src, false)
			}),
			stable("extract", types.Numeric, args(t, src), func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
				return extractPart(ctx, v[0].Str(), v[1], src, true)
			}),
		)
	}
	for _, f := range fs {
		if f.Name == "date_part" || f.Name == "extract" {
			if f.Args[1].Kind != types.KindTimestampTZ {
				f.Vol = Immutable
			}
		}
	}
	return fs
}

func (ctx *EvalContext) txnTimestamp() int64 {
	if ctx == nil {
		return time.Now().UnixMicro()
	}
	return ctx.TxnTimestamp
}

func (ctx *EvalContext) clock() time.Time {
	if ctx == nil || ctx.Clock == nil {
		return time.Now()
	}
	return ctx.Clock()
}

// zoneAbbrevs are the time zone abbreviations of Postgres' Default set
// that AT TIME ZONE and make_timestamptz accept, in seconds east of UTC.
var zoneAbbrevs = map[string]int{
	"utc": 0, "gmt": 0, "ut": 0, "z": 0, "zulu": 0, "wet": 0, "west": 3600,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600, "ast": -4 * 3600, "adt": -3 * 3600,
	"nst": -(3*3600 + 1800), "ndt": -(2*3600 + 1800),
	"cet": 3600, "cest": 7200, "met": 3600, "mest": 7200, "eet": 7200, "eest": 3 * 3600, "bst": 3600,
	"msk": 3 * 3600, "ist": 7200, "jst": 9 * 3600, "kst": 9 * 3600, "hkt": 8 * 3600, "sgt": 8 * 3600,
	"awst": 8 * 3600, "acst": 9*3600 + 1800, "acdt": 10*3600 + 1800, "aest": 10 * 3600, "aedt": 11 * 3600,
	"nzst": 12 * 3600, "nzdt": 13 * 3600,
}

// zone resolves a time zone as Postgres' AT TIME ZONE does: an
// abbreviation, a POSIX-style offset ("+05" and "UTC+5" are five hours
// west of Greenwich), or a tz database name in any letter case. Unknown
// names are 22023 `time zone "x" not recognized`.
func (ctx *EvalContext) zone(name string) (*time.Location, error) {
	c := ctx.cache()
	if c != nil {
		c.mu.Lock()
		loc, ok := c.zones[name]
		c.mu.Unlock()
		if ok {
			return loc, nil
		}
	}
	loc, err := lookupZone(name)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		if c.zones == nil || len(c.zones) >= maxCached {
			c.zones = make(map[string]*time.Location)
		}
		c.zones[name] = loc
		c.mu.Unlock()
	}
	return loc, nil
}

func lookupZone(name string) (*time.Location, error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	if off, ok := zoneAbbrevs[lower]; ok {
		return time.FixedZone(strings.ToUpper(lower), off), nil
	}
	if off, ok := posixOffset(lower); ok {
		return time.FixedZone(name, off), nil
	}
	for _, prefix := range []string{"utc", "gmt"} {
		if rest, ok := strings.CutPrefix(lower, prefix); ok && rest != "" {
			if off, ok := posixOffset(rest); ok {
				return time.FixedZone(name, off), nil
			}
		}
	}
	if name != "" && !strings.ContainsAny(name, " .") {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
		if loc, err := time.LoadLocation(zoneCase(lower)); err == nil {
			return loc, nil
		}
	}
	return nil, sqlerr.Newf(sqlerr.InvalidParameterValue, "time zone \"%s\" not recognized", name)
}

// posixOffset parses [+-]hh[:mm[:ss]] as a POSIX offset (positive west)
// and returns seconds east of UTC.
func posixOffset(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	sign := 1
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		sign = -1
		s = s[1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 || parts[0] == "" {
		return 0, false
	}
	total := 0
	mult := 3600
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 2 && mult != 3600 {
			return 0, false
		}
		total += n * mult
		mult /= 60
	}
	if total > 15*3600+59*60 {
		return 0, false
	}
	return -sign * total, true
}

// zoneCase capitalises a lower-case tz database name: "america/new_york"
// becomes "America/New_York".
func zoneCase(s string) string {
	b := []byte(s)
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '/' || c == '_' || c == '-'
	}
	return string(b)
}

// intervalZone is the offset east of UTC, in microseconds, of an interval
// used as a time zone.
func intervalZone(iv types.Datum) (int64, error) {
	m, d, us := iv.Interval()
	if m != 0 || d != 0 {
		return 0, sqlerr.Newf(sqlerr.InvalidParameterValue, "interval time zone \"%s\" must not include months or days",
			string(types.FormatText(nil, iv, types.Interval, nil)))
	}
	return us, nil
}

// unitAliases maps the spellings Postgres accepts for a date/time unit to
// its canonical name.
var unitAliases = func() map[string]string {
	m := map[string]string{}
	add := func(canon string, names ...string) {
		m[canon] = canon
		for _, n := range names {
			m[n] = canon
		}
	}
	add("microseconds", "microsecond", "us", "usec", "usecs", "useconds", "microsecon")
	add("milliseconds", "millisecond", "ms", "msec", "msecs", "mseconds", "millisecon")
	add("second", "seconds", "s", "sec", "secs")
	add("minute", "minutes", "m", "min", "mins")
	add("hour", "hours", "h", "hr", "hrs")
	add("day", "days", "d")
	add("week", "weeks", "w")
	add("month", "months", "mon", "mons")
	add("quarter", "qtr")
	add("year", "years", "y", "yr", "yrs")
	add("decade", "decades", "dec")
	add("century", "centuries", "c", "cent")
	add("millennium", "millennia", "mil", "mils", "millenniums")
	add("epoch")
	add("dow")
	add("isodow")
	add("doy")
	add("isoyear")
	add("julian", "j", "jd")
	add("timezone")
	add("timezone_hour", "timezone_h")
	add("timezone_minute", "timezone_m")
	return m
}()

func unitNotRecognized(unit string, t types.T) *sqlerr.Error {
	return sqlerr.Newf(sqlerr.InvalidParameterValue, "unit \"%s\" not recognized for type %s", unit, typeName(t))
}

func unitNotSupported(unit string, t types.T) *sqlerr.Error {
	return sqlerr.Newf(sqlerr.FeatureNotSupported, "unit \"%s\" not supported for type %s", unit, typeName(t))
}

// j2day is the day of the week of a Julian day, 0 = Sunday.
func j2day(jd int64) int64 {
	d := (jd + 1) % 7
	if d < 0 {
		d += 7
	}
	return d
}

// isoWeek is Postgres' date2isoweek.
func isoWeek(y, m, d int) int64 {
	dayn := date2j(y, m, d)
	day4 := date2j(y, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(y-1, 1, 4)
		day0 = j2day(day4 - 1)
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(y+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			result = (dayn-(day4-day0))/7 + 1
		}
	}
	return result
}

// isoYear is Postgres' date2isoyear.
func isoYear(y, m, d int) int64 {
	year := int64(y)
	dayn := date2j(y, m, d)
	day4 := date2j(y, 1, 4)
	day0 := j2day(day4 - 1)
	if dayn < day4-day0 {
		day4 = date2j(y-1, 1, 4)
		day0 = j2day(day4 - 1)
		year--
	}
	result := (dayn-(day4-day0))/7 + 1
	if result >= 52 {
		day4 = date2j(y+1, 1, 4)
		day0 = j2day(day4 - 1)
		if dayn >= day4-day0 {
			year++
		}
	}
	return year
}

// yearField is extract(year): astronomical year 0 is 1 BC, printed -1.
func yearField(y int64) int64 {
	if y > 0 {
		return y
	}
	return y - 1
}

func decadeField(y int64) int64 {
	if y >= 0 {
		return y / 10
	}
	return -((8 - (y - 1)) / 10)
}

func centuryField(y int64) int64 {
	if y > 0 {
		return (y + 99) / 100
	}
	return -((99 - (y - 1)) / 100)
}

func millenniumField(y int64) int64 {
	if y > 0 {
		return (y + 999) / 1000
	}
	return -((999 - (y - 1)) / 1000)
}

// extractPart is extract(unit from v) (numeric) and date_part (float8).
func extractPart(ctx *EvalContext, unitName string, v types.Datum, src types.T, asNumeric bool) (types.Datum, error) {
	lower := strings.ToLower(unitName)
	unit, ok := unitAliases[lower]
	if !ok {
		return types.NullDatum, unitNotRecognized(lower, src)
	}
	var (
		val   int64
		scale int32
		res   *apd.Decimal
		fval  float64
		isF   bool
	)
	switch src.Kind {
	case types.KindInterval:
		var err error
		val, scale, err = intervalPart(unit, lower, v)
		if err != nil {
			return types.NullDatum, err
		}
	case types.KindTime:
		us := v.Int()
		switch unit {
		case "microseconds":
			val = us % usPerMinute
		case "milliseconds":
			val, scale = us%usPerMinute, 3
		case "second":
			val, scale = us%usPerMinute, 6
		case "minute":
			val = us / usPerMinute % 60
		case "hour":
			val = us / usPerHour
		case "epoch":
			val, scale = us, 6
		default:
			return types.NullDatum, unitNotSupported(lower, src)
		}
	default:
		var t int64
		isDate := src.Kind == types.KindDate
		if isDate {
			switch unit {
			case "microseconds", "milliseconds", "second", "minute", "hour", "timezone", "timezone_hour", "timezone_minute":
				return types.NullDatum, unitNotSupported(lower, src)
			}
			t = dateToTimestamp(v.Int())
		} else {
			t = v.Int()
		}
		if isInfTimestamp(t) {
			switch unit {
			case "year", "decade", "century", "millennium", "julian", "isoyear", "epoch":
				if t == types.TimestampInfinity {
					res, fval = decPosInf, math.Inf(1)
				} else {
					res, fval = decNegInf, math.Inf(-1)
				}
				if asNumeric {
					return types.NewNumeric(res), nil
				}
				return types.NewFloat8(fval), nil
			case "timezone", "timezone_hour", "timezone_minute":
				if src.Kind != types.KindTimestampTZ {
					return types.NullDatum, unitNotSupported(lower, src)
				}
			}
			return types.NullDatum, nil
		}
		local := t
		var off int64
		if src.Kind == types.KindTimestampTZ {
			off = zoneOffset(ctx.location(), t)
			local = t + off*usPerSec
		}
		c := splitMicros(local)
		y := int64(c.year)
		secUs := c.us % usPerMinute
		switch unit {
		case "microseconds":
			val = secUs
		case "milliseconds":
			val, scale = secUs, 3
		case "second":
			val, scale = secUs, 6
		case "minute":
			val = c.us / usPerMinute % 60
		case "hour":
			val = c.us / usPerHour
		case "day":
			val = int64(c.day)
		case "month":
			val = int64(c.month)
		case "quarter":
			val = int64((c.month-1)/3 + 1)
		case "week":
			val = isoWeek(c.year, c.month, c.day)
		case "year":
			val = yearField(y)
		case "decade":
			val = decadeField(y)
		case "century":
			val = centuryField(y)
		case "millennium":
			val = millenniumField(y)
		case "isoyear":
			val = yearField(isoYear(c.year, c.month, c.day))
		case "dow":
			val = j2day(date2j(c.year, c.month, c.day))
		case "isodow":
			val = j2day(date2j(c.year, c.month, c.day))
			if val == 0 {
				val = 7
			}
		case "doy":
			val = date2j(c.year, c.month, c.day) - date2j(c.year, 1, 1) + 1
		case "epoch":
			if isDate {
				val = v.Int() * secsPerDay
			} else {
				val, scale = t, 6
			}
		case "julian":
			jd := date2j(c.year, c.month, c.day)
			if isDate {
				val = jd
				break
			}
			frac, err := numericDiv(apd.New(c.us, 0), apd.New(usPerDay, 0))
			if err != nil {
				return types.NullDatum, err
			}
			res = new(apd.Decimal)
			if _, err := exactCtx.Add(res, apd.New(jd, 0), frac); err != nil {
				return types.NullDatum, err
			}
			fval = float64(jd) + (float64(c.us)/1e6)/secsPerDay
			isF = true
		case "timezone", "timezone_hour", "timezone_minute":
			if src.Kind != types.KindTimestampTZ {
				return types.NullDatum, unitNotSupported(lower, src)
			}
			switch unit {
			case "timezone":
				val = off
			case "timezone_hour":
				val = off / 3600
			default:
				val = off / 60 % 60
			}
		default:
			return types.NullDatum, unitNotSupported(lower, src)
		}
	}
	if res == nil {
		res = apd.New(val, -scale)
	}
	if asNumeric {
		return types.NewNumeric(res), nil
	}
	if !isF {
		fval = numericToFloat64(res)
	}
	return types.NewFloat8(fval), nil
}

// intervalPart is extract(unit from interval) as an integer and scale.
func intervalPart(unit, lower string, v types.Datum) (int64, int32, error) {
	months, days, us := v.Interval()
	secUs := us % usPerMinute
	switch unit {
	case "microseconds":
		return secUs, 0, nil
	case "milliseconds":
		return secUs, 3, nil
	case "second":
		return secUs, 6, nil
	case "minute":
		return us / usPerMinute % 60, 0, nil
	case "hour":
		return us / usPerHour, 0, nil
	case "day":
		return int64(days), 0, nil
	case "month":
		return int64(months % 12), 0, nil
	case "quarter":
		return int64(months%12/3 + 1), 0, nil
	case "year":
		return int64(months / 12), 0, nil
	case "decade":
		return int64(months / 12 / 10), 0, nil
	case "century":
		return int64(months / 12 / 100), 0, nil
	case "millennium":
		return int64(months / 12 / 1000), 0, nil
	case "epoch":
		secs := (int64(4*365.25)*int64(months/12) + int64(4*daysPerMonth)*int64(months%12) + 4*int64(days)) * (secsPerDay / 4)
		return secs*usPerSec + us, 6, nil
	}
	if _, ok := unitAliases[lower]; ok {
		return 0, 0, unitNotSupported(lower, types.Interval)
	}
	return 0, 0, unitNotRecognized(lower, types.Interval)
}

// truncCivil truncates a broken-down time to unit; ok is false for an
// unknown unit.
func truncCivil(c civil, unit string) (civil, bool) {
	switch unit {
	case "millennium":
		if c.year > 0 {
			c.year = (c.year+999)/1000*1000 - 999
		} else {
			c.year = -((999-(c.year-1))/1000)*1000 + 1
		}
		c.month, c.day, c.us = 1, 1, 0
	case "century":
		if c.year > 0 {
			c.year = (c.year+99)/100*100 - 99
		} else {
			c.year = -((99-(c.year-1))/100)*100 + 1
		}
		c.month, c.day, c.us = 1, 1, 0
	case "decade":
		if c.year > 0 {
			c.year = c.year / 10 * 10
		} else {
			c.year = -((8 - (c.year - 1)) / 10) * 10
		}
		c.month, c.day, c.us = 1, 1, 0
	case "year":
		c.month, c.day, c.us = 1, 1, 0
	case "quarter":
		c.month = 3*((c.month-1)/3) + 1
		c.day, c.us = 1, 0
	case "month":
		c.day, c.us = 1, 0
	case "week":
		jd := date2j(c.year, c.month, c.day)
		dow := j2day(jd)
		jd -= (dow + 6) % 7
		c.year, c.month, c.day = j2date(jd)
		c.us = 0
	case "day":
		c.us = 0
	case "hour":
		c.us -= c.us % usPerHour
	case "minute":
		c.us -= c.us % usPerMinute
	case "second":
		c.us -= c.us % usPerSec
	case "milliseconds":
		c.us -= c.us % 1000
	case "microseconds":
	default:
		return c, false
	}
	return c, true
}

// truncTimestamp is date_trunc on a timestamp, or with loc on a
// timestamptz truncated in that zone.
func truncTimestamp(loc *time.Location, unitName string, t int64) (types.Datum, error) {
	kind, typ := types.KindTimestamp, types.Timestamp
	if loc != nil {
		kind, typ = types.KindTimestampTZ, types.TimestampTZ
	}
	lower := strings.ToLower(unitName)
	unit, ok := unitAliases[lower]
	if !ok {
		return types.NullDatum, unitNotRecognized(lower, typ)
	}
	if isInfTimestamp(t) {
		return types.NewTimestamp(kind, t), nil
	}
	local := t
	var off int64
	if loc != nil {
		off = zoneOffset(loc, t)
		local = t + off*usPerSec
	}
	c, ok := truncCivil(splitMicros(local), unit)
	if !ok {
		return types.NullDatum, unitNotSupported(lower, typ)
	}
	r := c.micros()
	if loc != nil {
		switch unit {
		case "hour", "minute", "second", "milliseconds", "microseconds":
			r -= off * usPerSec
		default:
			r = fromLocal(loc, r)
		}
	}
	if !validTimestamp(r) {
		return types.NullDatum, timestampOutOfRange()
	}
	return types.NewTimestamp(kind, r), nil
}

func truncInterval(unitName string, v types.Datum) (types.Datum, error) {
	lower := strings.ToLower(unitName)
	unit, ok := unitAliases[lower]
	if !ok {
		return types.NullDatum, unitNotRecognized(lower, types.Interval)
	}
	months, days, us := v.Interval()
	switch unit {
	case "millennium":
		return types.NewInterval(months/12/1000*1000*12, 0, 0), nil
	case "century":
		return types.NewInterval(months/12/100*100*12, 0, 0), nil
	case "decade":
		return types.NewInterval(months/12/10*10*12, 0, 0), nil
	case "year":
		return types.NewInterval(months/12*12, 0, 0), nil
	case "quarter":
		return types.NewInterval(months/12*12+months%12/3*3, 0, 0), nil
	case "month":
		return types.NewInterval(months, 0, 0), nil
	case "day":
		return types.NewInterval(months, days, 0), nil
	case "hour":
		return types.NewInterval(months, days, us-us%usPerHour), nil
	case "minute":
		return types.NewInterval(months, days, us-us%usPerMinute), nil
	case "second":
		return types.NewInterval(months, days, us-us%usPerSec), nil
	case "milliseconds":
		return types.NewInterval(months, days, us-us%1000), nil
	case "microseconds":
		return v, nil
	case "week":
		return types.NullDatum, unitNotSupported(lower, types.Interval).WithDetail("Months usually have fractional weeks.")
	}
	return types.NullDatum, unitNotSupported(lower, types.Interval)
}

func dateBin(stride types.Datum, t, origin int64, kind types.Kind) (types.Datum, error) {
	if isInfTimestamp(t) || isInfTimestamp(origin) {
		return types.NullDatum, sqlerr.New(sqlerr.FeatureNotSupported, "timestamps cannot be binned into infinite intervals")
	}
	months, days, us := stride.Interval()
	if months != 0 {
		return types.NullDatum, sqlerr.New(sqlerr.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	step := int64(days)*usPerDay + us
	if step <= 0 {
		return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "stride must be greater than zero")
	}
	diff, o := subOverflow(t, origin)
	if o {
		return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
	}
	delta := floorDiv(diff, step) * step
	r, o := addOverflow(origin, delta)
	if o || !validTimestamp(r) {
		return types.NullDatum, timestampOutOfRange()
	}
	return types.NewTimestamp(kind, r), nil
}

// age is the symbolic difference a - b in years, months and days, as
// Postgres' timestamp_age; with loc the fields are taken in that zone.
func age(loc *time.Location, a, b int64) (types.Datum, error) {
	if isInfTimestamp(a) || isInfTimestamp(b) {
		return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "cannot subtract infinite timestamps")
	}
	la, lb := a, b
	if loc != nil {
		la, lb = toLocal(loc, a), toLocal(loc, b)
	}
	c1, c2 := splitMicros(la), splitMicros(lb)
	us := c1.us - c2.us
	day := int64(c1.day - c2.day)
	mon := int64(c1.month - c2.month)
	year := int64(c1.year - c2.year)
	neg := a < b
	if neg {
		us, day, mon, year = -us, -day, -mon, -year
	}
	for us < 0 {
		us += usPerDay
		day--
	}
	for day < 0 {
		if neg {
			day += int64(daysInMonth(c1.year, c1.month))
		} else {
			day += int64(daysInMonth(c2.year, c2.month))
		}
		mon--
	}
	for mon < 0 {
		mon += 12
		year--
	}
	if neg {
		us, day, mon, year = -us, -day, -mon, -year
	}
	months := year*12 + mon
	if months > math.MaxInt32 || months < math.MinInt32 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(int32(months), int32(day), us), nil
}

func justifyDays(v types.Datum) types.Datum {
	months, days, us := v.Interval()
	whole := days / daysPerMonth
	days -= whole * daysPerMonth
	months += whole
	if months > 0 && days < 0 {
		days += daysPerMonth
		months--
	} else if months < 0 && days > 0 {
		days -= daysPerMonth
		months++
	}
	return types.NewInterval(months, days, us)
}

func justifyInterval(v types.Datum) types.Datum {
	months, days, us := v.Interval()
	wholeDay := us / usPerDay
	us -= wholeDay * usPerDay
	d := int64(days) + wholeDay
	wholeMonth := d / daysPerMonth
	d -= wholeMonth * daysPerMonth
	m := int64(months) + wholeMonth
	if m > 0 && (d < 0 || d == 0 && us < 0) {
		d += daysPerMonth
		m--
	} else if m < 0 && (d > 0 || d == 0 && us > 0) {
		d -= daysPerMonth
		m++
	}
	if d > 0 && us < 0 {
		us += usPerDay
		d--
	} else if d < 0 && us > 0 {
		us -= usPerDay
		d++
	}
	return types.NewInterval(int32(m), int32(d), us)
}

// makeDate validates a date; a negative year is BC.
func makeDate(y, m, d int64) (int64, error) {
	year := y
	if y < 0 {
		year = y + 1
	}
	if y == 0 || m < 1 || m > 12 || d < 1 || year > 5874897 || year < -4713 || d > int64(daysInMonth(int(year), int(m))) {
		return 0, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	}
	days := civilToDays(int(year), int(m), int(d))
	if days < minDate || days > maxDate {
		return 0, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date out of range: %d-%02d-%02d", y, m, d)
	}
	return days, nil
}

func makeTime(h, m int64, sec float64) (int64, error) {
	us := math.RoundToEven(sec * 1e6)
	if h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || us > 60*1e6 ||
		h == 24 && (m > 0 || us > 0) {
		return 0, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, m, formatSeconds(sec))
	}
	return h*usPerHour + m*usPerMinute + int64(us), nil
}

// formatSeconds prints seconds as %02d or %09.6f without trailing zeros,
// as Postgres' error messages do.
func formatSeconds(sec float64) string {
	if sec == math.Trunc(sec) {
		return fmt.Sprintf("%02d", int64(sec))
	}
	return strings.TrimRight(fmt.Sprintf("%09.6f", sec), "0")
}

func makeTimestamp(v []types.Datum) (int64, error) {
	y, m, d := v[0].Int(), v[1].Int(), v[2].Int()
	days, err := makeDate(y, m, d)
	if err != nil {
		return 0, err
	}
	us, err := makeTime(v[3].Int(), v[4].Int(), v[5].Float())
	if err != nil {
		return 0, err
	}
	r := days*usPerDay + us
	if !validTimestamp(r) {
		return 0, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: %d-%02d-%02d %d:%02d:%s",
			y, m, d, v[3].Int(), v[4].Int(), formatSeconds(v[5].Float()))
	}
	return r, nil
}

func makeInterval(v []types.Datum) (types.Datum, error) {
	var f [7]float64
	for i, d := range v {
		if i == 6 {
			f[i] = d.Float()
		} else {
			f[i] = float64(d.Int())
		}
	}
	months := f[0]*12 + f[1]
	days := f[2]*7 + f[3]
	if !fitsInt32(months) || !fitsInt32(days) || math.IsInf(f[6], 0) || math.IsNaN(f[6]) {
		return types.NullDatum, intervalOutOfRange()
	}
	us := math.RoundToEven((f[4]*3600+f[5]*60)*1e6 + f[6]*1e6)
	if us < -9.223372036854775808e18 || us >= 9.223372036854775808e18 {
		return types.NullDatum, intervalOutOfRange()
	}
	return types.NewInterval(int32(months), int32(days), int64(us)), nil
}

func toTimestampEpoch(sec float64) (types.Datum, error) {
	switch {
	case math.IsNaN(sec):
		return types.NullDatum, sqlerr.New(sqlerr.DatetimeFieldOverflow, "timestamp cannot be NaN")
	case math.IsInf(sec, 1):
		return types.NewTimestamp(types.KindTimestampTZ, types.TimestampInfinity), nil
	case math.IsInf(sec, -1):
		return types.NewTimestamp(types.KindTimestampTZ, types.TimestampNegInfinity), nil
	}
	us := math.RoundToEven(sec * 1e6)
	if us < float64(minTimestamp) || us >= 9.2233720368547e18 {
		return types.NullDatum, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", strconv.FormatFloat(sec, 'g', -1, 64))
	}
	return types.NewTimestamp(types.KindTimestampTZ, int64(us)), nil
}
