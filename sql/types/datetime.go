package types

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Calendar arithmetic is proleptic Gregorian with astronomical years
// (1 BC is year 0), as Postgres computes it.

const (
	microsPerSecond = 1_000_000
	microsPerMinute = 60 * microsPerSecond
	microsPerHour   = 60 * microsPerMinute
	microsPerDay    = 24 * microsPerHour
	secondsPerDay   = 86400

	// pgEpochMicros is 2000-01-01 00:00:00, Postgres' epoch, in Unix micros.
	pgEpochMicros = 946684800 * microsPerSecond
	// pgEpochDays is 2000-01-01 in days since 1970-01-01.
	pgEpochDays = 10957

	// The range Postgres accepts: 4714-11-24 BC (Julian day 0) up to
	// 5874897-12-31 for dates. Timestamps end at the largest value the
	// int64 Unix-micro representation can hold short of the infinity
	// sentinel (294247-01-10 04:00:54.775806), a little before Postgres'
	// 294276-12-31.
	minDateDays      = -2440588
	maxDateDays      = 2145042905
	minTimestampUnix = minDateDays * microsPerDay
	maxTimestampUnix = math.MaxInt64 - 1
)

// floorDiv returns a/b rounded toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the days since 1970-01-01 of y-m-d.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays returns the date of days since 1970-01-01.
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	if mp < 10 {
		m = int(mp + 3)
	} else {
		m = int(mp - 9)
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

var monthDays = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func daysInMonth(y int64, m int) int {
	if m == 2 && isLeap(y) {
		return 29
	}
	return monthDays[m]
}

// appendPad appends v in decimal, zero-padded to width digits.
func appendPad(buf []byte, v int64, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for v >= 10 || width > len(tmp)-i+1 {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	tmp[i] = byte('0' + v)
	return append(buf, tmp[i:]...)
}

// appendYMD appends y-m-d with a 4-digit minimum year, returning whether the
// year is BC (the caller appends " BC" where Postgres puts it).
func appendYMD(buf []byte, y int64, m, d int) ([]byte, bool) {
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	buf = appendPad(buf, y, 4)
	buf = append(buf, '-')
	buf = appendPad(buf, int64(m), 2)
	buf = append(buf, '-')
	buf = appendPad(buf, int64(d), 2)
	return buf, bc
}

// appendDate appends a date as Postgres prints it in ISO style.
func appendDate(buf []byte, days int64) []byte {
	switch days {
	case DateInfinity:
		return append(buf, "infinity"...)
	case DateNegInfinity:
		return append(buf, "-infinity"...)
	}
	y, m, d := civilFromDays(days)
	buf, bc := appendYMD(buf, y, m, d)
	if bc {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendClock appends hh:mm:ss[.ffffff] for micros since midnight (up to
// 24:00:00), trimming trailing zeros of the fraction.
func appendClock(buf []byte, micros int64) []byte {
	h := micros / microsPerHour
	micros -= h * microsPerHour
	mi := micros / microsPerMinute
	micros -= mi * microsPerMinute
	buf = appendPad(buf, h, 2)
	buf = append(buf, ':')
	buf = appendPad(buf, mi, 2)
	buf = append(buf, ':')
	return appendSeconds(buf, micros)
}

// appendSeconds appends ss[.ffffff] for a non-negative count of micros
// below one minute (or any count, for intervals), trimming fraction zeros.
func appendSeconds(buf []byte, micros int64) []byte {
	s := micros / microsPerSecond
	f := micros % microsPerSecond
	buf = appendPad(buf, s, 2)
	if f == 0 {
		return buf
	}
	buf = append(buf, '.')
	n := 6
	for f%10 == 0 {
		f /= 10
		n--
	}
	return appendPad(buf, f, n)
}

// appendTimestamp appends a timestamp (tz false, the value is the wall
// clock) or a timestamptz (tz true, shown in loc with its offset).
func appendTimestamp(buf []byte, micros int64, tz bool, loc *time.Location) []byte {
	switch micros {
	case TimestampInfinity:
		return append(buf, "infinity"...)
	case TimestampNegInfinity:
		return append(buf, "-infinity"...)
	}
	offset := int64(0)
	if tz {
		offset = zoneOffsetAt(floorDiv(micros, microsPerSecond), loc)
	}
	local := micros + offset*microsPerSecond
	days := floorDiv(local, microsPerDay)
	y, m, d := civilFromDays(days)
	buf, bc := appendYMD(buf, y, m, d)
	buf = append(buf, ' ')
	buf = appendClock(buf, local-days*microsPerDay)
	if tz {
		buf = appendOffset(buf, offset)
	}
	if bc {
		buf = append(buf, " BC"...)
	}
	return buf
}

// appendOffset appends a UTC offset in seconds east as Postgres prints it:
// +hh, +hh:mm or +hh:mm:ss.
func appendOffset(buf []byte, offset int64) []byte {
	if offset < 0 {
		buf = append(buf, '-')
		offset = -offset
	} else {
		buf = append(buf, '+')
	}
	h, mi, s := offset/3600, offset/60%60, offset%60
	buf = appendPad(buf, h, 2)
	if mi != 0 || s != 0 {
		buf = append(buf, ':')
		buf = appendPad(buf, mi, 2)
	}
	if s != 0 {
		buf = append(buf, ':')
		buf = appendPad(buf, s, 2)
	}
	return buf
}

// zoneOffsetAt returns the UTC offset of loc, in seconds east, at the Unix
// time sec.
func zoneOffsetAt(sec int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return 0
	}
	_, off := time.Unix(sec, 0).In(loc).Zone()
	return int64(off)
}

// zoneOffsetForLocal returns the UTC offset of loc, in seconds east, that
// applies to the wall-clock time local (seconds since 1970-01-01 as if UTC).
// Like Postgres, a time skipped by a spring-forward transition takes the
// offset before it and an ambiguous time after a fall-back takes the offset
// after it.
func zoneOffsetForLocal(local int64, loc *time.Location) int64 {
	if loc == nil || loc == time.UTC {
		return 0
	}
	prev := time.Unix(local-secondsPerDay, 0).In(loc)
	_, before := prev.Zone()
	_, end := prev.ZoneBounds()
	if end.IsZero() {
		return int64(before)
	}
	boundary := end.Unix()
	_, after := end.In(loc).Zone()
	bt, at := local-int64(before), local-int64(after)
	switch {
	case bt < boundary && at < boundary:
		return int64(before)
	case bt >= boundary && at >= boundary:
		return int64(after)
	case bt > at:
		return int64(before)
	}
	return int64(after)
}

// Typmod rounding of fractional seconds: scales[p] is 10^(6-p).
var fracScales = [7]int64{1_000_000, 100_000, 10_000, 1_000, 100, 10, 1}

// roundMicros rounds micros to precision p (0..6) fractional digits, half
// away from zero.
func roundMicros(v int64, p int32) int64 {
	if p < 0 || p >= 6 {
		return v
	}
	sc := fracScales[p]
	if v >= 0 {
		return (v + sc/2) / sc * sc
	}
	return -((-v + sc/2) / sc * sc)
}

// roundTimestamp applies a timestamp(p) typmod as Postgres does, rounding
// relative to its 2000-01-01 epoch.
func roundTimestamp(micros int64, mod int32) int64 {
	if mod < 0 || mod >= 6 || micros == TimestampInfinity || micros == TimestampNegInfinity {
		return micros
	}
	return roundMicros(micros-pgEpochMicros, mod) + pgEpochMicros
}

// dtError builds the Postgres date/time input errors.
type dtErrKind int

const (
	dtBadFormat dtErrKind = iota
	dtFieldOverflow
	dtMDFieldOverflow
	dtTZDispOverflow
	dtBadTimezone
)

type dtError struct {
	kind dtErrKind
	zone string
}

func (e *dtError) toSQL(s, typ string) error {
	switch e.kind {
	case dtFieldOverflow:
		return sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
	case dtMDFieldOverflow:
		return sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s).
			WithHint("Perhaps you need a different \"datestyle\" setting.")
	case dtTZDispOverflow:
		return sqlerr.Newf(sqlerr.InvalidTimeZoneDisplacement, "time zone displacement out of range: \"%s\"", s)
	case dtBadTimezone:
		return sqlerr.Newf(sqlerr.InvalidParameterValue, "time zone \"%s\" not recognized", e.zone)
	}
	return sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "invalid input syntax for type %s: \"%s\"", typ, s)
}

// dtField is one token of a date/time string.
type dtField struct {
	typ  dtFieldType
	text string // lower-cased
	orig string // as written (for zone names)
}

type dtFieldType uint8

const (
	dtNumber  dtFieldType = iota // 123, 12.5
	dtDate                       // 2024-01-05, 1/5/2024, jan-05-2024, america/new_york
	dtTime                       // 13:05:00.5
	dtTZ                         // +02, -08:00
	dtString                     // words
	dtSpecial                    // -infinity and other signed words
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// splitDateTime tokenizes a date/time string the way Postgres'
// ParseDateTime does, closely enough for the forms Freshet accepts.
func splitDateTime(s string) ([]dtField, *dtError) {
	var fields []dtField
	i := 0
	add := func(t dtFieldType, start, end int) {
		fields = append(fields, dtField{typ: t, text: strings.ToLower(s[start:end]), orig: s[start:end]})
	}
	for i < len(s) {
		c := s[i]
		start := i
		switch {
		case isSpace(c):
			i++
		case isDigit(c):
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			switch {
			case i < len(s) && s[i] == ':':
				for i < len(s) && (isDigit(s[i]) || s[i] == ':' || s[i] == '.') {
					i++
				}
				add(dtTime, start, i)
			case i < len(s) && (s[i] == '-' || s[i] == '/' || s[i] == '.'):
				delim := s[i]
				i++
				if i < len(s) && isDigit(s[i]) {
					for i < len(s) && isDigit(s[i]) {
						i++
					}
					if i < len(s) && s[i] == delim {
						for i < len(s) && (isDigit(s[i]) || s[i] == delim) {
							i++
						}
						add(dtDate, start, i)
					} else if delim == '.' {
						add(dtNumber, start, i)
					} else {
						add(dtDate, start, i)
					}
				} else {
					for i < len(s) && (isDigit(s[i]) || isAlpha(s[i]) || s[i] == delim) {
						i++
					}
					add(dtDate, start, i)
				}
			default:
				add(dtNumber, start, i)
			}
		case c == '.':
			i++
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			add(dtNumber, start, i)
		case isAlpha(c):
			for i < len(s) && isAlpha(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '/' || ((s[i] == '-' || s[i] == '.' || s[i] == '_' || s[i] == '+') && i+1 < len(s) && (isAlpha(s[i+1]) || isDigit(s[i+1])))) {
				for i < len(s) && (isAlpha(s[i]) || isDigit(s[i]) || strings.IndexByte("/-._+:", s[i]) >= 0) {
					i++
				}
				add(dtDate, start, i)
			} else if i < len(s) && isDigit(s[i]) && !(i-start == 1 && (c|0x20) == 't') {
				// POSIX-style zone names such as EST5EDT.
				for i < len(s) && (isAlpha(s[i]) || isDigit(s[i])) {
					i++
				}
				add(dtDate, start, i)
			} else {
				add(dtString, start, i)
			}
		case c == '+' || c == '-':
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			switch {
			case i < len(s) && isDigit(s[i]):
				for i < len(s) && (isDigit(s[i]) || s[i] == ':' || s[i] == '.' || s[i] == '-') {
					i++
				}
				add(dtTZ, start, i)
			case i < len(s) && isAlpha(s[i]):
				for i < len(s) && isAlpha(s[i]) {
					i++
				}
				add(dtSpecial, start, i)
			default:
				return nil, &dtError{kind: dtBadFormat}
			}
		case c == ',' || c == '(' || c == ')':
			i++
		default:
			return nil, &dtError{kind: dtBadFormat}
		}
	}
	return fields, nil
}

// dtParts is the outcome of decoding the fields of a date/time string.
type dtParts struct {
	year           int64
	yearDigits     int
	month, day     int
	hasYear        bool
	hasMonth       bool
	hasDay         bool
	hour, min, sec int
	frac           int64 // micros
	hasTime        bool
	ampm           int // 0 none, 1 am, 2 pm
	bc             bool
	hasTZ          bool
	tzOffset       int64 // seconds east, when tzLoc is nil
	tzLoc          *time.Location
	special        string // epoch, infinity, -infinity, now, allballs
	relDays        int    // today/tomorrow/yesterday: 0/+1/-1
	hasRel         bool
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

var dayNames = map[string]bool{
	"sun": true, "sunday": true, "mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true,
	"fri": true, "friday": true, "sat": true, "saturday": true,
}

// zoneAbbrevs holds fixed-offset abbreviations of Postgres' Default
// timezone_abbreviations set, in seconds east.
var zoneAbbrevs = map[string]int64{
	"utc": 0, "gmt": 0, "z": 0, "zulu": 0, "ut": 0, "wet": 0,
	"est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
	"mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
	"akst": -9 * 3600, "akdt": -8 * 3600, "hst": -10 * 3600,
	"cet": 3600, "cest": 2 * 3600, "met": 3600, "mest": 2 * 3600, "bst": 3600, "west": 3600,
	"eet": 2 * 3600, "eest": 3 * 3600, "ist": 2 * 3600, "msk": 3 * 3600,
	"jst": 9 * 3600, "kst": 9 * 3600, "hkt": 8 * 3600, "sgt": 8 * 3600, "awst": 8 * 3600,
	"acst": 9*3600 + 1800, "aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600,
}

// posixOffset reads a POSIX zone of a name and an offset without daylight
// rules, such as gmt+5 or est5, whose offset is west of Greenwich: gmt+5 is
// five hours behind UTC.
func posixOffset(s string) (int64, bool) {
	i := 0
	for i < len(s) && isAlpha(s[i]) {
		i++
	}
	if i < 3 || i == len(s) {
		return 0, false
	}
	sign := int64(-1)
	rest := s[i:]
	if rest[0] == '+' || rest[0] == '-' {
		if rest[0] == '-' {
			sign = 1
		}
		rest = rest[1:]
	}
	hText, mText, hasMin := strings.Cut(rest, ":")
	h, ok := parseDigits(hText)
	if !ok || len(hText) > 2 || h > 24 {
		return 0, false
	}
	m := int64(0)
	if hasMin {
		if m, ok = parseDigits(mText); !ok || len(mText) != 2 || m > 59 {
			return 0, false
		}
	}
	return sign * (h*3600 + m*60), true
}

// loadZone resolves a full time zone name such as America/New_York,
// trying the name as written and then with each part capitalised, since
// Postgres matches zone names without regard to case.
func loadZone(name string) (*time.Location, bool) {
	if strings.EqualFold(name, "utc") || strings.EqualFold(name, "gmt") {
		return time.UTC, true
	}
	if loc, err := time.LoadLocation(name); err == nil && name != "" && name != "Local" {
		return loc, true
	}
	b := []byte(strings.ToLower(name))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
		up = c == '/' || c == '_' || c == '-'
	}
	if loc, err := time.LoadLocation(string(b)); err == nil {
		return loc, true
	}
	return nil, false
}

// parseDigits parses a run of ASCII digits, reporting failure on anything else
// or on overflow past 10^15.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 15 {
		return 0, false
	}
	v := int64(0)
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int64(s[i]-'0')
	}
	return v, true
}

