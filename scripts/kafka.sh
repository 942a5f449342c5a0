#!/usr/bin/env bash
# Runs a real single-node Apache Kafka broker for the test suite.
#
#   scripts/kafka.sh start|stop|status|classpath [DIR] [PORT]
#
# The broker is Apache Kafka's own (org.apache.kafka:kafka_2.13 $KAFKA_VERSION,
# with kafka-tools for the console clients), fetched from Maven Central by
# `mvn dependency:copy-dependencies` into $KAFKA_CACHE (default
# ~/.cache/freshet/kafka-$KAFKA_VERSION) the first time, then reused. It runs in
# KRaft mode as broker and controller at once, on 127.0.0.1 only: clients on PORT
# (default 9092), the controller on PORT+1. Replication factors are 1 and new
# topics get 4 partitions, so that parallel reading is exercised.
#
# DIR (default /tmp/freshet-kafka) holds the configuration, the log directory
# (DIR/data, formatted by Kafka's storage tool on first start) and the broker's
# output (DIR/log). start waits until the broker answers a metadata request and
# is a no-op if it already runs; stop shuts it down cleanly (then kills it after
# 30 s) and is a no-op if it is not running; status exits 0 if it runs, 3 if not;
# classpath prints the classpath of the Kafka jars, for tests that run Kafka's
# command-line tools.
set -euo pipefail

KAFKA_VERSION=${KAFKA_VERSION:-4.1.1}
KAFKA_CACHE=${KAFKA_CACHE:-$HOME/.cache/freshet/kafka-$KAFKA_VERSION}

usage() {
	echo "usage: $0 start|stop|status|classpath [DIR] [PORT]" >&2
	exit 2
}

die() {
	echo "kafka.sh: $*" >&2
	exit 1
}

(($# >= 1)) || usage
cmd=$1
dir=${2:-/tmp/freshet-kafka}
port=${3:-9092}
[[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'"
controller=$((port + 1))

# fetch puts Kafka's jars into $KAFKA_CACHE/libs unless they are there.
fetch() {
	[[ -f $KAFKA_CACHE/libs/.complete ]] && return 0
	command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is not on PATH; it fetches Kafka from Maven Central"
	command -v java >/dev/null 2>&1 || die "java is not on PATH; the Kafka broker needs Java 17 or newer"
	mkdir -p "$KAFKA_CACHE"
	cat >"$KAFKA_CACHE/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.freshet</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
  </dependencies>
</project>
POM
	echo "kafka.sh: fetching Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_CACHE"
	rm -rf "$KAFKA_CACHE/libs"
	if ! (cd "$KAFKA_CACHE" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime </dev/null >"$KAFKA_CACHE/mvn.log" 2>&1); then
		tail -n 30 "$KAFKA_CACHE/mvn.log" >&2
		die "mvn could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION"
	fi
	touch "$KAFKA_CACHE/libs/.complete"
}

pidfile=$dir/broker.pid

running() {
	[[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# ready says whether the broker answers: the topic tool lists topics.
ready() {
	java -cp "$KAFKA_CACHE/libs/*" org.apache.kafka.tools.TopicCommand \
		--bootstrap-server "127.0.0.1:$port" --list >/dev/null 2>&1 </dev/null
}

case $cmd in
start)
	fetch
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	pidfile=$dir/broker.pid
	if running; then
		ready && exit 0
	fi
	cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=16777216
PROPS
	if [[ ! -f $dir/data/meta.properties ]]; then
		# A fixed cluster id: the data directory is the test suite's own.
		java -cp "$KAFKA_CACHE/libs/*" kafka.tools.StorageTool format \
			-t FreshetTestCluster0000 -c "$dir/server.properties" </dev/null >"$dir/format.log" 2>&1 ||
			{ cat "$dir/format.log" >&2; die "formatting $dir/data failed"; }
	fi
	nohup java -Xms256m -Xmx1g -cp "$KAFKA_CACHE/libs/*" kafka.Kafka "$dir/server.properties" \
		</dev/null >"$dir/log" 2>&1 &
	echo $! >"$pidfile"
	for _ in $(seq 1 120); do
		running || { tail -n 30 "$dir/log" >&2; die "the broker exited during startup"; }
		ready && exit 0
		sleep 0.5
	done
	tail -n 30 "$dir/log" >&2
	die "the broker does not answer on 127.0.0.1:$port after 60s"
	;;
stop)
	running || exit 0
	pid=$(cat "$pidfile")
	kill "$pid"
	for _ in $(seq 1 60); do
		kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; exit 0; }
		sleep 0.5
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidfile"
	;;
status)
	running && exit 0
	exit 3
	;;
classpath)
	fetch
	echo "$KAFKA_CACHE/libs/*"
	;;
*)
	usage
	;;
esac
