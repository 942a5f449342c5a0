package stream

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Leaf is where changes enter a built dataflow: the rows of Node (a Scan,
// Values, RecursiveUnion or WorkTable) are pushed into Out at Port.
type Leaf struct {
	Node plan.Node
	Out  Operator
	Port int
}

// Build instantiates the operators of plan n, feeding out's port, and
// returns its leaves in the order a one-shot run drives them: a join's right
// input comes first, so that probing a complete right index emits no padded
// rows that would be retracted later. Every operator gets its own copy of
// its expressions (a Call keeps scratch space), so one plan may be built
// any number of times. Every operator evaluates with ec.
func Build(ec *expr.Ctx, n plan.Node, out Operator, port int) ([]Leaf, error) {
	b := &builder{ec: ec}
	if err := b.build(n, out, port); err != nil {
		return nil, err
	}
	return b.leaves, nil
}

type builder struct {
	ec     *expr.Ctx
	leaves []Leaf
}

// build creates the operators of n, feeding out's port.
func (b *builder) build(n plan.Node, out Operator, port int) error {
	op, inputs, err := newOperator(b.ec, cloneNode(n), out, port)
	if err != nil {
		return err
	}
	if op == nil {
		switch n.(type) {
		case *plan.Sort:
			// Order is not a property of a relation inside a dataflow:
			// only a Limit above it (a top-N) or the final result uses it.
			return b.build(n.Inputs()[0], out, port)
		}
		b.leaves = append(b.leaves, Leaf{Node: n, Out: out, Port: port})
		return nil
	}
	// Right inputs first (see Build).
	for i := len(inputs) - 1; i >= 0; i-- {
		if err := b.build(inputs[i], op, i); err != nil {
			return err
		}
	}
	return nil
}

// newOperator creates the operator of node n (whose expressions the caller
// owns) feeding out's port, and returns it with the inputs that feed its
// ports in order. A leaf returns no operator.
func newOperator(ec *expr.Ctx, n plan.Node, out Operator, port int) (Operator, []plan.Node, error) {
	width := len(n.Columns())
	switch n := n.(type) {
	case *plan.Scan, *plan.Values, *plan.RecursiveUnion, *plan.WorkTable, *plan.Sort:
		return nil, nil, nil
	case *plan.Filter:
		return NewFilter(ec, n.Pred, width, out, port), []plan.Node{n.Input}, nil
	case *plan.Project:
		return NewProject(ec, n.Exprs, out, port), []plan.Node{n.Input}, nil
	case *plan.Join:
		if n.Lookup {
			return NewLookupJoin(ec, n, len(n.Left.Columns()), len(n.Right.Columns()), out, port), []plan.Node{n.Left, n.Right}, nil
		}
		return NewHashJoin(ec, n, len(n.Left.Columns()), len(n.Right.Columns()), out, port), []plan.Node{n.Left, n.Right}, nil
	case *plan.Aggregate:
		op, err := NewAggregate(ec, n, out, port)
		return op, []plan.Node{n.Input}, err
	case *plan.Distinct:
		return NewDistinct(ec, n, width, out, port), []plan.Node{n.Input}, nil
	case *plan.SetOp:
		if n.Kind == plan.SetUnion && n.All {
			return NewUnion(width, out, port), []plan.Node{n.Left, n.Right}, nil
		}
		return NewSetOp(n, width, out, port), []plan.Node{n.Left, n.Right}, nil
	case *plan.Apply:
		return NewApply(ec, n, len(n.Left.Columns()), out, port), []plan.Node{n.Left}, nil
	case *plan.FlatMap:
		return NewFlatMap(ec, n, len(n.Input.Columns()), out, port), []plan.Node{n.Input}, nil
	case *plan.Window:
		if n.RankLimit > 0 {
			return NewRankTopN(ec, n, len(n.Input.Columns()), out, port), []plan.Node{n.Input}, nil
		}
		return NewWindow(ec, n, len(n.Input.Columns()), out, port), []plan.Node{n.Input}, nil
	case *plan.Limit:
		count, offset, err := LimitValues(ec, n)
		if err != nil {
			return nil, nil, err
		}
		input, keys := n.Input, []plan.SortExpr(nil)
		if s, ok := input.(*plan.Sort); ok {
			input, keys = s.Input, s.Keys
		}
		return NewTopN(ec, keys, count, offset, n.WithTies, width, out, port), []plan.Node{input}, nil
	}
	return nil, nil, sqlerr.Unsupported("executing this plan node")
}

// cloneNode returns a shallow copy of n whose expressions are deep copies,
// so that the operator built from it evaluates on its own Call nodes.
func cloneNode(n plan.Node) plan.Node {
	ce := expr.Clone
	ces := func(es []expr.Expr) []expr.Expr {
		out := make([]expr.Expr, len(es))
		for i, e := range es {
			out[i] = ce(e)
		}
		return out
	}
	cs := func(ss []plan.SortExpr) []plan.SortExpr {
		out := make([]plan.SortExpr, len(ss))
		for i, s := range ss {
			out[i] = s
			out[i].Expr = ce(s.Expr)
		}
		return out
	}
	opt := func(e expr.Expr) expr.Expr {
		if e == nil {
			return nil
		}
		return ce(e)
	}
	switch n := n.(type) {
	case *plan.Filter:
		c := *n
		c.Pred = ce(n.Pred)
		return &c
	case *plan.Project:
		c := *n
		c.Exprs = ces(n.Exprs)
		return &c
	case *plan.Join:
		c := *n
		c.LeftKeys, c.RightKeys, c.Residual = ces(n.LeftKeys), ces(n.RightKeys), opt(n.Residual)
		return &c
	case *plan.Aggregate:
		c := *n
		c.GroupBy = ces(n.GroupBy)
		c.Aggs = make([]plan.AggCall, len(n.Aggs))
		for i, a := range n.Aggs {
			a.Args, a.Filter, a.OrderBy = ces(a.Args), opt(a.Filter), cs(a.OrderBy)
			c.Aggs[i] = a
		}
		return &c
	case *plan.Distinct:
		c := *n
		c.On, c.Sort = ces(n.On), cs(n.Sort)
		return &c
	case *plan.Window:
		c := *n
		c.Calls = make([]plan.WindowCall, len(n.Calls))
		for i, w := range n.Calls {
			w.Args, w.PartitionBy, w.OrderBy = ces(w.Args), ces(w.PartitionBy), cs(w.OrderBy)
			w.Frame.StartOffset, w.Frame.EndOffset = opt(w.Frame.StartOffset), opt(w.Frame.EndOffset)
			c.Calls[i] = w
		}
		return &c
	case *plan.Limit:
		c := *n
		c.Count, c.Offset = opt(n.Count), opt(n.Offset)
		if s, ok := n.Input.(*plan.Sort); ok {
			sc := *s
			sc.Keys = cs(s.Keys)
			c.Input = &sc
		}
		return &c
	case *plan.FlatMap:
		c := *n
		c.Calls = make([]plan.SetCall, len(n.Calls))
		for i, sc := range n.Calls {
			sc.Args = ces(sc.Args)
			c.Calls[i] = sc
		}
		return &c
	case *plan.Apply:
		c := *n
		c.Cond = opt(n.Cond)
		return &c
	}
	return n
}

// ShardLeaf is where changes enter a sharded dataflow: its rows may go to
// any shard's Outs[i] at Port (the operators above a leaf are stateless up
// to the first exchange), and each shard's leaf operator is flushed once
// per epoch.
type ShardLeaf struct {
	Node plan.Node
	Outs []Operator
	Port int
	// flush counts the one flush each shard's leaf operator gets.
	flush []*flushCount
	// next is the shard PostShared starts from, so that small epochs
	// spread over the shards too.
	next int
}

// BuildSharded instantiates plan n on w.N() shards, each with its own
// operators and evaluation context ecs[i], connected by hash exchanges in
// front of every stateful operator (partitioned on the operator's key: join
// keys, GROUP BY, the whole row for DISTINCT and set operations; top-N,
// windows and global aggregates gather on shard 0), and gathers the result
// into sink on shard 0. Worker i runs shard i's operators. The result is the
// same for any number of shards.
//
// A sink that is Stateful (a view's contents) is the dataflow's operator 0,
// and its state is saved and logged with the others'.
func BuildSharded(ecs []*expr.Ctx, n plan.Node, sink Operator, w *Workers) (*Dataflow, error) {
	b := &shardBuilder{ecs: ecs, w: w, flow: &Dataflow{logging: new(bool)}}
	if s, ok := sink.(Stateful); ok {
		sink = b.register([]Stateful{s}, false)[0]
	}
	gather := newExchange(w, []Operator{sink}, 0)
	senders := make([]Operator, w.N())
	for i := range senders {
		senders[i] = gather.sender(ecs[i], nil, false, len(n.Columns()))
	}
	if err := b.build(n, senders, 0); err != nil {
		return nil, err
	}
	return b.flow, nil
}

type shardBuilder struct {
	ecs  []*expr.Ctx
	w    *Workers
	flow *Dataflow
}

// build creates shard copies of n's operators feeding outs[i] at port.
func (b *shardBuilder) build(n plan.Node, outs []Operator, port int) error {
	shards := b.w.N()
	ops := make([]Operator, shards)
	var inputs []plan.Node
	for i := range ops {
		op, in, err := newOperator(b.ecs[i], cloneNode(n), outs[i], port)
		if err != nil {
			return err
		}
		ops[i], inputs = op, in
	}
	if ops[0] == nil {
		if s, ok := n.(*plan.Sort); ok {
			return b.build(s.Input, outs, port)
		}
		l := ShardLeaf{Node: n, Outs: outs, Port: port}
		for range outs {
			l.flush = append(l.flush, &flushCount{want: 1})
		}
		b.flow.Leaves = append(b.flow.Leaves, l)
		return nil
	}
	if g, ok := ops[0].(*Aggregate); ok && g.global {
		for _, op := range ops[1:] {
			op.(*Aggregate).dropGlobalRow()
		}
	}
	// targets receive the inputs: the operators, or taps logging their
	// state changes in front of them.
	targets := ops
	if _, ok := ops[0].(Stateful); ok {
		states := make([]Stateful, shards)
		for i, op := range ops {
			states[i] = op.(Stateful)
		}
		_, _, partitioned := plan.Partitioning(n, 0)
		targets = b.register(states, partitioned)
	}
	for p, in := range inputs {
		keys, wholeRow, partitioned := plan.Partitioning(n, p)
		if !partitioned && !plan.Stateful(n) {
			// Stateless operators stay in the shard of their input.
			if err := b.build(in, targets, p); err != nil {
				return err
			}
			continue
		}
		ex := newExchange(b.w, targets, p)
		senders := make([]Operator, shards)
		for i := range senders {
			s := ex.sender(b.ecs[i], cloneExprsFor(keys), wholeRow, len(in.Columns()))
			s.gather = !partitioned
			senders[i] = s
		}
		if err := b.build(in, senders, p); err != nil {
			return err
		}
	}
	return nil
}

// register adds a stateful operator's shards to the dataflow, each with its
// log, and returns where each shard's input goes.
func (b *shardBuilder) register(shards []Stateful, partitioned bool) []Operator {
	so := shardedOp{shards: shards, partitioned: partitioned}
	targets := make([]Operator, len(shards))
	for i, s := range shards {
		l := &stateLog{on: b.flow.logging}
		so.logs = append(so.logs, l)
		targets[i] = attachLog(s, l)
	}
	b.flow.ops = append(b.flow.ops, so)
	return targets
}

func cloneExprsFor(es []expr.Expr) []expr.Expr {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		out[i] = expr.Clone(e)
	}
	return out
}

