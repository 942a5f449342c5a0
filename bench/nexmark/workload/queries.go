package workload

// Queries are the Nexmark queries q0–q22, in the text of shared/NEXMARK.md
// §2 (RisingWave's dialect; q11 in Flink's, the only one it has), and the
// rank-based rewrites of q5 and q7. q16 is written out with the twelve
// aggregates of q15 that the spec abbreviates; q6 ranks bids by price
// descending, as the spec's note on it says.
var Queries = []Query{
	{Name: "q0", SQL: `SELECT auction, bidder, price, date_time FROM bid`},
	{Name: "q1", SQL: `SELECT auction, bidder, 0.908 * price AS price, date_time FROM bid`},
	{Name: "q2", SQL: `SELECT auction, price FROM bid
WHERE auction = 1007 OR auction = 1020 OR auction = 2001 OR auction = 2019 OR auction = 2087`},
	{Name: "q3", SQL: `SELECT P.name, P.city, P.state, A.id
FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'or' OR P.state = 'id' OR P.state = 'ca')`},
	{Name: "q4", SQL: `SELECT Q.category, AVG(Q.final) AS avg
FROM (SELECT MAX(B.price) AS final, A.category
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires
      GROUP BY A.id, A.category) Q
GROUP BY Q.category`},
	{Name: "q5", SQL: `SELECT AuctionBids.auction, AuctionBids.num
FROM (SELECT bid.auction, count(*) AS num, window_start AS starttime
      FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
      GROUP BY bid.auction, window_start) AS AuctionBids
JOIN (SELECT max(CountBids.num) AS maxn, CountBids.starttime_c
      FROM (SELECT count(*) AS num, window_start AS starttime_c
            FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
            GROUP BY bid.auction, window_start) AS CountBids
      GROUP BY CountBids.starttime_c) AS MaxBids
ON AuctionBids.starttime = MaxBids.starttime_c AND AuctionBids.num >= MaxBids.maxn`},
	{Name: "q6", SQL: `SELECT Q.seller,
       AVG(Q.final) OVER (PARTITION BY Q.seller ORDER BY Q.date_time
                          ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avg
FROM (SELECT ROW_NUMBER() OVER (PARTITION BY A.id, A.seller ORDER BY B.price DESC) AS rank,
             A.seller, B.price AS final, B.date_time
      FROM auction AS A, bid AS B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires) AS Q
WHERE Q.rank <= 1`},
	{Name: "q7", SQL: `SELECT B.auction, B.price, B.bidder, B.date_time
FROM bid B
JOIN (SELECT MAX(price) AS maxprice, window_end AS date_time
      FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)
      GROUP BY window_end) B1 ON B.price = B1.maxprice
WHERE B.date_time BETWEEN B1.date_time - INTERVAL '10' SECOND AND B1.date_time`},
	{Name: "q8", SQL: `SELECT P.id, P.name, P.starttime
FROM (SELECT id, name, window_start AS starttime, window_end AS endtime
      FROM TUMBLE(person, date_time, INTERVAL '10' SECOND)
      GROUP BY id, name, window_start, window_end) P
JOIN (SELECT seller, window_start AS starttime, window_end AS endtime
      FROM TUMBLE(auction, date_time, INTERVAL '10' SECOND)
      GROUP BY seller, window_start, window_end) A
ON P.id = A.seller AND P.starttime = A.starttime AND P.endtime = A.endtime`},
	{Name: "q9", SQL: `SELECT id, item_name, description, initial_bid, reserve, date_time, expires, seller, category,
       auction, bidder, price, bid_date_time
FROM (SELECT A.*, B.auction, B.bidder, B.price, B.date_time AS bid_date_time,
             ROW_NUMBER() OVER (PARTITION BY A.id ORDER BY B.price DESC, B.date_time ASC) AS rownum
      FROM auction A, bid B
      WHERE A.id = B.auction AND B.date_time BETWEEN A.date_time AND A.expires) tmp
WHERE rownum <= 1`},
	{Name: "q10", SQL: `SELECT auction, bidder, price, date_time,
       TO_CHAR(date_time, 'YYYY-MM-DD') AS date, TO_CHAR(date_time, 'HH:MI') AS time
FROM bid`},
	{Name: "q11", SQL: `SELECT B.bidder, count(*) AS bid_count,
       SESSION_START(B.date_time, INTERVAL '10' SECOND) AS starttime,
       SESSION_END(B.date_time, INTERVAL '10' SECOND) AS endtime
FROM bid B
GROUP BY B.bidder, SESSION(B.date_time, INTERVAL '10' SECOND)`},
	{Name: "q12", SQL: `SELECT bidder, count(*) AS bid_count, window_start, window_end
FROM TUMBLE(bid, p_time, INTERVAL '10' SECOND)
GROUP BY bidder, window_start, window_end`, ProcTime: true,
		// The windows depend on when each bid was read: each bidder's
		// counts must add up to its bids, in windows of 10 seconds.
		Check: &Check{
			View:  `SELECT bidder, sum(bid_count), bool_and(window_end = window_start + interval '10 seconds') FROM nexmark_q12 GROUP BY bidder`,
			Batch: `SELECT bidder, count(*), true FROM bid GROUP BY bidder`,
		}},
	{Name: "q13", SQL: `SELECT B.auction, B.bidder, B.price, B.date_time, S.value
FROM bid B JOIN side_input FOR SYSTEM_TIME AS OF PROCTIME() S ON mod(B.auction, 10000) = S.key`,
		Setup: []string{
			"CREATE TABLE side_input (key BIGINT PRIMARY KEY, value VARCHAR)",
			"INSERT INTO side_input SELECT i::bigint, i::varchar FROM (SELECT generate_series(0, 9999, 1) AS i)",
		}},
	{Name: "q14", SQL: `SELECT auction, bidder, 0.908 * price AS price,
       CASE WHEN extract(hour FROM date_time) >= 8 AND extract(hour FROM date_time) <= 18 THEN 'dayTime'
            WHEN extract(hour FROM date_time) <= 6 OR extract(hour FROM date_time) >= 20 THEN 'nightTime'
            ELSE 'otherTime' END AS bidTimeType,
       date_time
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`},
	{Name: "q15", SQL: `SELECT to_char(date_time, 'YYYY-MM-DD') AS "day",
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
       count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
       count(DISTINCT bidder) AS total_bidders,
       count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
       count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
       count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
       count(DISTINCT auction) AS total_auctions,
       count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
       count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
       count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
FROM bid
GROUP BY to_char(date_time, 'YYYY-MM-DD')`},
	{Name: "q16", SQL: `SELECT channel, to_char(date_time, 'YYYY-MM-DD') AS "day", max(to_char(date_time, 'HH:mm')) AS "minute",
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
       count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
       count(DISTINCT bidder) AS total_bidders,
       count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
       count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
       count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
       count(DISTINCT auction) AS total_auctions,
       count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
       count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
       count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
FROM bid
GROUP BY to_char(date_time, 'YYYY-MM-DD'), channel`},
	{Name: "q17", SQL: `SELECT auction, to_char(date_time, 'YYYY-MM-DD') AS day,
       count(*) AS total_bids,
       count(*) FILTER (WHERE price < 10000) AS rank1_bids,
       count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
       count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
       min(price) AS min_price, max(price) AS max_price, avg(price) AS avg_price, sum(price) AS sum_price
FROM bid
GROUP BY to_char(date_time, 'YYYY-MM-DD'), auction`},
	{Name: "q18", SQL: `SELECT auction, bidder, price, channel, url, date_time
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY date_time DESC) AS rank_number
      FROM bid)
WHERE rank_number <= 1`},
	{Name: "q19", SQL: `SELECT *
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number FROM bid)
WHERE rank_number <= 10`},
	{Name: "q20", SQL: `SELECT auction, bidder, price, channel, url, B.date_time AS bid_date_time, B.extra AS bid_extra,
       item_name, description, initial_bid, reserve, A.date_time AS auction_date_time, expires, seller,
       category, A.extra AS auction_extra
FROM bid AS B INNER JOIN auction AS A ON B.auction = A.id
WHERE A.category = 10`},
	{Name: "q21", SQL: `SELECT auction, bidder, price, channel,
       CASE WHEN lower(channel) = 'apple' THEN '0'
            WHEN lower(channel) = 'google' THEN '1'
            WHEN lower(channel) = 'facebook' THEN '2'
            WHEN lower(channel) = 'baidu' THEN '3'
            ELSE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2] END AS channel_id
FROM bid
WHERE (regexp_match(url, '(&|^)channel_id=([^&]*)'))[2] IS NOT NULL
   OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')`},
	{Name: "q22", SQL: `SELECT auction, bidder, price, channel,
       split_part(url, '/', 4) AS dir1, split_part(url, '/', 5) AS dir2, split_part(url, '/', 6) AS dir3
FROM bid`},
	// The rank-based rewrites of q5 and q7 that the spec documents (as
	// RisingWave runs them), reported as rows of their own.
	{Name: "q5-rewrite", SQL: `SELECT B.auction, B.num
FROM (SELECT auction, num, rank() OVER (PARTITION BY starttime ORDER BY num DESC) AS num_rank
      FROM (SELECT bid.auction, count(*) AS num, window_start AS starttime
            FROM HOP(bid, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND)
            GROUP BY window_start, bid.auction) AS AuctionBids) B
WHERE num_rank <= 1`},
	{Name: "q7-rewrite", SQL: `SELECT B.auction, B.price, B.bidder, B.date_time
FROM (SELECT auction, price, bidder, date_time,
             rank() OVER (PARTITION BY window_end ORDER BY price DESC) AS price_rank
      FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND)) B
WHERE price_rank <= 1`},
}
