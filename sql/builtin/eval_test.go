package builtin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
	"github.com/jackc/pgx/v5/pgconn"
)

// pgURL, when set, makes the datadriven tests take their expected output
// from a real PostgreSQL 15 (run with -rewrite to record it):
//
//	go test ./sql/builtin -pg 'postgres://postgres@127.0.0.1:55432/postgres' -rewrite
var pgURL = flag.String("pg", "", "PostgreSQL URL whose answers become the expected test output")

// The testdata files hold cases of two kinds:
//
//	eval                    call                    cast
//	round                   (the function or        'abc'::text
//	2.5::numeric            operator name, then     varchar(2)
//	----                    one argument a line)    ----
//	3                                               ab
//
// An argument is a literal as SQL writes it: 'text' (an unknown-typed
// literal), 'x'::type, 1::int4, NULL, NULL::type, true. The output is the
// result's text (psql's), NULL, or "ERROR <sqlstate>: <message>".
func TestEval(t *testing.T) {
	var pg *pgconn.PgConn
	if *pgURL != "" {
		c, err := pgconn.Connect(context.Background(), *pgURL)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(context.Background())
		pg = c
		pgExec(t, pg, "SET TimeZone = 'UTC'")
	}
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			lines := strings.Split(strings.TrimSpace(d.Input), "\n")
			switch d.Cmd {
			case "eval", "cast":
			default:
				t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
			}
			tz := "UTC"
			if d.HasArg("tz") {
				d.ScanArgs(t, "tz", &tz)
			}
			if pg != nil {
				pgExec(t, pg, "SET TimeZone = '"+tz+"'")
				return pgAnswer(t, pg, d.Cmd, lines)
			}
			ctx := testCtx(t, tz)
			if d.Cmd == "cast" {
				return runCast(t, ctx, lines[0], lines[1])
			}
			return runEval(ctx, lines[0], lines[1:])
		})
	})
}

// testCtx is the EvalContext of the tests: session time zone tz, a fixed
// transaction time.
func testCtx(t *testing.T, tz string) *EvalContext {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	txn := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC).UnixMicro()
	return &EvalContext{
		Format:        types.NewFormatContext(loc),
		TxnTimestamp:  txn,
		StmtTimestamp: txn + 1000,
		Rand:          rand.New(rand.NewSource(1)),
		ServerVersion: "0.1.0",
		Cache:         &EvalCache{},
	}
}

func runEval(ctx *EvalContext, name string, argSpecs []string) string {
	var vals []types.Datum
	var argTypes []types.T
	for _, s := range argSpecs {
		if s == "" {
			continue
		}
		v, typ, err := parseLiteral(ctx, s)
		if err != nil {
			return errText(err)
		}
		vals = append(vals, v)
		argTypes = append(argTypes, typ)
	}
	f, targets, err := Resolve(name, argTypes)
	if err != nil {
		return errText(err)
	}
	for i, target := range targets {
		if isUnknown(argTypes[i]) || !argTypes[i].Equal(target) {
			c, err := CastDatum(ctx, vals[i], argTypes[i], target)
			if err != nil {
				return errText(err)
			}
			vals[i] = c
		}
	}
	r, err := f.Eval(ctx, vals)
	if err != nil {
		return errText(err)
	}
	return outText(ctx, r, f.ResultType(targets))
}

func runCast(t *testing.T, ctx *EvalContext, lit, target string) string {
	v, from, err := parseLiteral(ctx, lit)
	if err != nil {
		return errText(err)
	}
	to, ok := parseTypeName(target)
	if !ok {
		t.Fatalf("unknown type %q", target)
	}
	if _, ok := FindCast(from, to); !ok {
		return fmt.Sprintf("ERROR 42846: cannot cast type %s to %s", typeName(from), to)
	}
	r, err := CastDatum(ctx, v, from, to)
	if err != nil {
		return errText(err)
	}
	return outText(ctx, r, to)
}

func outText(ctx *EvalContext, d types.Datum, t types.T) string {
	if d.IsNull() {
		return "NULL\n"
	}
	switch t.Kind {
	case types.KindRegClass, types.KindRegType, types.KindRegNamespace, types.KindRegProc:
		return regOut(ctx, d, t.Kind) + "\n"
	}
	return string(types.FormatText(nil, d, t, ctx.format())) + "\n"
}

func errText(err error) string {
	e := sqlerr.As(err)
	if e == nil {
		return "ERROR (no SQLSTATE): " + err.Error() + "\n"
	}
	return fmt.Sprintf("ERROR %s: %s\n", e.Code, e.Message)
}

