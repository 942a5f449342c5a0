package nexmark

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"github.com/freshetdb/freshet/sql/types"
)

// The generator's constants, as in the reference implementations (see
// shared/NEXMARK.md §1.1).
const (
	personProportion  = 1
	auctionProportion = 3
	bidProportion     = 46
	proportionDenom   = personProportion + auctionProportion + bidProportion

	firstPersonID    = 1000
	firstAuctionID   = 1000
	firstCategoryID  = 10
	numCategories    = 5
	personIDLead     = 10
	auctionIDLead    = 10
	numActivePeople  = 1000
	numInFlight      = 100
	hotAuctionRatio  = 2
	hotSellersRatio  = 4
	hotBiddersRatio  = 4
	hotChannelRatio  = 2
	hotBucket        = 100
	numChannels      = 10000
	avgPersonBytes   = 200
	avgAuctionBytes  = 500
	avgBidBytes      = 100
	extraSourceBytes = 1 << 20
)

// Kind is the type of an event.
type Kind int

// Event kinds, in the order of the tables' names.
const (
	Person Kind = iota
	Auction
	Bid
)

// Kinds names the event kinds as nexmark.table.type does.
var Kinds = map[string]Kind{"person": Person, "auction": Auction, "bid": Bid}

// Event is one generated event: its kind and its fields, in the order of
// Fields(kind). Times are milliseconds since 1970.
type Event struct {
	Kind Kind
	// Person: id, name, email_address, credit_card, city, state, date_time, extra.
	// Auction: id, item_name, description, initial_bid, reserve, date_time,
	// expires, seller, category, extra.
	// Bid: auction, bidder, price, channel, url, date_time, extra.
	Ints    [5]int64  // the integer fields of the kind, in order
	Strings [6]string // the string fields of the kind, in order
	Times   [2]int64  // date_time, and expires for an auction
}

// Field describes one field of an event kind: its name, and where Event
// holds it.
type Field struct {
	Name  string
	Type  FieldType
	Index int // into Ints, Strings or Times
}

// FieldType is the type of a field.
type FieldType int

// Field types.
const (
	Int FieldType = iota
	String
	Time
)

// SQLType is the column type of a field of this type in a source that
// declares no columns, as RisingWave's: bigint, varchar or timestamp.
func (t FieldType) SQLType() types.T {
	switch t {
	case String:
		return types.Varchar
	case Time:
		return types.Timestamp
	}
	return types.Int8
}

// Fields returns the fields of a kind, with RisingWave's column names.
func Fields(k Kind) []Field {
	switch k {
	case Person:
		return []Field{{"id", Int, 0}, {"name", String, 0}, {"email_address", String, 1}, {"credit_card", String, 2},
			{"city", String, 3}, {"state", String, 4}, {"date_time", Time, 0}, {"extra", String, 5}}
	case Auction:
		return []Field{{"id", Int, 0}, {"item_name", String, 0}, {"description", String, 1}, {"initial_bid", Int, 1},
			{"reserve", Int, 2}, {"date_time", Time, 0}, {"expires", Time, 1}, {"seller", Int, 3}, {"category", Int, 4},
			{"extra", String, 2}}
	}
	return []Field{{"auction", Int, 0}, {"bidder", Int, 1}, {"price", Int, 2}, {"channel", String, 0}, {"url", String, 1},
		{"date_time", Time, 0}, {"extra", String, 2}}
}

// Generator produces the events of a configuration. It is deterministic:
// event n depends only on n and the configuration (each event draws from
// a generator seeded by its id), so any event can be made on its own and
// the stream does not depend on how it is split. It is safe for
// concurrent use.
type Generator struct {
	// BaseTime is the event time of event 0, in milliseconds since 1970.
	BaseTime int64
	// EventRate is the events per second of event time.
	EventRate int64
	urls      [numChannels]string
	hotURLs   [4]string
	extra     string
}

