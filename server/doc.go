// Package server assembles a running Freshet: it opens the data directory,
// starts the engine, the Postgres-protocol listener and the HTTP listener
// (/healthz, /metrics), and shuts them down in order. cmd/freshet only turns
// flags and environment variables into Options.
package server
