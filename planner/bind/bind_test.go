package bind_test

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/freshetdb/freshet/planner/bind"
	"github.com/freshetdb/freshet/planner/norm"
	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/builtin"
	"github.com/freshetdb/freshet/sql/catalog"
	"github.com/freshetdb/freshet/sql/parser"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/freshetdb/freshet/storage"
)

// testCatalog returns a catalog, kept in memory, with the tables the golden
// files query:
//
//	t (a int PRIMARY KEY, b text, c numeric(10,2))
//	u (x int, y int, z text)                     -- no primary key
//	k (p int, q int, r text, PRIMARY KEY (p, q))
func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	st, err := storage.Open(storage.Options{Dir: "/data", FS: vfs.NewMem(), NoSync: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	m, err := catalog.Load(st)
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string, typ types.T) catalog.Column { return catalog.Column{Name: name, Type: typ} }
	tables := []*catalog.Table{
		{Name: "t", Columns: []catalog.Column{col("a", types.Int4), col("b", types.Text), col("c", types.T{Kind: types.KindNumeric, Mod: types.NumericMod(10, 2)})}, PrimaryKey: []int{0}, PKName: "t_pkey"},
		{Name: "u", Columns: []catalog.Column{col("x", types.Int4), col("y", types.Int4), col("z", types.Text)}},
		{Name: "k", Columns: []catalog.Column{col("p", types.Int4), col("q", types.Int4), col("r", types.Text)}, PrimaryKey: []int{0, 1}, PKName: "k_pkey"},
	}
	cat, err := m.Apply(func(e *catalog.Edit) error {
		for _, tb := range tables {
			id, err := e.NewID()
			if err != nil {
				return err
			}
			tb.ID, tb.SchemaID, tb.Kind = id, catalog.PublicID, catalog.RelTable
			e.PutTable(tb)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestBind runs the golden files in testdata: "bind" prints the bound plan,
// "norm" the plan after the rewrite rules, "dataflow" what EXPLAIN CREATE
// MATERIALIZED VIEW prints for the query on two workers (operators, keys,
// state, exchanges); an error prints its SQLSTATE.
func TestBind(t *testing.T) {
	cat := testCatalog(t)
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			stmts, err := parser.Parse(d.Input)
			if err != nil {
				return errText(err)
			}
			b := bind.New(cat, []string{"public"}, &builtin.EvalContext{}, d.Input, nil)
			var n plan.Node
			switch s := stmts[0].AST.Node.(type) {
			default:
				sel := stmts[0].AST.GetSelectStmt()
				if sel == nil {
					return fmt.Sprintf("unsupported statement %T", s)
				}
				if n, err = b.Query(sel); err != nil {
					return errText(err)
				}
			}
			switch d.Cmd {
			case "bind":
			case "norm":
				n = norm.Normalize(n)
			case "dataflow":
				return plan.ExplainDataflow(norm.PruneColumns(norm.Normalize(n)), 2)
			default:
				t.Fatalf("unknown command %q", d.Cmd)
			}
			var cols []string
			for _, c := range n.Columns() {
				cols = append(cols, c.Name+" "+c.Type.String())
			}
			return "columns: " + strings.Join(cols, ", ") + "\n" + plan.Explain(n)
		})
	})
}

func errText(err error) string {
	e := sqlerr.As(err)
	if e == nil {
		return "error: " + err.Error() + "\n"
	}
	s := fmt.Sprintf("error %s: %s", e.Code, e.Message)
	if e.Position > 0 {
		s += fmt.Sprintf(" (position %d)", e.Position)
	}
	return s + "\n"
}
