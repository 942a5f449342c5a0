package engine

import (
	"strconv"
	"strings"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// setting describes one session parameter.
type setting struct {
	def string
	// report marks parameters sent to the client in ParameterStatus at
	// startup and after every change (GUC_REPORT in Postgres).
	report bool
	// readOnly parameters can be shown but not set.
	readOnly bool
	// check validates and normalises a new value.
	check func(v string) (string, error)
}

// settings lists the parameters Freshet knows. Unknown names are error
// 42704 on SET and SHOW, as in Postgres; a custom "x.y" name is accepted.
var settings = map[string]setting{
	"server_version":                      {def: "15.0", report: true, readOnly: true},
	"server_version_num":                  {def: "150000", readOnly: true},
	"server_encoding":                     {def: "UTF8", report: true, readOnly: true},
	"client_encoding":                     {def: "UTF8", report: true, check: checkEncoding},
	"datestyle":                           {def: "ISO, MDY", report: true, check: checkDateStyle},
	"intervalstyle":                       {def: "postgres", report: true, check: checkOneOf("postgres")},
	"integer_datetimes":                   {def: "on", report: true, readOnly: true},
	"standard_conforming_strings":         {def: "on", report: true, check: checkOneOf("on")},
	"timezone":                            {def: "UTC", report: true, check: checkTimeZone},
	"application_name":                    {def: "", report: true},
	"is_superuser":                        {def: "on", report: true, readOnly: true},
	"session_authorization":               {def: "freshet", report: true, readOnly: true},
	"default_transaction_read_only":       {def: "off", report: true},
	"in_hot_standby":                      {def: "off", report: true, readOnly: true},
	"search_path":                         {def: `"$user", public`},
	"extra_float_digits":                  {def: "1", check: checkExtraFloatDigits},
	"statement_timeout":                   {def: "0", check: checkDuration},
	"lock_timeout":                        {def: "0"},
	"idle_in_transaction_session_timeout": {def: "0"},
	"client_min_messages":                 {def: "notice"},
	"transaction_isolation":               {def: "read committed", readOnly: true},
	"default_transaction_isolation":       {def: "read committed", check: checkOneOf("read committed", "read uncommitted", "repeatable read", "serializable")},
	"max_identifier_length":               {def: "63", readOnly: true},
	"bytea_output":                        {def: "hex", check: checkOneOf("hex")},
	"lc_messages":                         {def: "C"},
	"lc_monetary":                         {def: "C"},
	"lc_numeric":                          {def: "C"},
	"lc_time":                             {def: "C"},
	"lc_collate":                          {def: "C", readOnly: true},
	"lc_ctype":                            {def: "C", readOnly: true},
	"jit":                                 {def: "off"},
	"row_security":                        {def: "on"},
	"synchronous_commit":                  {def: "on"},
	"max_connections":                     {def: "100", readOnly: true},
	"block_size":                          {def: "8192", readOnly: true},
	"escape_string_warning":               {def: "on"},
	"default_with_oids":                   {def: "off"},
	"geqo":                                {def: "on"},
	"enable_seqscan":                      {def: "on"},
	"work_mem":                            {def: "4MB"},
	"transaction_read_only":               {def: "off"},
}

// settingName normalises a parameter name (case-insensitive) and resolves
// aliases.
func settingName(name string) string {
	n := strings.ToLower(name)
	switch n {
	case "time zone":
		return "timezone"
	case "names":
		return "client_encoding"
	}
	return n
}

func checkOneOf(allowed ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		for _, a := range allowed {
			if strings.EqualFold(v, a) {
				return a, nil
			}
		}
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid value for parameter: %q", v).
			WithDetail("Freshet supports only: " + strings.Join(allowed, ", ") + ".")
	}
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	case "SQL_ASCII":
		return "SQL_ASCII", nil
	}
	return "", sqlerr.Newf(sqlerr.FeatureNotSupported, "conversion between %s and UTF8 is not supported", v)
}

func checkDateStyle(v string) (string, error) {
	u := strings.ToUpper(strings.ReplaceAll(v, " ", ""))
	switch u {
	case "ISO", "ISO,MDY", "MDY,ISO", "MDY":
		return "ISO, MDY", nil
	}
	return "", sqlerr.Newf(sqlerr.FeatureNotSupported, "DateStyle %q is not supported yet; only ISO, MDY is", v)
}

func checkTimeZone(v string) (string, error) {
	if _, err := loadLocation(v); err != nil {
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
	}
	if strings.EqualFold(v, "utc") {
		return "UTC", nil
	}
	return v, nil
}

// loadLocation resolves a TimeZone setting: a zone name or a numeric offset
// in hours (POSIX sign convention is not used: '+2' means UTC+2, as SET TIME
// ZONE 2 does).
func loadLocation(v string) (*time.Location, error) {
	if strings.EqualFold(v, "utc") || strings.EqualFold(v, "gmt") || v == "Z" {
		return time.UTC, nil
	}
	if h, err := strconv.ParseFloat(v, 64); err == nil {
		return time.FixedZone(v, int(h*3600)), nil
	}
	return time.LoadLocation(v)
}

func checkExtraFloatDigits(v string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < -15 || n > 3 {
		return "", sqlerr.Newf(sqlerr.InvalidParameterValue, "%s is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)", v)
	}
	return strconv.Itoa(n), nil
}

// displayName is how SHOW names a parameter in its column header.
func displayName(name string) string {
	switch name {
	case "timezone":
		return "TimeZone"
	case "datestyle":
		return "DateStyle"
	case "intervalstyle":
		return "IntervalStyle"
	}
	return name
}

// checkDuration validates a time setting (statement_timeout): a number of
// milliseconds, or a number with a unit (ms, s, min, h, d).
func checkDuration(v string) (string, error) {
	if _, err := durationSetting(v); err != nil {
		return "", err
	}
	return strings.TrimSpace(v), nil
}

// durationSetting parses a time setting as checkDuration accepts it.
func durationSetting(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"ms", time.Millisecond}, {"min", time.Minute}, {"s", time.Second}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	unit := time.Millisecond
	for _, u := range units {
		if strings.HasSuffix(v, u.suffix) {
			v, unit = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.unit
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n < 0 {
		return 0, sqlerr.Newf(sqlerr.InvalidParameterValue, "invalid value for parameter \"statement_timeout\": %q", v).
			WithHint(`Valid units for this parameter are "ms", "s", "min", "h", and "d".`)
	}
	return time.Duration(n * float64(unit)), nil
}
