package oracle

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Query is one generated query.
type Query struct {
	SQL string
	// Ordered is true when the query ends in an ORDER BY over every output
	// column, so the order of its rows is defined and compared.
	Ordered bool
	// NCols is the number of output columns.
	NCols int
}

// Generator makes random queries over Tables. The same rng state gives the
// same queries.
type Generator struct {
	r *rand.Rand
}

// NewGenerator returns a generator drawing from r.
func NewGenerator(r *rand.Rand) *Generator { return &Generator{r: r} }

// shape is one kind of query; it returns the SQL and its number of output
// columns.
type shape func(g *Generator) (string, int)

// shapes lists the query kinds with their weights.
var shapes = []struct {
	weight int
	make   shape
}{
	{4, (*Generator).filterProject},
	{3, (*Generator).join},
	{3, (*Generator).groupBy},
	{1, (*Generator).distinct},
	{2, (*Generator).subquery},
	{1, (*Generator).union},
}

// Next returns the next query.
func (g *Generator) Next() Query {
	total := 0
	for _, s := range shapes {
		total += s.weight
	}
	pick := g.r.IntN(total)
	var sql string
	var ncols int
	for _, s := range shapes {
		if pick < s.weight {
			sql, ncols = s.make(g)
			break
		}
		pick -= s.weight
	}
	if g.chance(0.35) {
		cols := make([]string, ncols)
		for i := range cols {
			cols[i] = fmt.Sprint(i + 1)
			if g.chance(0.3) {
				cols[i] += " DESC"
			}
			if g.chance(0.2) {
				cols[i] += g.pick(" NULLS FIRST", " NULLS LAST")
			}
		}
		sql += " ORDER BY " + strings.Join(cols, ", ")
		if g.chance(0.7) {
			sql += fmt.Sprintf(" LIMIT %d", 1+g.r.IntN(50))
			if g.chance(0.3) {
				sql += fmt.Sprintf(" OFFSET %d", g.r.IntN(20))
			}
		}
		return Query{SQL: sql, Ordered: true, NCols: ncols}
	}
	return Query{SQL: sql, NCols: ncols}
}

// filterProject: SELECT <expressions> FROM t [WHERE <predicate>].
func (g *Generator) filterProject() (string, int) {
	t := g.table()
	n := 1 + g.r.IntN(4)
	proj := make([]string, n)
	for i := range proj {
		proj[i] = g.scalar("x")
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(proj, ", "), t)
	if g.chance(0.8) {
		sql += " WHERE " + g.predicate("x", 2)
	}
	return sql, n
}

