package plan

import (
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/types"
)

// Column is one output column of a node.
type Column struct {
	Name string
	Type types.T
	// TableOID and AttrNum identify a plain table column for RowDescription
	// (0 when the column is computed).
	TableOID uint32
	AttrNum  int16
	// Fields names the fields of a row-valued column (a set-returning
	// function's row), for (col).field; nil otherwise.
	Fields []Column
}

// Node is a relational operator of a plan.
type Node interface {
	// Columns returns the output columns.
	Columns() []Column
	// Inputs returns the child nodes.
	Inputs() []Node
	// OutputTypes returns the types of the output columns (so that a node
	// can be a subquery's expr.Relation).
	OutputTypes() []types.T
}

// Types returns the types of cols.
func Types(cols []Column) []types.T {
	out := make([]types.T, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}

// base carries the output columns of a node.
type base struct{ Cols []Column }

// Columns implements Node.
func (b *base) Columns() []Column { return b.Cols }

// OutputTypes implements expr.Relation.
func (b *base) OutputTypes() []types.T { return Types(b.Cols) }

// Scan reads every row of a stored table or system relation. Its columns are
// the table's columns in order.
type Scan struct {
	base
	Table *catalog.Table
	// Range, when set, restricts a stored table scan to primary keys with
	// these leading column values (point or prefix read).
	Range *KeyRange
}

// KeyRange restricts a scan of a stored table by its primary key: Values[i]
// is the value of PrimaryKey[i] for an equality prefix, and Lower / Upper
// bound the next key column. Values are expressions without row references
// (constants or parameters).
type KeyRange struct {
	Values       []expr.Expr
	Lower, Upper *KeyBound
}

// KeyBound is one end of a key range.
type KeyBound struct {
	Value     expr.Expr
	Inclusive bool
}

// Inputs implements Node.
func (n *Scan) Inputs() []Node { return nil }

// Values produces literal rows.
type Values struct {
	base
	Rows [][]expr.Expr
}

// Inputs implements Node.
func (n *Values) Inputs() []Node { return nil }

// Filter keeps rows whose predicate is true.
type Filter struct {
	base
	Input Node
	Pred  expr.Expr
}

// Inputs implements Node.
func (n *Filter) Inputs() []Node { return []Node{n.Input} }

// Project computes one expression per output column.
type Project struct {
	base
	Input Node
	Exprs []expr.Expr
}

// Inputs implements Node.
func (n *Project) Inputs() []Node { return []Node{n.Input} }

// JoinKind is the kind of a Join.
type JoinKind uint8

// Join kinds. Semi and anti joins output only left columns.
const (
	JoinInner JoinKind = iota
	JoinLeft
	JoinRight
	JoinFull
	JoinSemi
	JoinAnti
)

var joinKindNames = [...]string{"inner", "left", "right", "full", "semi", "anti"}

// String returns the kind's lower-case name.
func (k JoinKind) String() string { return joinKindNames[k] }

// Join combines two inputs. LeftKeys[i] = RightKeys[i] are the equi-join
// conditions (NULL never matches), evaluated on each side's own row;
// Residual is any further condition over the concatenated row (left columns
// then right columns). With no keys it is a nested-loop join.
// NullAware marks the anti join of NOT IN: the last key pair compares the
// operand with the subquery's value, the keys before it (if any) are the
// correlation equalities that pick a left row's subquery (a NULL there makes
// it empty). When its subquery holds a NULL value, no left row qualifies,
// and a NULL operand qualifies only when the subquery is empty.
type Join struct {
	base
	Kind        JoinKind
	Left, Right Node
	LeftKeys    []expr.Expr
	RightKeys   []expr.Expr
	Residual    expr.Expr
	NullAware   bool
	// Lookup says the right input is a table looked up as of processing
	// time (FOR SYSTEM_TIME AS OF PROCTIME()): a left row joins the right
	// rows present at the end of the epoch that brings it, and later
	// changes of the right side do not change what it joined. Inner and
	// left joins only.
	Lookup bool
}

// Inputs implements Node.
func (n *Join) Inputs() []Node { return []Node{n.Left, n.Right} }

// AggCall is one aggregate function call.
// Name is the aggregate (count, sum, avg, min, max, bool_and, bool_or,
// string_agg, array_agg, ...); count(*) has no Args.
type AggCall struct {
	Name     string
	Args     []expr.Expr
	Distinct bool
	Filter   expr.Expr
	OrderBy  []SortExpr
	T        types.T
}

// Aggregate groups its input by GroupBy and computes Aggs per group. Output
// columns: the group values, then one column per aggregate. With no
// GroupBy it is a global aggregate: exactly one row, even over no input.
type Aggregate struct {
	base
	Input   Node
	GroupBy []expr.Expr
	Aggs    []AggCall
}

// Inputs implements Node.
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }

// SortExpr is one ORDER BY item over a row.
type SortExpr struct {
	Expr       expr.Expr
	Desc       bool
	NullsFirst bool
}

// FrameMode is ROWS, RANGE or GROUPS.
type FrameMode uint8

// Frame modes.
const (
	FrameRange FrameMode = iota
	FrameRows
	FrameGroups
)

// BoundKind is one end of a window frame.
type BoundKind uint8

// Frame bound kinds.
const (
	BoundUnboundedPreceding BoundKind = iota
	BoundPreceding
	BoundCurrentRow
	BoundFollowing
	BoundUnboundedFollowing
)

// Frame is a window frame; Offset is set for Preceding / Following bounds.
type Frame struct {
	Mode                   FrameMode
	Start, End             BoundKind
	StartOffset, EndOffset expr.Expr
	ExcludeCurrentRow      bool
}

