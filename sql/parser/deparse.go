package parser

import (
	"sync"

	pg "github.com/pganalyze/pg_query_go/v6"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

var treeVersion = sync.OnceValue(func() int32 {
	tree, err := pg.Parse("SELECT 1")
	if err != nil {
		return 0
	}
	return tree.Version
})

// Deparse renders a statement's parse tree back to SQL text in Postgres'
// canonical spelling.
func Deparse(stmt *pg.Node) (string, error) {
	s, err := pg.Deparse(&pg.ParseResult{Version: treeVersion(), Stmts: []*pg.RawStmt{{Stmt: stmt}}})
	if err != nil {
		return "", sqlerr.Internal("deparse: %v", err)
	}
	return s, nil
}
