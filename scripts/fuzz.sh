#!/usr/bin/env bash
# Runs every Go fuzz target in the repository for FUZZTIME (default 5s) each.
#
# Packages that may hold targets are found by grepping _test.go files for
# `func Fuzz`; the targets themselves are what `go test -list 'Fuzz.*'` reports for
# each of those packages (FUZZ_DIRS, space-separated ./dir paths, restricts the
# search). A failing target leaves its input in the package's testdata/fuzz/
# (Go's own behaviour) and makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-5s}
go=${GO:-go}

if [[ -n ${FUZZ_DIRS:-} ]]; then
	read -r -a dirs <<<"$FUZZ_DIRS"
else
	mapfile -t dirs < <(grep -rlE --include='*_test.go' '^func Fuzz[A-Z0-9_]' . 2>/dev/null |
		grep -v -e '/testdata/' -e '^./bin/' | xargs -r -n1 dirname | sort -u)
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz runs one target, its output also in $log.
fuzz() {
	local status
	set +e
	"$go" test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "$1" 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	set -e
	return "$status"
}

n=0
for d in "${dirs[@]}"; do
	mapfile -t targets < <("$go" test -list 'Fuzz.*' "$d" | grep -E '^Fuzz')
	for f in "${targets[@]}"; do
		n=$((n + 1))
		echo "fuzz: $d $f ($fuzztime)"
		if fuzz "$d" "$f"; then
			continue
		fi
		# go test -fuzz sometimes ends with "context deadline exceeded" when
		# the time limit falls in the middle of an input, without having
		# found anything; a real failure writes its input to testdata/fuzz.
		if grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; then
			echo "fuzz: $f hit go test's time-limit flake without a failing input; running it again"
			fuzz "$d" "$f"
			continue
		fi
		exit 1
	done
done
echo "fuzz: ran $n fuzz targets for $fuzztime each"
