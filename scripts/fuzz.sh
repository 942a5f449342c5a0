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

n=0
for d in "${dirs[@]}"; do
	mapfile -t targets < <("$go" test -list 'Fuzz.*' "$d" | grep -E '^Fuzz')
	for f in "${targets[@]}"; do
		n=$((n + 1))
		echo "fuzz: $d $f ($fuzztime)"
		"$go" test -run '^$' -fuzz "^${f}\$" -fuzztime "$fuzztime" "$d"
	done
done
echo "fuzz: ran $n fuzz targets for $fuzztime each"