// Post sends changes to the leaf's shards, spreading rows round-robin.
// The chunk is copied; the caller keeps it.
func (l *ShardLeaf) Post(w *Workers, c *types.Chunk) {
	n := len(l.Outs)
	if c != nil && c.Len() > 0 {
		parts := make([]*types.Chunk, n)
		for i := range parts {
			parts[i] = types.NewChunk(c.Width, c.Len()/n+1)
		}
		for r := 0; r < c.Len(); r++ {
			parts[r%n].Append(c.Row(r), c.Weights[r])
		}
		for i, p := range parts {
			if p.Len() > 0 {
				w.post(i, message{op: l.Outs[i], port: l.Port, chunk: p})
			}
		}
	}
}

// PostShared sends chunks that nobody changes any more (they may go to
// several dataflows at once) to the leaf's shards without copying them,
// whole chunks round-robin.
func (l *ShardLeaf) PostShared(w *Workers, chunks []*types.Chunk) {
	for i, c := range chunks {
		if c.Len() > 0 {
			s := (l.next + i) % len(l.Outs)
			w.post(s, message{op: l.Outs[s], port: l.Port, chunk: c})
		}
	}
	l.next += len(chunks)
}

// PostFlush ends the leaf's epoch on every shard.
func (l *ShardLeaf) PostFlush(w *Workers) {
	for i := range l.Outs {
		w.post(i, message{op: l.Outs[i], port: l.Port, flush: l.flush[i]})
	}
}

// ShardInput is an Operator that feeds a leaf of a sharded dataflow from
// another goroutine (an upstream view's sink): it posts to the workers.
type ShardInput struct {
	Leaf    *ShardLeaf
	Workers *Workers
}

// Push implements Operator.
func (s *ShardInput) Push(_ int, c *types.Chunk) error {
	s.Leaf.Post(s.Workers, c)
	return nil
}

// Flush implements Operator.
func (s *ShardInput) Flush(int) error {
	s.Leaf.PostFlush(s.Workers)
	return nil
}
