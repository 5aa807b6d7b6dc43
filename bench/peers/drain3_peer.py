"""Drain3 with its default settings on loghub-2k, for npm run bench:templates.

Reads each <System>.csv of a loghub-2k folder, feeds every Content line to a fresh
TemplateMiner(config=TemplateMinerConfig()) (the defaults, no drain3.ini, no masking), and prints one
JSON document: per system, the cluster id and final template of each line and the mining seconds.

Timed (time.perf_counter): the add_log_message loop over the system's lines plus reading each line's
final cluster template; not the interpreter start-up, the imports or reading the CSV. Every system is
mined once untimed first (the warm-up pass the TypeScript side makes too), then --repeat N times, and
the median time is reported (the output of the last run is kept).

  python3 -m pip install -r bench/peers/requirements-templates.txt
  python3 bench/peers/drain3_peer.py --loghub ../shared/corpora/loghub-2k [--repeat 3]
"""

import argparse
import csv
import json
import logging
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def mine(lines):
    miner = TemplateMiner(config=TemplateMinerConfig())
    started = time.perf_counter()
    ids = [miner.add_log_message(line)["cluster_id"] for line in lines]
    clusters = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    templates = [clusters[i] for i in ids]
    return time.perf_counter() - started, ids, templates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--loghub", required=True)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    # Drain3 logs each new cluster at INFO; keep stdout for the one JSON document.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    inputs = []
    for path in sorted(Path(args.loghub).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            inputs.append((path, [row["Content"] for row in csv.DictReader(f)]))
    for _, lines in inputs:
        mine(lines)
    systems = []
    for path, lines in inputs:
        times = []
        for _ in range(max(1, args.repeat)):
            seconds, ids, templates = mine(lines)
            times.append(seconds)
        systems.append(
            {
                "name": path.stem,
                "seconds": statistics.median(times),
                "groups": ids,
                "templates": templates,
            }
        )
        print(f"drain3 {path.stem}: {statistics.median(times):.3f} s", file=sys.stderr)
    json.dump({"drain3": version("drain3"), "python": sys.version.split()[0], "systems": systems}, sys.stdout)


if __name__ == "__main__":
    main()
