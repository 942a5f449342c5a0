package stream

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/freshetdb/freshet/sql/types"
)

// stepper drives an operator epoch by epoch from a datadriven file, so that
// a reader sees exactly which rows each epoch retracts and inserts:
//
//	step epoch=2
//	left - (1, 10)
//	right + (1, 5)
//	----
//	- (1, 10, NULL, NULL)
//	+ (1, 10, 1, 5)
//
// Input lines are "[port] sign (values)", the port named by ports (omitted
// for a one-input operator); sign is + or - optionally followed by a
// multiplicity (+2). Values are integers, NULL or 'text'. Each line is
// pushed as its own chunk in file order, then every port flushes. The output
// is the epoch's consolidated delta: retractions, then insertions, each
// sorted. "view" prints everything emitted so far, consolidated (the
// contents of a view maintained by the operator).
type stepper struct {
	ports  []string
	widths []int
	op     Operator
	rec    *recorder
	epoch  int
	models []*bag
}

func newStepper(ports []string, widths []int, build func(out Operator) (Operator, error)) (*stepper, error) {
	s := &stepper{ports: ports, widths: widths, rec: newRecorder()}
	for range ports {
		s.models = append(s.models, newBag())
	}
	op, err := build(s.rec)
	if err != nil {
		return nil, err
	}
	s.op = op
	return s, nil
}

// run executes a step or view command.
func (s *stepper) run(t *testing.T, td *datadriven.TestData) string {
	switch td.Cmd {
	case "view":
		return formatDelta(consolidated(s.rec.total))
	case "step":
	default:
		return fmt.Sprintf("unknown command %q", td.Cmd)
	}
	epoch := s.epoch + 1
	if td.HasArg("epoch") {
		var e int
		td.ScanArgs(t, "epoch", &e)
		if e <= s.epoch {
			return fmt.Sprintf("epoch %d is not after epoch %d", e, s.epoch)
		}
		epoch = e
	}
	s.epoch = epoch
	for _, line := range strings.Split(td.Input, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		port, w, row, err := s.parseChange(line)
		if err != nil {
			return fmt.Sprintf("%q: %v", line, err)
		}
		c := types.NewChunk(len(row), 1)
		c.Append(row, w)
		s.models[port].add(row, w)
		if err := s.op.Push(port, c); err != nil {
			return "error: " + err.Error()
		}
	}
	for p := range s.ports {
		for k, n := range s.models[p].count {
			if n < 0 {
				return fmt.Sprintf("epoch %d leaves %s with multiplicity %d", epoch, k, n)
			}
		}
		if err := s.op.Flush(p); err != nil {
			return "error: " + err.Error()
		}
	}
	return formatDelta(consolidated(s.rec.takeEpoch()))
}

// parseChange parses "[port] sign (values)".
func (s *stepper) parseChange(line string) (port int, w int64, row types.Row, err error) {
	fields := strings.SplitN(line, " ", 2)
	if len(s.ports) > 1 {
		port = -1
		for i, p := range s.ports {
			if p == fields[0] {
				port = i
			}
		}
		if port < 0 || len(fields) < 2 {
			return 0, 0, nil, fmt.Errorf("want one of the ports %v first", s.ports)
		}
		fields = strings.SplitN(fields[1], " ", 2)
	}
	if len(fields) < 2 || (fields[0][0] != '+' && fields[0][0] != '-') {
		return 0, 0, nil, fmt.Errorf("want a sign (+, -, +2 ...) and a row")
	}
	w = 1
	if len(fields[0]) > 1 {
		if w, err = strconv.ParseInt(fields[0][1:], 10, 64); err != nil {
			return 0, 0, nil, err
		}
	}
	if fields[0][0] == '-' {
		w = -w
	}
	row, err = parseRow(fields[1])
	if err == nil && len(row) != s.widths[port] {
		err = fmt.Errorf("want %d values", s.widths[port])
	}
	return port, w, row, err
}

// parseRow parses "(1, NULL, 'a')" into int4, NULL and text values.
func parseRow(s string) (types.Row, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("want a parenthesised row")
	}
	var row types.Row
	for _, f := range strings.Split(s[1:len(s)-1], ",") {
		f = strings.TrimSpace(f)
		switch {
		case f == "NULL":
			row = append(row, types.NullDatum)
		case strings.HasPrefix(f, "'") && strings.HasSuffix(f, "'") && len(f) >= 2:
			row = append(row, types.NewText(f[1:len(f)-1]))
		default:
			v, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				return nil, err
			}
			row = append(row, types.NewInt4(int32(v)))
		}
	}
	return row, nil
}

// formatDelta prints a consolidated weight map: negative weights first,
// each group sorted by row.
func formatDelta(m map[string]int64) string {
	var neg, pos []string
	for k, w := range m {
		if w < 0 {
			neg = append(neg, k)
		} else {
			pos = append(pos, k)
		}
	}
	sort.Strings(neg)
	sort.Strings(pos)
	var sb strings.Builder
	line := func(sign string, n int64, k string) {
		if n != 1 {
			sign += strconv.FormatInt(n, 10)
		}
		sb.WriteString(sign + " " + k)
		sb.WriteByte('\n')
	}
	for _, k := range neg {
		line("-", -m[k], k)
	}
	for _, k := range pos {
		line("+", m[k], k)
	}
	if sb.Len() == 0 {
		return "(no change)\n"
	}
	return sb.String()
}
