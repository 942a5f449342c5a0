package bind

import (
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// scopeCol is one column visible to expressions: the input row's column at
// the same index.
type scopeCol struct {
	qual string // table name or alias; "" for unnamed
	name string
	typ  types.T
	// qualOnly columns are reachable only by a qualified name and expanded
	// only by qual.* (the input columns of a USING join, whose merged
	// column is the one a bare name finds).
	qualOnly bool
	// tableOID and attr identify a plain table column for RowDescription.
	tableOID uint32
	attr     int16
	// fields names the fields of a row-valued column.
	fields []plan.Column
}

// scope is the set of columns an expression may name, with a link to the
// enclosing query's scope for correlated references.
type scope struct {
	cols   []scopeCol
	parent *scope
	// correlated is set when an expression in this scope (or a scope nested
	// in it) referenced a column of a parent scope.
	correlated bool
	// quals lists the table names/aliases in this scope, for "missing
	// FROM-clause entry" errors.
	quals map[string]bool
}

func newScope(cols []scopeCol, parent *scope) *scope {
	s := &scope{cols: cols, parent: parent, quals: map[string]bool{}}
	for _, c := range cols {
		if c.qual != "" {
			s.quals[c.qual] = true
		}
	}
	return s
}

// scopeFromNode makes a scope whose columns are a node's output columns,
// all qualified by qual.
func scopeFromNode(n plan.Node, qual string, parent *scope) *scope {
	cols := make([]scopeCol, len(n.Columns()))
	for i, c := range n.Columns() {
		cols[i] = scopeCol{qual: qual, name: c.Name, typ: c.Type, tableOID: c.TableOID, attr: c.AttrNum, fields: c.Fields}
	}
	return newScope(cols, parent)
}

// resolve finds a column by optional qualifier and name, searching enclosing
// scopes for correlated references.
func (s *scope) resolve(qual, name string) (expr.Expr, error) {
	for depth, sc := 0, s; sc != nil; depth, sc = depth+1, sc.parent {
		idx := -1
		for i, c := range sc.cols {
			if c.name != name || (qual != "" && c.qual != qual) {
				continue
			}
			if qual == "" && c.qualOnly {
				continue
			}
			if idx >= 0 {
				ref := name
				if qual != "" {
					ref = qual + "." + name
				}
				return nil, sqlerr.Newf(sqlerr.AmbiguousColumn, "column reference %q is ambiguous", ref)
			}
			idx = i
		}
		if idx >= 0 {
			c := sc.cols[idx]
			if depth == 0 {
				return &expr.ColRef{Idx: idx, T: c.typ, Name: c.name}, nil
			}
			for x := s; x != sc; x = x.parent {
				x.correlated = true
			}
			return &expr.OuterRef{Depth: depth, Idx: idx, T: c.typ}, nil
		}
		if qual != "" && sc.quals[qual] {
			return nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %s.%s does not exist", qual, name)
		}
	}
	if qual != "" {
		return nil, sqlerr.Newf(sqlerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
	}
	return nil, sqlerr.Newf(sqlerr.UndefinedColumn, "column %q does not exist", name)
}

// star returns the indexes of the columns * (qual "") or qual.* expands to.
func (s *scope) star(qual string) ([]int, error) {
	var out []int
	for i, c := range s.cols {
		if qual == "" && !c.qualOnly || qual != "" && c.qual == qual {
			out = append(out, i)
		}
	}
	if qual != "" && !s.quals[qual] {
		return nil, sqlerr.Newf(sqlerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
	}
	return out, nil
}
