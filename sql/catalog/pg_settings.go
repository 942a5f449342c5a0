package catalog

import (
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// settingInfo describes one row of pg_settings.
type settingInfo struct {
	name, value, unit, category, desc, context, vartype string
}

// Categories of pg_settings rows.
const (
	catLocale    = "Client Connection Defaults / Locale and Formatting"
	catStatement = "Client Connection Defaults / Statement Behavior"
	catPreset    = "Preset Options"
	catCompat    = "Version and Platform Compatibility / Previous PostgreSQL Versions"
)

// settingInfos is the fixed list of parameters pg_settings shows, with
// Postgres' descriptions and Freshet's defaults. A session's own value
// replaces the default for parameters without a unit (SHOW prints those
// the way pg_settings.setting does).
var settingInfos = []settingInfo{
	{"application_name", "", "", "Reporting and Logging / What to Log", "Sets the application name to be reported in statistics and logs.", "user", "string"},
	{"block_size", "8192", "", catPreset, "Shows the size of a disk block.", "internal", "integer"},
	{"bytea_output", "hex", "", catStatement, "Sets the output format for bytea.", "user", "enum"},
	{"client_encoding", "UTF8", "", catLocale, "Sets the client's character set encoding.", "user", "string"},
	{"client_min_messages", "notice", "", catStatement, "Sets the message levels that are sent to the client.", "user", "enum"},
	{"DateStyle", "ISO, MDY", "", catLocale, "Sets the display format for date and time values.", "user", "string"},
	{"default_transaction_isolation", "serializable", "", catStatement, "Sets the transaction isolation level of each new transaction.", "user", "enum"},
	{"default_transaction_read_only", "off", "", catStatement, "Sets the default read-only status of new transactions.", "user", "bool"},
	{"extra_float_digits", "1", "", catLocale, "Sets the number of digits displayed for floating-point values.", "user", "integer"},
	{"idle_in_transaction_session_timeout", "0", "ms", catStatement, "Sets the maximum allowed idle time between queries, when in a transaction.", "user", "integer"},
	{"integer_datetimes", "on", "", catPreset, "Shows whether datetimes are integer based.", "internal", "bool"},
	{"IntervalStyle", "postgres", "", catLocale, "Sets the display format for interval values.", "user", "enum"},
	{"lc_collate", "C", "", catPreset, "Shows the collation order locale.", "internal", "string"},
	{"lc_ctype", "C", "", catPreset, "Shows the character classification and case conversion locale.", "internal", "string"},
	{"lc_messages", "C", "", catLocale, "Sets the language in which messages are displayed.", "superuser", "string"},
	{"lc_monetary", "C", "", catLocale, "Sets the locale for formatting monetary amounts.", "user", "string"},
	{"lc_numeric", "C", "", catLocale, "Sets the locale for formatting numbers.", "user", "string"},
	{"lc_time", "C", "", catLocale, "Sets the locale for formatting date and time values.", "user", "string"},
	{"lock_timeout", "0", "ms", catStatement, "Sets the maximum allowed duration of any wait for a lock.", "user", "integer"},
	{"max_connections", "100", "", "Connections and Authentication / Connection Settings", "Sets the maximum number of concurrent connections.", "postmaster", "integer"},
	{"max_function_args", "100", "", catPreset, "Shows the maximum number of function arguments.", "internal", "integer"},
	{"max_identifier_length", "63", "", catPreset, "Shows the maximum identifier length.", "internal", "integer"},
	{"max_index_keys", "32", "", catPreset, "Shows the maximum number of index keys.", "internal", "integer"},
	{"search_path", `"$user", public`, "", catStatement, "Sets the schema search order for names that are not schema-qualified.", "user", "string"},
	{"server_encoding", "UTF8", "", catPreset, "Shows the server (database) character set encoding.", "internal", "string"},
	{"server_version", "15.0", "", catPreset, "Shows the server version.", "internal", "string"},
	{"server_version_num", "150000", "", catPreset, "Shows the server version as an integer.", "internal", "integer"},
	{"standard_conforming_strings", "on", "", catCompat, "Causes '...' strings to treat backslashes literally.", "user", "bool"},
	{"statement_timeout", "0", "ms", catStatement, "Sets the maximum allowed duration of any statement.", "user", "integer"},
	{"TimeZone", "UTC", "", catLocale, "Sets the time zone for displaying and interpreting time stamps.", "user", "string"},
	{"transaction_isolation", "serializable", "", catStatement, "Sets the current transaction's isolation level.", "user", "enum"},
	{"transaction_read_only", "off", "", catStatement, "Sets the current transaction's read-only status.", "user", "bool"},
	{"work_mem", "4096", "kB", "Resource Usage / Memory", "Sets the maximum memory to be used for query workspaces.", "user", "integer"},
}

// pgSettings is the pg_settings view over settingInfos; the session's
// values show where it has them.
func pgSettings() systemTable {
	return catalogView(12104, "pg_settings", `
		name text, setting text, unit text, category text, short_desc text, extra_desc text, context
		text, vartype text, source text, min_val text, max_val text, enumvals text[], boot_val text,
		reset_val text, sourcefile text, sourceline int4, pending_restart bool`,
		func(b *rowBuilder, _ *Catalog, s Session) []types.Row {
			rows := make([]types.Row, len(settingInfos))
			for i, st := range settingInfos {
				value := st.value
				if s != nil && st.unit == "" {
					if v, ok := s.CurrentSetting(strings.ToLower(st.name)); ok {
						value = v
					}
				}
				var unit any
				if st.unit != "" {
					unit = st.unit
				}
				rows[i] = b.row("name", st.name, "setting", value, "unit", unit, "category", st.category,
					"short_desc", st.desc, "context", st.context, "vartype", st.vartype, "source", "default",
					"boot_val", st.value, "reset_val", st.value)
			}
			return rows
		})
}
