package oracle

import (
	"fmt"
	"strings"
)

// Step is one statement that TestOracleViews runs on both servers. When Copy
// is set, SQL is a COPY ... FROM STDIN and Copy is its data in COPY's text
// format. Extended sends it in the extended protocol (Parse/Bind/Execute)
// rather than as a simple Query.
type Step struct {
	SQL      string
	Copy     string
	Extended bool
}

// String renders the step for a failure report.
func (s Step) String() string {
	switch {
	case s.Copy != "":
		return s.SQL + "\n" + s.Copy + `\.`
	case s.Extended:
		return s.SQL + " /* extended protocol */"
	}
	return s.SQL
}

// Ids of the rows the DML generator adds. Schema's rows have ids up to
// rowCounts; VALUES and COPY rows take fresh ids from firstFreshID up to
// copyOffsetStep-1; INSERT ... SELECT copies rows with an id below
// copyOffsetStep and adds a multiple of copyOffsetStep, a new multiple each
// time, so every id is new. UPDATE ... SET id = -id moves rows to negative
// ids, which nothing copies or moves again.
const (
	firstFreshID   = 3000
	copyOffsetStep = 100000
	maxCopyOffset  = 21000 * copyOffsetStep // below the int4 maximum
)

// DMLGenerator makes random rounds of changes to Tables: inserts of new rows
// (with NULLs, and duplicates of other rows but for the id) by VALUES,
// INSERT ... SELECT and COPY; upserts; updates of grouping keys, join keys,
// values and the primary key; deletes of a few rows or of whole groups;
// rows deleted and inserted again under the same ids; a
// statement that fails with a unique violation and so changes nothing; and
// transactions of several of these ending in COMMIT or ROLLBACK. The same
// rng state gives the same rounds.
type DMLGenerator struct {
	g          *Generator
	nextID     int
	nextOffset int
}

// NewDMLGenerator returns a DML generator drawing from g's rng.
func NewDMLGenerator(g *Generator) *DMLGenerator {
	return &DMLGenerator{g: g, nextID: firstFreshID, nextOffset: copyOffsetStep}
}

// dmlKinds lists the kinds of change with their weights; each returns the
// statements of one change.
var dmlKinds = []struct {
	weight int
	make   func(d *DMLGenerator) []Step
}{
	{5, (*DMLGenerator).insertValues},
	{2, (*DMLGenerator).insertSelect},
	{1, (*DMLGenerator).upsert},
	{2, (*DMLGenerator).copyRows},
	{3, (*DMLGenerator).updateKey},
	{2, (*DMLGenerator).updateValues},
	{1, (*DMLGenerator).updateID},
	{1, (*DMLGenerator).updateFrom},
	{3, (*DMLGenerator).deleteFew},
	{1, (*DMLGenerator).deleteGroup},
	{1, (*DMLGenerator).failing},
	{1, (*DMLGenerator).replaceRows},
}

// Round returns the statements of one round: one to four changes, each a
// single statement or, one time in six, a transaction. A fourth of the
// statements other than COPY go in the extended protocol.
func (d *DMLGenerator) Round() []Step {
	var steps []Step
	for range 1 + d.g.r.IntN(4) {
		if d.g.chance(1.0 / 6) {
			steps = append(steps, d.transaction()...)
		} else {
			steps = append(steps, d.change()...)
		}
	}
	for i := range steps {
		steps[i].Extended = steps[i].Copy == "" && d.g.chance(0.25)
	}
	return steps
}

// change returns the statements of one random change.
func (d *DMLGenerator) change() []Step {
	total := 0
	for _, k := range dmlKinds {
		total += k.weight
	}
	pick := d.g.r.IntN(total)
	for _, k := range dmlKinds {
		if pick < k.weight {
			return k.make(d)
		}
		pick -= k.weight
	}
	return d.insertValues()
}

// freshIDs returns n new ids, or nil when they have run out (after
// copyOffsetStep-firstFreshID fresh rows, far more than any run makes).
func (d *DMLGenerator) freshIDs(n int) []int {
	if d.nextID+n >= copyOffsetStep {
		return nil
	}
	ids := make([]int, n)
	for i := range ids {
		ids[i] = d.nextID
		d.nextID++
	}
	return ids
}

// freshRows returns VALUES tuples for ids, where some rows repeat the values
// of the row before them (a duplicate but for the id).
func (d *DMLGenerator) freshRows(ids []int) [][]string {
	rows := make([][]string, len(ids))
	for i, id := range ids {
		if i > 0 && d.g.chance(0.25) {
			rows[i] = append([]string{fmt.Sprint(id)}, rows[i-1][1:]...)
			continue
		}
		rows[i] = randomValues(d.g.r, id)
	}
	return rows
}

