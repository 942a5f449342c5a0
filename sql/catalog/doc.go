// Package catalog holds Freshet's object descriptors (schemas, tables,
// views) and serves them as immutable snapshots: a DDL statement builds a new
// Catalog from the old one, persists the changed descriptors and publishes
// it, so a statement binds against one consistent version.
//
// It also defines the system relations of pg_catalog and information_schema
// as virtual tables whose rows are generated from a snapshot, so psql's and
// drivers' catalog queries run through the ordinary query engine.
//
// It imports sql/types, sql/sqlerr and storage; never the planner or executor.
package catalog
