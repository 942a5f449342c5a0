package oracle

import (
	"fmt"
	"strings"
)

// View is a materialized view that TestOracleViews created: its name and the
// query that defines it. The view's columns are named c1 ... cNCols.
type View struct {
	Name  string
	Query Query
}

// ViewGenerator makes random view definitions over Tables and over views made
// before. Besides the queries of Generator it makes the shapes only views
// need to be tested with: global aggregates (one row even over no input),
// top-N and top-N per group, window functions, INTERSECT and EXCEPT [ALL],
// aggregates over joins, three-table joins, CTEs, ordered string_agg and
// array_agg, and views over views. Every query has a result that does not
// depend on the plan: a LIMIT comes with an ORDER BY that is total (over
// every output column or ending in a unique id), and window functions order
// by a unique id where ties would otherwise pick rows.
type ViewGenerator struct {
	*Generator
}

// NewViewGenerator returns a view generator drawing from g's rng.
func NewViewGenerator(g *Generator) *ViewGenerator { return &ViewGenerator{g} }

// viewShape is one kind of view query over the views made so far.
type viewShape func(g *ViewGenerator, views []View) Query

// viewShapes lists the view query kinds with their weights.
var viewShapes = []struct {
	weight int
	make   viewShape
}{
	{10, func(g *ViewGenerator, _ []View) Query { return g.Next() }},
	{2, (*ViewGenerator).globalAggregate},
	{2, (*ViewGenerator).topN},
	{2, (*ViewGenerator).topNPerGroup},
	{2, (*ViewGenerator).window},
	{2, (*ViewGenerator).setOp},
	{2, (*ViewGenerator).joinAggregate},
	{1, (*ViewGenerator).threeWayJoin},
	{1, (*ViewGenerator).cte},
	{1, (*ViewGenerator).orderedAggregate},
	{3, (*ViewGenerator).overView},
}

// NextView returns the query of the next view; views are those made so far,
// which a view over views may read.
func (g *ViewGenerator) NextView(views []View) Query {
	total := 0
	for _, s := range viewShapes {
		total += s.weight
	}
	pick := g.r.IntN(total)
	for _, s := range viewShapes {
		if pick < s.weight {
			return s.make(g, views)
		}
		pick -= s.weight
	}
	return g.Next()
}

