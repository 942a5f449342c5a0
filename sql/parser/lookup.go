package parser

import (
	"strings"

	"github.com/freshetdb/freshet/sql/sqlerr"

	pg "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// FOR SYSTEM_TIME AS OF PROCTIME()
//
// RisingWave and Flink join a table as of processing time with
//
//	... JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() AS s ON ...
//
// which Postgres' grammar does not have. Parse blanks the clause out of
// the text it gives the grammar (spaces of the same length, so that every
// position stays) and marks the RangeVar of the table the clause followed:
// its Relpersistence becomes ProcTimeLookup, which the binder reads. A
// RangeVar in a query has "p" otherwise.

// ProcTimeLookup is the Relpersistence of a RangeVar written with FOR
// SYSTEM_TIME AS OF PROCTIME().
const ProcTimeLookup = "l"

// blankProcTimeLookups returns sql with every FOR SYSTEM_TIME AS OF
// PROCTIME() blanked out, and the positions of the table names the clauses
// followed (the start of schema.name).
func blankProcTimeLookups(sql string) (string, map[int32]bool) {
	if !strings.Contains(strings.ToLower(sql), "system_time") {
		return sql, nil
	}
	toks, err := scanTokens(sql)
	if err != nil {
		return sql, nil
	}
	words := []string{"for", "system_time", "as", "of", "proctime", "(", ")"}
	var b []byte
	locs := map[int32]bool{}
	for i := 1; i+len(words) <= len(toks); i++ {
		match := true
		for j, w := range words {
			match = match && strings.EqualFold(toks[i+j].text, w)
		}
		if !match {
			continue
		}
		if b == nil {
			b = []byte(sql)
		}
		end := toks[i+len(words)-1].pos + 1
		for k := toks[i].pos; k < end; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
		name := i - 1
		for name >= 2 && toks[name-1].text == "." {
			name -= 2
		}
		locs[int32(toks[name].pos)] = true
		i += len(words) - 1
	}
	if b == nil {
		return sql, nil
	}
	return string(b), locs
}

// markProcTimeLookups sets Relpersistence ProcTimeLookup on the RangeVars
// of n at the positions of locs, and returns how many it marked.
func markProcTimeLookups(n *pg.Node, locs map[int32]bool) int {
	marked := 0
	walkRangeVars(n, func(rv *pg.RangeVar) {
		if locs[rv.Location] {
			rv.Relpersistence = ProcTimeLookup
			marked++
		}
	})
	return marked
}

// errMisplacedLookup is the error of a FOR SYSTEM_TIME AS OF PROCTIME()
// that follows no table name (an alias, a subquery).
var errMisplacedLookup = sqlerr.New(sqlerr.SyntaxError,
	"FOR SYSTEM_TIME AS OF PROCTIME() must follow a table's name, before its alias: JOIN t FOR SYSTEM_TIME AS OF PROCTIME() AS a")

// walkRangeVars calls fn with every RangeVar in n.
func walkRangeVars(n *pg.Node, fn func(*pg.RangeVar)) {
	walkMessages(n.ProtoReflect(), func(m protoreflect.Message) {
		if rv, ok := m.Interface().(*pg.RangeVar); ok {
			fn(rv)
		}
	})
}
