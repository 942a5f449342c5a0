package builtin

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/apd/v3"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// toCharFuncs are to_char for date/times, intervals and numbers, and
// to_date / to_timestamp(text, text), which parse with the same patterns.
func toCharFuncs() []*Func {
	t := types.Text
	fs := []*Func{
		binop("to_char", types.Timestamp, t, t, func(x, y types.Datum) (types.Datum, error) {
			return toCharTime(splitMicros(x.Int()), x.Int(), y.Str(), nil, false)
		}),
		{Name: "to_char", Args: args(types.TimestampTZ, t), Ret: t, Strict: true, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			loc := ctx.location()
			return toCharTime(splitMicros(toLocal(loc, v[0].Int())), v[0].Int(), v[1].Str(), loc, false)
		}},
		binop("to_char", types.Interval, t, t, func(x, y types.Datum) (types.Datum, error) {
			months, days, us := x.Interval()
			c := civil{year: int(months / 12), month: int(months % 12), day: int(days), us: us}
			return toCharTime(c, 0, y.Str(), nil, true)
		}),
		{Name: "to_date", Args: args(t, t), Ret: types.Date, Strict: true, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			p, err := parseWithFormat(v[0].Str(), v[1].Str())
			if err != nil {
				return types.NullDatum, err
			}
			days, err := p.date(v[0].Str())
			return types.NewDate(int32(days)), err
		}},
		{Name: "to_timestamp", Args: args(t, t), Ret: types.TimestampTZ, Strict: true, Vol: Stable, Fn: func(ctx *EvalContext, v []types.Datum) (types.Datum, error) {
			p, err := parseWithFormat(v[0].Str(), v[1].Str())
			if err != nil {
				return types.NullDatum, err
			}
			days, err := p.date(v[0].Str())
			if err != nil {
				return types.NullDatum, err
			}
			local := days*usPerDay + p.timeOfDay()
			if p.hasTZ {
				return types.NewTimestamp(types.KindTimestampTZ, local-p.tzOffset*usPerSec), nil
			}
			return types.NewTimestamp(types.KindTimestampTZ, fromLocal(ctx.location(), local)), nil
		}},
	}
	for _, n := range []types.T{types.Int2, types.Int4, types.Int8, types.Float4, types.Float8, types.Numeric} {
		fs = append(fs, binop("to_char", n, t, t, func(x, y types.Datum) (types.Datum, error) { return toCharNumber(x, y.Str()) }))
	}
	return fs
}

// dtPatterns are the date/time template patterns, longest first where one
// is a prefix of another, as Postgres' formatting.c lists them.
var dtPatterns = strings.Fields(`A.D. A.M. AD AM B.C. BC CC DAY DDD DD DY Day Dy D FF1 FF2 FF3 FF4 FF5 FF6
	HH24 HH12 HH IDDD ID IW IYYY IYY IY I J MI MM MONTH MON MS Month Mon OF P.M. PM Q RM SSSSS SSSS SS
	TZH TZM TZ US WW W Y,YYY YYYY YYY YY Y a.d. a.m. ad am b.c. bc cc day ddd dd dy d ff1 ff2 ff3 ff4 ff5 ff6
	hh24 hh12 hh iddd id iw iyyy iyy iy i j mi mm month mon ms of p.m. pm q rm sssss ssss ss tzh tzm tz us
	ww w y,yyy yyyy yyy yy y`)

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonth = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
)

// fmtItem is one piece of a parsed template: a pattern with its
// modifiers, or literal text.
type fmtItem struct {
	pat     string
	upper   string // pat in upper case
	literal string
	fm      bool   // FM: no padding
	suffix  string // "TH" or "th"
}

// templates caches parsed templates by their text: a query's template is
// nearly always a constant, and parsing it for every row would cost more
// than formatting. It keeps at most maxTemplates; the items are never
// changed once parsed.
var templates struct {
	m sync.Map // string -> []fmtItem
	n atomic.Int32
}

const maxTemplates = 1024

// parseTemplate splits a to_char template into patterns and literals.
func parseTemplate(f string) []fmtItem {
	if items, ok := templates.m.Load(f); ok {
		return items.([]fmtItem)
	}
	items := parseTemplateText(f)
	if templates.n.Add(1) <= maxTemplates {
		templates.m.Store(f, items)
	}
	return items
}

