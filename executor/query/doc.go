// Package query runs a plan once over a snapshot: it instantiates the
// stream operators for the plan, drives every leaf (table scans, VALUES,
// generate_series) as one insert-only batch of changes, and collects the
// consolidated result, sorted and limited as the top of the plan asks.
// This is DESIGN decision 7: a SELECT is the view operators applied once.
//
//	plan --build--> operators --drive leaves--> Collect --sort/limit--> rows
//
// It also runs the plans of subqueries for expression evaluation, caching
// the result of uncorrelated ones. It imports executor/stream, planner/plan
// and sql/*; reading stored rows goes through the Source interface, which
// the engine implements over storage.
package query
