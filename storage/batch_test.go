package storage

import (
	"testing"

	"github.com/freshetdb/freshet/sql/sqlerr"
)

func TestBatchIsAtomic(t *testing.T) {
	s := openMem(t)
	mustSet(t, s, "gone", "x")
	mustSet(t, s, "r2", "x")

	b := s.NewBatch()
	defer b.Close()
	b.Set([]byte("a"), []byte("1"))
	b.Set([]byte("b"), []byte("2"))
	b.Delete([]byte("gone"))
	b.DeleteRange([]byte("r"), []byte("s"))
	if b.Len() != 4 || b.Size() == 0 {
		t.Fatalf("Len %d Size %d", b.Len(), b.Size())
	}
	// Nothing is visible before Commit.
	if got := mustGet(t, s, "a") + mustGet(t, s, "gone") + mustGet(t, s, "r2"); got != "<absent>xx" {
		t.Fatalf("before commit: %q", got)
	}
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	// Everything is visible after.
	if got := mustGet(t, s, "a") + mustGet(t, s, "b") + mustGet(t, s, "gone") + mustGet(t, s, "r2"); got != "12<absent><absent>" {
		t.Fatalf("after commit: %q", got)
	}
}

func TestBatchMisuse(t *testing.T) {
	s := openMem(t)
	b := s.NewBatch()
	b.Set([]byte("k"), []byte("v"))
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.Commit(b), sqlerr.InternalError, "batch committed twice")
	_, _, err := b.Get([]byte("k"))
	wantCode(t, err, sqlerr.InternalError, "not indexed")
	_, err = b.NewIter(nil, nil)
	wantCode(t, err, sqlerr.InternalError, "not indexed")
	b.Close()
	b.Close()
	wantCode(t, s.Commit(b), sqlerr.InternalError, "closed batch")

	// A write after Commit is recorded and fails the batch, not the store.
	b = s.NewBatch()
	defer b.Close()
	if err := s.Commit(b); err != nil {
		t.Fatalf("empty commit: %v", err)
	}
	b.Set([]byte("late"), []byte("v"))
	wantCode(t, b.err, sqlerr.InternalError, "write to a committed batch")
	b2 := s.NewBatch()
	defer b2.Close()
	b2.Set([]byte("ok"), []byte("v"))
	if err := s.Commit(b2); err != nil {
		t.Fatal(err)
	}

	other := openMem(t)
	b3 := other.NewBatch()
	defer b3.Close()
	wantCode(t, s.Commit(b3), sqlerr.InternalError, "another store")
}

func TestIndexedBatchReadsItsWrites(t *testing.T) {
	s := openMem(t)
	for _, k := range []string{"a", "b", "c", "d"} {
		mustSet(t, s, k, "old-"+k)
	}
	b := s.NewIndexedBatch()
	defer b.Close()
	b.Set([]byte("b"), []byte("new-b"))
	b.Set([]byte("bb"), []byte("new-bb"))
	b.Delete([]byte("c"))
	if got := mustGet(t, b, "a") + "," + mustGet(t, b, "b") + "," + mustGet(t, b, "c"); got != "old-a,new-b,<absent>" {
		t.Fatalf("batch Get: %q", got)
	}
	if got := mustGet(t, s, "b"); got != "old-b" {
		t.Fatalf("store sees uncommitted write: %q", got)
	}
	if got := scan(t, b, nil, nil); got != "a=old-a b=new-b bb=new-bb d=old-d" {
		t.Fatalf("batch scan: %q", got)
	}
	b.DeleteRange([]byte("a"), []byte("b"))
	if got := scan(t, b, []byte("a"), []byte("c")); got != "b=new-b bb=new-bb" {
		t.Fatalf("batch scan after DeleteRange: %q", got)
	}
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	if got := scan(t, s, nil, nil); got != "b=new-b bb=new-bb d=old-d" {
		t.Fatalf("store after commit: %q", got)
	}
}

func TestNextID(t *testing.T) {
	s := openMem(t)
	const counter = "object_id"

	b := s.NewBatch()
	for want := uint64(1); want <= 3; want++ {
		id, err := s.NextID(b, counter)
		if err != nil || id != want {
			t.Fatalf("NextID = %d, %v; want %d", id, err, want)
		}
	}
	if id, err := s.NextID(b, "other"); err != nil || id != 1 {
		t.Fatalf("other counter: %d, %v", id, err)
	}
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	b.Close()

	// Ids of a batch that is never committed are handed out again.
	b = s.NewBatch()
	if id, _ := s.NextID(b, counter); id != 4 {
		t.Fatalf("after commit: %d", id)
	}
	b.Close()
	b = s.NewIndexedBatch()
	defer b.Close()
	if id, _ := s.NextID(b, counter); id != 4 {
		t.Fatalf("after abandoned batch: %d", id)
	}
	if id, _ := s.NextID(b, counter); id != 5 {
		t.Fatalf("second in indexed batch: %d", id)
	}

	// A damaged counter is an error, not a wrong id.
	bad := s.NewBatch()
	defer bad.Close()
	bad.Set(MetaKey("broken"), []byte{1, 2, 3})
	if err := s.Commit(bad); err != nil {
		t.Fatal(err)
	}
	b2 := s.NewBatch()
	defer b2.Close()
	_, err := s.NextID(b2, "broken")
	wantCode(t, err, sqlerr.DataCorrupted, `id counter "broken" is corrupted`)
}

func TestBatchInclude(t *testing.T) {
	s := openMem(t)
	ib := s.NewIndexedBatch()
	defer ib.Close()
	ib.Set([]byte("a"), []byte("1"))
	ib.Delete([]byte("gone"))
	b := s.NewBatch()
	defer b.Close()
	b.Include(ib)
	b.Set([]byte("b"), []byte("2"))
	if err := s.Commit(b); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, "a") + mustGet(t, s, "b"); got != "12" {
		t.Fatalf("after committing the including batch got %q", got)
	}
	if got := mustGet(t, ib, "a"); got != "1" {
		t.Fatalf("the included batch changed: a = %q", got)
	}
	closed := s.NewBatch()
	closed.Close()
	c := s.NewBatch()
	defer c.Close()
	c.Include(closed)
	if err := s.Commit(c); err == nil {
		t.Fatal("a batch including a closed one committed")
	}
}
