package nexmark

import (
	"testing"
)

func TestGeneratorFollowsTheSpec(t *testing.T) {
	g := NewGenerator(1_700_000_000_000, 10_000)
	var e, again Event
	kinds := map[Kind]int{}
	bands := [3]int{}
	persons, auctions := int64(firstPersonID), int64(firstAuctionID)
	const n = 200_000
	for i := int64(0); i < n; i++ {
		g.Event(i, &e)
		g.Event(i, &again)
		if e != again {
			t.Fatalf("event %d differs when made again", i)
		}
		kinds[e.Kind]++
		if e.Times[0] != g.BaseTime+i/10 {
			t.Fatalf("event %d at %d, want %d", i, e.Times[0], g.BaseTime+i/10)
		}
		switch e.Kind {
		case Person:
			if e.Ints[0] != persons {
				t.Fatalf("event %d: person id %d, want %d", i, e.Ints[0], persons)
			}
			persons++
			if len(e.Strings[5]) == 0 || e.Strings[4] == "" {
				t.Fatalf("person %+v", e)
			}
		case Auction:
			if e.Ints[0] != auctions {
				t.Fatalf("event %d: auction id %d, want %d", i, e.Ints[0], auctions)
			}
			auctions++
			if e.Times[1] <= e.Times[0] || e.Ints[2] < e.Ints[1] || e.Ints[4] < 10 || e.Ints[4] > 14 || e.Ints[3] < firstPersonID || e.Ints[3] > persons+personIDLead {
				t.Fatalf("auction %+v", e)
			}
		case Bid:
			if e.Ints[0] < firstAuctionID || e.Ints[0] > auctions+auctionIDLead || e.Ints[1] < firstPersonID || e.Ints[1] > persons+personIDLead {
				t.Fatalf("bid %+v (auctions so far %d, persons %d)", e, auctions, persons)
			}
			if l := len(e.Strings[2]); l < 54 || l >= 82 {
				t.Fatalf("bid extra of %d bytes", l)
			}
			switch p := e.Ints[2]; {
			case p < 10_000:
				bands[0]++
			case p < 1_000_000:
				bands[1]++
			default:
				bands[2]++
			}
		}
	}
	if kinds[Person] != n/50 || kinds[Auction] != 3*n/50 || kinds[Bid] != 46*n/50 {
		t.Fatalf("kinds %v", kinds)
	}
	for i, b := range bands {
		if share := float64(b) / float64(kinds[Bid]); share < 0.32 || share > 0.35 {
			t.Errorf("price band %d holds %.3f of bids, want about 1/3", i, share)
		}
	}
	// A second generator of the same configuration makes the same events.
	g2 := NewGenerator(1_700_000_000_000, 10_000)
	g.Event(12345, &e)
	g2.Event(12345, &again)
	if e != again {
		t.Fatal("two generators of one configuration differ")
	}
}

func TestTimestampDoesNotOverflow(t *testing.T) {
	g := NewGenerator(0, 10_000_000)
	if got := g.Timestamp(1 << 50); got != (1<<50)/10_000 {
		t.Fatalf("timestamp %d", got)
	}
}
