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
// top-N and top-N per group, window functions (also over groups, with ROWS,
// RANGE and GROUPS frames), INTERSECT and EXCEPT [ALL], aggregates over joins
// and unions, DISTINCT and FILTER aggregates, three-table joins, self joins,
// joins on expressions and NULL-safe keys, CTEs, decorrelated subqueries in
// WHERE and as values (EXISTS, IN, NOT IN, ANY, ALL), LATERAL subqueries and
// scalar subqueries with ORDER BY ... LIMIT 1, ordered string_agg and array_agg, LIMIT 0 and OFFSET alone, and views
// over views. Every query has a result that does not
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
	{2, (*ViewGenerator).subqueryFilter},
	{2, (*ViewGenerator).subqueryValue},
	{2, (*ViewGenerator).lateral},
	{2, (*ViewGenerator).aggregateVariants},
	{2, (*ViewGenerator).windowMore},
	{1, (*ViewGenerator).windowOverAggregate},
	{1, (*ViewGenerator).aggregateOverUnion},
	{2, (*ViewGenerator).joinVariants},
	{1, (*ViewGenerator).limitEdges},
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
	cond := g.pick(fmt.Sprintf("rn <= %d", 1+g.r.IntN(4)), fmt.Sprintf("rn < %d", 2+g.r.IntN(3)), "rn = 1", fmt.Sprintf("rn <= %d AND w.k IS NOT NULL", 1+g.r.IntN(3)))
	sql := fmt.Sprintf("SELECT %s FROM (%s) w WHERE %s", sel, inner, cond)
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