// tuples renders rows as a VALUES list.
func tuples(rows [][]string) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = "(" + strings.Join(r, ", ") + ")"
	}
	return strings.Join(parts, ", ")
}

// insertValues: INSERT of one to twenty new rows.
func (d *DMLGenerator) insertValues() []Step {
	ids := d.freshIDs(1 + d.g.r.IntN(20))
	if ids == nil {
		return d.updateValues()
	}
	return []Step{{SQL: fmt.Sprintf("INSERT INTO %s VALUES %s", d.g.table(), tuples(d.freshRows(ids)))}}
}

// insertSelect: copies of a few rows of either table under new ids, which
// duplicates every value but the id.
func (d *DMLGenerator) insertSelect() []Step {
	if d.nextOffset > maxCopyOffset {
		return d.insertValues()
	}
	off := d.nextOffset
	d.nextOffset += copyOffsetStep
	return []Step{{SQL: fmt.Sprintf(
		"INSERT INTO %s SELECT x.id + %d, x.k, x.a, x.b, x.s, x.n, x.ts, x.f FROM %s x WHERE x.id > 0 AND x.id < %d AND x.id %% %d = %d AND %s",
		d.g.table(), off, d.g.table(), copyOffsetStep, 20+d.g.r.IntN(30), d.g.r.IntN(20), d.g.predicate("x", 1))}}
}

// upsert: INSERT ... ON CONFLICT DO UPDATE of ids that may exist, which
// updates some rows and inserts others.
func (d *DMLGenerator) upsert() []Step {
	t := d.g.table()
	n := 1 + d.g.r.IntN(5)
	rows := make([][]string, 0, n)
	seen := map[int]bool{}
	for range n {
		id := 1 + d.g.r.IntN(rowCounts[t]+20)
		if seen[id] {
			continue
		}
		seen[id] = true
		rows = append(rows, randomValues(d.g.r, id))
	}
	set := d.g.pick("k = EXCLUDED.k, b = EXCLUDED.b", "a = EXCLUDED.a", "s = EXCLUDED.s, n = EXCLUDED.n, f = EXCLUDED.f",
		"k = EXCLUDED.k, a = EXCLUDED.a, b = EXCLUDED.b, s = EXCLUDED.s, n = EXCLUDED.n, ts = EXCLUDED.ts, f = EXCLUDED.f")
	return []Step{{SQL: fmt.Sprintf("INSERT INTO %s VALUES %s ON CONFLICT (id) DO UPDATE SET %s", t, tuples(rows), set)}}
}

// copyRows: COPY FROM STDIN of one to ten new rows.
func (d *DMLGenerator) copyRows() []Step {
	ids := d.freshIDs(1 + d.g.r.IntN(10))
	if ids == nil {
		return d.updateValues()
	}
	var b strings.Builder
	for _, row := range d.freshRows(ids) {
		for i, v := range row {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(copyText(v))
		}
		b.WriteByte('\n')
	}
	return []Step{{SQL: fmt.Sprintf("COPY %s FROM STDIN", d.g.table()), Copy: b.String()}}
}

// copyText turns an SQL literal of randomValues into COPY's text format. The
// text pool has no tabs, newlines or backslashes, so nothing needs escaping.
func copyText(lit string) string {
	switch {
	case lit == "NULL":
		return `\N`
	case strings.HasPrefix(lit, "'"):
		return strings.ReplaceAll(lit[1:len(lit)-1], "''", "'")
	}
	return lit
}

// where returns a filter over alias x, with thin (or else one time in two)
// thinned to about a tenth of the rows it matches.
func (d *DMLGenerator) where(thin bool) string {
	p := d.g.predicate("x", 1)
	if thin || d.g.chance(0.5) {
		p += fmt.Sprintf(" AND x.id %% 10 = %d", d.g.r.IntN(10))
	}
	return p
}

// updateKey: moves rows between groups (k, f, s) or changes the join key a,
// including to and from NULL. The filter is always thinned: setting the join
// key of many rows to one value would make joins on it quadratic.
func (d *DMLGenerator) updateKey() []Step {
	set := d.g.pick(
		fmt.Sprintf("k = %d", d.g.r.IntN(10)),
		"k = (x.k + 1) % 10",
		"k = NULL",
		fmt.Sprintf("a = x.a + %d", 1+d.g.r.IntN(5)),
		fmt.Sprintf("a = %d", d.g.r.IntN(500)),
		"a = NULL",
		"f = NOT x.f",
		fmt.Sprintf("s = %s", quote(textPool[d.g.r.IntN(len(textPool))])),
		fmt.Sprintf("k = %d, a = x.a - 1", d.g.r.IntN(10)),
	)
	return []Step{{SQL: fmt.Sprintf("UPDATE %s x SET %s WHERE %s", d.g.table(), set, d.where(true))}}
}

