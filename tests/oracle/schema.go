package oracle

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Tables are the tables every query runs over. Both have the same columns, so
// that UNION and joins between them type-check.
var Tables = []string{"t1", "t2"}

// rowCounts is how many rows each table gets.
var rowCounts = map[string]int{"t1": 2000, "t2": 1000}

// createTable is the DDL for one table; %s is its name.
const createTable = `CREATE TABLE %s (
  id int PRIMARY KEY,
  k int,
  a int,
  b int,
  s text,
  n numeric(10,2),
  ts timestamp,
  f boolean
)`

// textPool holds the text values: duplicates, case differences, the empty
// string, spaces and non-ASCII letters.
var textPool = []string{
	"", "a", "A", "ab", "abc", "b", "ba", "hello", "Hello", "hello world",
	"x y", "zeta", "ünï", "émile", "42", "-", "a%b", "it's",
}

// tsBase is the first timestamp values are drawn from; they span one year.
var tsBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Schema returns the statements that create and fill the tables, the same for
// the same rng state.
func Schema(r *rand.Rand) []string {
	var stmts []string
	for _, t := range Tables {
		stmts = append(stmts, fmt.Sprintf(createTable, t))
		rows := make([]string, 0, rowCounts[t])
		for id := 1; id <= rowCounts[t]; id++ {
			rows = append(rows, randomRow(r, id))
		}
		const batch = 250
		for len(rows) > 0 {
			n := min(batch, len(rows))
			stmts = append(stmts, fmt.Sprintf("INSERT INTO %s VALUES %s", t, strings.Join(rows[:n], ", ")))
			rows = rows[n:]
		}
	}
	return stmts
}

// randomRow renders one row as a VALUES tuple.
func randomRow(r *rand.Rand, id int) string {
	return "(" + strings.Join(randomValues(r, id), ", ") + ")"
}

// randomValues returns the values of one row with primary key id as SQL
// literals (NULL for SQL NULL), one per column of createTable.
func randomValues(r *rand.Rand, id int) []string {
	return []string{
		fmt.Sprint(id),
		nullOr(r, 0.05, func() string { return fmt.Sprint(r.IntN(10)) }),
		nullOr(r, 0.05, func() string { return fmt.Sprint(r.IntN(500)) }),
		nullOr(r, 0.10, func() string { return fmt.Sprint(r.IntN(101) - 50) }),
		nullOr(r, 0.08, func() string { return quote(textPool[r.IntN(len(textPool))]) }),
		nullOr(r, 0.08, func() string {
			v := r.IntN(200001) - 100000
			sign := ""
			if v < 0 {
				sign, v = "-", -v
			}
			return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
		}),
		nullOr(r, 0.08, func() string {
			ts := tsBase.Add(time.Duration(r.IntN(366*24*3600)) * time.Second)
			return quote(ts.Format("2006-01-02 15:04:05"))
		}),
		nullOr(r, 0.10, func() string { return fmt.Sprint(r.IntN(2) == 1) }),
	}
}

// nullOr returns NULL with probability p, or else f().
func nullOr(r *rand.Rand, p float64, f func() string) string {
	if r.Float64() < p {
		return "NULL"
	}
	return f()
}

// quote renders s as an SQL string literal.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