// parseTemplateText is parseTemplate without the cache.
func parseTemplateText(f string) []fmtItem {
	var items []fmtItem
	lit := func(s string) {
		if n := len(items); n > 0 && items[n-1].pat == "" {
			items[n-1].literal += s
			return
		}
		items = append(items, fmtItem{literal: s})
	}
	for i := 0; i < len(f); {
		fm := false
		for {
			switch {
			case strings.HasPrefix(f[i:], "FM") || strings.HasPrefix(f[i:], "fm"):
				fm = true
				i += 2
				continue
			case strings.HasPrefix(f[i:], "FX") || strings.HasPrefix(f[i:], "fx") ||
				strings.HasPrefix(f[i:], "TM") || strings.HasPrefix(f[i:], "tm"):
				i += 2
				continue
			}
			break
		}
		if i >= len(f) {
			break
		}
		matched := ""
		for _, p := range dtPatterns {
			if strings.HasPrefix(f[i:], p) {
				matched = p
				break
			}
		}
		if matched != "" {
			it := fmtItem{pat: matched, upper: strings.ToUpper(matched), fm: fm}
			i += len(matched)
			if strings.HasPrefix(f[i:], "TH") || strings.HasPrefix(f[i:], "th") {
				it.suffix = f[i : i+2]
				i += 2
			}
			if strings.HasPrefix(f[i:], "SP") || strings.HasPrefix(f[i:], "sp") {
				i += 2
			}
			items = append(items, it)
			continue
		}
		switch f[i] {
		case '"':
			j := i + 1
			var b strings.Builder
			for j < len(f) && f[j] != '"' {
				if f[j] == '\\' && j+1 < len(f) {
					j++
				}
				b.WriteByte(f[j])
				j++
			}
			lit(b.String())
			i = j + 1
		case '\\':
			if i+1 < len(f) && f[i+1] == '"' {
				lit(`"`)
				i += 2
			} else {
				lit(`\`)
				i++
			}
		default:
			lit(f[i : i+1])
			i++
		}
	}
	return items
}

// ordinal returns the English ordinal suffix of n.
func ordinal(n int64, upper bool) string {
	s := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			s = "st"
		case 2:
			s = "nd"
		case 3:
			s = "rd"
		}
	}
	if upper {
		return strings.ToUpper(s)
	}
	return s
}

// padNum formats v as C's "%0*d": zero-padded to width, a minus sign
// counting towards the width; fm (the FM modifier) turns padding off.
func padNum(v int64, width int, fm bool) string {
	neg := v < 0
	if neg {
		v = -v
		width--
	}
	s := strconv.FormatInt(v, 10)
	if !fm && len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// padSigned is padNum for the fields whose width grows by one for a
// negative value (hours, minutes, seconds, fractions, year, month).
func padSigned(v int64, width int, fm bool) string {
	if v < 0 {
		width++
	}
	return padNum(v, width, fm)
}

func casedName(name, pat string, width int, fm bool) string {
	var s string
	switch {
	case pat == strings.ToUpper(pat):
		s = strings.ToUpper(name)
	case pat == strings.ToLower(pat):
		s = strings.ToLower(name)
	default:
		s = name
	}
	if !fm && len(s) < width {
		s += strings.Repeat(" ", width-len(s))
	}
	return s
}

// toCharTime formats a broken-down time (an interval's fields when
// isInterval) with a template. instant and loc give the time zone fields
// of a timestamptz.
func toCharTime(c civil, instant int64, f string, loc *time.Location, isInterval bool) (types.Datum, error) {
	if !isInterval && isInfTimestamp(instant) {
		return types.NullDatum, nil
	}
	var b strings.Builder
	hour := c.us / usPerHour
	minute := c.us / usPerMinute % 60
	sec := c.us / usPerSec % 60
	frac := c.us % usPerSec
	if isInterval && c.us < 0 {
		frac = -(-c.us % usPerSec)
	}
	year := int64(c.year)
	adjYear := year
	if !isInterval && year <= 0 {
		adjYear = -(year - 1)
	}
	var jd, doy, dow int64
	if !isInterval {
		jd = date2j(c.year, c.month, c.day)
		doy = jd - date2j(c.year, 1, 1) + 1
		dow = j2day(jd)
	}
	for _, it := range parseTemplate(f) {
		if it.pat == "" {
			b.WriteString(it.literal)
			continue
		}
		var s string
		num := int64(math.MinInt64)
		upperPat := it.upper
		switch upperPat {
		case "HH", "HH12":
			h := hour % 12
			if h == 0 && !isInterval {
				h = 12
			}
			num, s = h, padSigned(h, 2, it.fm)
		case "HH24":
			num, s = hour, padSigned(hour, 2, it.fm)
		case "MI":
			num, s = minute, padSigned(minute, 2, it.fm)
		case "SS":
			num, s = sec, padSigned(sec, 2, it.fm)
		case "MS":
			num, s = frac/1000, padSigned(frac/1000, 3, it.fm)
		case "US":
			num, s = frac, padSigned(frac, 6, it.fm)
		case "FF1", "FF2", "FF3", "FF4", "FF5", "FF6":
			n := int(upperPat[2] - '0')
			v := frac / int64(math.Pow10(6-n))
			num, s = v, padNum(v, n, it.fm)
		case "SSSS", "SSSSS":
			v := hour*3600 + minute*60 + sec
			num, s = v, strconv.FormatInt(v, 10)
		case "AM", "PM", "A.M.", "P.M.":
			pm := hour%24 >= 12
			switch {
			case strings.Contains(upperPat, "."):
				s = "A.M."
				if pm {
					s = "P.M."
				}
			default:
				s = "AM"
				if pm {
					s = "PM"
				}
			}
			if it.pat[0] >= 'a' {
				s = strings.ToLower(s)
			}
		case "AD", "BC", "A.D.", "B.C.":
			bc := year <= 0 && !isInterval
			switch {
			case strings.Contains(upperPat, "."):
				s = "A.D."
				if bc {
					s = "B.C."
				}
			default:
				s = "AD"
				if bc {
					s = "BC"
				}
			}
			if it.pat[0] >= 'a' {
				s = strings.ToLower(s)
			}
		case "Y,YYY":
			s = strconv.FormatInt(adjYear/1000, 10) + "," + padNum(adjYear%1000, 3, false)
		case "YYYY":
			num, s = adjYear, padSigned(adjYear, 4, it.fm)
		case "YYY":
			num, s = adjYear%1000, padNum(adjYear%1000, 3, it.fm)
		case "YY":
			num, s = adjYear%100, padNum(adjYear%100, 2, it.fm)
		case "Y":
			num, s = adjYear%10, padNum(adjYear%10, 1, it.fm)
		case "IYYY", "IYY", "IY", "I":
			iy := isoYear(c.year, c.month, c.day)
			if iy <= 0 {
				iy = -(iy - 1)
			}
			w := len(upperPat)
			v := iy % int64(math.Pow10(w))
			if w == 4 {
				v = iy
			}
			num, s = v, padNum(v, w, it.fm)
		case "MONTH", "MON":
			if c.month < 1 {
				continue
			}
			name := monthNames[c.month-1]
			if upperPat == "MON" {
				s = casedName(name[:3], it.pat, 0, true)
			} else {
				s = casedName(name, it.pat, 9, it.fm)
			}
		case "MM":
			num, s = int64(c.month), padSigned(int64(c.month), 2, it.fm)
		case "DAY", "DY":
			if isInterval {
				continue
			}
			name := dayNames[dow]
			if upperPat == "DY" {
				s = casedName(name[:3], it.pat, 0, true)
			} else {
				s = casedName(name, it.pat, 9, it.fm)
			}
		case "DDD":
			num, s = doy, padNum(doy, 3, it.fm)
		case "IDDD":
			v := int64(0)
			if !isInterval {
				iy := int(isoYear(c.year, c.month, c.day))
				d4 := date2j(iy, 1, 4)
				v = jd - (d4 - (j2day(d4)+6)%7) + 1
			}
			num, s = v, padNum(v, 3, it.fm)
		case "DD":
			num, s = int64(c.day), padNum(int64(c.day), 2, it.fm)
		case "D":
			num, s = dow+1, strconv.FormatInt(dow+1, 10)
		case "ID":
			v := dow
			if v == 0 {
				v = 7
			}
			num, s = v, strconv.FormatInt(v, 10)
		case "W":
			v := int64((c.day-1)/7 + 1)
			num, s = v, strconv.FormatInt(v, 10)
		case "WW":
			v := (doy-1)/7 + 1
			num, s = v, padNum(v, 2, it.fm)
		case "IW":
			v := isoWeek(c.year, c.month, c.day)
			num, s = v, padNum(v, 2, it.fm)
		case "CC":
			var v int64
			if isInterval {
				v = year / 100
			} else {
				v = centuryField(year)
			}
			num, s = v, padNum(v, 2, it.fm)
		case "J":
			num, s = jd, strconv.FormatInt(jd, 10)
		case "Q":
			v := int64((c.month-1)/3 + 1)
			if c.month < 1 {
				continue
			}
			num, s = v, strconv.FormatInt(v, 10)
		case "RM":
			if c.month < 1 {
				continue
			}
			s = romanMonth[c.month-1]
			if it.pat == "rm" {
				s = strings.ToLower(s)
			}
			if !it.fm {
				s += strings.Repeat(" ", 4-len(s))
			}
		case "TZ":
			if loc != nil {
				name, _ := time.Unix(floorDiv(instant, usPerSec), 0).In(loc).Zone()
				s = name
				if it.pat == "tz" {
					s = strings.ToLower(s)
				}
			}
		case "TZH", "TZM", "OF":
			if loc == nil {
				continue
			}
			off := zoneOffset(loc, instant)
			sign := "+"
			if off < 0 {
				sign, off = "-", -off
			}
			switch upperPat {
			case "TZH":
				s = sign + padNum(off/3600, 2, false)
			case "TZM":
				s = padNum(off/60%60, 2, false)
			default:
				s = sign + padNum(off/3600, 2, false)
				if off%3600 != 0 {
					s += ":" + padNum(off/60%60, 2, false)
				}
			}
		}
		b.WriteString(s)
		if it.suffix != "" && num != math.MinInt64 {
			b.WriteString(ordinal(num, it.suffix == "TH"))
		}
	}
	return types.NewText(b.String()), nil
}

// numFormat is a parsed numeric to_char template.
type numFormat struct {
	tokens   []string // "9", "0", ".", ",", "S", "MI", "PL", "SG", "PR", or a literal
	pre      int
	post     int
	fm       bool
	zeroAt   int // index among the integer digit positions of the first 0, or -1
	lastZero int // index among fraction positions of the last 0, or -1
	hasSign  bool
	hasDec   bool
}

func parseNumFormat(f string) (numFormat, error) {
	nf := numFormat{zeroAt: -1, lastZero: -1}
	up := strings.ToUpper(f)
	for i := 0; i < len(f); {
		rest := up[i:]
		switch {
		case strings.HasPrefix(rest, "FM"):
			nf.fm = true
			i += 2
		case f[i] == '9' || f[i] == '0':
			if nf.hasDec {
				if f[i] == '0' {
					nf.lastZero = nf.post
				}
				nf.post++
			} else {
				if f[i] == '0' && nf.zeroAt < 0 {
					nf.zeroAt = nf.pre
				}
				nf.pre++
			}
			nf.tokens = append(nf.tokens, f[i:i+1])
			i++
		case f[i] == '.' || rest[0] == 'D':
			if nf.hasDec {
				return nf, sqlerr.New(sqlerr.SyntaxError, "multiple decimal points")
			}
			nf.hasDec = true
			nf.tokens = append(nf.tokens, ".")
			i++
		case f[i] == ',' || rest[0] == 'G':
			nf.tokens = append(nf.tokens, ",")
			i++
		case strings.HasPrefix(rest, "PL"):
			// PL adds a plus sign but keeps the usual sign position.
			nf.tokens = append(nf.tokens, "PL")
			i += 2
		case strings.HasPrefix(rest, "PR"), strings.HasPrefix(rest, "MI"), strings.HasPrefix(rest, "SG"):
			nf.tokens = append(nf.tokens, rest[:2])
			nf.hasSign = true
			i += 2
		case rest[0] == 'S':
			nf.tokens = append(nf.tokens, "S")
			nf.hasSign = true
			i++
		case strings.HasPrefix(rest, "EEEE"), strings.HasPrefix(rest, "RN"), rest[0] == 'V', rest[0] == 'L':
			return nf, sqlerr.Unsupported("to_char pattern " + strconv.Quote(f[i:i+1]))
		case strings.HasPrefix(rest, "TH"):
			nf.tokens = append(nf.tokens, "TH:"+f[i:i+2])
			i += 2
		case f[i] == '"':
			j := i + 1
			for j < len(f) && f[j] != '"' {
				j++
			}
			nf.tokens = append(nf.tokens, "\x00"+f[i+1:min(j, len(f))])
			i = j + 1
		default:
			nf.tokens = append(nf.tokens, "\x00"+f[i:i+1])
			i++
		}
	}
	return nf, nil
}

// toCharNumber is to_char(number, template) for the common patterns: 9 0 .
// D , G FM S MI PL SG PR and literal text.
func toCharNumber(x types.Datum, f string) (types.Datum, error) {
	nf, err := parseNumFormat(f)
	if err != nil {
		return types.NullDatum, err
	}
	var digits string // absolute value rounded to nf.post places, "." separated
	neg := false
	switch x.Kind() {
	case types.KindInt2, types.KindInt4, types.KindInt8:
		v := x.Int()
		neg = v < 0
		digits = strconv.FormatUint(uint64(absInt(v)), 10)
		if v == math.MinInt64 {
			digits = "9223372036854775808"
		}
		if nf.post > 0 {
			digits += "." + strings.Repeat("0", nf.post)
		}
	case types.KindFloat4, types.KindFloat8:
		v := x.Float()
		neg = v < 0
		post := nf.post
		intLen := len(strconv.FormatFloat(math.Abs(v), 'f', 0, 64))
		if intLen >= 15 {
			post = 0
		} else if intLen+post > 15 {
			post = 15 - intLen
		}
		digits = strconv.FormatFloat(math.Abs(v), 'f', post, 64)
		if post < nf.post {
			if post == 0 {
				digits += "."
			}
			digits += strings.Repeat("0", nf.post-post)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			digits = strings.Repeat("#", nf.pre)
			if nf.hasDec {
				digits += "." + strings.Repeat("#", nf.post)
			}
		}
	default:
		d := x.Decimal()
		if d.Form != apd.Finite {
			digits = strings.Repeat("#", nf.pre)
			if nf.hasDec {
				digits += "." + strings.Repeat("#", nf.post)
			}
		} else {
			r := roundTo(d, int32(nf.post))
			neg = r.Negative && !r.IsZero()
			digits = new(apd.Decimal).Abs(r).Text('f')
		}
	}
	intPart, fracPart, _ := strings.Cut(digits, ".")
	for len(fracPart) < nf.post {
		fracPart += "0"
	}
	overflow := strings.HasPrefix(intPart, "#")
	if !overflow && len(intPart) > nf.pre && intPart != "0" {
		overflow = true
	}
	if overflow {
		intPart = strings.Repeat("#", nf.pre)
		fracPart = strings.Repeat("#", nf.post)
	}
	if intPart == "0" && nf.zeroAt < 0 && (nf.post > 0 || nf.pre == 0) {
		intPart = ""
	}
	if nf.fm && !overflow {
		keep := nf.lastZero + 1
		trimmed := strings.TrimRight(fracPart, "0")
		if len(trimmed) < keep {
			trimmed = fracPart[:keep]
		}
		fracPart = trimmed
		if intPart == "" && fracPart == "" {
			intPart = "0"
		}
	}
	lead := nf.pre - len(intPart)
	var b strings.Builder
	signDone := false
	writeSign := func() {
		if signDone {
			return
		}
		signDone = true
		switch {
		case nf.hasSign:
			if pr := strings.Contains(strings.Join(nf.tokens, "|"), "PR"); pr && neg {
				b.WriteByte('<')
			} else if pr && !nf.fm {
				b.WriteByte(' ')
			} else if leadingS(nf) {
				if neg {
					b.WriteByte('-')
				} else {
					b.WriteByte('+')
				}
			}
		case neg:
			b.WriteByte('-')
		case !nf.fm:
			b.WriteByte(' ')
		}
	}
	intIdx, fracIdx, pos := 0, 0, 0
	inNumber := false
	for _, tok := range nf.tokens {
		switch tok {
		case "9", "0":
			if pos < nf.pre {
				p := pos
				pos++
				switch {
				case p < lead && (nf.zeroAt < 0 || p < nf.zeroAt):
					if !nf.fm {
						b.WriteByte(' ')
					}
				case p < lead:
					writeSign()
					b.WriteByte('0')
					inNumber = true
				default:
					writeSign()
					b.WriteByte(intPart[intIdx])
					intIdx++
					inNumber = true
				}
				continue
			}
			if fracIdx < len(fracPart) {
				b.WriteByte(fracPart[fracIdx])
			}
			fracIdx++
		case ".":
			writeSign()
			b.WriteByte('.')
			inNumber = true
		case ",":
			switch {
			case inNumber:
				b.WriteByte(',')
			case !nf.fm:
				b.WriteByte(' ')
			}
		case "S":
			if !leadingS(nf) {
				if neg {
					b.WriteByte('-')
				} else {
					b.WriteByte('+')
				}
			}
		case "MI":
			if neg {
				b.WriteByte('-')
			} else if !nf.fm {
				b.WriteByte(' ')
			}
		case "PL":
			if !neg {
				b.WriteByte('+')
			} else if !nf.fm {
				b.WriteByte(' ')
			}
		case "SG":
			if neg {
				b.WriteByte('-')
			} else {
				b.WriteByte('+')
			}
		case "PR":
			if neg {
				b.WriteByte('>')
			} else if !nf.fm {
				b.WriteByte(' ')
			}
		default:
			if suffix, ok := strings.CutPrefix(tok, "TH:"); ok {
				if !overflow && !neg {
					n, _ := strconv.ParseInt(intPart, 10, 64)
					b.WriteString(ordinal(n, suffix == "TH"))
				}
				continue
			}
			b.WriteString(tok[1:])
		}
	}
	if !signDone && !nf.hasSign {
		// A template without digits still carries the sign slot.
		writeSign()
	}
	return types.NewText(b.String()), nil
}

// leadingS reports whether the template's S comes before its digits.
func leadingS(nf numFormat) bool {
	for _, t := range nf.tokens {
		switch t {
		case "S":
			return true
		case "9", "0", ".":
			return false
		}
	}
	return false
}

// parsedTime collects the fields to_date and to_timestamp read.
type parsedTime struct {
	year, month, day, doy    int
	hasYear, bc, pm, hasAMPM bool
	hour, minute, second     int
	us                       int64
	hasTZ                    bool
	tzOffset                 int64 // seconds east
}

func (p *parsedTime) date(input string) (int64, error) {
	y := p.year
	if !p.hasYear {
		y = 0
	}
	if p.bc && y > 0 {
		y = -(y - 1)
	}
	m, d := p.month, p.day
	if m == 0 {
		m = 1
	}
	if d == 0 {
		d = 1
	}
	if p.doy > 0 && p.month == 0 && p.day == 0 {
		return date2j(y, 1, 1) - unixEpochJDate + int64(p.doy) - 1, nil
	}
	if m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m) {
		return 0, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", input)
	}
	return civilToDays(y, m, d), nil
}

func (p *parsedTime) timeOfDay() int64 {
	h := p.hour
	if p.hasAMPM {
		h %= 12
		if p.pm {
			h += 12
		}
	}
	return int64(h)*usPerHour + int64(p.minute)*usPerMinute + int64(p.second)*usPerSec + p.us
}

// parseWithFormat reads s with a to_date/to_timestamp template.
func parseWithFormat(s, f string) (*parsedTime, error) {
	p := &parsedTime{}
	i := 0
	skipSpace := func() {
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	readInt := func(pat string, maxLen int, last bool) (int, error) {
		skipSpace()
		j := i
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && (last || j-i < maxLen) {
			j++
		}
		if j == i {
			bad := s[i:]
			if k := strings.IndexAny(bad, " -/:.,"); k > 0 {
				bad = bad[:k]
			}
			return 0, sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", bad, pat).
				WithDetail("Value must be an integer.")
		}
		v, err := strconv.Atoi(s[i:j])
		if err != nil {
			return 0, sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", s[i:j], pat).
				WithDetail("Value must be an integer.")
		}
		i = j
		return v, nil
	}
	readName := func(pat string, names []string, n int) (int, error) {
		skipSpace()
		for k, name := range names {
			cand := name
			if n > 0 {
				cand = name[:n]
			}
			if len(s)-i >= len(cand) && strings.EqualFold(s[i:i+len(cand)], cand) {
				i += len(cand)
				return k, nil
			}
		}
		return 0, sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "invalid value \"%s\" for \"%s\"", s[i:min(len(s), i+len(pat))], pat).
			WithDetail("The given value did not match any of the allowed values for this field.")
	}
	items := parseTemplate(f)
	for n, it := range items {
		if it.pat == "" {
			for range it.literal {
				if i < len(s) {
					i++
				}
			}
			continue
		}
		// A field runs to the next non-digit, unless another field follows
		// directly (YYYYMMDD), when it takes only its own width.
		last := n == len(items)-1 || items[n+1].pat == ""
		var err error
		switch it.upper {
		case "YYYY", "IYYY":
			p.year, err = readInt(it.pat, 4, last)
			p.hasYear = true
		case "YYY", "IYY":
			p.year, err = readInt(it.pat, 3, last)
			p.year += 2000
			if p.year > 2069 {
				p.year -= 1000
			}
			p.hasYear = true
		case "YY", "IY":
			p.year, err = readInt(it.pat, 2, last)
			if p.year < 70 {
				p.year += 2000
			} else {
				p.year += 1900
			}
			p.hasYear = true
		case "Y", "I":
			p.year, err = readInt(it.pat, 1, last)
			p.year += 2000
			p.hasYear = true
		case "Y,YYY":
			var th, rest int
			th, err = readInt(it.pat, 3, false)
			if err == nil && i < len(s) && s[i] == ',' {
				i++
				rest, err = readInt(it.pat, 3, false)
			}
			p.year, p.hasYear = th*1000+rest, true
		case "MM":
			p.month, err = readInt(it.pat, 2, last)
		case "MONTH":
			var k int
			k, err = readName(it.pat, monthNames, 0)
			p.month = k + 1
		case "MON":
			var k int
			k, err = readName(it.pat, monthNames, 3)
			p.month = k + 1
		case "DAY":
			_, err = readName(it.pat, dayNames, 0)
		case "DY":
			_, err = readName(it.pat, dayNames, 3)
		case "DD":
			p.day, err = readInt(it.pat, 2, last)
		case "DDD":
			p.doy, err = readInt(it.pat, 3, last)
		case "HH", "HH12":
			p.hour, err = readInt(it.pat, 2, last)
			if err == nil && (p.hour < 1 || p.hour > 12) {
				return nil, sqlerr.Newf(sqlerr.InvalidDatetimeFormat, "hour \"%d\" is invalid for the 12-hour clock", p.hour).
					WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
			}
			p.hasAMPM = true
		case "HH24":
			p.hour, err = readInt(it.pat, 2, last)
		case "MI":
			p.minute, err = readInt(it.pat, 2, last)
		case "SS":
			p.second, err = readInt(it.pat, 2, last)
		case "MS":
			var v int
			v, err = readInt(it.pat, 3, last)
			p.us = int64(v) * 1000
		case "US":
			var v int
			v, err = readInt(it.pat, 6, last)
			p.us = int64(v)
		case "AM", "PM", "A.M.", "P.M.":
			skipSpace()
			w := len(it.pat)
			if len(s)-i >= w {
				word := strings.ToUpper(s[i : i+w])
				p.pm = strings.HasPrefix(word, "P")
				i += w
			}
		case "AD", "BC", "A.D.", "B.C.":
			skipSpace()
			w := len(it.pat)
			if len(s)-i >= w {
				p.bc = strings.HasPrefix(strings.ToUpper(s[i:i+w]), "B")
				i += w
			}
		case "TZH":
			var v int
			v, err = readInt(it.pat, 2, last)
			p.hasTZ = true
			p.tzOffset = int64(v) * 3600
		case "TZM":
			var v int
			v, err = readInt(it.pat, 2, last)
			if p.tzOffset < 0 {
				p.tzOffset -= int64(v) * 60
			} else {
				p.tzOffset += int64(v) * 60
			}
		default:
			return nil, sqlerr.Newf(sqlerr.FeatureNotSupported, "formatting field \"%s\" is only supported in to_char", it.pat)
		}
		if err != nil {
			return nil, err
		}
	}
	if p.hour > 24 || p.minute > 59 || p.second > 60 {
		return nil, sqlerr.Newf(sqlerr.DatetimeFieldOverflow, "date/time field value out of range: \"%s\"", s)
	}
	return p, nil
}
