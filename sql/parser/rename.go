package parser

import (
	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// RenameRelation rewrites a stored query (a view's) so that its references
// to relation old, in schema (or unqualified), name it new instead, and
// returns the query's text. It refuses a query with a CTE named old, whose
// references it could not tell from the relation's.
func RenameRelation(query, schema, old, new string) (string, error) {
	tree, err := pg.Parse(query)
	if err != nil || len(tree.Stmts) != 1 {
		return "", sqlerr.Internal("stored query does not parse: %v", err)
	}
	stmt := tree.Stmts[0].Stmt
	shadowed := false
	walkMessages(stmt.ProtoReflect(), func(m protoreflect.Message) {
		switch n := m.Interface().(type) {
		case *pg.CommonTableExpr:
			shadowed = shadowed || n.Ctename == old
		case *pg.RangeVar:
			if n.Relname == old && (n.Schemaname == "" || n.Schemaname == schema) {
				n.Relname = new
				if n.Alias == nil {
					// Columns qualified by the old name still resolve.
					n.Alias = &pg.Alias{Aliasname: old}
				}
			}
		}
	})
	if shadowed {
		return "", sqlerr.Unsupported("renaming a relation that a view reads next to a common table expression of the same name")
	}
	return Deparse(stmt)
}

// ForeignRelation returns the first relation a statement names in another
// database than db (a three-part name database.schema.relation), with its
// position in the statement text (1-based), or nil.
func ForeignRelation(stmt *pg.Node, db string) (*pg.RangeVar, int) {
	var found *pg.RangeVar
	walkMessages(stmt.ProtoReflect(), func(m protoreflect.Message) {
		if rv, ok := m.Interface().(*pg.RangeVar); ok && found == nil && rv.Catalogname != "" && rv.Catalogname != db {
			found = rv
		}
	})
	if found == nil {
		return nil, 0
	}
	return found, int(found.Location) + 1
}

// walkMessages calls fn for m and every message under it.
func walkMessages(m protoreflect.Message, fn func(protoreflect.Message)) {
	fn(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkMessages(l.Get(i).Message(), fn)
			}
		case fd.IsMap():
		case fd.Message() != nil:
			walkMessages(v.Message(), fn)
		}
		return true
	})
}
