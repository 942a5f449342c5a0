package bind

import (
	"sort"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// Binder binds the statements of one query text. It is not safe for
// concurrent use; make one per statement.
type Binder struct {
	// Cat is the catalog snapshot names resolve against.
	Cat *catalog.Catalog
	// SearchPath is the session's search_path.
	SearchPath []string
	// Eval is used to fold constants (unknown literals into typed values).
	Eval *builtin.EvalContext
	// SQL is the full query text, for error positions.
	SQL string

	params []types.T
	ctes   []map[string]*cte
	deps   map[uint32]bool
	// lookup is the RangeVar written FOR SYSTEM_TIME AS OF PROCTIME()
	// that the join being bound has on its right, where it may be.
	lookup *pg.RangeVar
	// litPos remembers where each untyped literal stands, so that an error
	// converting it points at the literal, as in Postgres.
	litPos map[*expr.Const]int32
	// nextWorkID numbers the work tables of recursive CTEs.
	nextWorkID int
	// inSetOp is set while binding the branches of a UNION / INTERSECT /
	// EXCEPT, whose untyped literals take the set operation's column type.
	inSetOp int
}

// Dependencies returns the ids of the catalog relations the bound
// statements read, in increasing order.
func (b *Binder) Dependencies() []uint32 {
	out := make([]uint32, 0, len(b.deps))
	for id := range b.deps {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// New returns a binder. paramTypes are the types the client declared for
// $1..$n (types.Unknown where it left them open).
func New(cat *catalog.Catalog, searchPath []string, eval *builtin.EvalContext, sql string, paramTypes []types.T) *Binder {
	return &Binder{Cat: cat, SearchPath: searchPath, Eval: eval, SQL: sql, params: append([]types.T(nil), paramTypes...)}
}

// ParamTypes returns the type of every parameter the statement used, text
// for any whose type nothing determined (as Postgres does for an untyped
// parameter that is only output).
func (b *Binder) ParamTypes() []types.T {
	out := make([]types.T, len(b.params))
	for i, t := range b.params {
		if t.Kind == types.KindUnknown || t.Kind == types.KindNull {
			t = types.Text
		}
		out[i] = t
	}
	return out
}

// errAt attaches the position of a 0-based byte location to err.
func (b *Binder) errAt(err *sqlerr.Error, location int32) *sqlerr.Error {
	if location >= 0 && err.Position == 0 && int(location) <= len(b.SQL) {
		n := 0
		for range b.SQL[:location] {
			n++
		}
		err.Position = n + 1
	}
	return err
}
