"""Does the build scale out on Dask? Local build vs a LocalCluster of 1 and of 2 workers.

For every size a seeded synthetic crawl (:mod:`benchmark.ingest.synthetic`) is
built, each build in a fresh process with a cold encoder-vector cache of its own:

* ``local``: the ordinary build, encoding pool of ``--local-workers`` processes
  (the best local build on this machine: one per core);
* ``dask-1`` / ``dask-2`` (``--workers``): ``build_dataset(client=...)`` on a
  ``LocalCluster`` of that many single-threaded worker processes on 127.0.0.1,
  the cluster's start-up included in the wall time.

Every build's output folder is hashed file by file: all of them must hold the
same bytes and fingerprint. The driver's (the building process's) peak RSS and CPU
time are recorded, and the CPU of its child processes (the Dask workers, or the local
build's encoder pool). ``--repeat N`` runs N rounds of the three builds in turn, so a
busy spell of a shared machine hits all of them; printed are the median wall time per
build with every round's, the median time per stage, the scaling efficiency
``dask-1 / dask-2`` (what more workers buy) and ``dask-2 / local``, per round and median.

    python bench/distributed_scale.py --sizes 5000 --profile fast --repeat 3

Writes the JSON to bench/results/distributed_scale_<profile>.json (or ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

#: Runs in the child process: build (on Dask if asked), print one JSON line.
CHILD = r"""
import hashlib, json, resource, sys, time
from pathlib import Path

def main():
    corpus, out, profile, workers, local_workers, partitions = sys.argv[1:7]
    from benchmark.dataset.build import BuildConfig, build_dataset
    config = BuildConfig(name="scale", profile=profile, group={"workers": int(local_workers)})
    start = time.monotonic()
    if workers == "0":
        report = build_dataset(corpus, out, config)
        started = 0.0
    else:
        from benchmark.distributed.engine import dask_client
        with dask_client(workers=int(workers)) as client:
            started = time.monotonic() - start
            report = build_dataset(corpus, out, config, client=client,
                                   partitions=int(partitions) or None)
    wall = time.monotonic() - start
    digest = hashlib.sha256()
    for path in sorted(Path(out).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(out)).encode() + b"\0" + path.read_bytes())
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers / encoder pool, once reaped
    print(json.dumps({"wall": wall, "cluster_start": started, "seconds": report.seconds,
                      "driver_cpu": own.ru_utime + own.ru_stime,
                      "children_cpu": kids.ru_utime + kids.ru_stime,
                      "fingerprint": report.fingerprint, "tree": digest.hexdigest(),
                      "clusters": report.clusters,
                      "driver_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                      / 1024,
                      "multi": report.multi_article_clusters}))

if __name__ == "__main__":
    main()
"""


def _run(corpus: Path, work: Path, name: str, profile: str, workers: int, local_workers: int,
         partitions: int) -> dict[str, Any]:
    """One build in a fresh process with a cold vector cache; its measurements."""
    script = work / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "SUMBENCH_CACHE_DIR": str(work / f"cache-{name}")}
    proc = subprocess.run(
        [sys.executable, str(script), str(corpus), str(work / f"out-{name}"), profile,
         str(workers), str(local_workers), str(partitions)],
        capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{name} build failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _summary(size: int, profile: str, rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Medians and spreads over the rounds; every build of every round must hash the same."""
    names = list(rounds[0])
    same = len({(r["fingerprint"], r["tree"]) for runs in rounds for r in runs.values()}) == 1
    builds: dict[str, Any] = {}
    for name in names:
        walls = [runs[name]["wall"] for runs in rounds]
        stages = {s: _median([runs[name]["seconds"].get(s, 0.0) for runs in rounds])
                  for s in rounds[0][name]["seconds"]}
        builds[name] = {"wall_median": _median(walls), "walls": walls,
                        "driver_cpu_median": _median([runs[name]["driver_cpu"]
                                                      for runs in rounds]),
                        "children_cpu_median": _median([runs[name]["children_cpu"]
                                                        for runs in rounds]),
                        "driver_peak_rss_mb": max(runs[name]["driver_peak_rss_mb"]
                                                  for runs in rounds),
                        "stages_median": stages}
    row: dict[str, Any] = {"size": size, "profile": profile, "rounds": rounds,
                           "builds": builds, "identical_output": same,
                           "fingerprint": rounds[0]["local"]["fingerprint"]}
    if "dask-1" in builds and "dask-2" in builds:
        ratios = [runs["dask-1"]["wall"] / runs["dask-2"]["wall"] for runs in rounds]
        row["speedup_2_vs_1_workers"] = {"median": _median(ratios), "per_round": ratios}
    if "dask-2" in builds:
        ratios = [runs["dask-2"]["wall"] / runs["local"]["wall"] for runs in rounds]
        row["dask2_vs_local"] = {"median": _median(ratios), "per_round": ratios}
    return row


