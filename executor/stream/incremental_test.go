package stream

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/apd/v3"
	"pgregory.net/rapid"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// This file holds the harness of the incremental property: an operator fed
// a random sequence of epochs of inserts and deletes has, after every
// epoch, emitted in total exactly what a fresh operator emits for the
// current input contents pushed as one insert-only batch (the way a SELECT
// runs it), and never a negative multiplicity. Once every input has been
// deleted again, the operator must hold no state for the deleted rows.
//
// Each epoch's changes are cut into chunks and the ports' chunks and
// flushes interleaved at random; some epochs are shuffled, so that a delete
// comes before the insert it cancels. A failure prints the minimised epochs
// and the expected and accumulated outputs. Search longer with
// go test ./executor/stream -rapid.checks=5000.

// TestMain keeps rapid from saving failing cases under testdata/rapid (in
// the source tree): a failure names the -rapid.seed that reproduces it.
func TestMain(m *testing.M) {
	flag.Parse()
	if err := flag.Set("rapid.nofailfile", "true"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// incCase describes one operator under test.
type incCase struct {
	// widths are the input ports' row widths.
	widths []int
	// gens draws a random row for each input port.
	gens []*rapid.Generator[types.Row]
	// build returns a fresh operator writing into out's port 0.
	build func(ctx *expr.Ctx, out Operator) (Operator, error)
	// empty, when set, reports the state an operator still holds after its
	// inputs were all deleted ("" when none is left).
	empty func(op Operator) string
}

// testCtx returns an evaluation context for operators under test.
func testCtx() *expr.Ctx { return &expr.Ctx{Eval: &builtin.EvalContext{}} }

// change is one row with a weight.
type change struct {
	row types.Row
	w   int64
}

// bag is the model of one input's contents: a multiset of rows in
// first-insertion order (so that draws are reproducible), keyed by the rows'
// text rendering.
type bag struct {
	keys  []string
	rows  map[string]types.Row
	count map[string]int64
}

func newBag() *bag { return &bag{rows: map[string]types.Row{}, count: map[string]int64{}} }

func (b *bag) add(r types.Row, w int64) {
	k := rowText(r)
	if _, ok := b.count[k]; !ok {
		b.keys = append(b.keys, k)
		b.rows[k] = append(types.Row(nil), r...)
	}
	b.count[k] += w
	if b.count[k] == 0 {
		delete(b.count, k)
		delete(b.rows, k)
		for i, x := range b.keys {
			if x == k {
				b.keys = append(b.keys[:i], b.keys[i+1:]...)
				break
			}
		}
	}
}

// chunk returns the contents as one insert-only chunk (weight-1 rows, as a
// table scan emits them).
func (b *bag) chunk(width int) *types.Chunk {
	c := types.NewChunk(width, 16)
	for _, k := range b.keys {
		for n := int64(0); n < b.count[k]; n++ {
			c.Append(b.rows[k], 1)
		}
	}
	return c
}

// datumText renders a value for comparisons and messages: its Postgres text
// output, so that values equal as SQL values but written differently
// (numeric 1.0 and 1.00) are told apart. Text values are quoted.
func datumText(d types.Datum) string {
	if d.IsNull() {
		return "NULL"
	}
	s := string(types.FormatText(nil, d, types.Unknown, nil))
	switch d.Kind() {
	case types.KindText, types.KindVarchar:
		return "'" + s + "'"
	}
	return s
}

// rowText renders a row as "(v1, v2, ...)".
func rowText(r types.Row) string {
	parts := make([]string, len(r))
	for i, d := range r {
		parts[i] = datumText(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// recorder is a sink that keeps everything an operator emitted: consolidated
// by rendering (strict: tells representations apart) and in a Collect (SQL
// equality, as a query result is consolidated), plus the delta of the
// current epoch.
type recorder struct {
	total   map[string]int64
	rows    map[string]types.Row
	epoch   map[string]int64
	collect *Collect
	flushes int
}

func newRecorder() *recorder {
	return &recorder{total: map[string]int64{}, rows: map[string]types.Row{}, epoch: map[string]int64{}, collect: NewCollect()}
}

// Push implements Operator.
func (r *recorder) Push(port int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		k := rowText(c.Row(i))
		if _, ok := r.rows[k]; !ok {
			r.rows[k] = append(types.Row(nil), c.Row(i)...)
		}
		r.total[k] += c.Weights[i]
		r.epoch[k] += c.Weights[i]
	}
	return r.collect.Push(port, c)
}

// Flush implements Operator.
func (r *recorder) Flush(port int) error {
	r.flushes++
	return r.collect.Flush(port)
}

// takeEpoch returns the consolidated delta since the last call.
func (r *recorder) takeEpoch() map[string]int64 {
	d := r.epoch
	r.epoch = map[string]int64{}
	return d
}

// consolidated returns a weight map without zero entries.
func consolidated(m map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, w := range m {
		if w != 0 {
			out[k] = w
		}
	}
	return out
}

// formatBag renders a weight map sorted, one "w row" a line.
func formatBag(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k, w := range m {
		if w != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, "  %+d %s\n", m[k], k)
	}
	if sb.Len() == 0 {
		return "  (empty)\n"
	}
	return sb.String()
}

// diffBags renders what got has beyond want (+) and lacks (-).
func diffBags(want, got map[string]int64) string {
	d := map[string]int64{}
	for k, w := range got {
		d[k] += w
	}
	for k, w := range want {
		d[k] -= w
	}
	return formatBag(d)
}

// collectBag returns a Collect's result rows as a weight map keyed by
// rendering (nil and the error when Sorted fails: a negative multiplicity).
func collectBag(c *Collect) (map[string]int64, error) {
	rows, err := c.Sorted(testCtx(), nil)
	if err != nil {
		return nil, err
	}
	m := map[string]int64{}
	for _, r := range rows {
		m[rowText(r)]++
	}
	return m, nil
}

// recompute runs a fresh operator over the inputs' current contents, driving
// the last input first as the query runner drives a join's right side
// first, and returns what it emitted.
func recompute(c incCase, models []*bag) (*recorder, error) {
	rec := newRecorder()
	op, err := c.build(testCtx(), rec)
	if err != nil {
		return nil, err
	}
	for p := len(models) - 1; p >= 0; p-- {
		if ch := models[p].chunk(c.widths[p]); ch.Len() > 0 {
			if err := op.Push(p, ch); err != nil {
				return nil, err
			}
		}
		if err := op.Flush(p); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// event is one step of an epoch on one port: a chunk, or the flush.
type event struct {
	chunk *types.Chunk
	flush bool
}

// checkMode says what checkIncremental checks.
type checkMode uint8

const (
	// checkOutput: after every epoch the accumulated output equals the
	// recomputed one and has no negative multiplicity.
	checkOutput checkMode = iota
	// checkState: after the last epoch, which deletes every input row, the
	// case's empty check finds no state left.
	checkState
	// checkPresent: after every epoch each value of the accumulated output
	// is written as some value of the current input is (a value equal to
	// an input value but written otherwise, numeric 1.0 for 1.00, is one
	// no input row holds any more).
	checkPresent
)

// checkIncremental runs random epochs of changes through the case's
// operator and checks it as mode says.
func checkIncremental(t *rapid.T, c incCase, mode checkMode) {
	n := len(c.gens)
	models := make([]*bag, n)
	for p := range models {
		models[p] = newBag()
	}
	rec := newRecorder()
	op, err := c.build(testCtx(), rec)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	// The operator's state changes are logged and checkpointed into stored
	// after every epoch; target is where its input goes (a tap in front of
	// it, or the operator).
	stored := memState{}
	target, lg := logged(op)
	var trace strings.Builder
	epochs := rapid.IntRange(1, 6).Draw(t, "epochs")
	for ep := 1; ep <= epochs+1; ep++ {
		drain := ep == epochs+1
		if drain {
			fmt.Fprintf(&trace, "epoch %d (delete everything)\n", ep)
		} else {
			fmt.Fprintf(&trace, "epoch %d\n", ep)
		}
		// The changes of each port, cut into chunks, then its flush.
		queues := make([][]event, n)
		for p := 0; p < n; p++ {
			delta := drawDelta(t, models[p], c.gens[p], drain, fmt.Sprintf("e%d.p%d", ep, p))
			for _, ch := range delta {
				fmt.Fprintf(&trace, "  port %d: %+d %s\n", p, ch.w, rowText(ch.row))
			}
			cuts := rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("e%d.p%d.chunks", ep, p))
			for i := 0; i < cuts; i++ {
				lo, hi := i*len(delta)/cuts, (i+1)*len(delta)/cuts
				if lo == hi {
					continue
				}
				chunk := types.NewChunk(c.widths[p], hi-lo)
				for _, ch := range delta[lo:hi] {
					chunk.Append(ch.row, ch.w)
				}
				queues[p] = append(queues[p], event{chunk: chunk})
			}
			queues[p] = append(queues[p], event{flush: true})
		}
		// Interleave the ports' events, each port's in order.
		for {
			var live []int
			for p, q := range queues {
				if len(q) > 0 {
					live = append(live, p)
				}
			}
			if len(live) == 0 {
				break
			}
			p := live[0]
			if len(live) > 1 {
				p = rapid.SampledFrom(live).Draw(t, fmt.Sprintf("e%d.next", ep))
			}
			ev := queues[p][0]
			queues[p] = queues[p][1:]
			if ev.flush {
				err = target.Flush(p)
			} else {
				err = target.Push(p, ev.chunk)
			}
			if err != nil {
				t.Fatalf("%s\nepoch %d: %v", trace.String(), ep, err)
			}
		}
		if rec.flushes != ep {
			t.Fatalf("%s\nafter epoch %d the sink saw %d flushes, want %d", trace.String(), ep, rec.flushes, ep)
		}
		delta := consolidated(rec.takeEpoch())
		fmt.Fprintf(&trace, "  emitted:\n%s", formatBag(delta))
		if lg != nil {
			if err := lg.drain(0, stored); err != nil {
				t.Fatalf("%s\nafter epoch %d: checkpoint: %v", trace.String(), ep, err)
			}
		}
		if st, ok := op.(Stateful); ok {
			// Go on with a fresh operator loaded from the saved state, or
			// from the checkpoints: the checks below and the later epochs
			// must not notice.
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("e%d.restore", ep)) {
			case 1:
				fmt.Fprintf(&trace, "  (state saved and loaded into a fresh operator)\n")
				op, err = restored(c, st, rec)
			case 2:
				fmt.Fprintf(&trace, "  (checkpoints loaded into a fresh operator)\n")
				op, err = reloaded(c, stored, rec)
			}
			if err != nil {
				t.Fatalf("%s\nafter epoch %d: %v", trace.String(), ep, err)
			}
			target, lg = logged(op)
		}
		if mode == checkPresent {
			if msg := notPresent(rec, models); msg != "" {
				t.Fatalf("%s\nafter epoch %d %s", trace.String(), ep, msg)
			}
		}
		if mode != checkOutput {
			continue
		}
		want, err := recompute(c, models)
		if err != nil {
			t.Fatalf("%s\nrecompute after epoch %d: %v", trace.String(), ep, err)
		}
		got := consolidated(rec.total)
		for k, w := range got {
			if w < 0 {
				t.Fatalf("%s\nafter epoch %d the output holds %s with multiplicity %d\noutput:\n%s",
					trace.String(), ep, k, w, formatBag(got))
			}
		}
		exp := consolidated(want.total)
		if !sameBag(got, exp) {
			t.Fatalf("%s\nafter epoch %d the incremental output differs from the recomputed one\nwant (fresh operator):\n%sgot (accumulated):\n%sgot - want:\n%s",
				trace.String(), ep, formatBag(exp), formatBag(got), diffBags(exp, got))
		}
		g, err := collectBag(rec.collect)
		if err != nil {
			t.Fatalf("%s\nafter epoch %d: Collect: %v", trace.String(), ep, err)
		}
		if w, _ := collectBag(want.collect); !sameBag(g, w) {
			t.Fatalf("%s\nafter epoch %d the Collect sinks differ\nwant:\n%sgot:\n%s", trace.String(), ep, formatBag(w), formatBag(g))
		}
	}
	if mode == checkState {
		if s := c.empty(op); s != "" {
			t.Fatalf("%s\nafter every input row was deleted the operator still holds state: %s", trace.String(), s)
		}
	}
}

// restored builds a fresh operator of case c feeding rec, loads it with the
// saved state of st, and checks that it saves the same state back.
func restored(c incCase, st Stateful, rec Operator) (Operator, error) {
	saved, err := savedState(st)
	if err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	op, err := c.build(testCtx(), rec)
	if err != nil {
		return nil, err
	}
	fresh := op.(Stateful)
	if err := fresh.LoadState(slices.Values(saved)); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	again, err := savedState(fresh)
	if err != nil {
		return nil, fmt.Errorf("save after load: %w", err)
	}
	if a, b := stateBag(saved), stateBag(again); !sameBag(a, b) {
		return nil, fmt.Errorf("the loaded operator saves another state\nsaved:\n%sloaded and saved again:\n%s", formatBag(a), formatBag(b))
	}
	return op, nil
}

// logged attaches a log of state changes to a stateful operator and
// returns where its input goes; an operator without state is returned as
// is, with no log.
func logged(op Operator) (Operator, *stateLog) {
	st, ok := op.(Stateful)
	if !ok {
		return op, nil
	}
	l := &stateLog{on: new(bool)}
	*l.on = true
	return attachLog(st, l), l
}

// reloaded builds a fresh operator of case c feeding rec and loads it with
// the checkpointed state in stored.
func reloaded(c incCase, stored memState, rec Operator) (Operator, error) {
	op, err := c.build(testCtx(), rec)
	if err != nil {
		return nil, err
	}
	var recs []StateRecord
	for k, v := range stored {
		if err := decodeStored([]byte(k), v, func(_ int, r StateRecord) error {
			recs = append(recs, r)
			return nil
		}, func([]byte) {}); err != nil {
			return nil, err
		}
	}
	if err := op.(Stateful).LoadState(slices.Values(recs)); err != nil {
		return nil, fmt.Errorf("load checkpoints: %w", err)
	}
	return op, nil
}

// savedState returns an operator's saved records, rows copied.
func savedState(st interface {
	SaveState(func(StateRecord) error) error
}) ([]StateRecord, error) {
	var out []StateRecord
	err := st.SaveState(func(r StateRecord) error {
		r.Row = append(types.Row(nil), r.Row...)
		out = append(out, r)
		return nil
	})
	return out, err
}

// stateBag consolidates records into a bag keyed by table and row text.
func stateBag(recs []StateRecord) map[string]int64 {
	m := map[string]int64{}
	for _, r := range recs {
		m[fmt.Sprintf("t%d %s", r.Table, rowText(r.Row))] += r.Weight
	}
	return consolidated(m)
}

// notPresent describes an output value written as no current input value
// is ("" when there is none). Only values that have several written forms
// are checked (numeric).
func notPresent(rec *recorder, models []*bag) string {
	present := map[string]bool{}
	for _, m := range models {
		for _, r := range m.rows {
			for _, d := range r {
				present[datumText(d)] = true
			}
		}
	}
	for k, w := range rec.total {
		if w <= 0 {
			continue
		}
		for _, d := range rec.rows[k] {
			if d.Kind() == types.KindNumeric && !present[datumText(d)] {
				return fmt.Sprintf("the output row %s shows %s, which no input row holds", k, datumText(d))
			}
		}
	}
	return ""
}

func sameBag(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, w := range a {
		if b[k] != w {
			return false
		}
	}
	return true
}

// drawDelta draws one epoch's changes of one input and applies them to the
// model: inserts of random rows (sometimes with multiplicity 2) and deletes
// of rows present at that point, so every prefix of the delta leaves a
// valid multiset. With drain it deletes everything. Sometimes the delta is
// shuffled afterwards: the epoch's total is still valid, but a delete may
// then come before the insert it cancels.
func drawDelta(t *rapid.T, m *bag, gen *rapid.Generator[types.Row], drain bool, label string) []change {
	var out []change
	if drain {
		for len(m.keys) > 0 {
			i := rapid.IntRange(0, len(m.keys)-1).Draw(t, label+".del")
			k := m.keys[i]
			r, w := m.rows[k], m.count[k]
			out = append(out, change{r, -w})
			m.add(r, -w)
		}
		return out
	}
	steps := rapid.IntRange(0, 8).Draw(t, label+".n")
	for i := 0; i < steps; i++ {
		if len(m.keys) > 0 && rapid.IntRange(0, 2).Draw(t, label+".op") == 0 {
			j := rapid.IntRange(0, len(m.keys)-1).Draw(t, label+".del")
			k := m.keys[j]
			r := m.rows[k]
			w := rapid.Int64Range(1, m.count[k]).Draw(t, label+".delw")
			out = append(out, change{r, -w})
			m.add(r, -w)
			continue
		}
		r := gen.Draw(t, label+".ins")
		w := rapid.Int64Range(1, 2).Draw(t, label+".insw")
		out = append(out, change{r, w})
		m.add(r, w)
	}
	if len(out) > 1 && rapid.IntRange(0, 3).Draw(t, label+".shuffle") == 0 {
		out = rapid.Permutation(out).Draw(t, label+".perm")
	}
	return out
}

// Value domains: small, with NULL, so that keys collide.

func genInt4(max int) *rapid.Generator[types.Datum] {
	return rapid.Custom(func(t *rapid.T) types.Datum {
		v := rapid.IntRange(-1, max).Draw(t, "i4")
		if v < 0 {
			return types.NullDatum
		}
		return types.NewInt4(int32(v))
	})
}

func genInt8(max int) *rapid.Generator[types.Datum] {
	return rapid.Custom(func(t *rapid.T) types.Datum {
		v := rapid.IntRange(-1, max).Draw(t, "i8")
		if v < 0 {
			return types.NullDatum
		}
		return types.NewInt8(int64(v) * 1000000000000)
	})
}

func genBool() *rapid.Generator[types.Datum] {
	return rapid.SampledFrom([]types.Datum{types.NullDatum, types.NewBool(false), types.NewBool(true)})
}

func genText() *rapid.Generator[types.Datum] {
	return rapid.SampledFrom([]types.Datum{types.NullDatum, types.NewText("a"), types.NewText("b"), types.NewText("c")})
}

// numericValues are distinct as SQL values, with different scales.
var numericValues = []string{"1", "2.5", "-0.25", "10", "0.125"}

func genNumeric() *rapid.Generator[types.Datum] {
	ds := []types.Datum{types.NullDatum}
	for _, s := range numericValues {
		ds = append(ds, numeric(s))
	}
	return rapid.SampledFrom(ds)
}

func numeric(s string) types.Datum {
	d, _, err := apd.NewFromString(s)
	if err != nil {
		panic(err)
	}
	return types.NewNumeric(d)
}

// genRow draws a row with one value from each column generator.
func genRow(cols ...*rapid.Generator[types.Datum]) *rapid.Generator[types.Row] {
	return rapid.Custom(func(t *rapid.T) types.Row {
		r := make(types.Row, len(cols))
		for i, g := range cols {
			r[i] = g.Draw(t, fmt.Sprintf("c%d", i))
		}
		return r
	})
}

// Expression helpers.

func col(i int, t types.T) *expr.ColRef { return &expr.ColRef{Idx: i, T: t} }

func konst(d types.Datum, t types.T) *expr.Const { return &expr.Const{V: d, T: t} }

// fataler is what test helpers need of a *testing.T or *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// call resolves a function or operator for the argument types.
func call(tb fataler, name string, args ...expr.Expr) expr.Expr {
	ts := make([]types.T, len(args))
	for i, a := range args {
		ts[i] = a.Type()
	}
	fn, _, err := builtin.Resolve(name, ts)
	if err != nil {
		tb.Helper()
		tb.Fatalf("resolve %s: %v", name, err)
	}
	return expr.NewCall(fn, args, fn.ResultType(ts))
}

// asc and desc are ORDER BY items with Postgres' default NULL placement.
func asc(e expr.Expr) plan.SortExpr  { return plan.SortExpr{Expr: e} }
func desc(e expr.Expr) plan.SortExpr { return plan.SortExpr{Expr: e, Desc: true, NullsFirst: true} }

// cloneTree copies an expression for a fresh operator (Call nodes keep
// scratch space, so two operators must not share them).
func cloneTree(e expr.Expr) expr.Expr {
	if e == nil {
		return nil
	}
	return expr.Clone(e)
}

func cloneAll(es []expr.Expr) []expr.Expr {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = cloneTree(e)
	}
	return out
}
