package types

// Row is one tuple of values, positionally matching a schema.
type Row []Datum

// Chunk is a batch of changes: rows of a fixed width, each with a weight.
// Weight +1 inserts a row and -1 deletes one; larger magnitudes are
// multiplicities (a Z-set, as in DBSP and differential dataflow). Rows are
// stored row-major in one flat slice so that a chunk costs a constant number
// of allocations, not one per row.
//
// A Chunk is owned by whoever holds it; an operator that receives one may
// read it until its Push returns and must copy what it keeps.
type Chunk struct {
	Width   int
	Data    []Datum
	Weights []int64
}

// NewChunk returns an empty chunk of the given width with room for capRows rows.
func NewChunk(width, capRows int) *Chunk {
	return &Chunk{Width: width, Data: make([]Datum, 0, width*capRows), Weights: make([]int64, 0, capRows)}
}

// Len returns the number of rows.
func (c *Chunk) Len() int { return len(c.Weights) }

// Row returns row i as a slice into the chunk's storage (valid until the
// chunk is reset or appended to).
func (c *Chunk) Row(i int) Row { return Row(c.Data[i*c.Width : (i+1)*c.Width : (i+1)*c.Width]) }

// Append adds a row with a weight, copying the values.
func (c *Chunk) Append(r Row, weight int64) {
	c.Data = append(c.Data, r...)
	c.Weights = append(c.Weights, weight)
}

// AppendSpace adds a row of NULLs with the weight and returns it for the
// caller to fill in place.
func (c *Chunk) AppendSpace(weight int64) Row {
	n := len(c.Data)
	for j := 0; j < c.Width; j++ {
		c.Data = append(c.Data, Datum{})
	}
	c.Weights = append(c.Weights, weight)
	return Row(c.Data[n : n+c.Width : n+c.Width])
}

// Reset empties the chunk, keeping its storage.
func (c *Chunk) Reset() {
	clear(c.Data)
	c.Data = c.Data[:0]
	c.Weights = c.Weights[:0]
}