// DefaultFrame is RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
var DefaultFrame = Frame{Mode: FrameRange, Start: BoundUnboundedPreceding, End: BoundCurrentRow}

// WindowCall is one window function call.
type WindowCall struct {
	// Name is the function: row_number, rank, dense_rank, percent_rank,
	// cume_dist, ntile, lag, lead, first_value, last_value, nth_value, or an
	// aggregate name (IsAgg set), computed over the frame.
	Name        string
	IsAgg       bool
	Args        []expr.Expr
	PartitionBy []expr.Expr
	OrderBy     []SortExpr
	Frame       Frame
	T           types.T
}

// Window appends one column per call to each input row.
//
// RankLimit, when positive, says that the window's consumer keeps only the
// rows whose value of its one call, a ranking function (row_number, rank
// or dense_rank), is at most RankLimit (top-N per group); the rows ranked
// lower may be left out.
type Window struct {
	base
	Input     Node
	Calls     []WindowCall
	RankLimit int64
}

// Inputs implements Node.
func (n *Window) Inputs() []Node { return []Node{n.Input} }

// Distinct removes duplicate rows. With On set (DISTINCT ON), rows are
// distinct on those expressions and the first row per Sort order is kept.
type Distinct struct {
	base
	Input Node
	On    []expr.Expr
	Sort  []SortExpr
}

// Inputs implements Node.
func (n *Distinct) Inputs() []Node { return []Node{n.Input} }

// SetOpKind is UNION, INTERSECT or EXCEPT.
type SetOpKind uint8

// Set operation kinds.
const (
	SetUnion SetOpKind = iota
	SetIntersect
	SetExcept
)

var setOpNames = [...]string{"union", "intersect", "except"}

// String returns the kind's lower-case name.
func (k SetOpKind) String() string { return setOpNames[k] }

// SetOp combines two inputs of the same column types. With All it keeps
// multiplicities (UNION ALL adds them, INTERSECT ALL takes the minimum,
// EXCEPT ALL subtracts); without, the result is distinct.
type SetOp struct {
	base
	Kind        SetOpKind
	All         bool
	Left, Right Node
}

// Inputs implements Node.
func (n *SetOp) Inputs() []Node { return []Node{n.Left, n.Right} }

// Sort orders its input. It is meaningful only at the top of a SELECT (or
// under Limit); inside a dataflow order is not a property of a relation.
type Sort struct {
	base
	Input Node
	Keys  []SortExpr
}

// Inputs implements Node.
func (n *Sort) Inputs() []Node { return []Node{n.Input} }

// Limit keeps Count rows (all when nil) after skipping Offset rows, in the
// order of a Sort below it. Count and Offset are constant expressions or
// parameters.
//
// WithTies (FETCH FIRST n ROWS WITH TIES, under a Sort) keeps too the rows
// after the last one that sort as its peers.
type Limit struct {
	base
	Input         Node
	Count, Offset expr.Expr
	WithTies      bool
}

// Inputs implements Node.
func (n *Limit) Inputs() []Node { return []Node{n.Input} }

// NewScan returns a scan of every column of t.
func NewScan(t *catalog.Table) *Scan {
	cols := make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = Column{Name: c.Name, Type: c.Type, TableOID: t.ID, AttrNum: int16(i + 1)}
	}
	return &Scan{base: base{Cols: cols}, Table: t}
}

// WithColumns sets a node's output columns; used by constructors in bind.
func WithColumns[N interface{ setCols([]Column) }](n N, cols []Column) N {
	n.setCols(cols)
	return n
}

func (b *base) setCols(c []Column) { b.Cols = c }

// SetCall is one set-returning function call of a FlatMap.
type SetCall struct {
	Fn   *builtin.Func
	Args []expr.Expr
	// Cols are the call's output columns.
	Cols []Column
}

// FlatMap expands every input row by set-returning function calls
// evaluated on it (a LATERAL function in FROM, or set-returning functions in
// a select list). Output rows are the input columns followed by each call's
// columns; several calls are zipped row by row, the shorter padded with
// NULLs, as Postgres does. With Outer, an input row for which every call
// returns no rows is kept, padded with NULLs (LEFT JOIN LATERAL ... ON true).
type FlatMap struct {
	base
	Input Node
	Calls []SetCall
	Outer bool
}

// Inputs implements Node.
func (n *FlatMap) Inputs() []Node { return []Node{n.Input} }

// Apply joins each left row with the rows of a subquery evaluated for it
// (LATERAL): Right reads the left row through depth-1 outer references.
// Cond, over the concatenated row, filters the pairs; with Kind JoinLeft a
// left row without a qualifying pair is kept, padded with NULLs. It runs the
// subquery once per left row.
type Apply struct {
	base
	Kind  JoinKind
	Left  Node
	Right Node
	Cond  expr.Expr
}

// Inputs implements Node. Right is not an input of the dataflow: it runs
// per left row.
func (n *Apply) Inputs() []Node { return []Node{n.Left} }

// RecursiveUnion is WITH RECURSIVE: the rows of Base, then repeatedly the
// rows of Step, which reads the rows the previous round added through a
// WorkTable with the same ID, until a round adds nothing. Without All,
// duplicates (of earlier rounds too) are dropped, as in UNION.
type RecursiveUnion struct {
	base
	ID   int
	Base Node
	Step Node
	All  bool
}

// Inputs implements Node: Base and Step run in rounds, not as a dataflow.
func (n *RecursiveUnion) Inputs() []Node { return nil }

// WorkTable reads the rows the enclosing RecursiveUnion with the same ID
// added in its previous round.
type WorkTable struct {
	base
	ID int
}

// Inputs implements Node.
func (n *WorkTable) Inputs() []Node { return nil }