// join: two tables joined on a, with an optional extra condition.
func (g *Generator) join() (string, int) {
	kind := g.pick("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "JOIN", "LEFT JOIN")
	on := "x.a = y.a"
	if g.chance(0.3) {
		on += " AND " + g.pick("x.b < y.b", "x.k = y.k", "x.f IS NOT DISTINCT FROM y.f", "x.s <> y.s")
	}
	cols := []string{"x.id", "y.id"}
	extra := 1 + g.r.IntN(3)
	for range extra {
		cols = append(cols, g.scalar(g.pick("x", "y")))
	}
	sql := fmt.Sprintf("SELECT %s FROM t1 x %s t2 y ON %s", strings.Join(cols, ", "), kind, on)
	if g.chance(0.6) {
		// A filter on the preserved side keeps outer joins outer.
		side := "x"
		if kind == "RIGHT JOIN" {
			side = "y"
		}
		sql += " WHERE " + g.predicate(side, 1)
	}
	return sql, len(cols)
}

// groupBy: GROUP BY one or two keys with aggregates and an optional HAVING.
func (g *Generator) groupBy() (string, int) {
	t := g.table()
	keys := []string{g.pick("x.k", "x.f", "x.s", "x.b % 3", "date_trunc('month', x.ts)")}
	if g.chance(0.3) {
		keys = append(keys, g.pick("x.f", "x.k"))
	}
	n := 1 + g.r.IntN(3)
	cols := append([]string{}, keys...)
	for range n {
		cols = append(cols, g.aggregate("x"))
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(cols, ", "), t)
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	sql += " GROUP BY " + strings.Join(keys, ", ")
	if g.chance(0.3) {
		sql += g.pick(" HAVING count(*) > 20", " HAVING sum(x.b) > 0", " HAVING min(x.a) < 10", " HAVING count(DISTINCT x.s) >= 3")
	}
	return sql, len(cols)
}

// distinct: SELECT DISTINCT over one to three columns.
func (g *Generator) distinct() (string, int) {
	t := g.table()
	all := []string{"x.k", "x.f", "x.s", "x.b % 5", "x.n > 0", "x.a / 100"}
	g.r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	n := 1 + g.r.IntN(3)
	sql := fmt.Sprintf("SELECT DISTINCT %s FROM %s x", strings.Join(all[:n], ", "), t)
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	return sql, n
}

// subquery: IN, NOT IN, EXISTS, NOT EXISTS or a scalar subquery against the
// other table.
func (g *Generator) subquery() (string, int) {
	inner := g.predicate("y", 1)
	var cond string
	switch g.r.IntN(5) {
	case 0:
		cond = fmt.Sprintf("x.a IN (SELECT y.a FROM t2 y WHERE %s)", inner)
	case 1:
		cond = fmt.Sprintf("x.b NOT IN (SELECT y.b FROM t2 y WHERE %s)", inner)
	case 2:
		cond = fmt.Sprintf("EXISTS (SELECT 1 FROM t2 y WHERE y.a = x.a AND %s)", inner)
	case 3:
		cond = fmt.Sprintf("NOT EXISTS (SELECT 1 FROM t2 y WHERE y.a = x.a AND %s)", inner)
	default:
		cond = "x.b > (SELECT avg(y.b) FROM t2 y WHERE y.k = x.k)"
	}
	n := 1 + g.r.IntN(3)
	proj := []string{"x.id"}
	for range n - 1 {
		proj = append(proj, g.scalar("x"))
	}
	sql := fmt.Sprintf("SELECT %s FROM t1 x WHERE %s", strings.Join(proj, ", "), cond)
	if g.chance(0.4) {
		sql += " AND " + g.predicate("x", 1)
	}
	return sql, n
}

// union: two filtered selects of the same shape, UNION or UNION ALL.
func (g *Generator) union() (string, int) {
	cols := g.pick("x.a, x.s", "x.k, x.f", "x.b, x.n", "x.s", "x.k, x.ts")
	op := g.pick("UNION", "UNION ALL")
	left := fmt.Sprintf("SELECT %s FROM t1 x WHERE %s", cols, g.predicate("x", 1))
	right := fmt.Sprintf("SELECT %s FROM t2 x WHERE %s", cols, g.predicate("x", 1))
	return left + " " + op + " " + right, strings.Count(cols, ",") + 1
}

// scalar returns a projection expression over alias t (written @ below).
func (g *Generator) scalar(t string) string {
	exprs := []string{
		"@.id", "@.k", "@.a", "@.b", "@.s", "@.n", "@.ts", "@.f",
		"@.a + @.b", "@.b * 3 - @.k", "@.a % 7", "-@.b", "@.a / 3",
		"@.n * 2", "@.n + @.b", "abs(@.b)", "@.n - 0.5",
		"upper(@.s)", "length(@.s)", "@.s || '!'", "COALESCE(@.b, -1)",
		"CASE WHEN @.b > 0 THEN 'pos' WHEN @.b < 0 THEN 'neg' ELSE 'zero' END",
		"@.ts + interval '1 day'", "date_trunc('day', @.ts)", "NOT @.f",
		"@.b IS NULL", "round(@.n, 1)", "@.k::text", "substr(@.s, 2)",
	}
	return strings.ReplaceAll(exprs[g.r.IntN(len(exprs))], "@", t)
}

// aggregate returns an aggregate call over alias t.
func (g *Generator) aggregate(t string) string {
	aggs := []string{
		"count(*)", "count(@.b)", "count(DISTINCT @.k)", "sum(@.a)", "sum(@.b)",
		"sum(@.n)", "min(@.a)", "max(@.b)", "min(@.s)", "max(@.s)",
		"min(@.ts)", "max(@.n)", "avg(@.b)", "avg(@.n)", "bool_and(@.f)",
		"bool_or(@.f)", "sum(@.a * @.b)", "count(*) FILTER (WHERE @.f)",
	}
	return strings.ReplaceAll(aggs[g.r.IntN(len(aggs))], "@", t)
}

// predicate returns a boolean expression over alias t; depth bounds nesting.
func (g *Generator) predicate(t string, depth int) string {
	if depth > 0 && g.chance(0.4) {
		op := g.pick("AND", "OR")
		return fmt.Sprintf("(%s %s %s)", g.predicate(t, depth-1), op, g.predicate(t, depth-1))
	}
	atoms := []func() string{
		func() string { return fmt.Sprintf("%s.a %s %d", t, g.cmp(), g.r.IntN(500)) },
		func() string { return fmt.Sprintf("%s.b %s %d", t, g.cmp(), g.r.IntN(101)-50) },
		func() string { return fmt.Sprintf("%s.k = %d", t, g.r.IntN(10)) },
		func() string { return fmt.Sprintf("%s.k IN (%d, %d, %d)", t, g.r.IntN(10), g.r.IntN(10), g.r.IntN(10)) },
		func() string { return fmt.Sprintf("%s.s %s %s", t, g.cmp(), quote(textPool[g.r.IntN(len(textPool))])) },
		func() string { return fmt.Sprintf("%s.s LIKE %s", t, g.pick("'a%'", "'%o%'", "'_'", "'h%'", "'%'")) },
		func() string { return fmt.Sprintf("%s.n %s %d.%02d", t, g.cmp(), g.r.IntN(2000)-1000, g.r.IntN(100)) },
		func() string {
			ts := tsBase.AddDate(0, g.r.IntN(12), g.r.IntN(28))
			return fmt.Sprintf("%s.ts %s '%s'", t, g.cmp(), ts.Format("2006-01-02"))
		},
		func() string { return t + ".f" },
		func() string { return "NOT " + t + ".f" },
		func() string {
			return fmt.Sprintf("%s.%s IS %s", t, g.pick("k", "b", "s", "n", "f"), g.pick("NULL", "NOT NULL"))
		},
		func() string {
			lo := g.r.IntN(400)
			return fmt.Sprintf("%s.a BETWEEN %d AND %d", t, lo, lo+g.r.IntN(100))
		},
		func() string { return fmt.Sprintf("%s.a + %s.b > %d", t, t, g.r.IntN(500)) },
		func() string { return fmt.Sprintf("%s.a %% %d = 0", t, 2+g.r.IntN(5)) },
	}
	return atoms[g.r.IntN(len(atoms))]()
}

// cmp returns a comparison operator.
func (g *Generator) cmp() string { return g.pick("=", "<>", "<", "<=", ">", ">=") }

// table returns one of the tables.
func (g *Generator) table() string { return Tables[g.r.IntN(len(Tables))] }

// chance returns true with probability p.
func (g *Generator) chance(p float64) bool { return g.r.Float64() < p }

// pick returns one of its arguments.
func (g *Generator) pick(opts ...string) string { return opts[g.r.IntN(len(opts))] }
