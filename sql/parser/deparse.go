package parser

import (
	"fmt"
	"strings"
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
// canonical spelling, with FOR SYSTEM_TIME AS OF PROCTIME() after the
// tables marked with it (lookup.go).
func Deparse(stmt *pg.Node) (string, error) {
	// Postgres' deparser knows no such clause: a marked table is deparsed
	// under a placeholder name, which the clause then follows.
	var marked []*pg.RangeVar
	var names []string
	walkRangeVars(stmt, func(rv *pg.RangeVar) {
		if rv.Relpersistence == ProcTimeLookup {
			marked, names = append(marked, rv), append(names, rv.Relname)
			rv.Relname = fmt.Sprintf("freshet_proctime_lookup_%d", len(marked))
		}
	})
	s, err := pg.Deparse(&pg.ParseResult{Version: treeVersion(), Stmts: []*pg.RawStmt{{Stmt: stmt}}})
	for i, rv := range marked {
		rv.Relname = names[i]
	}
	if err != nil {
		return "", sqlerr.Internal("deparse: %v", err)
	}
	// From the last, so that _1 does not match within _10.
	for i := len(marked) - 1; i >= 0; i-- {
		s = strings.Replace(s, fmt.Sprintf("freshet_proctime_lookup_%d", i+1), quoteIdent(names[i])+" FOR SYSTEM_TIME AS OF PROCTIME()", 1)
	}
	return s, nil
}

// quoteIdent quotes an identifier, always: a lower-case name may still be
// a reserved word ("order").
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