// parseLiteral reads a test argument: 'text', 'x'::type, 12::type, NULL,
// NULL::type, true/false, or a bare number (int4, int8 or numeric as SQL
// types it).
func parseLiteral(ctx *EvalContext, s string) (types.Datum, types.T, error) {
	body, typ := s, ""
	if i := strings.LastIndex(s, "::"); i >= 0 && !strings.HasSuffix(s, "'") {
		body, typ = s[:i], s[i+2:]
	}
	var v types.Datum
	var from types.T
	switch {
	case body == "NULL":
		from = types.Unknown
	case strings.HasPrefix(body, "'") && strings.HasSuffix(body, "'"):
		v, from = types.NewString(types.KindUnknown, strings.ReplaceAll(body[1:len(body)-1], "''", "'")), types.Unknown
	case strings.HasPrefix(body, "E'") && strings.HasSuffix(body, "'"):
		u, err := strconv.Unquote(`"` + strings.ReplaceAll(body[2:len(body)-1], `"`, `\"`) + `"`)
		if err != nil {
			return v, from, err
		}
		v, from = types.NewString(types.KindUnknown, u), types.Unknown
	case body == "true" || body == "false":
		v, from = types.NewBool(body == "true"), types.Bool
	default:
		from = types.Int4
		if strings.ContainsAny(body, ".eE") {
			from = types.Numeric
		} else if n, err := strconv.ParseInt(body, 10, 64); err == nil && (n > 1<<31-1 || n < -1<<31) {
			from = types.Int8
		} else if err != nil {
			from = types.Numeric
		}
		d, err := CastDatum(ctx, types.NewString(types.KindUnknown, body), types.Unknown, from)
		if err != nil {
			return v, from, err
		}
		v = d
	}
	if typ == "" {
		return v, from, nil
	}
	to, ok := parseTypeName(typ)
	if !ok {
		return v, from, errors.New("unknown type " + typ)
	}
	if v.IsNull() {
		return v, to, nil
	}
	d, err := CastDatum(ctx, v, from, to)
	return d, to, err
}

// parseTypeName reads a type name with an optional modifier:
// varchar(3), numeric(5,2), timestamp(0), int4[].
func parseTypeName(s string) (types.T, bool) {
	s = strings.TrimSpace(s)
	mod := int32(-1)
	if i := strings.IndexByte(s, '('); i >= 0 && !strings.HasSuffix(s, "[]") {
		j := strings.IndexByte(s, ')')
		parts := strings.Split(s[i+1:j], ",")
		p, _ := strconv.Atoi(strings.TrimSpace(parts[0]))
		mod = int32(p)
		base := strings.TrimSpace(s[:i]) + s[j+1:]
		t, ok := lookupBuiltinType(base)
		if !ok {
			return t, false
		}
		if t.Kind == types.KindNumeric {
			sc := 0
			if len(parts) > 1 {
				sc, _ = strconv.Atoi(strings.TrimSpace(parts[1]))
			}
			mod = types.NumericMod(int32(p), int32(sc))
		}
		t.Mod = mod
		return t, true
	}
	return lookupBuiltinType(s)
}

// pgAnswer runs the case on PostgreSQL and renders its answer.
func pgAnswer(t *testing.T, pg *pgconn.PgConn, cmd string, lines []string) string {
	var sql string
	if cmd == "cast" {
		sql = fmt.Sprintf("SELECT (%s)::%s", lines[0], lines[1])
	} else {
		name, argSpecs := lines[0], lines[1:]
		var as []string
		for _, a := range argSpecs {
			if a != "" {
				as = append(as, "("+a+")")
			}
		}
		switch {
		case isOperatorName(name) && len(as) == 1:
			sql = fmt.Sprintf("SELECT %s %s", name, as[0])
		case isOperatorName(name):
			sql = fmt.Sprintf("SELECT %s %s %s", as[0], name, as[1])
		case name == "greatest" || name == "least":
			sql = fmt.Sprintf("SELECT %s(%s)", name, strings.Join(as, ", "))
		case name == "extract":
			sql = fmt.Sprintf("SELECT EXTRACT(%s FROM %s)", strings.Trim(argSpecs[0], "'"), as[1])
		default:
			sql = fmt.Sprintf("SELECT pg_catalog.%q(%s)", name, strings.Join(as, ", "))
		}
	}
	res := pg.Exec(context.Background(), sql)
	rs, err := res.ReadAll()
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return fmt.Sprintf("ERROR %s: %s\n", pe.Code, pe.Message)
		}
		t.Fatalf("%s: %v", sql, err)
	}
	row := rs[0].Rows[0]
	if row[0] == nil {
		return "NULL\n"
	}
	return string(row[0]) + "\n"
}

func pgExec(t *testing.T, pg *pgconn.PgConn, sql string) {
	if _, err := pg.Exec(context.Background(), sql).ReadAll(); err != nil {
		t.Fatal(err)
	}
}
