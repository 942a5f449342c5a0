package expr

import "github.com/freshetdb/freshet/sql/types"

// SetRunner is optionally implemented by a SubqueryRunner: it answers
// "x = ANY (subquery)" for an uncorrelated subquery through a hash set of
// the subquery's values, built once per execution, instead of a scan per row.
type SetRunner interface {
	ValueSet(c *Ctx, q *Subquery) (*ValueSet, error)
}

// ValueSet is the set of values of a one-column result, for = ANY.
type ValueSet struct {
	m       map[uint64][]types.Datum
	hasNull bool
	empty   bool
}

// NewValueSet builds the set of the first column of rows.
func NewValueSet(rows []types.Row) *ValueSet {
	s := &ValueSet{m: make(map[uint64][]types.Datum, len(rows)), empty: len(rows) == 0}
	for _, r := range rows {
		v := r[0]
		if v.IsNull() {
			s.hasNull = true
			continue
		}
		h := types.Hash(v, 0)
		s.m[h] = append(s.m[h], v)
	}
	return s
}

// Any returns x = ANY(set) with SQL NULL rules: true when x is in the set;
// otherwise NULL when x is NULL (and the set is not empty) or the set holds
// a NULL; otherwise false.
func (s *ValueSet) Any(x types.Datum) types.Datum {
	if s.empty {
		return types.NewBool(false)
	}
	if x.IsNull() {
		return types.NullDatum
	}
	for _, v := range s.m[types.Hash(x, 0)] {
		if types.Equal(v, x) {
			return types.NewBool(true)
		}
	}
	if s.hasNull {
		return types.NullDatum
	}
	return types.NewBool(false)
}
