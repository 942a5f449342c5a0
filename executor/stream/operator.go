package stream

import (
	"github.com/freshetdb/freshet/sql/types"
)

// chunkRows is the number of rows an operator buffers before it pushes a
// chunk downstream (see ChunkRows).
var chunkRows = DefaultChunkRows

// DefaultChunkRows is the chunk size unless SetChunkRows changes it.
const DefaultChunkRows = 1024

// ChunkRows returns the number of rows an operator buffers before it pushes
// a chunk downstream; changes enter dataflows in chunks of this size too.
func ChunkRows() int { return chunkRows }

// SetChunkRows sets the chunk size (n > 0) for the dataflows built after
// it; call it before any runs (it is a server setting). Results do not
// depend on it, only speed does.
func SetChunkRows(n int) {
	if n > 0 {
		chunkRows = n
	}
}

// Operator is one node of a dataflow.
type Operator interface {
	// Push delivers a chunk of changes arriving on input port. The chunk is
	// only valid during the call; the operator copies what it keeps.
	Push(port int, c *types.Chunk) error
	// Flush says input port has delivered every change of the current
	// epoch. The operator emits its pending changes and flushes downstream
	// once all of its inputs have flushed.
	Flush(port int) error
}

// Emitter batches an operator's output rows into chunks for its downstream.
type Emitter struct {
	out  Operator
	port int
	buf  *types.Chunk
}

// NewEmitter returns an emitter of rows of the given width into out's port.
func NewEmitter(out Operator, port, width int) *Emitter {
	// The buffer grows on demand: a query emitting one row should not pay
	// for a full chunk.
	return &Emitter{out: out, port: port, buf: types.NewChunk(width, 0)}
}

// Emit appends a row (copied) with a weight, pushing a full chunk.
func (e *Emitter) Emit(r types.Row, w int64) error {
	if w == 0 {
		return nil
	}
	e.buf.Append(r, w)
	if e.buf.Len() >= chunkRows {
		return e.push()
	}
	return nil
}

// Space appends an empty row with a weight and returns it to be filled in
// place; the caller must call Done afterwards.
func (e *Emitter) Space(w int64) types.Row { return e.buf.AppendSpace(w) }

// Done pushes the buffer when it is full; call it after filling a Space row.
func (e *Emitter) Done() error {
	if e.buf.Len() >= chunkRows {
		return e.push()
	}
	return nil
}

func (e *Emitter) push() error {
	if e.buf.Len() == 0 {
		return nil
	}
	err := e.out.Push(e.port, e.buf)
	e.buf.Reset()
	return err
}

// Flush pushes buffered rows and flushes the downstream port.
func (e *Emitter) Flush() error {
	if err := e.push(); err != nil {
		return err
	}
	return e.out.Flush(e.port)
}

// flushGate counts input flushes of a multi-input operator.
type flushGate struct {
	inputs  int
	flushed int
}

// arrive records a flush and reports whether every input has flushed (and
// resets for the next epoch).
func (g *flushGate) arrive() bool {
	g.flushed++
	if g.flushed >= g.inputs {
		g.flushed = 0
		return true
	}
	return false
}