// NewGenerator returns a generator of events from baseTime at rate events
// per second of event time.
func NewGenerator(baseTime, rate int64) *Generator {
	g := &Generator{BaseTime: baseTime, EventRate: rate}
	r := rng(0x5eed_0f_7ab1e5)
	for i := range g.urls {
		u := baseURL(&r)
		if r.intn(10) > 0 {
			u += "&channel_id=" + strconv.Itoa(int(absInt32(int32(bits.Reverse32(uint32(i))))))
		}
		g.urls[i] = u
	}
	for i := range g.hotURLs {
		g.hotURLs[i] = baseURL(&r)
	}
	var b strings.Builder
	b.Grow(extraSourceBytes)
	for i := 0; i < extraSourceBytes; i++ {
		b.WriteByte(byte('a' + r.intn(26)))
	}
	g.extra = b.String()
	return g
}

func absInt32(v int32) int32 {
	if v < 0 {
		if v == math.MinInt32 {
			return math.MaxInt32
		}
		return -v
	}
	return v
}

// KindOf returns the kind of event n.
func KindOf(n int64) Kind {
	switch r := n % proportionDenom; {
	case r < personProportion:
		return Person
	case r < personProportion+auctionProportion:
		return Auction
	}
	return Bid
}

// Timestamp returns the event time of event n, in milliseconds.
func (g *Generator) Timestamp(n int64) int64 {
	// floor(n * 1e6 / rate) microseconds, in integers: exact at any n.
	us := mulDiv(n, 1_000_000, g.EventRate)
	return g.BaseTime + us/1000
}

// Event makes event n into e.
func (g *Generator) Event(n int64, e *Event) {
	r := rng(splitmix(uint64(n)))
	ts := g.Timestamp(n)
	*e = Event{Kind: KindOf(n)}
	e.Times[0] = ts
	switch e.Kind {
	case Person:
		name := firstNames[r.intn(len(firstNames))] + " " + lastNames[r.intn(len(lastNames))]
		email := r.str(7) + "@" + r.str(5) + ".com"
		cc := fmt.Sprintf("%04d %04d %04d %04d", r.intn(10000), r.intn(10000), r.intn(10000), r.intn(10000))
		city := cities[r.intn(len(cities))]
		state := states[r.intn(len(states))]
		e.Ints[0] = lastPerson(n) + firstPersonID
		extra := g.nextExtra(&r, 8+len(name)+len(email)+len(cc)+len(city)+len(state), avgPersonBytes)
		e.Strings = [6]string{name, email, cc, city, state, extra}
	case Auction:
		seller := int64(0)
		if r.intn(hotSellersRatio) > 0 {
			seller = (lastPerson(n) / hotBucket) * hotBucket
		} else {
			seller = nextPerson(&r, n)
		}
		category := firstCategoryID + int64(r.intn(numCategories))
		initial := price(&r)
		reserve := initial + price(&r)
		item, desc := r.str(20), r.str(100)
		horizon := g.Timestamp(n+hotBucket*proportionDenom/auctionProportion) - ts
		expires := ts + 1 + r.int64n(max(2*horizon, 1))
		e.Ints = [5]int64{lastAuction(n) + firstAuctionID, initial, reserve, seller + firstPersonID, category}
		e.Strings[0], e.Strings[1] = item, desc
		e.Strings[2] = g.nextExtra(&r, 8+len(item)+len(desc)+40, avgAuctionBytes)
		e.Times[1] = expires
	case Bid:
		auction := int64(0)
		if r.intn(hotAuctionRatio) > 0 {
			auction = (lastAuction(n) / hotBucket) * hotBucket
		} else {
			auction = nextAuction(&r, n)
		}
		bidder := int64(0)
		if r.intn(hotBiddersRatio) > 0 {
			bidder = (lastPerson(n)/hotBucket)*hotBucket + 1
		} else {
			bidder = nextPerson(&r, n)
		}
		p := price(&r)
		var channel, url string
		if r.intn(hotChannelRatio) == 0 {
			i := r.intn(len(hotChannels))
			channel, url = hotChannels[i], g.hotURLs[i]
		} else {
			i := r.intn(numChannels)
			channel, url = "channel-"+strconv.Itoa(i), g.urls[i]
		}
		e.Ints[0], e.Ints[1], e.Ints[2] = auction+firstAuctionID, bidder+firstPersonID, p
		e.Strings[0], e.Strings[1] = channel, url
		e.Strings[2] = g.nextExtra(&r, 32, avgBidBytes)
	}
}

