// Package stream holds Freshet's dataflow operators. Every operator consumes
// and produces chunks of changes (rows with weights: a Z-set delta), so the
// same operator serves a one-shot SELECT (one insert-only delta from empty
// state) and, in later work, a maintained materialized view (a delta per
// epoch).
//
//	source --Push(port, chunk)--> operator --Push--> ... --> sink
//	source --Flush(port)--------> operator --Flush-> ... --> sink
//
// Push delivers changes; Flush says an input has delivered everything of the
// current epoch, and an operator flushes downstream once every input has.
// Linear operators (filter, project, union) emit as they receive; stateful
// ones (join, aggregate, distinct, set operations, window, top-N) keep state
// keyed for their access pattern and emit the difference their output
// undergoes, retracting what they emitted before when it changes.
//
// Operators are driven by one goroutine each and are not safe for
// concurrent use. They import sql/*, planner/plan; never the parser,
// binder or storage.
package stream