// subqueryFilter: subqueries in WHERE that decorrelate into semi and anti
// joins: correlation on an equality plus another condition, several columns
// with IN, = ANY, an uncorrelated scalar subquery, and EXISTS over a grouped
// subquery.
func (g *ViewGenerator) subqueryFilter(_ []View) Query {
	conds := []string{
		"EXISTS (SELECT 1 FROM t2 y WHERE y.k = x.k AND y.a < x.a - %d)",
		"NOT EXISTS (SELECT 1 FROM t2 y WHERE y.a = x.a AND y.b > x.b - %d)",
		"x.k IN (SELECT y.k FROM t2 y WHERE y.b > x.b + %d)",
		"(x.a, x.k) IN (SELECT y.a, y.k + %d FROM t2 y)",
		"x.b > (SELECT avg(y.b) + %d FROM t2 y)",
		"EXISTS (SELECT 1 FROM t2 y WHERE y.k = x.k GROUP BY y.k HAVING count(*) > 90 + %d)",
		"x.a IN (SELECT y.a + %d FROM t2 y WHERE y.s = x.s)",
		"x.a = ANY (SELECT y.a - %d FROM t2 y WHERE y.f)",
		"NOT EXISTS (SELECT 1 FROM t2 y WHERE y.s = x.s AND y.k = x.k AND y.id > %d)",
	}
	cond := fmt.Sprintf(conds[g.r.IntN(len(conds))], g.r.IntN(10))
	cols := []string{"x.id", g.scalar("x")}
	sql := fmt.Sprintf("SELECT %s FROM t1 x WHERE %s", strings.Join(cols, ", "), cond)
	if g.chance(0.4) {
		sql += " AND " + g.predicate("x", 1)
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// subqueryValue: EXISTS, IN, NOT IN, ANY and ALL subqueries as values in
// the select list and under OR, uncorrelated or correlated by equalities,
// over columns with NULLs.
func (g *ViewGenerator) subqueryValue(_ []View) Query {
	values := []string{
		"EXISTS (SELECT 1 FROM t2 y WHERE y.k = x.k AND y.a > %d)",
		"NOT EXISTS (SELECT 1 FROM t2 y WHERE y.s = x.s AND y.b < %d)",
		"x.a IN (SELECT y.a FROM t2 y WHERE y.k = x.k AND y.id > %d)",
		"x.b NOT IN (SELECT y.b + %d FROM t2 y WHERE y.s = x.s)",
		"x.k NOT IN (SELECT y.k FROM t2 y WHERE y.a > 40 + %d)",
		"x.a > ALL (SELECT y.a - %d FROM t2 y WHERE y.k = x.k)",
		"x.b <= ANY (SELECT y.b + %d FROM t2 y WHERE y.f)",
		"x.k = ALL (SELECT y.k FROM t2 y WHERE y.a = x.a + %d)",
		"x.n <> ANY (SELECT y.n FROM t2 y WHERE y.k = x.k AND y.b > %d)",
		"x.s < ALL (SELECT y.s FROM t2 y WHERE y.k = x.k AND y.a < %d)",
	}
	value := func() string { return fmt.Sprintf(values[g.r.IntN(len(values))], g.r.IntN(10)) }
	cols := []string{"x.id", value()}
	if g.chance(0.5) {
		cols = append(cols, value())
	}
	sql := fmt.Sprintf("SELECT %s FROM t1 x", strings.Join(cols, ", "))
	if g.chance(0.4) {
		sql += fmt.Sprintf(" WHERE x.b > %d OR %s", 20+g.r.IntN(30), value())
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// lateral: LATERAL subqueries correlated by equalities (the first rows per
// key in a total order, all rows per key with another condition, LEFT JOIN
// LATERAL ... ON, LATERAL over an aggregate), scalar subqueries picking the
// first row per key, and ARRAY(subquery) in a total order.
func (g *ViewGenerator) lateral(_ []View) Query {
	n := 1 + g.r.IntN(3)
	switch g.r.IntN(6) {
	case 0:
		order := g.pick("y.b DESC, y.id", "y.a, y.id DESC", "y.s NULLS FIRST, y.id", "y.id")
		return Query{SQL: fmt.Sprintf("SELECT x.id, z.id, z.b FROM t1 x, LATERAL (SELECT y.id, y.b FROM t2 y WHERE y.k = x.k ORDER BY %s LIMIT %d) z", order, n), NCols: 3}
	case 1:
		return Query{SQL: fmt.Sprintf("SELECT x.id, z.id FROM t1 x, LATERAL (SELECT y.id FROM t2 y WHERE y.k = x.k AND y.a > x.a + %d) z", g.r.IntN(20)), NCols: 2}
	case 2:
		return Query{SQL: fmt.Sprintf("SELECT x.id, z.b FROM t1 x LEFT JOIN LATERAL (SELECT y.b FROM t2 y WHERE y.s = x.s ORDER BY y.ts DESC NULLS LAST, y.id LIMIT %d) z ON z.b > %d", n, g.r.IntN(40)), NCols: 2}
	case 3:
		return Query{SQL: fmt.Sprintf("SELECT x.id, ARRAY(SELECT y.b FROM t2 y WHERE y.k = x.k AND y.a > %d ORDER BY y.ts, y.id) FROM t1 x", g.r.IntN(50)), NCols: 2}
	case 4:
		return Query{SQL: fmt.Sprintf("SELECT x.id, z.n, z.s FROM t1 x, LATERAL (SELECT count(*) AS n, sum(y.b) + %d AS s FROM t2 y WHERE y.s = x.s) z", g.r.IntN(5)), NCols: 3}
	default:
		return Query{SQL: fmt.Sprintf("SELECT x.id, (SELECT y.b FROM t2 y WHERE y.k = x.k AND y.f ORDER BY y.a DESC NULLS LAST, y.id LIMIT 1) + %d FROM t1 x", g.r.IntN(5)), NCols: 2}
	}
}

// aggregateVariants: DISTINCT and FILTER aggregates, aggregates of
// expressions, and aggregates only HAVING uses.
func (g *ViewGenerator) aggregateVariants(_ []View) Query {
	aggs := []string{
		"sum(DISTINCT x.b)", "avg(DISTINCT x.k)", "count(DISTINCT x.s)", "max(x.a) - min(x.a)",
		"sum(x.b) FILTER (WHERE x.f)", "count(*) FILTER (WHERE x.b > 0)", "min(x.n) FILTER (WHERE NOT x.f)",
		"sum(CASE WHEN x.f THEN x.b ELSE 0 END)", "string_agg(DISTINCT x.s, ',' ORDER BY x.s)",
		"array_agg(DISTINCT x.k ORDER BY x.k)", "every(x.b > -40)", "count(x.s) + count(x.n)",
		"bool_or(x.s IS NULL)", "max(length(x.s))", "sum(x.n * 2)", "min(x.ts) FILTER (WHERE x.k > 4)",
		"stddev(x.b)", "var_pop(x.n)", "variance(DISTINCT x.a)", "stddev_pop(x.k) FILTER (WHERE x.f)",
	}
	keys := [][]string{{"x.k"}, {"x.f"}, {"x.s"}, {"x.a % 5"}, {"x.k", "x.f"}, {"COALESCE(x.k, -1)"}, {"x.b > 0"}}[g.r.IntN(7)]
	key := strings.Join(keys, ", ")
	cols := append([]string{}, keys...)
	for range 1 + g.r.IntN(3) {
		cols = append(cols, aggs[g.r.IntN(len(aggs))])
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(cols, ", "), g.table())
	if g.chance(0.3) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	sql += " GROUP BY " + key
	if g.chance(0.4) {
		sql += g.pick(" HAVING max(x.b) > 45", " HAVING count(DISTINCT x.f) = 2", " HAVING sum(x.a) % 2 = 0", " HAVING bool_and(x.f) IS NULL")
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// moreWindowFuncs are more window function calls over alias @ whose value
// does not depend on how ties are broken: ranking by distribution, frames
// by RANGE offsets, nth_value, ntile.
var moreWindowFuncs = []string{
	"ntile(3) OVER (PARTITION BY @.k ORDER BY @.id)",
	"percent_rank() OVER (PARTITION BY @.k ORDER BY @.b)",
	"cume_dist() OVER (PARTITION BY @.f ORDER BY @.a)",
	"nth_value(@.a, 2) OVER (PARTITION BY @.k ORDER BY @.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)",
	"sum(@.b) OVER (PARTITION BY @.k ORDER BY @.a RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING)",
	"count(*) OVER (ORDER BY @.ts RANGE BETWEEN interval '7 days' PRECEDING AND CURRENT ROW)",
	"avg(@.n) OVER (PARTITION BY @.f ORDER BY @.id ROWS BETWEEN 3 PRECEDING AND 3 FOLLOWING)",
	"lead(@.s, 1, 'end') OVER (PARTITION BY @.k ORDER BY @.ts, @.id)",
	"dense_rank() OVER (PARTITION BY @.k ORDER BY @.b % 5)",
	"max(@.b) OVER (PARTITION BY @.s ORDER BY @.id GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
	"first_value(@.s) OVER (PARTITION BY @.f ORDER BY @.n DESC NULLS LAST, @.id)",
	"count(@.n) OVER (PARTITION BY @.k, @.f)",
}

// windowMore: a projection with window functions of moreWindowFuncs.
func (g *ViewGenerator) windowMore(_ []View) Query {
	cols := []string{"x.id"}
	for range 1 + g.r.IntN(2) {
		cols = append(cols, strings.ReplaceAll(moreWindowFuncs[g.r.IntN(len(moreWindowFuncs))], "@", "x"))
	}
	sql := fmt.Sprintf("SELECT %s FROM %s x", strings.Join(cols, ", "), g.table())
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	return Query{SQL: sql, NCols: len(cols)}
}

// windowOverAggregate: window functions over the groups of a GROUP BY.
func (g *ViewGenerator) windowOverAggregate(_ []View) Query {
	fn := g.pick(
		"rank() OVER (ORDER BY count(*) DESC)",
		"sum(sum(x.b)) OVER (ORDER BY x.k)",
		"lag(max(x.a)) OVER (ORDER BY x.k NULLS FIRST)",
		"count(*) * 100 / sum(count(*)) OVER ()",
	)
	sql := fmt.Sprintf("SELECT x.k, count(*), %s FROM %s x", fn, g.table())
	if g.chance(0.5) {
		sql += " WHERE " + g.predicate("x", 1)
	}
	return Query{SQL: sql + " GROUP BY x.k", NCols: 3}
}

// aggregateOverUnion: GROUP BY over a UNION ALL of both tables, and a
// union of two aggregates.
func (g *ViewGenerator) aggregateOverUnion(_ []View) Query {
	if g.chance(0.5) {
		return Query{SQL: fmt.Sprintf("SELECT u.k, sum(u.b), count(*) FROM (SELECT x.k, x.b FROM t1 x WHERE %s UNION ALL SELECT x.k, x.b FROM t2 x) u GROUP BY u.k",
			g.predicate("x", 1)), NCols: 3}
	}
	return Query{SQL: fmt.Sprintf("SELECT 't1' AS src, x.k, count(*) FROM t1 x GROUP BY x.k UNION ALL SELECT 't2', x.k, count(*) FROM t2 x WHERE %s GROUP BY x.k",
		g.predicate("x", 1)), NCols: 3}
}

// joinVariants: joins on expressions, on text keys, NULL-safe equality,
// a self join, and the LEFT JOIN ... IS NULL anti-join pattern.
func (g *ViewGenerator) joinVariants(_ []View) Query {
	switch g.r.IntN(5) {
	case 0:
		return Query{SQL: "SELECT x.id, y.id, x.a FROM t1 x JOIN t2 y ON x.a = y.a + 1 AND x.k = y.k", NCols: 3}
	case 1:
		return Query{SQL: fmt.Sprintf("SELECT x.id, y.id, x.s FROM t1 x %s t2 y ON x.s = y.s AND x.k = y.k AND x.b < y.b",
			g.pick("JOIN", "LEFT JOIN", "FULL JOIN")), NCols: 3}
	case 2:
		return Query{SQL: "SELECT x.id, y.id FROM t1 x JOIN t2 y ON x.k IS NOT DISTINCT FROM y.k AND x.b = y.b AND x.f IS NOT DISTINCT FROM y.f", NCols: 2}
	case 3:
		return Query{SQL: "SELECT x.id, y.id, x.b FROM t1 x JOIN t1 y ON x.b = y.b AND x.k = y.k AND x.id < y.id", NCols: 3}
	default:
		return Query{SQL: fmt.Sprintf("SELECT x.id, x.a FROM %s x LEFT JOIN %s y ON x.a = y.a AND y.b > 0 WHERE y.id IS NULL", g.table(), g.table()), NCols: 2}
	}
}

// limitEdges: LIMIT 0, OFFSET without LIMIT, a LIMIT larger than the input,
// and a top-N of a grouped query.
func (g *ViewGenerator) limitEdges(_ []View) Query {
	switch g.r.IntN(4) {
	case 0:
		return Query{SQL: "SELECT x.id, x.b FROM t1 x ORDER BY x.b, x.id LIMIT 0", NCols: 2}
	case 1:
		return Query{SQL: fmt.Sprintf("SELECT x.id, x.k FROM t2 x WHERE x.k = %d ORDER BY x.id OFFSET %d", g.r.IntN(10), 50+g.r.IntN(100)), NCols: 2}
	case 2:
		return Query{SQL: fmt.Sprintf("SELECT x.id, x.s FROM t1 x WHERE x.b > 45 ORDER BY x.s DESC NULLS FIRST, x.id LIMIT %d", 500+g.r.IntN(100)), NCols: 2}
	default:
		return Query{SQL: "SELECT x.s, count(*) FROM t1 x GROUP BY x.s ORDER BY count(*) DESC, x.s NULLS FIRST LIMIT 5", NCols: 2}
	}
}
