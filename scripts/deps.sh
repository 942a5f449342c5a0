#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, if it is missing.
#
# Idempotent and quiet: when everything is present it prints nothing and runs no
# apt-get at all; otherwise it runs `apt-get update` once and installs the missing
# Debian packages non-interactively (works as root with no stdin, as CI runs it).
# Exits non-zero with a message saying what failed.
set -euo pipefail

# Debian packages the suite needs. postgresql is the server (15 on Debian 12),
# postgresql-client provides psql for tests/clients, kcat produces Kafka
# messages in tests/kafka. (The Kafka broker itself comes from Maven Central:
# scripts/kafka.sh.)
packages=(postgresql postgresql-client kcat)

die() {
	echo "deps.sh: $*" >&2
	exit 1
}

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script supports Debian only"
command -v go >/dev/null 2>&1 || die "the Go toolchain (go) is not on PATH"
command -v java >/dev/null 2>&1 || die "java (17 or newer) is not on PATH; the Kafka broker of the tests needs it"
command -v mvn >/dev/null 2>&1 || die "mvn (Maven) is not on PATH; scripts/kafka.sh fetches Kafka with it"

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: ${missing[*]}"
		sudo=(sudo -n)
	fi
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! "${sudo[@]}" apt-get update -q </dev/null >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "apt-get update failed"
	fi
	if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "apt-get install ${missing[*]} failed"
	fi
	for p in "${missing[@]}"; do
		installed "$p" || die "$p is still not installed after apt-get install"
	done
fi

# The server binaries must be where scripts/pg.sh looks for them.
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null ||
	die "no PostgreSQL server under /usr/lib/postgresql/<version>/bin (package postgresql)"
command -v psql >/dev/null 2>&1 || die "psql is not on PATH (package postgresql-client)"
command -v kcat >/dev/null 2>&1 || die "kcat is not on PATH (package kcat)"
id postgres >/dev/null 2>&1 || die "the postgres OS user does not exist (package postgresql creates it)"
