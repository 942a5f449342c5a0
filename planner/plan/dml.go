package plan

import (
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/expr"
)

// SetItem assigns the value of Expr to column Col of the target table.
type SetItem struct {
	Col  int
	Expr expr.Expr
}

// Insert writes the rows of Source, which has exactly the table's columns in
// table order (defaults already filled in and values coerced), into Table.
type Insert struct {
	Table  *catalog.Table
	Source Node
	// OnConflict, when set, decides what a primary-key conflict does; when
	// nil a conflict is error 23505.
	OnConflict *OnConflict
	Returning  *Returning
}

// OnConflict is ON CONFLICT DO NOTHING or DO UPDATE SET ... WHERE. Set
// expressions and Where read a row made of the existing row's columns
// followed by the proposed row's (EXCLUDED) columns.
type OnConflict struct {
	DoNothing bool
	Set       []SetItem
	Where     expr.Expr
}

// Returning computes RETURNING values from the written row (the new row for
// INSERT and UPDATE, the deleted row for DELETE).
type Returning struct {
	Exprs   []expr.Expr
	Columns []Column
}

// Update changes the rows of Table produced by Input. Input rows start with
// the table's columns (the current row) and may carry further columns from
// a FROM list; Set expressions read the whole input row.
type Update struct {
	Table     *catalog.Table
	Input     Node
	Set       []SetItem
	Returning *Returning
}

// Delete removes the rows of Table produced by Input (whose rows start with
// the table's columns).
type Delete struct {
	Table     *catalog.Table
	Input     Node
	Returning *Returning
}
