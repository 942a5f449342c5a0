// Package catalog holds Freshet's object descriptors (schemas, tables,
// views) and serves them as immutable snapshots: a DDL statement builds a new
// Catalog from the old one, persists the changed descriptors and publishes
// it, so a statement binds against one consistent version.
//
// It also defines the system relations of pg_catalog and information_schema
// as virtual tables whose rows are generated from a snapshot (and, for
// pg_database, pg_settings and information_schema's catalog names, from the
// reading Session), so psql's and drivers' catalog queries run through the
// ordinary query engine: the binder resolves them like tables and the
// executor joins and filters their rows. Each relation is declared in the
// file of its concept (pg_class.go, pg_attribute.go, pg_type.go, ...) with
// Postgres 15's columns and registered in pgCatalogTables or
// infoSchemaTables. A primary key shows as an index relation of its own
// (relkind 'i', OID Table.PKIndexID) with its pg_index and pg_constraint
// rows.
//
// It imports sql/types, sql/sqlerr, sql/builtin (to list the builtin
// functions in pg_proc) and storage; never the planner or executor.
package catalog
