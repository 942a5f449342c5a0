package clients

import (
	"fmt"
	"strings"
	"time"
)

// RowCount is how many rows the session loads into table t.
const RowCount = 100000

// groups is the number of rows of table d, and of distinct t.g values.
const groups = 97

// setupSQL creates the session's tables.
const setupSQL = `CREATE TABLE t (id int PRIMARY KEY, g int NOT NULL, s text, v numeric(10,2), ts timestamp);
CREATE TABLE d (g int PRIMARY KEY, name text NOT NULL)`

// TCSV returns RowCount rows for table t as CSV. Every value is derived from
// the row number, so the data is the same on every run. An unquoted empty field
// is NULL in CSV COPY.
func TCSV() string {
	words := []string{"alpha", "beta", "gamma", "delta", "", "epsilon", "zeta, with comma", `say "hi"`}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.Grow(RowCount * 48)
	for id := 1; id <= RowCount; id++ {
		g := (id * 31) % groups
		var s string
		switch w := words[id%len(words)]; {
		case id%13 == 0:
			s = "" // NULL
		case w == "":
			s = `""` // the empty string
		case strings.ContainsAny(w, `,"`):
			s = `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		default:
			s = w
		}
		v := (id * 7919) % 2000003
		var vs string
		if id%17 != 0 {
			vs = fmt.Sprintf("%d.%02d", v/100-10000, v%100)
		}
		ts := base.Add(time.Duration(id*337) * time.Second).Format("2006-01-02 15:04:05")
		fmt.Fprintf(&b, "%d,%d,%s,%s,%s\n", id, g, s, vs, ts)
	}
	return b.String()
}

// DText returns the rows of table d in COPY's text format, ended by \. as psql
// expects when COPY FROM STDIN reads from its script.
func DText() string {
	var b strings.Builder
	for g := range groups {
		name := fmt.Sprintf("group %02d", g)
		if g%10 == 0 {
			name += "\tten"
		}
		fmt.Fprintf(&b, "%d\t%s\n", g, strings.ReplaceAll(name, "\t", `\t`))
	}
	b.WriteString("\\.\n")
	return b.String()
}

// Queries run over the loaded tables; each output must be byte-identical on
// Freshet and PostgreSQL, so every ORDER BY makes the order total.
var Queries = []struct {
	Name string
	SQL  string
}{
	{"totals", `SELECT count(*), count(s), count(DISTINCT s), sum(v), min(v), max(v), min(ts), max(ts) FROM t`},
	{"avg", `SELECT avg(v), avg(g) FROM t`},
	{"join_aggregate", `SELECT d.name, count(*), sum(t.v), min(t.ts), max(t.s)
FROM t JOIN d ON t.g = d.g GROUP BY d.name ORDER BY d.name`},
	{"left_join", `SELECT d.g, count(t.id) FROM d LEFT JOIN t ON t.g = d.g AND t.v > 9990 GROUP BY d.g ORDER BY d.g`},
	{"window_topn", `SELECT g, rn, id, v FROM (
  SELECT g, id, v, row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST, id) AS rn FROM t
) x WHERE rn <= 3 ORDER BY g, rn`},
	{"window_running", `SELECT id, sum(v) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
  lag(s) OVER (ORDER BY id) FROM t WHERE id <= 40 ORDER BY id`},
	{"subquery", `SELECT count(*) FROM t WHERE v > (SELECT avg(v) FROM t) AND g IN (SELECT g FROM d WHERE name LIKE '%ten')`},
	{"exists", `SELECT d.name FROM d WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.g = d.g AND t.s = 'alpha') ORDER BY d.name`},
	{"group_text", `SELECT s, count(*), sum(v) FROM t GROUP BY s ORDER BY s NULLS FIRST`},
	{"by_month", `SELECT date_trunc('month', ts), count(*) FROM t GROUP BY 1 ORDER BY 1`},
}
