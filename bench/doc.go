// Package bench holds Freshet's micro-benchmarks: COPY FROM STDIN, single-row
// and batched INSERT, point SELECT, full scans and a join with GROUP BY, each
// measured through pgx against a real server.
//
// The server runs in the benchmark's own process (server.Start on loopback
// ports chosen by the kernel, data in a temporary directory), so that
// `go test -cpuprofile` and `-memprofile` see the engine's work as well as the
// client's. The benchmarks print figures (ns/op and rows/s) and never assert on
// time. See README.md for how to run them and take profiles.
//
// The package has no code outside its tests: everything is in _test.go files.
package bench
