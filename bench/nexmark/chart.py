"""Draws the Nexmark chart of docs/benchmarks.md: events per second per core
for each query, from the CSV files bench/nexmark writes, with the per-core
figures RisingWave's 2023 Nexmark report published for RisingWave and Flink.

    chart.py OUT.png RESULTS.csv [RESULTS.csv ...]

Each series is one (source, mode) pair found in the files: the generator or
Kafka, blackhole sink or materialized view. Run it through chart.sh, which
installs matplotlib in a virtual environment first.
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# RisingWave's 2023 report (RisingWave vs Flink on Nexmark, Kafka source,
# per-core figures): the stateless q0-q2 at about 170k events/s per core for
# RisingWave and 120k-133k for Flink; the heavy stateful queries between 11k
# and 37k for both.
PUBLISHED_STATELESS = {"q0", "q1", "q2"}
RISINGWAVE_STATELESS = 170_000
FLINK_STATELESS = (120_000, 133_000)
HEAVY_STATEFUL = (11_000, 37_000)

LABELS = {
    ("generator", "sink"): "Freshet, generator, blackhole sink",
    ("generator", "mv"): "Freshet, generator, materialized view",
    ("kafka", "sink"): "Freshet, Kafka JSON, blackhole sink",
    ("kafka", "mv"): "Freshet, Kafka JSON, materialized view",
}


def query_number(q):
    """Orders q0..q22, each rewrite (q5-rewrite) after its query."""
    num, _, rest = q.lstrip("q").partition("-")
    return (int(num), rest)


def main(out, paths):
    series = {}
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                key = (row["source"], row["mode"])
                series.setdefault(key, {})[row["query"]] = float(row["events_per_second_per_core"])
    queries = sorted({q for s in series.values() for q in s}, key=query_number)
    keys = sorted(series, key=lambda k: list(LABELS).index(k) if k in LABELS else 99)
    width = 0.8 / max(1, len(keys))
    fig, ax = plt.subplots(figsize=(14, 6))
    for i, key in enumerate(keys):
        xs = [j + (i - (len(keys) - 1) / 2) * width for j, q in enumerate(queries) if q in series[key]]
        ys = [series[key][q] for q in queries if q in series[key]]
        ax.bar(xs, ys, width=width, label=LABELS.get(key, " ".join(key)))
    for j, q in enumerate(queries):
        if q in PUBLISHED_STATELESS:
            ax.plot([j - 0.45, j + 0.45], [RISINGWAVE_STATELESS] * 2, color="black", linewidth=2,
                    label="RisingWave 2023 (q0-q2, ~170k)" if q == "q0" else None)
            ax.fill_between([j - 0.45, j + 0.45], FLINK_STATELESS[0], FLINK_STATELESS[1], color="grey", alpha=0.6,
                            label="Flink 2023 (q0-q2, 120k-133k)" if q == "q0" else None)
    ax.axhspan(HEAVY_STATEFUL[0], HEAVY_STATEFUL[1], color="orange", alpha=0.2,
               label="RisingWave and Flink 2023, heavy stateful queries (11k-37k)")
    ax.set_yscale("log")
    ax.set_xticks(range(len(queries)))
    ax.set_xticklabels(queries, rotation=45, ha="right")
    ax.set_ylabel("events per second per core")
    ax.set_title("Nexmark: events per second per core (higher is better)")
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(out, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: chart.py OUT.png RESULTS.csv [RESULTS.csv ...]")
    main(sys.argv[1], sys.argv[2:])
