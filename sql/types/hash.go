package types

import (
	"math"
	"math/bits"
	"strings"
)

// Hash returns a 64-bit hash of d under seed, consistent with Equal: values
// that are Equal hash alike (numeric 1.0 and 1.00, float -0 and 0, all NaNs,
// '1 day' and '24 hours', bpchar with and without trailing spaces, and an
// int2, int4 or int8 of the same value). It is deterministic for a given
// seed (not randomised per process), so it may partition data that is
// persisted. It does not allocate for integers, floats, strings, dates,
// times and timestamps.
func Hash(d Datum, seed uint64) uint64 {
	switch family(d.k) {
	case famInt, famDate, famTime, famTimestamp:
		return hashUint64(uint64(d.i), seed^uint64(family(d.k)))
	case famFloat:
		return hashUint64(math.Float64bits(canonicalFloat(d.Float())), seed^uint64(famFloat))
	case famString:
		s := d.str()
		if d.k == KindBPChar {
			s = strings.TrimRight(s, " ")
		}
		return hashString(s, seed^uint64(famString))
	case famBytea, famJSON:
		return hashString(d.str(), seed^uint64(family(d.k)))
	case famInterval:
		hi, lo := intervalSpan(d.a, d.b, d.i)
		return hashUint64(lo, hashUint64(uint64(hi), seed^uint64(famInterval)))
	case famOther:
		return hashUint64(uint64(d.k), seed^0x9e3779b97f4a7c15)
	}
	// numeric, jsonb, arrays and records hash their canonical key, which is
	// equal exactly for Equal values.
	var tmp [64]byte
	k := appendKeyAsc(tmp[:0], d, T{Kind: d.k, Mod: -1, Elem: arrayElemOf(d)})
	return hashString(k, seed^uint64(family(d.k)))
}

// arrayElemOf returns the element type pointer of an array Datum (nil otherwise).
func arrayElemOf(d Datum) *T {
	if d.k == KindArray {
		return &d.Array().Elem
	}
	return nil
}

// Multipliers from wyhash (public domain); the mixing function is the
// 128-bit multiply-and-fold that it uses.
const (
	hashP0 = 0xa0761d6478bd642f
	hashP1 = 0xe7037ed1a0b428db
	hashP2 = 0x8ebc6af09c88c6e3
	hashP3 = 0x589965cc75374cc3
)

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func hashUint64(v, seed uint64) uint64 {
	return mix(mix(v^hashP0, seed^hashP1), hashP2^8)
}

// hashString hashes the bytes of a string or byte slice.
func hashString[S ~string | ~[]byte](s S, seed uint64) uint64 {
	h := seed ^ hashP0
	n := len(s)
	for len(s) > 16 {
		h = mix(le64(s[:8])^hashP1, le64(s[8:16])^h)
		s = s[16:]
	}
	var a, b uint64
	switch {
	case len(s) >= 8:
		a = le64(s[:8])
		b = le64(s[len(s)-8:])
	case len(s) >= 4:
		a = uint64(le32(s[:4]))
		b = uint64(le32(s[len(s)-4:]))
	case len(s) > 0:
		a = uint64(s[0])<<16 | uint64(s[len(s)/2])<<8 | uint64(s[len(s)-1])
	}
	return mix(hashP3^uint64(n), mix(a^hashP1, b^h))
}

func le64[S ~string | ~[]byte](s S) uint64 {
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32[S ~string | ~[]byte](s S) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