// parseFraction parses the digits after a decimal point into micros,
// rounding as Postgres does (rint of the fraction times 10^6).
func parseFraction(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	if len(s) > 30 {
		s = s[:30]
	}
	// Read the fraction as C's strtod would, then round as rint does.
	var buf [32]byte
	f, err := strconv.ParseFloat(string(append(append(buf[:0], '.'), s...)), 64)
	if err != nil {
		return 0, false
	}
	return int64(math.RoundToEven(f * microsPerSecond)), true
}

// decodeTimeField decodes hh:mm[:ss[.fff]] into p.
func (p *dtParts) decodeTimeField(s string) *dtError {
	if p.hasTime {
		return &dtError{kind: dtBadFormat}
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return &dtError{kind: dtBadFormat}
	}
	h, ok1 := parseDigits(parts[0])
	if strings.Contains(parts[1], ".") && len(parts) == 2 {
		// mm:ss.fff form is only for intervals; treat hh:mm.fff as bad.
		return &dtError{kind: dtBadFormat}
	}
	m, ok2 := parseDigits(parts[1])
	if !ok1 || !ok2 {
		return &dtError{kind: dtBadFormat}
	}
	var sec, frac int64
	if len(parts) == 3 {
		secText, fracText, _ := strings.Cut(parts[2], ".")
		var ok bool
		if sec, ok = parseDigits(secText); !ok {
			return &dtError{kind: dtBadFormat}
		}
		if frac, ok = parseFraction(fracText); !ok {
			return &dtError{kind: dtBadFormat}
		}
	}
	p.hour, p.min, p.sec, p.frac, p.hasTime = int(min64(h, 1<<20)), int(min64(m, 1<<20)), int(min64(sec, 1<<20)), frac, true
	return nil
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

// decodeTZField decodes +hh, +hhmm, +hh:mm or +hh:mm:ss into p.
func (p *dtParts) decodeTZField(s string) *dtError {
	if p.hasTZ {
		return &dtError{kind: dtBadFormat}
	}
	sign := int64(1)
	if s[0] == '-' {
		sign = -1
	}
	body := strings.TrimLeft(s[1:], " \t")
	var h, m, sec int64
	var ok bool
	if strings.Contains(body, ":") {
		parts := strings.Split(body, ":")
		if len(parts) > 3 {
			return &dtError{kind: dtBadFormat}
		}
		vals := [3]int64{}
		for i, part := range parts {
			if vals[i], ok = parseDigits(part); !ok {
				return &dtError{kind: dtBadFormat}
			}
		}
		h, m, sec = vals[0], vals[1], vals[2]
	} else {
		v, ok := parseDigits(body)
		if !ok {
			return &dtError{kind: dtBadFormat}
		}
		switch len(body) {
		case 1, 2:
			h = v
		case 3, 4:
			h, m = v/100, v%100
		case 5, 6:
			h, m, sec = v/10000, v/100%100, v%100
		default:
			return &dtError{kind: dtBadFormat}
		}
	}
	if h > 15 || m >= 60 || sec >= 60 {
		return &dtError{kind: dtTZDispOverflow}
	}
	p.hasTZ = true
	p.tzOffset = sign * (h*3600 + m*60 + sec)
	return nil
}

// twoDigitYear converts a year written with at most two digits as Postgres does.
func twoDigitYear(y int64, digits int) int64 {
	if digits > 2 {
		return y
	}
	if y < 70 {
		return y + 2000
	}
	if y < 100 {
		return y + 1900
	}
	return y
}

// decodeDateField decodes a delimited date such as 2024-01-05, 1/5/2024 or
// 05-jan-2024 (DateStyle MDY).
func (p *dtParts) decodeDateField(f dtField) *dtError {
	if p.hasYear || p.hasMonth || p.hasDay {
		return &dtError{kind: dtBadFormat}
	}
	var parts []string
	start := 0
	for i := 0; i <= len(f.text); i++ {
		if i == len(f.text) || f.text[i] == '-' || f.text[i] == '/' || f.text[i] == '.' {
			parts = append(parts, f.text[start:i])
			start = i + 1
		}
	}
	if len(parts) != 3 {
		return &dtError{kind: dtBadFormat}
	}
	var nums []string
	for _, part := range parts {
		if part != "" && isAlpha(part[0]) {
			m, ok := monthNames[part]
			if !ok || p.hasMonth {
				return &dtError{kind: dtBadFormat}
			}
			p.month, p.hasMonth = m, true
			continue
		}
		nums = append(nums, part)
	}
	vals := make([]int64, len(nums))
	for i, n := range nums {
		v, ok := parseDigits(n)
		if !ok {
			return &dtError{kind: dtBadFormat}
		}
		vals[i] = v
	}
	setYear := func(i int) {
		p.year, p.yearDigits, p.hasYear = vals[i], len(nums[i]), true
	}
	if p.hasMonth {
		if len(nums) != 2 {
			return &dtError{kind: dtBadFormat}
		}
		if len(nums[0]) > 2 {
			setYear(0)
			p.day, p.hasDay = int(vals[1]), true
		} else {
			p.day, p.hasDay = int(vals[0]), true
			setYear(1)
		}
		return nil
	}
	if len(nums[0]) > 2 {
		setYear(0)
		p.month, p.day = int(min64(vals[1], 99)), int(min64(vals[2], 99))
	} else {
		p.month, p.day = int(min64(vals[0], 99)), int(min64(vals[1], 99))
		setYear(2)
	}
	p.hasMonth, p.hasDay = true, true
	return nil
}

// decodeNumberField decodes an undelimited number: a YYYYMMDD or YYMMDD
// date, a day or year next to a month name, or a day of month.
func (p *dtParts) decodeNumberField(s string) *dtError {
	if strings.Contains(s, ".") {
		return &dtError{kind: dtBadFormat}
	}
	v, ok := parseDigits(s)
	if !ok {
		return &dtError{kind: dtBadFormat}
	}
	switch {
	case !p.hasYear && !p.hasMonth && !p.hasDay && (len(s) == 8 || len(s) == 6):
		if len(s) == 8 {
			p.year, p.yearDigits = v/10000, 4
		} else {
			p.year, p.yearDigits = v/10000, 2
		}
		p.month, p.day = int(v/100%100), int(v%100)
		p.hasYear, p.hasMonth, p.hasDay = true, true, true
	case (len(s) > 2 || p.hasDay) && !p.hasYear:
		p.year, p.yearDigits, p.hasYear = v, len(s), true
	case !p.hasDay && len(s) <= 2:
		p.day, p.hasDay = int(v), true
	default:
		return &dtError{kind: dtBadFormat}
	}
	return nil
}

// decodeDateTime decodes the fields of a date/time string.
// timeOnly selects how undelimited numbers read: as hhmm[ss] for time
// input, as [YY]YYMMDD dates otherwise.
func decodeDateTime(s string, timeOnly bool) (*dtParts, *dtError) {
	fields, derr := splitDateTime(s)
	if derr != nil {
		return nil, derr
	}
	if len(fields) == 0 {
		return nil, &dtError{kind: dtBadFormat}
	}
	p := &dtParts{}
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		var err *dtError
		switch f.typ {
		case dtTime:
			err = p.decodeTimeField(f.text)
		case dtTZ:
			err = p.decodeTZField(f.text)
		case dtDate:
			if jd, ok := julianDay(f.text); ok {
				if p.hasYear || p.hasMonth || p.hasDay {
					return nil, &dtError{kind: dtBadFormat}
				}
				p.setDays(jd - julianUnixEpoch)
				break
			}
			if first, rest, ok := strings.Cut(f.text, "-"); ok && timeOnly && !p.hasTime && strings.Count(f.text, "-") == 1 && (len(first) == 4 || len(first) == 6) && isDigit(first[0]) {
				// hhmmss-zz in time input.
				if err = p.decodeISOTime(first); err == nil {
					err = p.decodeTZField("-" + rest)
				}
				break
			}
			if isAlpha(f.text[0]) && !strings.ContainsAny(f.text, "-.") || strings.Contains(f.text, "/") && isAlpha(f.text[0]) {
				err = p.setZone(f)
			} else {
				err = p.decodeDateField(f)
				if err != nil && isAlpha(f.text[0]) {
					if zerr := p.setZone(f); zerr == nil {
						err = nil
					}
				}
			}
		case dtNumber:
			whole, _, _ := strings.Cut(f.text, ".")
			switch {
			case (p.hasDate() || timeOnly) && !p.hasTime && (len(whole) == 6 || len(whole) == 4):
				err = p.decodeISOTime(f.text)
			case len(whole) == 4 && len(f.text) == 8 && f.text[4] == '.' && !p.hasYear && !p.hasMonth && !p.hasDay:
				// yyyy.ddd: a year and a day of the year.
				y, _ := parseDigits(whole)
				doy, ok := parseDigits(f.text[5:])
				if !ok || doy < 1 || doy > 366 {
					return nil, &dtError{kind: dtFieldOverflow}
				}
				p.setDays(daysFromCivil(y, 1, 1) + doy - 1)
			default:
				err = p.decodeNumberField(f.text)
			}
		case dtSpecial:
			switch f.text {
			case "-infinity":
				if p.special != "" {
					return nil, &dtError{kind: dtBadFormat}
				}
				p.special = f.text
			default:
				return nil, &dtError{kind: dtBadFormat}
			}
		case dtString:
			err = p.decodeWord(f, fields, &i)
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (p *dtParts) hasDate() bool { return p.hasYear && p.hasMonth && p.hasDay }

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

// julianDay parses a Julian day written as J followed by digits.
func julianDay(s string) (int64, bool) {
	if len(s) < 2 || s[0] != 'j' {
		return 0, false
	}
	return parseDigits(s[1:])
}

// setDays sets the date fields to the date days since 1970-01-01.
func (p *dtParts) setDays(days int64) {
	y, m, d := civilFromDays(days)
	if y <= 0 {
		y, p.bc = 1-y, true
	}
	p.year, p.yearDigits, p.month, p.day = y, 4, m, d
	p.hasYear, p.hasMonth, p.hasDay = true, true, true
}

// setZone records a named or abbreviated time zone.
func (p *dtParts) setZone(f dtField) *dtError {
	if p.hasTZ {
		return &dtError{kind: dtBadFormat}
	}
	if off, ok := zoneAbbrevs[f.text]; ok {
		p.hasTZ, p.tzOffset = true, off
		return nil
	}
	if off, ok := posixOffset(f.text); ok {
		p.hasTZ, p.tzOffset = true, off
		return nil
	}
	loc, ok := loadZone(f.orig)
	if !ok {
		return &dtError{kind: dtBadTimezone, zone: f.text}
	}
	p.hasTZ, p.tzLoc = true, loc
	return nil
}

// decodeWord decodes a word: month and day names, AM/PM, AD/BC, the ISO
// "T" separator, special values and time zones.
func (p *dtParts) decodeWord(f dtField, fields []dtField, i *int) *dtError {
	w := f.text
	if m, ok := monthNames[w]; ok {
		if p.hasMonth {
			return &dtError{kind: dtBadFormat}
		}
		p.month, p.hasMonth = m, true
		return nil
	}
	if dayNames[w] {
		return nil
	}
	switch w {
	case "am", "a":
		p.ampm = 1
		return nil
	case "pm", "p":
		p.ampm = 2
		return nil
	case "ad":
		return nil
	case "bc":
		p.bc = true
		return nil
	case "t":
		if *i+1 < len(fields) && (fields[*i+1].typ == dtTime || fields[*i+1].typ == dtNumber) {
			if fields[*i+1].typ == dtNumber {
				*i++
				return p.decodeISOTime(fields[*i].text)
			}
			return nil
		}
		return &dtError{kind: dtBadFormat}
	case "epoch", "infinity", "now", "allballs":
		if p.special != "" || p.hasRel {
			return &dtError{kind: dtBadFormat}
		}
		p.special = w
		return nil
	case "today", "tomorrow", "yesterday":
		if p.special != "" || p.hasRel {
			return &dtError{kind: dtBadFormat}
		}
		p.hasRel = true
		p.relDays = map[string]int{"today": 0, "tomorrow": 1, "yesterday": -1}[w]
		return nil
	case "at", "on":
		return nil
	}
	if err := p.setZone(f); err != nil {
		return &dtError{kind: dtBadFormat}
	}
	return nil
}

// decodeISOTime decodes an undelimited ISO time after "T": hh, hhmm or hhmmss.
func (p *dtParts) decodeISOTime(s string) *dtError {
	text, fracText, _ := strings.Cut(s, ".")
	v, ok := parseDigits(text)
	frac, fok := parseFraction(fracText)
	if !ok || !fok || p.hasTime {
		return &dtError{kind: dtBadFormat}
	}
	switch len(text) {
	case 2:
		p.hour = int(v)
	case 4:
		p.hour, p.min = int(v/100), int(v%100)
	case 6:
		p.hour, p.min, p.sec = int(v/10000), int(v/100%100), int(v%100)
	default:
		return &dtError{kind: dtBadFormat}
	}
	p.frac, p.hasTime = frac, true
	return nil
}

// clockMicros validates the time fields (applying AM/PM) and returns micros
// since midnight (up to 24:00:00).
func (p *dtParts) clockMicros() (int64, *dtError) {
	h := p.hour
	switch p.ampm {
	case 1:
		if h > 12 {
			return 0, &dtError{kind: dtFieldOverflow}
		}
		if h == 12 {
			h = 0
		}
	case 2:
		if h > 12 {
			return 0, &dtError{kind: dtFieldOverflow}
		}
		if h != 12 {
			h += 12
		}
	}
	if h < 0 || h > 24 || p.min < 0 || p.min > 59 || p.sec < 0 || p.sec > 60 || p.frac < 0 || p.frac > microsPerSecond ||
		(h == 24 && (p.min > 0 || p.sec > 0 || p.frac > 0)) {
		return 0, &dtError{kind: dtFieldOverflow}
	}
	return int64(h)*microsPerHour + int64(p.min)*microsPerMinute + int64(p.sec)*microsPerSecond + p.frac, nil
}

// civilDays validates the date fields and returns days since 1970-01-01.
func (p *dtParts) civilDays() (int64, *dtError) {
	if !p.hasDate() {
		return 0, &dtError{kind: dtBadFormat}
	}
	y := p.year
	if !p.bc {
		y = twoDigitYear(y, p.yearDigits)
	}
	if p.bc {
		if y == 0 {
			return 0, &dtError{kind: dtFieldOverflow}
		}
		y = 1 - y
	} else if y == 0 {
		return 0, &dtError{kind: dtFieldOverflow}
	}
	if p.month < 1 || p.month > 12 {
		if p.month > 12 && p.day >= 1 && p.day <= 12 {
			return 0, &dtError{kind: dtMDFieldOverflow}
		}
		return 0, &dtError{kind: dtFieldOverflow}
	}
	if p.day < 1 || p.day > daysInMonth(y, p.month) {
		return 0, &dtError{kind: dtFieldOverflow}
	}
	if y < -5000000 || y > 6000000 {
		return 0, &dtError{kind: dtFieldOverflow}
	}
	return daysFromCivil(y, p.month, p.day), nil
}

// now returns the statement time of ctx (the wall clock when unset).
func (ctx *FormatContext) now() time.Time {
	if ctx.Now.IsZero() {
		return time.Now()
	}
	return ctx.Now
}

// localNowMicros returns the statement time as wall-clock micros in the
// session zone.
func (ctx *FormatContext) localNowMicros() int64 {
	n := ctx.now()
	return n.UnixMicro() + zoneOffsetAt(n.Unix(), ctx.location())*microsPerSecond
}

// parseDate parses date input.
func parseDate(s string, ctx *FormatContext) (Datum, error) {
	p, derr := decodeDateTime(s, false)
	if derr != nil {
		return Datum{}, derr.toSQL(s, "date")
	}
	var days int64
	switch {
	case p.special == "infinity":
		return NewDate(DateInfinity), nil
	case p.special == "-infinity":
		return NewDate(DateNegInfinity), nil
	case p.special == "epoch":
		days = 0
	case p.special == "now" || p.hasRel:
		days = floorDiv(ctx.localNowMicros(), microsPerDay) + int64(p.relDays)
	case p.special != "":
		return Datum{}, (&dtError{}).toSQL(s, "date")
	default:
		if p.hasTime {
			if _, err := p.clockMicros(); err != nil {
				return Datum{}, err.toSQL(s, "date")
			}
		}
		var err *dtError
		if days, err = p.civilDays(); err != nil {
			return Datum{}, err.toSQL(s, "date")
		}
	}
	if days < minDateDays || days > maxDateDays {
		return Datum{}, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date out of range: \"%s\"", s)
	}
	return NewDate(int32(days)), nil
}

// parseTimestamp parses timestamp (tz false) or timestamptz (tz true) input.
func parseTimestamp(s string, t T, ctx *FormatContext) (Datum, error) {
	kind, typ := KindTimestamp, "timestamp"
	if t.Kind == KindTimestampTZ {
		kind, typ = KindTimestampTZ, "timestamp with time zone"
	}
	tz := kind == KindTimestampTZ
	p, derr := decodeDateTime(s, false)
	if derr != nil {
		return Datum{}, derr.toSQL(s, typ)
	}
	var local int64
	switch {
	case p.special == "infinity":
		return NewTimestamp(kind, TimestampInfinity), nil
	case p.special == "-infinity":
		return NewTimestamp(kind, TimestampNegInfinity), nil
	case p.special == "epoch":
		return NewTimestamp(kind, 0), nil
	case p.special == "now":
		if tz {
			return NewTimestamp(kind, roundTimestamp(ctx.now().UnixMicro(), t.Mod)), nil
		}
		return NewTimestamp(kind, roundTimestamp(ctx.localNowMicros(), t.Mod)), nil
	case p.special != "":
		return Datum{}, (&dtError{}).toSQL(s, typ)
	case p.hasRel:
		days := floorDiv(ctx.localNowMicros(), microsPerDay) + int64(p.relDays)
		clock := int64(0)
		if p.hasTime {
			var err *dtError
			if clock, err = p.clockMicros(); err != nil {
				return Datum{}, err.toSQL(s, typ)
			}
		}
		local = days*microsPerDay + clock
	default:
		days, err := p.civilDays()
		if err != nil {
			return Datum{}, err.toSQL(s, typ)
		}
		clock := int64(0)
		if p.hasTime {
			if clock, err = p.clockMicros(); err != nil {
				return Datum{}, err.toSQL(s, typ)
			}
		}
		if days < minDateDays-1 || days > maxDateDays {
			return Datum{}, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
		}
		hi, lo := mul64(days, microsPerDay)
		if hi != 0 && hi != -1 {
			return Datum{}, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
		}
		local = lo
		if local > maxTimestampUnix-clock {
			return Datum{}, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
		}
		local += clock
	}
	v := local
	if tz {
		var off int64
		switch {
		case p.hasTZ && p.tzLoc != nil:
			off = zoneOffsetForLocal(floorDiv(local, microsPerSecond), p.tzLoc)
		case p.hasTZ:
			off = p.tzOffset
		default:
			off = zoneOffsetForLocal(floorDiv(local, microsPerSecond), ctx.location())
		}
		v = local - off*microsPerSecond
	}
	if v < minTimestampUnix || v > maxTimestampUnix || local > maxTimestampUnix {
		return Datum{}, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "timestamp out of range: \"%s\"", s)
	}
	return NewTimestamp(kind, roundTimestamp(v, t.Mod)), nil
}

// mul64 returns the 128-bit product of a and b as (hi, lo) with hi the sign
// extension when the product fits in 64 bits.
func mul64(a, b int64) (hi, lo int64) {
	p := a * b
	if a != 0 && (p/a != b || (a == -1 && b == math.MinInt64)) {
		return 1, p
	}
	if p < 0 {
		return -1, p
	}
	return 0, p
}

// parseTime parses time (without time zone) input; a zone, if given, is
// ignored as Postgres ignores it.
func parseTime(s string, t T, ctx *FormatContext) (Datum, error) {
	p, derr := decodeDateTime(s, true)
	if derr != nil {
		return Datum{}, derr.toSQL(s, "time")
	}
	switch p.special {
	case "allballs":
		return NewTime(0), nil
	case "now":
		v := ctx.localNowMicros()
		return NewTime(roundTime(v-floorDiv(v, microsPerDay)*microsPerDay, t.Mod)), nil
	case "":
	default:
		return Datum{}, (&dtError{}).toSQL(s, "time")
	}
	if !p.hasTime {
		return Datum{}, (&dtError{}).toSQL(s, "time")
	}
	if p.hasYear || p.hasMonth || p.hasDay {
		if _, err := p.civilDays(); err != nil {
			return Datum{}, err.toSQL(s, "time")
		}
	}
	v, err := p.clockMicros()
	if err != nil {
		return Datum{}, err.toSQL(s, "time")
	}
	return NewTime(roundTime(v, t.Mod)), nil
}

// roundTime applies a time(p) typmod.
func roundTime(v int64, mod int32) int64 { return roundMicros(v, mod) }
