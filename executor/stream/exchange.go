package stream

import (
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// exchange connects the N shards of an operator's input to the shards of
// the operator: every row goes to the shard that owns its key, so that
// equal keys meet in one operator instance (hash partitioning). An
// exchange with one target (top-N, window, global aggregate, the sink)
// gathers every row into shard 0.
type exchange struct {
	w       *Workers
	targets []Operator
	port    int
	counts  []*flushCount
}

func newExchange(w *Workers, targets []Operator, port int) *exchange {
	ex := &exchange{w: w, targets: targets, port: port}
	for range targets {
		ex.counts = append(ex.counts, &flushCount{want: w.N()})
	}
	return ex
}

// exchangeSender is the sending end of an exchange in one shard. It routes
// by the hash of keys evaluated on the row, or of the whole row when
// wholeRow is set.
type exchangeSender struct {
	ex       *exchange
	ctx      *expr.Ctx
	keys     []expr.Expr
	wholeRow bool
	width    int
	bufs     []*types.Chunk
	key      types.Row
	// gather sends every row to shard 0 (flushes still go to all shards).
	gather bool
}

func (ex *exchange) sender(ctx *expr.Ctx, keys []expr.Expr, wholeRow bool, width int) *exchangeSender {
	s := &exchangeSender{ex: ex, ctx: ctx, keys: keys, wholeRow: wholeRow, width: width, bufs: make([]*types.Chunk, len(ex.targets)), key: make(types.Row, len(keys))}
	for i := range s.bufs {
		s.bufs[i] = types.NewChunk(width, 0)
	}
	return s
}

// route returns the target shard of a row.
func (s *exchangeSender) route(r types.Row) (int, error) {
	n := len(s.ex.targets)
	if n == 1 || s.gather {
		return 0, nil
	}
	if s.wholeRow {
		return int(hashRow(r) % uint64(n)), nil
	}
	if err := evalInto(s.ctx, s.keys, r, s.key); err != nil {
		return 0, err
	}
	return int(hashRow(s.key) % uint64(n)), nil
}

// Push implements Operator.
func (s *exchangeSender) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		r := c.Row(i)
		t, err := s.route(r)
		if err != nil {
			return err
		}
		s.bufs[t].Append(r, c.Weights[i])
		if s.bufs[t].Len() >= chunkRows {
			s.send(t)
		}
	}
	return nil
}

func (s *exchangeSender) send(t int) {
	sent := s.bufs[t]
	s.ex.w.post(t, message{op: s.ex.targets[t], port: s.ex.port, chunk: sent})
	// The next chunk has room for as many rows as this one held: a full
	// chunk in a large epoch, a few rows in small ones.
	s.bufs[t] = types.NewChunk(s.width, sent.Len())
}

// Flush implements Operator: buffered rows go out, then a flush to every
// target, which flushes once all N senders have.
func (s *exchangeSender) Flush(int) error {
	for t := range s.bufs {
		if s.bufs[t].Len() > 0 {
			s.send(t)
		}
		s.ex.w.post(t, message{op: s.ex.targets[t], port: s.ex.port, flush: s.ex.counts[t]})
	}
	return nil
}
