// Package crash is the crash harness: it runs a server under continuous DML
// from several clients, kills it with SIGKILL at random moments (during the
// load, during a CREATE MATERIALIZED VIEW backfill, right after a restart),
// restarts it on the same data directory and checks, after every cycle:
//
//   - every acknowledged write is there, with its acknowledged value; a write
//     whose acknowledgement the kill cut off is there entirely or not at all
//     (a transaction block's writes together);
//   - no row is there twice or without a write that made it;
//   - every materialized view equals its query run from scratch over the
//     stored tables.
//
// TestCrashLoop runs FRESHET_CRASH_CYCLES cycles (default 20, which `make
// test` runs; `make soak` runs SOAK_CRASH_CYCLES, 200). The seed
// (FRESHET_CRASH_SEED, random by default) is logged for reproduction, with
// the count of cycles survived.
package crash
