"""Does the build scale out on Dask? Local build vs a LocalCluster of 1 and of 2 workers.

For every size a seeded synthetic crawl (:mod:`benchmark.ingest.synthetic`) is
built, each build in a fresh process with a cold encoder-vector cache of its own:

* ``local``: the ordinary build, encoding pool of ``--local-workers`` processes
  (the best local build on this machine: one per core);
* ``dask-1`` / ``dask-2`` (``--workers``): ``build_dataset(client=...)`` on a
  ``LocalCluster`` of that many single-threaded worker processes on 127.0.0.1,
  the cluster's start-up included in the wall time.

Every build's output folder is hashed file by file: all of them must hold the
same bytes and fingerprint. The driver's (the building process's) peak RSS is
recorded. Printed: wall time and time per stage, the scaling
efficiency ``dask-1 / dask-2`` (what more workers buy) and ``dask-2 / local``.

    python bench/distributed_scale.py --sizes 5000 --profile fast

Writes the JSON to bench/results/distributed_scale_<profile>.json (or ``--json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    print(json.dumps({"wall": wall, "cluster_start": started, "seconds": report.seconds,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5000", help="corpus sizes, comma-separated")
    parser.add_argument("--profile", default="fast", choices=["default", "fast", "lexical"])
    parser.add_argument("--workers", default="1,2", help="Dask worker counts to compare")
    parser.add_argument("--local-workers", type=int, default=os.cpu_count() or 1,
                        help="encoding processes of the local build [cores]")
    parser.add_argument("--partitions", type=int, default=0, help="0 = the default")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    from benchmark.ingest.synthetic import write_synthetic_corpus

    results: list[dict[str, Any]] = []
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="dask-scale-") as tmp:
            work = Path(tmp)
            corpus = work / "corpus.jsonl"
            write_synthetic_corpus(corpus, size)
            runs = {"local": _run(corpus, work, "local", args.profile, 0, args.local_workers,
                                  args.partitions)}
            for w in (int(x) for x in args.workers.split(",")):
                runs[f"dask-{w}"] = _run(corpus, work, f"dask-{w}", args.profile, w,
                                         args.local_workers, args.partitions)
        same = len({(r["fingerprint"], r["tree"]) for r in runs.values()}) == 1
        row: dict[str, Any] = {"size": size, "profile": args.profile, "runs": runs,
                               "identical_output": same}
        if "dask-1" in runs and "dask-2" in runs:
            row["speedup_2_vs_1_workers"] = runs["dask-1"]["wall"] / runs["dask-2"]["wall"]
        if "dask-2" in runs:
            row["dask2_vs_local"] = runs["dask-2"]["wall"] / runs["local"]["wall"]
        results.append(row)
        print(f"\n{size} articles, profile {args.profile}, same bytes and fingerprint "
              f"everywhere: {same} ({runs['local']['fingerprint'][:16]})")
        stages = [s for s in runs["local"]["seconds"] if s != "total"]
        print("| build | wall s | driver MB | " + " | ".join(stages) + " |")
        print("| --- | ---: | ---: | " + " | ".join("---:" for _ in stages) + " |")
        for name, r in runs.items():
            cells = " | ".join(f"{r['seconds'].get(s, 0):.1f}" for s in stages)
            print(f"| {name} | {r['wall']:.1f} | {r.get('driver_peak_rss_mb', 0):.0f} | {cells} |")
        for key in ("speedup_2_vs_1_workers", "dask2_vs_local"):
            if key in row:
                print(f"{key}: {row[key]:.2f}")
    out = args.json or ROOT / "bench" / "results" / f"distributed_scale_{args.profile}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "command": " ".join(["python", "bench/distributed_scale.py", *sys.argv[1:]]),
        "results": results}, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
