#!/usr/bin/env bash
# Draws the Nexmark chart (chart.py) into $1 from the result CSVs that
# follow, with matplotlib installed from PyPI into a virtual environment
# under ~/.cache/freshet the first time.
#
#   bench/nexmark/chart.sh docs/benchmarks/nexmark.png docs/benchmarks/nexmark-*.csv
set -euo pipefail

if [[ $# -lt 2 ]]; then
	echo "usage: $0 OUT.png RESULTS.csv [RESULTS.csv ...]" >&2
	exit 2
fi
venv="${HOME}/.cache/freshet/chart-venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
	python3 -m venv "$venv"
	"$venv/bin/pip" install --quiet 'matplotlib==3.9.2'
fi
exec "$venv/bin/python" "$(dirname "$0")/chart.py" "$@"
