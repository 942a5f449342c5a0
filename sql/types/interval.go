package types

import (
	"math"
	"strconv"
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Intervals keep months, days and microseconds apart, as Postgres does.
// For comparison, hashing and keys an interval counts as its "span":
// months of 30 days and days of 24 hours, in microseconds (a 128-bit value),
// so '1 mon' equals '30 days' and '1 day' equals '24 hours', as in Postgres.

// intervalSpan returns the comparable span of an interval as a 128-bit
// number of microseconds (hi is the high signed word).
func intervalSpan(months, days int32, micros int64) (hi int64, lo uint64) {
	// days total = months*30 + days fits easily in int64; its micros may not.
	totalDays := int64(months)*30 + int64(days)
	dh, dl := mulS64(totalDays, microsPerDay)
	return add128(dh, dl, micros)
}

// mulS64 returns the signed 128-bit product a*b.
func mulS64(a, b int64) (hi int64, lo uint64) {
	neg := (a < 0) != (b < 0)
	ua, ub := absU64(a), absU64(b)
	h, l := mulU64(ua, ub)
	if neg {
		l = ^l + 1
		h = ^h
		if l == 0 {
			h++
		}
	}
	return int64(h), l
}

func absU64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

func mulU64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t & mask32
	w2 := t >> 32
	w1 += a0 * b1
	hi = a1*b1 + w2 + w1>>32
	lo = a * b
	return hi, lo
}

// add128 returns (hi, lo) + v.
func add128(hi int64, lo uint64, v int64) (int64, uint64) {
	nl := lo + uint64(v)
	carry := int64(0)
	if nl < lo {
		carry = 1
	}
	ext := int64(0)
	if v < 0 {
		ext = -1
	}
	return hi + ext + carry, nl
}

// compareInterval orders intervals by span.
func compareInterval(a, b Datum) int {
	ah, al := intervalSpan(a.a, a.b, a.i)
	bh, bl := intervalSpan(b.a, b.b, b.i)
	switch {
	case ah < bh:
		return -1
	case ah > bh:
		return 1
	case al < bl:
		return -1
	case al > bl:
		return 1
	}
	return 0
}

// appendInterval appends an interval in IntervalStyle postgres.
func appendInterval(buf []byte, months, days int32, micros int64) []byte {
	years := months / 12
	mons := months % 12
	isZero, isBefore := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !isZero {
			buf = append(buf, ' ')
		}
		if isBefore && v > 0 {
			buf = append(buf, '+')
		}
		buf = strconv.AppendInt(buf, v, 10)
		buf = append(buf, ' ')
		buf = append(buf, unit...)
		if v != 1 {
			buf = append(buf, 's')
		}
		isBefore = v < 0
		isZero = false
	}
	part(int64(years), "year")
	part(int64(mons), "mon")
	part(int64(days), "day")
	if isZero || micros != 0 {
		if !isZero {
			buf = append(buf, ' ')
		}
		if micros < 0 {
			buf = append(buf, '-')
		} else if isBefore {
			buf = append(buf, '+')
		}
		u := absU64(micros)
		h := u / microsPerHour
		u -= h * microsPerHour
		m := u / microsPerMinute
		u -= m * microsPerMinute
		buf = appendPadU(buf, h, 2)
		buf = append(buf, ':')
		buf = appendPadU(buf, m, 2)
		buf = append(buf, ':')
		buf = appendSeconds(buf, int64(u))
	}
	return buf
}

// appendPadU is appendPad for unsigned values.
func appendPadU(buf []byte, v uint64, width int) []byte {
	if v <= math.MaxInt64 {
		return appendPad(buf, int64(v), width)
	}
	return strconv.AppendUint(buf, v, 10)
}

// intervalAcc accumulates interval fields while parsing, noting overflow
// of the microsecond field.
type intervalAcc struct {
	years, months, days int64
	whole               int64 // micros
	overflow            bool
}

// addMicros adds v to the micros, noting overflow.
func (a *intervalAcc) addMicros(v int64) {
	s := a.whole + v
	if (v > 0 && s < a.whole) || (v < 0 && s > a.whole) {
		a.overflow = true
	}
	a.whole = s
}