// globalAggregate: aggregates without GROUP BY under a narrow filter, so the
// input often becomes empty and the view must still hold its one row.
func (g *ViewGenerator) globalAggregate(_ []View) Query {
	t := g.table()
	n := 1 + g.r.IntN(4)
	cols := make([]string, n)
	for i := range cols {
		cols[i] = g.aggregate("x")
	}
	where := fmt.Sprintf("x.k = %d AND x.b > %d", g.r.IntN(10), 20+g.r.IntN(30))
	if g.chance(0.5) {
		where = g.predicate("x", 1) + " AND x.a < " + fmt.Sprint(g.r.IntN(60))
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x WHERE %s", strings.Join(cols, ", "), t, where)
	if g.chance(0.2) {
		sql += g.pick(" HAVING count(*) > 0", " HAVING sum(x.b) IS NOT NULL")
	}
	return Query{SQL: sql, NCols: n}
}

// topN: ORDER BY a column then the unique id, LIMIT n, maybe with OFFSET.
func (g *ViewGenerator) topN(_ []View) Query {
	t := g.table()
	key := g.pick("x.a", "x.b", "x.s", "x.n", "x.ts", "x.k", "x.a + x.b")
	if g.chance(0.4) {
		key += " DESC"
	}
	if g.chance(0.3) {
		key += g.pick(" NULLS FIRST", " NULLS LAST")
	}
	cols := []string{"x.id", g.scalar("x"), g.scalar("x")}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(cols, ", "), t)
	if g.chance(0.6) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	sql += fmt.Sprintf(" ORDER BY %s, x.id%s LIMIT %d", key, g.pick("", " DESC"), 1+g.r.IntN(20))
	if g.chance(0.2) {
		sql += fmt.Sprintf(" OFFSET %d", g.r.IntN(10))
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// topNPerGroup: row_number(), rank() or dense_rank() per partition filtered
// by <= n. row_number orders by a unique id last; rank and dense_rank keep
// all ties, so their result is defined without one.
func (g *ViewGenerator) topNPerGroup(_ []View) Query {
	t := g.table()
	part := g.pick("x.k", "x.f", "x.s", "x.b % 4", "x.k, x.f")
	order := g.pick("x.b", "x.a DESC", "x.n DESC NULLS LAST", "x.ts", "x.s NULLS FIRST")
	fn := g.pick("row_number()", "rank()", "dense_rank()")
	if fn == "row_number()" {
		order += ", x.id"
	}
	inner := fmt.Sprintf("SELECT x.id, x.k, x.b, x.s, %s OVER (PARTITION BY %s ORDER BY %s) AS rn FROM %s x", fn, part, order, t)
	if g.chance(0.4) {
		inner += " WHERE " + g.predicate("x", 1)
	}
	sel := g.pick("id, k, b, rn", "id, s", "k, b, rn", "id")
	sql := fmt.Sprintf("SELECT %s FROM (%s) w WHERE rn <= %d", sel, inner, 1+g.r.IntN(4))
	return Query{SQL: sql, NCols: strings.Count(sel, ",") + 1}
}

// windowFuncs are window function calls over alias @ whose value does not
// depend on how ties are broken.
var windowFuncs = []string{
	"row_number() OVER (PARTITION BY @.k ORDER BY @.b, @.id)",
	"rank() OVER (PARTITION BY @.k ORDER BY @.b)",
	"dense_rank() OVER (PARTITION BY @.f ORDER BY @.a DESC)",
	"rank() OVER (ORDER BY @.s)",
	"lag(@.b) OVER (PARTITION BY @.k ORDER BY @.id)",
	"lead(@.a, 2) OVER (PARTITION BY @.s ORDER BY @.id)",
	"lag(@.s, 1, 'none') OVER (ORDER BY @.id)",
	"first_value(@.a) OVER (PARTITION BY @.k ORDER BY @.b, @.id)",
	"last_value(@.s) OVER (PARTITION BY @.k ORDER BY @.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
	"sum(@.b) OVER (PARTITION BY @.k)",
	"count(*) OVER (PARTITION BY @.k ORDER BY @.id)",
	"avg(@.b) OVER (PARTITION BY @.f)",
	"min(@.a) OVER (PARTITION BY @.k ORDER BY @.id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
	"max(@.s) OVER (PARTITION BY @.k)",
	"sum(@.n) OVER (PARTITION BY @.k ORDER BY @.b)",
	"count(@.b) OVER ()",
}

// window: a projection with one or two window functions.
func (g *ViewGenerator) window(_ []View) Query {
	t := g.table()
	cols := []string{"x.id", g.scalar("x")}
	for range 1 + g.r.IntN(2) {
		cols = append(cols, strings.ReplaceAll(windowFuncs[g.r.IntN(len(windowFuncs))], "@", "x"))
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(cols, ", "), t)
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// setOp: INTERSECT or EXCEPT, with or without ALL, of two filtered selects.
func (g *ViewGenerator) setOp(_ []View) Query {
	cols := g.pick("x.k", "x.a % 10, x.s", "x.k, x.f", "x.b, x.k", "x.s", "x.b % 5")
	op := g.pick("INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL")
	left := fmt.Sprintf("SELECT %s FROM %s x WHERE %s", cols, g.table(), g.predicate("x", 1))
	right := fmt.Sprintf("SELECT %s FROM %s x WHERE %s", cols, g.table(), g.predicate("x", 1))
	return Query{SQL: left + " " + op + " " + right, NCols: strings.Count(cols, ",") + 1}
}

// joinAggregate: GROUP BY over an inner or outer join.
func (g *ViewGenerator) joinAggregate(_ []View) Query {
	kind := g.pick("JOIN", "LEFT JOIN", "FULL JOIN")
	key := g.pick("x.k", "y.k", "x.f", "y.s")
	cols := []string{key, "count(*)"}
	for range 1 + g.r.IntN(2) {
		cols = append(cols, g.aggregate(g.pick("x", "y")))
	}
	sql := fmt.Sprintf("SELECT %s FROM t1 x %s t2 y ON x.a = y.a", strings.Join(cols, ", "), kind)
	if kind != "FULL JOIN" && g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	sql += " GROUP BY " + key
	return Query{SQL: sql, NCols: len(cols)}
}

// threeWayJoin: t1 joined with t2 on a, and a third table on another key.
func (g *ViewGenerator) threeWayJoin(_ []View) Query {
	second := g.pick("JOIN", "LEFT JOIN")
	third := g.pick("JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN")
	on := g.pick("z.a = y.b * 10", "z.id = x.b + 50", "z.k = x.k AND z.b = y.b")
	cols := []string{"x.id", "y.id", "z.id", g.scalar("z")}
	sql := fmt.Sprintf("SELECT %s FROM t1 x %s t2 y ON x.a = y.a %s %s z ON %s",
		strings.Join(cols, ", "), second, third, g.table(), on)
	if third == "JOIN" && g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// cte: a grouped CTE joined back to a table.
func (g *ViewGenerator) cte(_ []View) Query {
	key := g.pick("k", "f", "s")
	kind := g.pick("JOIN", "LEFT JOIN")
	sql := fmt.Sprintf("WITH c AS (SELECT x.%s AS key, sum(x.b) AS sb, count(*) AS n FROM %s x WHERE %s GROUP BY x.%s) "+
		"SELECT y.id, y.%s, c.sb, c.n FROM %s y %s c ON y.%s = c.key",
		key, g.table(), g.predicate("x", 1), key, key, g.table(), kind, key)
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("y", 1)
	}
	return Query{SQL: sql, NCols: 4}
}

// orderedAggregate: string_agg and array_agg with an ORDER BY that ends in
// the unique id, so the aggregated order is defined.
func (g *ViewGenerator) orderedAggregate(_ []View) Query {
	t := g.table()
	key := g.pick("x.k", "x.f", "x.b % 3")
	agg := g.pick(
		"string_agg(x.s, ',' ORDER BY x.s, x.id)",
		"string_agg(upper(x.s), '|' ORDER BY x.id DESC)",
		"array_agg(x.b ORDER BY x.id)",
		"array_agg(x.a ORDER BY x.a DESC, x.id)",
	)
	sql := fmt.Sprintf("SELECT %s, %s, count(*) FROM %s x WHERE %s GROUP BY %s",
		key, agg, t, g.predicate("x", 1), key)
	return Query{SQL: sql, NCols: 3}
}

// overView reads a view made before: filters, groups, DISTINCT, a top-N over
// every column, or a join with a table through the first column.
func (g *ViewGenerator) overView(views []View) Query {
	if len(views) == 0 {
		return g.Next()
	}
	v := views[g.r.IntN(len(views))]
	all := make([]string, v.Query.NCols)
	for i := range all {
		all[i] = fmt.Sprintf("c%d", i+1)
	}
	switch g.r.IntN(5) {
	case 0:
		return Query{SQL: fmt.Sprintf("SELECT c1, count(*) FROM %s GROUP BY c1", v.Name), NCols: 2}
	case 1:
		return Query{SQL: fmt.Sprintf("SELECT DISTINCT %s FROM %s", all[len(all)-1], v.Name), NCols: 1}
	case 2:
		return Query{SQL: fmt.Sprintf("SELECT * FROM %s ORDER BY %s LIMIT %d", v.Name, strings.Join(all, ", "), 1+g.r.IntN(10)), NCols: len(all)}
	case 3:
		return Query{SQL: fmt.Sprintf("SELECT count(*), count(DISTINCT c1) FROM %s", v.Name), NCols: 2}
	default:
		return Query{SQL: fmt.Sprintf("SELECT * FROM %s WHERE %s IS NOT NULL", v.Name, all[g.r.IntN(len(all))]), NCols: len(all)}
	}
}