// Value returns field f of the event: an int64, a string, or a time in
// milliseconds (int64).
func (e *Event) Value(f Field) any {
	switch f.Type {
	case Int:
		return e.Ints[f.Index]
	case Time:
		return e.Times[f.Index]
	}
	return e.Strings[f.Index]
}

func lastPerson(n int64) int64 { return n / proportionDenom }

func lastAuction(n int64) int64 {
	epoch, off := n/proportionDenom, n%proportionDenom
	switch {
	case off < personProportion:
		epoch--
		off = auctionProportion - 1
	case off >= personProportion+auctionProportion:
		off = auctionProportion - 1
	default:
		off -= personProportion
	}
	return epoch*auctionProportion + off
}

func nextPerson(r *rng, n int64) int64 {
	np := lastPerson(n) + 1
	active := min(np, numActivePeople)
	return np - active + r.int64n(active+personIDLead)
}

func nextAuction(r *rng, n int64) int64 {
	hi := lastAuction(n)
	lo := max(hi-numInFlight, 0)
	return lo + r.int64n(hi-lo+1+auctionIDLead)
}

// price is log-uniform on [100, 10^8): cents.
func price(r *rng) int64 { return int64(math.Round(math.Pow(10, r.float()*6) * 100)) }

// nextExtra returns padding that brings an event of cur bytes to about avg.
func (g *Generator) nextExtra(r *rng, cur, avg int) string {
	if cur > avg {
		return ""
	}
	d := avg - cur
	delta := int(math.Round(0.2 * float64(d)))
	n := d - delta
	if delta > 0 {
		n += r.intn(2 * delta)
	}
	start := r.intn(len(g.extra) - n)
	return g.extra[start : start+n]
}

func baseURL(r *rng) string {
	seg := func() string {
		n := 3 + r.intn(2)
		b := make([]byte, n)
		for i := range b {
			if r.intn(13) == 0 {
				b[i] = '_'
			} else {
				b[i] = byte('a' + r.intn(26))
			}
		}
		return string(b)
	}
	return "https://www.nexmark.com/" + seg() + "/" + seg() + "/" + seg() + "/item.htm?query=1"
}

var (
	firstNames  = []string{"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"}
	lastNames   = []string{"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"}
	cities      = []string{"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"}
	states      = []string{"az", "ca", "id", "or", "wa", "wy"}
	hotChannels = []string{"Google", "Facebook", "Baidu", "Apple"}
)

// rng is splitmix64: a generator seeded per event.
type rng uint64

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *rng) next() uint64 {
	*r += 0x9e3779b97f4a7c15
	return splitmix(uint64(*r))
}

func (r *rng) intn(k int) int       { return int(r.next() % uint64(k)) }
func (r *rng) int64n(k int64) int64 { return int64(r.next() % uint64(k)) }
func (r *rng) float() float64       { return float64(r.next()>>11) / (1 << 53) }
func (r *rng) str(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.intn(26))
	}
	return string(b)
}

// mulDiv returns floor(n * m / d) for non-negative n, m and positive d,
// without overflow in between (MaxInt64 when the result does not fit).
func mulDiv(n, m, d int64) int64 {
	hi, lo := bits.Mul64(uint64(n), uint64(m))
	if hi >= uint64(d) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(d))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}
