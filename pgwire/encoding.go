package pgwire

import (
	"strings"
	"unicode/utf8"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

// checkUTF8 checks that text from the client is valid in the server
// encoding, UTF8, as Postgres does for query strings and text parameters;
// a NUL byte is invalid too. The error names the offending bytes as
// Postgres does: invalid byte sequence for encoding "UTF8": 0xc3 0x28.
func checkUTF8(s string) error {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return nil
	}
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b == 0 {
				return invalidByteSequence(s[i:])
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return invalidByteSequence(s[i:])
		}
		i += size
	}
	return nil
}

// invalidByteSequence reports the invalid sequence at the start of s: as
// many bytes as its first byte announces (at most what is left).
func invalidByteSequence(s string) error {
	n := 1
	switch b := s[0]; {
	case b&0xe0 == 0xc0:
		n = 2
	case b&0xf0 == 0xe0:
		n = 3
	case b&0xf8 == 0xf0:
		n = 4
	}
	n = min(n, len(s))
	const hex = "0123456789abcdef"
	var seq strings.Builder
	for i := range n {
		if i > 0 {
			seq.WriteByte(' ')
		}
		seq.WriteString("0x")
		seq.WriteByte(hex[s[i]>>4])
		seq.WriteByte(hex[s[i]&0xf])
	}
	return sqlerr.Newf(sqlerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": %s", seq.String())
}
