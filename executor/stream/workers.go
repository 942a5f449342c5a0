package stream

import (
	"sync"

	"github.com/freshetdb/freshet/sql/types"
)

// Workers runs the shards of a dataflow: worker i owns shard i's operators
// and is the only goroutine that calls them, taking messages (a chunk for an
// operator's port, or a flush) from its mailbox in order. Mailboxes are
// unbounded, so a worker never blocks another and a dataflow cannot
// deadlock; an epoch holds at most its own changes.
type Workers struct {
	boxes  []*mailbox
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
	failed chan struct{}
}

// message is one unit of work for a worker.
type message struct {
	op    Operator
	port  int
	chunk *types.Chunk
	flush *flushCount // non-nil: a flush, forwarded once count reaches want
}

// flushCount counts the flushes an operator port received this epoch; only
// the owning worker touches it.
type flushCount struct {
	n, want int
}

type mailbox struct {
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []message
	closed bool
}

// StartWorkers starts n worker goroutines. The caller must Close them.
func StartWorkers(n int) *Workers {
	if n < 1 {
		n = 1
	}
	w := &Workers{boxes: make([]*mailbox, n), failed: make(chan struct{})}
	for i := range w.boxes {
		b := &mailbox{}
		b.cond = sync.NewCond(&b.mu)
		w.boxes[i] = b
		w.wg.Add(1)
		go w.run(b)
	}
	return w
}

// N returns the number of workers.
func (w *Workers) N() int { return len(w.boxes) }

// post queues a message for worker i.
func (w *Workers) post(i int, m message) {
	b := w.boxes[i]
	b.mu.Lock()
	b.queue = append(b.queue, m)
	b.mu.Unlock()
	b.cond.Signal()
}

func (w *Workers) run(b *mailbox) {
	defer w.wg.Done()
	for {
		b.mu.Lock()
		for len(b.queue) == 0 && !b.closed {
			b.cond.Wait()
		}
		if len(b.queue) == 0 {
			b.mu.Unlock()
			return
		}
		m := b.queue[0]
		b.queue[0] = message{}
		b.queue = b.queue[1:]
		b.mu.Unlock()
		w.handle(m)
	}
}

// handle runs one message. After an operator failed, the dataflow keeps
// forwarding flushes (so that the epoch completes and the failure is seen)
// but drops data.
func (w *Workers) handle(m message) {
	if m.flush != nil {
		m.flush.n++
		if m.flush.n < m.flush.want {
			return
		}
		m.flush.n = 0
		w.fail(m.op.Flush(m.port))
		return
	}
	if w.Err() != nil {
		return
	}
	w.fail(m.op.Push(m.port, m.chunk))
}

func (w *Workers) fail(err error) {
	if err == nil {
		return
	}
	w.mu.Lock()
	if w.err == nil {
		w.err = err
		close(w.failed)
	}
	w.mu.Unlock()
}

// Failed is closed when an operator first fails.
func (w *Workers) Failed() <-chan struct{} { return w.failed }

// Err returns the first error an operator returned, if any.
func (w *Workers) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Close stops the workers once their mailboxes are empty and waits for them.
func (w *Workers) Close() {
	for _, b := range w.boxes {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		b.cond.Broadcast()
	}
	w.wg.Wait()
}
