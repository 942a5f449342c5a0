package clients

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/freshetdb/freshet/tests/testserver"
)

// TestPgxConcurrentBlocks: two sessions write the same row, one inside a
// transaction block: the first to commit wins and the other's COMMIT fails
// with 40001 (its writes are not applied); blocks writing different rows
// both commit; a key both insert is 23505 for the later one; a block that
// deletes a row and inserts its key again commits, unless the row changed
// meanwhile.
func TestPgxConcurrentBlocks(t *testing.T) {
	s := testserver.Start(t)
	a := pgxConnect(t, s.ConnString(), pgx.QueryExecModeSimpleProtocol)
	b := pgxConnect(t, s.ConnString(), pgx.QueryExecModeSimpleProtocol)
	ctx := pgxCtx(t)
	mustExec(t, a, "CREATE TABLE acct (id int PRIMARY KEY, bal int)", "INSERT INTO acct VALUES (1, 100), (2, 200)")

	// A updates row 1 in a block; B updates it and commits first.
	mustExec(t, a, "BEGIN", "UPDATE acct SET bal = bal + 1 WHERE id = 1")
	mustExec(t, b, "UPDATE acct SET bal = bal + 10 WHERE id = 1")
	_, err := a.Exec(ctx, "COMMIT")
	wantCode(t, "COMMIT after a concurrent update", err, "40001")
	if got := queryText(t, a, "SELECT bal FROM acct WHERE id = 1"); got != "110\n" {
		t.Fatalf("row 1 holds %q, want 110 (B's update only)", got)
	}

	// Both in blocks, on the same row: the second COMMIT fails; a delete
	// counts as a write too.
	mustExec(t, a, "BEGIN", "DELETE FROM acct WHERE id = 1")
	mustExec(t, b, "BEGIN", "UPDATE acct SET bal = 0 WHERE id = 1", "COMMIT")
	_, err = a.Exec(ctx, "COMMIT")
	wantCode(t, "COMMIT of a delete after a concurrent update", err, "40001")

	// Different rows: both commit.
	mustExec(t, a, "BEGIN", "UPDATE acct SET bal = 1 WHERE id = 1")
	mustExec(t, b, "BEGIN", "UPDATE acct SET bal = 2 WHERE id = 2", "COMMIT")
	mustExec(t, a, "COMMIT")
	if got := queryText(t, a, "SELECT id, bal FROM acct ORDER BY id"); got != "1|1\n2|2\n" {
		t.Fatalf("after two blocks on different rows: %q", got)
	}

	// The same new key: the later COMMIT is a unique violation.
	mustExec(t, a, "BEGIN", "INSERT INTO acct VALUES (3, 3)")
	mustExec(t, b, "INSERT INTO acct VALUES (3, 33)")
	_, err = a.Exec(ctx, "COMMIT")
	wantCode(t, "COMMIT of a key inserted concurrently", err, "23505")
	checkUsable(t, a, "a failed COMMIT")

	// A block deletes a row and inserts its key again, and swaps two keys
	// through a free one: no conflict with itself.
	mustExec(t, a, "BEGIN", "DELETE FROM acct WHERE id = 1", "INSERT INTO acct VALUES (1, 11)",
		"UPDATE acct SET id = 100 WHERE id = 2", "UPDATE acct SET id = 2 WHERE id = 3", "UPDATE acct SET id = 3 WHERE id = 100", "COMMIT")
	if got := queryText(t, a, "SELECT id, bal FROM acct ORDER BY id"); got != "1|11\n2|33\n3|2\n" {
		t.Fatalf("after a block re-inserting and swapping keys: %q", got)
	}

	// The same, but another session updates the row before the COMMIT.
	mustExec(t, a, "BEGIN", "DELETE FROM acct WHERE id = 1", "INSERT INTO acct VALUES (1, 12)")
	mustExec(t, b, "UPDATE acct SET bal = 13 WHERE id = 1")
	_, err = a.Exec(ctx, "COMMIT")
	wantCode(t, "COMMIT of a re-inserted key after a concurrent update", err, "40001")
	if got := queryText(t, a, "SELECT bal FROM acct WHERE id = 1"); got != "13\n" {
		t.Fatalf("row 1 holds %q, want 13 (B's update only)", got)
	}
}