def _print(row: dict[str, Any]) -> None:
    builds = row["builds"]
    print(f"\n{row['size']} articles, profile {row['profile']}, {len(row['rounds'])} round(s), "
          f"same bytes and fingerprint everywhere: {row['identical_output']} "
          f"({row['fingerprint'][:16]})")
    stages = [s for s in builds["local"]["stages_median"] if s != "total"]
    print("| build | wall s (median) | walls | driver CPU s | driver MB | "
          + " | ".join(stages) + " |")
    print("| --- | ---: | --- | ---: | ---: | " + " | ".join("---:" for _ in stages) + " |")
    for name, b in builds.items():
        cells = " | ".join(f"{b['stages_median'].get(s, 0):.1f}" for s in stages)
        walls = " / ".join(f"{w:.1f}" for w in b["walls"])
        print(f"| {name} | {b['wall_median']:.1f} | {walls} | {b['driver_cpu_median']:.1f} | "
              f"{b['driver_peak_rss_mb']:.0f} | {cells} |")
    for key in ("speedup_2_vs_1_workers", "dask2_vs_local"):
        if key in row:
            per = ", ".join(f"{x:.2f}" for x in row[key]["per_round"])
            print(f"{key}: {row[key]['median']:.2f} (rounds: {per})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000", help="corpus sizes, comma-separated")
    parser.add_argument("--profile", default="fast", choices=["default", "fast", "lexical"])
    parser.add_argument("--workers", default="1,2", help="Dask worker counts to compare")
    parser.add_argument("--local-workers", type=int, default=os.cpu_count() or 1,
                        help="encoding processes of the local build [cores]")
    parser.add_argument("--partitions", type=int, default=0, help="0 = the default")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of every build, interleaved (the spread is reported)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    from benchmark.ingest.synthetic import write_synthetic_corpus

    results: list[dict[str, Any]] = []
    names = ["local"] + [f"dask-{w}" for w in args.workers.split(",")]
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="dask-scale-") as tmp:
            work = Path(tmp)
            corpus = work / "corpus.jsonl"
            write_synthetic_corpus(corpus, size)
            # rounds of every build in turn, so a busy spell of the machine hits all of them
            rounds: list[dict[str, dict[str, Any]]] = []
            for r in range(args.repeat):
                runs = {}
                for name in names:
                    workers = 0 if name == "local" else int(name.split("-")[1])
                    runs[name] = _run(corpus, work, f"{name}-{r}", args.profile, workers,
                                      args.local_workers, args.partitions)
                    print(f"round {r + 1}: {name} {runs[name]['wall']:.1f} s "
                          f"(driver CPU {runs[name]['driver_cpu']:.1f} s)", flush=True)
                rounds.append(runs)
        row = _summary(size, args.profile, rounds)
        results.append(row)
        _print(row)
    out = args.json or ROOT / "bench" / "results" / f"distributed_scale_{args.profile}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "command": " ".join(["python", "bench/distributed_scale.py", *sys.argv[1:]]),
        "load_average_at_end": os.getloadavg(),
        "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