// addScaled adds val*scale micros, noting overflow.
func (a *intervalAcc) addScaled(val, scale int64) {
	hi, lo := mul64(val, scale)
	if hi != 0 && hi != -1 {
		a.overflow = true
		return
	}
	a.addMicros(lo)
}

func (a *intervalAcc) addFracMicros(frac float64, scale float64) {
	if frac == 0 {
		return
	}
	f := frac * scale
	if f > math.MaxInt64/2 || f < math.MinInt64/2 {
		a.overflow = true
		return
	}
	u := int64(f)
	f -= float64(u)
	switch {
	case f > 0.5:
		u++
	case f < -0.5:
		u--
	}
	a.addMicros(u)
}

func (a *intervalAcc) addFracDays(frac float64, scale float64) {
	if frac == 0 {
		return
	}
	extra := frac * scale
	d := int64(extra)
	a.days += d
	a.addFracMicros(extra-float64(d), microsPerDay)
}

// intervalUnits maps unit words to their unit.
var intervalUnits = map[string]byte{
	"microsecond": 'u', "microseconds": 'u', "us": 'u', "usec": 'u', "usecs": 'u', "useconds": 'u', "usecond": 'u',
	"millisecond": 'l', "milliseconds": 'l', "ms": 'l', "msec": 'l', "msecs": 'l', "mseconds": 'l', "msecond": 'l',
	"second": 's', "seconds": 's', "s": 's', "sec": 's', "secs": 's',
	"minute": 'i', "minutes": 'i', "m": 'i', "min": 'i', "mins": 'i',
	"hour": 'h', "hours": 'h', "h": 'h', "hr": 'h', "hrs": 'h',
	"day": 'd', "days": 'd', "d": 'd',
	"week": 'w', "weeks": 'w', "w": 'w',
	"month": 'M', "months": 'M', "mon": 'M', "mons": 'M',
	"year": 'y', "years": 'y', "y": 'y', "yr": 'y', "yrs": 'y',
	"decade": 'D', "decades": 'D', "dec": 'D', "decs": 'D',
	"century": 'c', "centuries": 'c', "c": 'c', "cent": 'c',
	"millennium": 'k', "millennia": 'k', "mil": 'k', "mils": 'k',
}

// add adds val+frac of unit to the accumulator.
func (a *intervalAcc) add(unit byte, val int64, frac float64) bool {
	if unit != 'u' && unit != 'l' && unit != 's' && unit != 'i' && unit != 'h' && (val > 1<<40 || val < -1<<40) {
		a.overflow = true
		return true
	}
	switch unit {
	case 'u':
		a.addMicros(val)
		a.addFracMicros(frac, 1)
	case 'l':
		a.addScaled(val, 1000)
		a.addFracMicros(frac, 1000)
	case 's':
		a.addScaled(val, microsPerSecond)
		a.addFracMicros(frac, microsPerSecond)
	case 'i':
		a.addScaled(val, microsPerMinute)
		a.addFracMicros(frac, microsPerMinute)
	case 'h':
		a.addScaled(val, microsPerHour)
		a.addFracMicros(frac, microsPerHour)
	case 'd':
		a.days += val
		a.addFracMicros(frac, microsPerDay)
	case 'w':
		a.days += val * 7
		a.addFracDays(frac, 7)
	case 'M':
		a.months += val
		a.addFracDays(frac, 30)
	case 'y':
		a.years += val
		a.months += int64(math.RoundToEven(frac * 12))
	case 'D':
		a.years += val * 10
		a.months += int64(math.RoundToEven(frac * 120))
	case 'c':
		a.years += val * 100
		a.months += int64(math.RoundToEven(frac * 1200))
	case 'k':
		a.years += val * 1000
		a.months += int64(math.RoundToEven(frac * 12000))
	default:
		return false
	}
	return true
}

// result converts the accumulator to an interval, checking ranges: a
// days or microseconds overflow is 22015, a months overflow 22008.
func (a *intervalAcc) result(s string, negate bool) (Datum, error) {
	months := a.years*12 + a.months
	days, micros := a.days, a.whole
	if negate {
		months, days, micros = -months, -days, -micros
	}
	if a.overflow || days > math.MaxInt32 || days < math.MinInt32 {
		return Datum{}, sqlerr.Newf(sqlerr.IntervalFieldOverflow, "interval field value out of range: \"%s\"", s)
	}
	if months > math.MaxInt32 || months < math.MinInt32 {
		return Datum{}, sqlerr.New(sqlerr.DatetimeFieldOverflow, "interval out of range")
	}
	return NewInterval(int32(months), int32(days), micros), nil
}

