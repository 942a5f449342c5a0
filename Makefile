# Freshet's build and test entry points. `make test` is what CI runs (.ci/run).
#
#   make build      bin/freshet, version from `git describe` in main.version
#   make run        build, then `bin/freshet server` with its defaults
#   make unit       go vet, gofmt check, go test of every package that needs no service
#   make race       go test -race on the concurrent packages
#   make fuzz       every Fuzz target for $(FUZZTIME) each
#   make integration  private PostgreSQL and Kafka + the tests in tests/ that need services
#   make kafka-up   a real Apache Kafka broker on 127.0.0.1:9092 (KRaft; fetched from
#                   Maven Central the first time); make kafka-down stops it
#   make test       all of the above (deps, build, unit, race, fuzz, integration)
#   make soak       longer property runs: operator property tests and view oracle
#   make bench      benchmarks in bench/ (print figures, never fail on speed)
#   make bench-stream  operator benchmarks in executor/stream
#   make clean      remove build outputs
#
# Knobs: FUZZTIME (5s), PG_DIR (/tmp/freshet-test-pg), PG_PORT (55433), RUN (a
# go test -run regex for integration), ORACLE_N (oracle queries, 300),
# ORACLE_SEED (random when empty); for soak SOAK_CHECKS (rapid checks per
# property, 5000), SOAK_VIEWS (60), SOAK_ROUNDS (300), SOAK_SEEDS (3),
# SOAK_CRASH_CYCLES (200), SOAK_KAFKA_CYCLES (50). See
# docs/testing.md.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

GO ?= go
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

FUZZTIME ?= 5s
PG_DIR ?= /tmp/freshet-test-pg
PG_PORT ?= 55433
RUN ?=
ORACLE_N ?= 300
ORACLE_SEED ?=
export FUZZTIME PG_DIR PG_PORT RUN
export FRESHET_ORACLE_N = $(ORACLE_N)
export FRESHET_ORACLE_SEED = $(ORACLE_SEED)

# Packages under tests/ that need a running PostgreSQL or a built server; `unit`
# leaves them out and `integration` runs them.
INTEGRATION_PKGS := ./tests/slt ./tests/oracle ./tests/compat ./tests/clients ./tests/crash ./tests/kafka ./tests/nexmark
INTEGRATION_RE := /tests/(slt|oracle|compat|clients|crash|kafka|nexmark)$$

# Concurrent packages that `race` covers, those of them that exist.
RACE_DIRS := pgwire executor storage server

.PHONY: build run unit race fuzz integration test soak bench bench-stream clean deps kafka-up kafka-down

KAFKA_UP_DIR ?= /tmp/freshet-kafka

kafka-up:
	@scripts/kafka.sh start $(KAFKA_UP_DIR) 9092
	@echo "Kafka broker on 127.0.0.1:9092 (data in $(KAFKA_UP_DIR))"

kafka-down:
	@scripts/kafka.sh stop $(KAFKA_UP_DIR) 9092

deps:
	@scripts/deps.sh

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/freshet ./cmd/freshet

run: build
	bin/freshet server

unit:
	@echo '--- go vet'
	$(GO) vet ./...
	@echo '--- gofmt'
	@files=$$(find . -name '*.go' -not -path './bin/*' -not -path '*/testdata/*'); \
	bad=$$(gofmt -l $$files); \
	if [[ -n $$bad ]]; then echo "gofmt: these files need formatting (gofmt -w):"; echo "$$bad"; exit 1; fi
	@echo '--- unit tests'
	$(GO) test $$($(GO) list ./... | grep -Ev '$(INTEGRATION_RE)')

race:
	@echo '--- race'
	@pkgs=(); for d in $(RACE_DIRS); do if [[ -d $$d ]]; then pkgs+=(./$$d/...); fi; done; \
	if (( $${#pkgs[@]} == 0 )); then echo "race: none of $(RACE_DIRS) exists yet"; exit 0; fi; \
	echo "$(GO) test -race -count=1 $${pkgs[*]}"; \
	$(GO) test -race -count=1 "$${pkgs[@]}"

fuzz:
	@echo '--- fuzz'
	@scripts/fuzz.sh

integration: build
	@echo '--- integration'
	@scripts/integration.sh $(INTEGRATION_PKGS)

test: deps build unit race fuzz integration

SOAK_CHECKS ?= 5000
SOAK_VIEWS ?= 60
SOAK_ROUNDS ?= 300
SOAK_SEEDS ?= 3
SOAK_CRASH_CYCLES ?= 200
SOAK_KAFKA_CYCLES ?= 50

soak: deps build
	@echo '--- soak: operator property tests, $(SOAK_CHECKS) checks each'
	$(GO) test -count=1 -timeout 120m ./executor/stream -rapid.checks=$(SOAK_CHECKS)
	@echo '--- soak: crash loop, $(SOAK_CRASH_CYCLES) kill -9 cycles'
	FRESHET_CRASH_CYCLES=$(SOAK_CRASH_CYCLES) RUN=TestCrashLoop scripts/integration.sh ./tests/crash
	@echo '--- soak: Kafka ingest, $(SOAK_KAFKA_CYCLES) kill -9 cycles'
	FRESHET_KAFKA_CRASH_CYCLES=$(SOAK_KAFKA_CYCLES) RUN=TestJSONSource scripts/integration.sh ./tests/kafka
	@for i in $$(seq 1 $(SOAK_SEEDS)); do \
		echo "--- soak: view oracle, run $$i of $(SOAK_SEEDS)"; \
		FRESHET_ORACLE_VIEWS=$(SOAK_VIEWS) FRESHET_ORACLE_ROUNDS=$(SOAK_ROUNDS) RUN=TestOracleViews scripts/integration.sh ./tests/oracle; \
	done

bench:
	@if [[ ! -d bench ]]; then echo "bench: no bench/ directory yet"; exit 0; fi; \
	echo "$(GO) test -run '^$$' -bench . ./bench/..."; \
	$(GO) test -run '^$$' -bench . ./bench/...

bench-stream:
	$(GO) test -run '^$$' -bench . ./executor/stream

clean:
	rm -rf bin/ freshet-data/