// updateValues: changes aggregated values, which retracts old minima and
// maxima.
func (d *DMLGenerator) updateValues() []Step {
	set := d.g.pick(
		fmt.Sprintf("b = %d", d.g.r.IntN(101)-50),
		"b = NULL",
		"b = COALESCE(x.b, 0) + 1",
		"n = -x.n",
		"n = x.n + 0.25, b = x.b - 1",
		"ts = x.ts + interval '1 day'",
		"s = upper(x.s)",
		"s = NULL, n = NULL",
	)
	return []Step{{SQL: fmt.Sprintf("UPDATE %s x SET %s WHERE %s", d.g.table(), set, d.where(false))}}
}

// updateID: changes the primary key of a few rows (to -id, which is free).
func (d *DMLGenerator) updateID() []Step {
	lo := 1 + d.g.r.IntN(2000)
	return []Step{{SQL: fmt.Sprintf("UPDATE %s x SET id = -x.id WHERE x.id BETWEEN %d AND %d", d.g.table(), lo, lo+d.g.r.IntN(8))}}
}

// updateFrom: UPDATE ... FROM the other table, matched on the unique id.
func (d *DMLGenerator) updateFrom() []Step {
	t, o := "t1", "t2"
	if d.g.chance(0.5) {
		t, o = o, t
	}
	set := d.g.pick("b = y.b", "k = y.k, a = y.a", "s = y.s")
	return []Step{{SQL: fmt.Sprintf("UPDATE %s x SET %s FROM %s y WHERE x.id = y.id AND %s", t, set, o, d.g.predicate("y", 1))}}
}

// deleteFew: deletes a range of ids or a thinned filter.
func (d *DMLGenerator) deleteFew() []Step {
	t := d.g.table()
	if d.g.chance(0.5) {
		lo := 1 + d.g.r.IntN(2000)
		return []Step{{SQL: fmt.Sprintf("DELETE FROM %s x WHERE x.id BETWEEN %d AND %d", t, lo, lo+d.g.r.IntN(30))}}
	}
	return []Step{{SQL: fmt.Sprintf("DELETE FROM %s x WHERE %s AND x.id %% 10 = %d", t, d.g.predicate("x", 1), d.g.r.IntN(10))}}
}

// deleteGroup: deletes every row of one group, taking it to zero; later
// inserts bring it back.
func (d *DMLGenerator) deleteGroup() []Step {
	cond := d.g.pick(
		fmt.Sprintf("x.k = %d", d.g.r.IntN(10)),
		"x.k IS NULL",
		fmt.Sprintf("x.s = %s", quote(textPool[d.g.r.IntN(len(textPool))])),
		"x.f IS NULL",
		fmt.Sprintf("x.b %% 3 = %d", d.g.r.IntN(3)-1),
		"x.a BETWEEN @ AND @ + 40",
	)
	cond = strings.ReplaceAll(cond, "@", fmt.Sprint(d.g.r.IntN(500)))
	return []Step{{SQL: fmt.Sprintf("DELETE FROM %s x WHERE %s", d.g.table(), cond)}}
}

// replaceRows: deletes a few ids and inserts new rows under the same ids, as
// an application replacing rows does (in a transaction block the view must
// see only the net change).
func (d *DMLGenerator) replaceRows() []Step {
	t := d.g.table()
	lo, n := 1+d.g.r.IntN(rowCounts[t]), 1+d.g.r.IntN(3)
	ids := make([]int, n)
	for i := range ids {
		ids[i] = lo + i
	}
	return []Step{
		{SQL: fmt.Sprintf("DELETE FROM %s WHERE id BETWEEN %d AND %d", t, lo, lo+n-1)},
		{SQL: fmt.Sprintf("INSERT INTO %s VALUES %s", t, tuples(d.freshRows(ids)))},
	}
}

// failing: a multi-row INSERT whose last row repeats the first row's id, so
// it fails with 23505 and must leave every view unchanged.
func (d *DMLGenerator) failing() []Step {
	ids := d.freshIDs(1 + d.g.r.IntN(4))
	if ids == nil {
		return d.deleteFew()
	}
	rows := d.freshRows(ids)
	rows = append(rows, randomValues(d.g.r, ids[0]))
	return []Step{{SQL: fmt.Sprintf("INSERT INTO %s VALUES %s", d.g.table(), tuples(rows))}}
}

// transaction: BEGIN, two to four changes, then COMMIT, or ROLLBACK one time
// in four.
func (d *DMLGenerator) transaction() []Step {
	steps := []Step{{SQL: "BEGIN"}}
	for range 2 + d.g.r.IntN(3) {
		steps = append(steps, d.change()...)
	}
	end := "COMMIT"
	if d.g.chance(0.25) {
		end = "ROLLBACK"
	}
	return append(steps, Step{SQL: end})
}
