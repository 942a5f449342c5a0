package types

import (
	"bufio"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// TestBinary checks AppendBinary against the send functions of a real
// PostgreSQL 15 (testdata/binary.tsv) and that ParseBinary reads the same
// bytes back to the same value.
func TestBinary(t *testing.T) {
	f, err := os.Open("testdata/binary.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		typ := typeByName(t, cols[0])
		n++
		d, err := ParseText(cols[1], typ, nil)
		if err != nil {
			t.Fatalf("%s %q: %v", cols[0], cols[1], err)
		}
		b, err := AppendBinary(nil, d, typ)
		if err != nil {
			t.Errorf("%s %q: %v", cols[0], cols[1], err)
			continue
		}
		if got := hex.EncodeToString(b); got != cols[2] {
			t.Errorf("%s %q:\n got  %s\n want %s", cols[0], cols[1], got, cols[2])
		}
		raw, _ := hex.DecodeString(cols[2])
		d2, err := ParseBinary(raw, typ)
		if err != nil {
			t.Errorf("%s %q: recv: %v", cols[0], cols[1], err)
			continue
		}
		if a, b := FormatText(nil, d, typ, nil), FormatText(nil, d2, typ, nil); string(a) != string(b) {
			t.Errorf("%s %q: recv gave %s, want %s", cols[0], cols[1], b, a)
		}
	}
	if n < 40 {
		t.Fatalf("only %d cases read", n)
	}
}

// TestBinaryErrors checks malformed and unsupported binary input.
func TestBinaryErrors(t *testing.T) {
	cases := []struct {
		typ  T
		hex  string
		code sqlerr.Code
	}{
		{Int4, "0001", sqlerr.ProtocolViolation},
		{Int4, "0000000100", sqlerr.InvalidBinaryRepresentation},
		{Numeric, "000100000000000000010000", sqlerr.InvalidBinaryRepresentation},  // leftover
		{Numeric, "0001000000000000" + "2710", sqlerr.InvalidBinaryRepresentation}, // digit 10000
		{Numeric, "0000000012340000", sqlerr.InvalidBinaryRepresentation},          // bad sign
		{JSONB, "027b7d", sqlerr.InvalidBinaryRepresentation},
		{ArrayOf(Int4), "00000001000000000000001900000001000000010000000161", sqlerr.DatatypeMismatch},
		{ArrayOf(Int4), "00000002000000000000001700000001000000010000000100000001", sqlerr.FeatureNotSupported},
		{Record, "00000000", sqlerr.FeatureNotSupported},
		{T{Kind: KindUnknown + 50}, "00", sqlerr.FeatureNotSupported},
	}
	for _, c := range cases {
		raw, _ := hex.DecodeString(c.hex)
		_, err := ParseBinary(raw, c.typ)
		if got := sqlerr.CodeOf(err); err == nil || got != c.code {
			t.Errorf("%s %s: got %v (%s), want %s", c.typ, c.hex, err, got, c.code)
		}
	}
	// numeric(3,1) applies its typmod to binary input, truncating digits
	// beyond the sent dscale first.
	raw, _ := hex.DecodeString("000200000000000100010d05") // 1.3333 with dscale 1
	d, err := ParseBinary(raw, typeByName(t, "numeric(3,1)"))
	if err != nil || string(FormatText(nil, d, Numeric, nil)) != "1.3" {
		t.Errorf("numeric recv with dscale: %v %s", err, FormatText(nil, d, Numeric, nil))
	}
}