// splitSignedNumber splits "-1.5" into the integer -1 and the fraction -0.5.
func splitSignedNumber(s string) (int64, float64, bool) {
	neg := false
	body := s
	if body != "" && (body[0] == '+' || body[0] == '-') {
		neg = body[0] == '-'
		body = body[1:]
	}
	intText, fracText, hasPoint := strings.Cut(body, ".")
	if intText == "" && (!hasPoint || fracText == "") {
		return 0, 0, false
	}
	var v int64
	if intText != "" {
		var ok bool
		if v, ok = parseDigits(intText); !ok {
			return 0, 0, false
		}
	}
	f := 0.0
	if hasPoint && fracText != "" {
		for i := 0; i < len(fracText); i++ {
			if !isDigit(fracText[i]) {
				return 0, 0, false
			}
		}
		var err error
		if f, err = strconv.ParseFloat("0."+fracText, 64); err != nil {
			return 0, 0, false
		}
	}
	if neg {
		v, f = -v, -f
	}
	return v, f, true
}

// intervalClock parses [-]hh:mm[:ss[.fff]] or mm:ss.fff into micros;
// overflow reports a well-formed clock too large for the micros field.
func intervalClock(s string) (v int64, ok, overflow bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false, false
	}
	var h, m int64
	var secText string
	if len(parts) == 2 && strings.Contains(parts[1], ".") {
		if m, ok = parseDigits(parts[0]); !ok {
			return 0, false, false
		}
		secText = parts[1]
	} else {
		if h, ok = parseDigits(parts[0]); !ok {
			return 0, false, false
		}
		if m, ok = parseDigits(parts[1]); !ok {
			return 0, false, false
		}
		if len(parts) == 3 {
			secText = parts[2]
		}
	}
	var sec, frac int64
	if secText != "" {
		st, ft, _ := strings.Cut(secText, ".")
		if sec, ok = parseDigits(st); !ok {
			return 0, false, false
		}
		if frac, ok = parseFraction(ft); !ok {
			return 0, false, false
		}
	}
	if m > 59 || sec > 59 {
		return 0, false, false
	}
	var acc intervalAcc
	acc.addScaled(h, microsPerHour)
	acc.addMicros(m*microsPerMinute + sec*microsPerSecond + frac)
	if acc.overflow {
		return 0, false, true
	}
	v = acc.whole
	if neg {
		v = -v
	}
	return v, true, false
}

