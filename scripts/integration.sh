#!/usr/bin/env bash
# Runs the integration tests (the packages given as arguments) against a private
# PostgreSQL started by scripts/pg.sh, a real Apache Kafka broker started by
# scripts/kafka.sh, and the server built at bin/freshet.
#
# PostgreSQL (PG_DIR, default /tmp/freshet-test-pg; PG_PORT, default 55433) and
# Kafka (KAFKA_DIR, default /tmp/freshet-test-kafka; KAFKA_PORT, default 9092)
# are started fresh and stopped on exit, also when the tests fail or the script
# is interrupted. The tests learn where things are from the environment:
#   FRESHET_TEST_PG          connection URL of the private PostgreSQL (maintenance db)
#   FRESHET_TEST_KAFKA       bootstrap address of the Kafka broker
#   FRESHET_KAFKA_CLASSPATH  classpath of Kafka's jars, for its command-line tools
#   FRESHET_BIN              the server binary (bin/freshet), so tests do not rebuild it
# RUN, when set, is passed as go test -run. Exits with go test's status.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_dir=${PG_DIR:-/tmp/freshet-test-pg}
pg_port=${PG_PORT:-55433}
go=${GO:-go}
kafka_dir=${KAFKA_DIR:-/tmp/freshet-test-kafka}
kafka_port=${KAFKA_PORT:-9092}
(($# > 0)) || set -- ./tests/slt ./tests/oracle ./tests/compat ./tests/clients ./tests/crash ./tests/kafka ./tests/nexmark

# A previous run that was killed may have left its servers behind.
scripts/pg.sh stop "$pg_dir" "$pg_port" >/dev/null 2>&1 || true
scripts/kafka.sh stop "$kafka_dir" "$kafka_port" >/dev/null 2>&1 || true
rm -rf "$pg_dir" "$kafka_dir"
trap 'scripts/pg.sh stop "$pg_dir" "$pg_port"; scripts/kafka.sh stop "$kafka_dir" "$kafka_port"' EXIT
scripts/pg.sh start "$pg_dir" "$pg_port"
scripts/kafka.sh start "$kafka_dir" "$kafka_port"

export FRESHET_TEST_PG="postgres://postgres@127.0.0.1:${pg_port}/postgres?sslmode=disable"
export FRESHET_TEST_KAFKA="127.0.0.1:${kafka_port}"
FRESHET_KAFKA_CLASSPATH=$(scripts/kafka.sh classpath)
export FRESHET_KAFKA_CLASSPATH
if [[ -z ${FRESHET_BIN:-} && -x bin/freshet ]]; then
	export FRESHET_BIN=$PWD/bin/freshet
fi

args=(-count=1 -timeout 20m -v)
[[ -z ${RUN:-} ]] || args+=(-run "$RUN")

# -v shows each test and subtest that ran; the RUN/PAUSE/CONT lines are noise.
set +e
"$go" test "${args[@]}" "$@" 2>&1 | grep --line-buffered -Ev '^=== (RUN|PAUSE|CONT|NAME)'
status=${PIPESTATUS[0]}
set -e
exit "$status"
