package types

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

func TestScratch(t *testing.T) {
	f, err := os.Open(os.Getenv("SCRATCH"))
	if err != nil {
		t.Skip()
	}
	ctx := NewFormatContext(time.UTC)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		typ := typeByName(t, parts[0])
		var got string
		d, err := ParseText(parts[1], typ, ctx)
		if err != nil {
			got = "ERR " + string(sqlerr.CodeOf(err)) + ": " + err.Error()
		} else {
			got = "OK " + string(FormatText(nil, d, typ, ctx))
		}
		if got != parts[2] {
			t.Errorf("%s %q:\n  pg:  %s\n  got: %s", parts[0], parts[1], parts[2], got)
		}
	}
}