// parseInterval parses interval input in the postgres, SQL-standard
// year-month, ISO 8601 designator and "@ ... ago" forms.
func parseInterval(s string, t T) (Datum, error) {
	bad := func() error {
		return sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type interval: \"%s\"", s)
	}
	v := strings.TrimSpace(s)
	var acc intervalAcc
	if len(v) > 1 && (v[0] == 'P' || v[0] == 'p') {
		if !parseISOInterval(v[1:], &acc) && !parseISOAltInterval(v[1:], &acc) {
			return Datum{}, bad()
		}
		d, err := acc.result(s, false)
		if err != nil {
			return Datum{}, err
		}
		return roundIntervalDatum(d, t), nil
	}
	v = strings.TrimPrefix(v, "@")
	fields, derr := splitDateTime(v)
	if derr != nil || len(fields) == 0 {
		return Datum{}, bad()
	}
	unit := byte(0)
	ago := false
	seen := map[byte]bool{}
	mark := func(u byte) bool {
		if seen[u] {
			return false
		}
		seen[u] = true
		return true
	}
	for i := len(fields) - 1; i >= 0; i-- {
		f := fields[i]
		switch f.typ {
		case dtTime:
			c, ok, over := intervalClock(f.text)
			if over {
				acc.overflow = true
			}
			if (!ok && !over) || !mark('t') {
				return Datum{}, bad()
			}
			acc.addMicros(c)
			unit = 'd'
		case dtTZ, dtDate, dtNumber:
			if (f.typ == dtTZ) && strings.Contains(f.text, ":") {
				c, ok, over := intervalClock(f.text)
				if over {
					acc.overflow = true
				}
				if (!ok && !over) || !mark('t') {
					return Datum{}, bad()
				}
				acc.addMicros(c)
				unit = 'd'
				continue
			}
			if unit == 0 {
				unit = 's'
			}
			text := f.text
			body := strings.TrimLeft(text, "+-")
			if strings.ContainsAny(body, "-") {
				// SQL-standard years-months.
				yt, mt, _ := strings.Cut(body, "-")
				y, ok1 := parseDigits(yt)
				m, ok2 := parseDigits(mt)
				if !ok1 || !ok2 || strings.ContainsAny(mt, "-/.") || m > 11 || !mark('M') {
					return Datum{}, bad()
				}
				if text[0] == '-' {
					y, m = -y, -m
				}
				acc.years += y
				acc.months += m
				unit = 'M'
				continue
			}
			if strings.ContainsAny(body, "/") {
				return Datum{}, bad()
			}
			val, frac, ok := splitSignedNumber(text)
			if !ok || !mark(unit) || !acc.add(unit, val, frac) {
				return Datum{}, bad()
			}
		case dtString, dtSpecial:
			w := f.text
			if w == "ago" {
				if ago {
					return Datum{}, bad()
				}
				ago = true
				continue
			}
			u, ok := intervalUnits[w]
			if !ok {
				return Datum{}, bad()
			}
			unit = u
		default:
			return Datum{}, bad()
		}
	}
	d, err := acc.result(s, ago)
	if err != nil {
		return Datum{}, err
	}
	return roundIntervalDatum(d, t), nil
}

// parseISOInterval parses the part after "P" of an ISO 8601 designator
// interval such as P1Y2M3DT4H5M6.5S.
func parseISOInterval(s string, acc *intervalAcc) bool {
	inTime := false
	any := false
	for len(s) > 0 {
		if s[0] == 'T' || s[0] == 't' {
			if inTime {
				return false
			}
			inTime = true
			s = s[1:]
			continue
		}
		j := 0
		for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == '-' || s[j] == '+') {
			j++
		}
		if j == 0 || j == len(s) {
			return false
		}
		val, frac, ok := splitSignedNumber(s[:j])
		if !ok {
			return false
		}
		var unit byte
		switch s[j] | 0x20 {
		case 'y':
			unit = 'y'
		case 'm':
			unit = 'M'
			if inTime {
				unit = 'i'
			}
		case 'w':
			unit = 'w'
		case 'd':
			unit = 'd'
		case 'h':
			unit = 'h'
		case 's':
			unit = 's'
		default:
			return false
		}
		if (unit == 'h' || unit == 'i' || unit == 's') != inTime {
			return false
		}
		if !acc.add(unit, val, frac) {
			return false
		}
		any = true
		s = s[j+1:]
	}
	return any
}

// parseISOAltInterval parses the ISO 8601 alternative format after "P":
// YYYY-MM-DD, optionally followed by THH:MM:SS[.fff].
func parseISOAltInterval(s string, acc *intervalAcc) bool {
	date, clock, hasClock := strings.Cut(strings.ToUpper(s), "T")
	parts := strings.Split(date, "-")
	if len(parts) != 3 {
		return false
	}
	var ymd [3]int64
	for i, part := range parts {
		v, ok := parseDigits(part)
		if !ok {
			return false
		}
		ymd[i] = v
	}
	acc.years, acc.months, acc.days = ymd[0], ymd[1], ymd[2]
	if hasClock {
		c, ok, _ := intervalClock(clock)
		if !ok || strings.HasPrefix(clock, "-") {
			return false
		}
		acc.addMicros(c)
	}
	return true
}

// roundIntervalDatum applies the fractional-second precision of an
// interval typmod (the low 16 bits; 0xFFFF means full precision).
func roundIntervalDatum(d Datum, t T) Datum {
	if t.Mod < 0 {
		return d
	}
	p := t.Mod & 0xFFFF
	if p == 0xFFFF || p >= 6 {
		return d
	}
	d.i = roundMicros(d.i, p)
	return d
}
