"""How ``sumbench build`` scales: time, CPU, memory and grouping quality per corpus size.

For every size a synthetic crawl with ground-truth stories is generated
(:mod:`benchmark.ingest.synthetic`, seeded), then built once per profile, each
build in a fresh process that reports its own wall time, CPU time (user +
system, the encoding pool's worker processes included), peak RSS (``ru_maxrss`` of the
building process; and ``tree_peak_rss_mb``, the RSS of that process plus its worker
processes summed, sampled every 0.25 s: a worker's own ``ru_maxrss`` would start from
its parent's high-water mark, so it cannot be read as the worker's memory),
the build's time per stage and the dataset's fingerprint. The grouping in
``clusters.jsonl`` is scored against the stories: pairwise precision, recall and
F1. The baseline, an older commit (``--baseline-ref``, default the commit before
issue 14), is extracted with ``git archive`` and built on the same corpora in the
same run, at the sizes it can reach.

A least-squares fit of log(wall) on log(size) per code and profile gives the
scaling exponent; larger sizes are extrapolated from it and marked as such.

    python bench/build_scale.py --sizes 300,600,1000,3000 --profiles fast,default \\
        --max default=600 --baseline-sizes 300,1000 --baseline-max default=300

Writes the JSON (every measurement) and prints a Markdown table (docs/building.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE_REF = "606ba23"
#: Grouping settings of each profile, given as plain ``group`` settings so that code from
#: before ``--profile`` existed builds exactly the same configuration.
GROUP_SETTINGS: dict[str, dict[str, bool]] = {
    "default": {},
    "fast": {"use_e5": False},
    "lexical": {"use_embeddings": False},
}

#: Runs in the child process: build, then print one JSON line of measurements.
CHILD = r"""
import json, resource, sys, threading, time
import psutil
root, corpus, out, settings = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.path.insert(0, root)
import benchmark
assert benchmark.__file__.startswith(root), (benchmark.__file__, root)
from benchmark.dataset.build import build_config, build_dataset
config = build_config(None, {"group": settings})
tree_peak, done = [0], threading.Event()

def watch():  # RSS of this process plus its workers, summed, every quarter second
    me = psutil.Process()
    while not done.wait(0.25):
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass  # a worker that just ended
        tree_peak[0] = max(tree_peak[0], total)

threading.Thread(target=watch, daemon=True).start()
start = time.monotonic()
report = build_dataset(corpus, out, config, progress=False)
wall = time.monotonic() - start
done.set()
ru = resource.getrusage(resource.RUSAGE_SELF)
# the encoding pool's worker processes are reaped children: their CPU counts too
ch = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime + ch.ru_utime + ch.ru_stime,
                  "peak_rss_mb": ru.ru_maxrss / 1024,
                  "tree_peak_rss_mb": tree_peak[0] / 2**20,
                  "seconds": getattr(report, "seconds", {}),
                  "clusters": report.clusters, "examples": sum(report.examples.values()),
                  "fingerprint": getattr(report, "fingerprint", None)}))
"""


def extract(ref: str, dest: Path) -> Path:
    """The tree of ``ref`` (``git archive``) under ``dest``; returns its root."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def labels_of(clusters_path: Path) -> dict[str, str]:
    """``{article id: cluster id}`` from a build's clusters.jsonl."""
    out: dict[str, str] = {}
    with open(clusters_path, encoding="utf-8") as fh:
        for line in fh:
            c = json.loads(line)
            out.update({m: c["id"] for m in c["members"]})
    return out


def build_once(code_root: Path, corpus: Path, work: Path, profile: str,
               truth: dict[str, str], timeout: float) -> dict[str, Any]:
    """One build in a fresh process; its measurements plus grouping P/R/F1."""
    from benchmark.ingest.synthetic import pairwise_scores

    out = work / f"out-{profile}"
    # a cold encoder-vector cache of this build's own: a warm ~/.cache/sumbench (or an
    # earlier profile's vectors of the same corpus) would make the build look faster
    cache = work / f"vectors-{profile}"
    env = {**os.environ, "PYTHONHASHSEED": "0", "TOKENIZERS_PARALLELISM": "false",
           "SUMBENCH_CACHE_DIR": str(cache)}
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(code_root), str(corpus), str(out),
             json.dumps(GROUP_SETTINGS[profile])],
            capture_output=True, text=True, timeout=timeout, env=env, cwd=work)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f}s"}
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    row: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    row["process_wall"] = time.monotonic() - start
    scores = pairwise_scores(labels_of(out / "clusters.jsonl"), truth)
    row.update(precision=scores.precision, recall=scores.recall, f1=scores.f1)
    return row


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(y) on log(n): y grows like n ** slope."""
    if len({n for n, _ in points}) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(y, 1e-9)) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs)


def fits(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per code and profile: the exponent of CPU and wall time in the corpus size."""
    out = []
    for code, profile in dict.fromkeys((r["code"], r["profile"]) for r in runs):
        pts = [r for r in runs if r["code"] == code and r["profile"] == profile
               and "error" not in r]
        if not pts:
            continue
        last = max(pts, key=lambda r: r["articles"])
        out.append({
            "code": code, "profile": profile, "largest": last["articles"],
            "cpu_at_largest": last["cpu"], "wall_at_largest": last["wall"],
            "exponent_cpu": exponent([(r["articles"], r["cpu"]) for r in pts]),
            "exponent_wall": exponent([(r["articles"], r["wall"]) for r in pts]),
            "rss_mb_per_1000": slope([(r["articles"], r["peak_rss_mb"]) for r in pts], 1000)})
    return out


def slope(points: list[tuple[int, float]], per: int) -> float | None:
    """Least-squares growth of y per ``per`` units of n (memory is a constant plus a slope)."""
    if len({n for n, _ in points}) < 2:
        return None
    mx = sum(n for n, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return per * sum((n - mx) * (y - my) for n, y in points) / sum(
        (n - mx) ** 2 for n, _ in points)


def _fmt_s(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _stages(seconds: dict[str, float]) -> str:
    keep = {k: v for k, v in seconds.items() if k != "total" and v >= 0.05}
    return ", ".join(f"{k} {_fmt_s(v)}" for k, v in keep.items()) or "-"


def table(results: dict[str, Any], project: list[int]) -> str:
    """The Markdown table of every measured row, the exponents and the projections."""
    lines = ["| code | profile | articles | wall | CPU | peak RSS (build / with workers) "
             "| P | R | F1 | "
             "per stage (wall) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results["runs"]:
        if "error" in r:
            lines.append(f"| {r['code']} | {r['profile']} | {r['articles']} | "
                         f"{r['error']} | | | | | | |")
            continue
        lines.append(
            f"| {r['code']} | {r['profile']} | {r['articles']} | {_fmt_s(r['wall'])} | "
            f"{_fmt_s(r['cpu'])} | {r['peak_rss_mb']:.0f} MB"
            + (f" / {r['tree_peak_rss_mb']:.0f} MB" if "tree_peak_rss_mb" in r else "")
            + f" | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['f1']:.3f} | {_stages(r.get('seconds') or {})} |")
    lines += ["", "| code | profile | exponent (CPU) | RSS per 1,000 articles | " + " | ".join(
        f"CPU at {n:,} (projected)" for n in project) + " |",
        "|---|---|---:|---:|" + "---:|" * len(project)]
    for fit in results["fits"]:
        k, rss = fit["exponent_cpu"], fit.get("rss_mb_per_1000")
        cells = [_fmt_s(fit["cpu_at_largest"] * (n / fit["largest"]) ** k)
                 if k is not None else "-" for n in project]
        lines.append(f"| {fit['code']} | {fit['profile']} | "
                     + (f"{k:.2f}" if k is not None else "-") + " | "
                     + (f"+{rss:.0f} MB" if rss is not None else "-") + " | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="300,1000,3000", help="corpus sizes (articles)")
    parser.add_argument("--profiles", default="default,fast", help="profiles to build")
    parser.add_argument("--max", action="append", default=[], metavar="PROFILE=N",
                        help="largest size to build with a profile, e.g. default=1000")
    parser.add_argument("--baseline-ref", default=BASELINE_REF,
                        help="git revision of the baseline code ('' = no baseline)")
    parser.add_argument("--baseline-sizes", default="300,1000",
                        help="sizes the baseline builds (it cannot reach large ones)")
    parser.add_argument("--baseline-max", action="append", default=[], metavar="PROFILE=N",
                        help="largest size the baseline builds with a profile")
    parser.add_argument("--project", default="10000,100000,1000000",
                        help="sizes to extrapolate to from the fitted exponent")
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per build")
    parser.add_argument("--json", type=Path, default=Path("build_scale.json"))
    parser.add_argument("--table-only", action="store_true",
                        help="print the table of an existing --json file (e.g. a run "
                        "stopped early) instead of measuring")
    args = parser.parse_args()
    if args.table_only:
        saved = json.loads(args.json.read_text(encoding="utf-8"))
        saved["fits"] = fits(saved["runs"])
        print(f"{saved['date']}, {saved['machine']}, seed {saved['seed']}\n")
        print(table(saved, _ints(args.project)))
        return

    from benchmark.ingest.synthetic import read_story_labels, write_synthetic_corpus

    sizes, profiles = _ints(args.sizes), [p for p in args.profiles.split(",") if p]
    limits = {k: int(v) for k, _, v in (m.partition("=") for m in args.max)}
    base_limits = {k: int(v) for k, _, v in (m.partition("=") for m in args.baseline_max)}
    results: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "seed": args.seed, "baseline_ref": args.baseline_ref, "runs": [], "fits": []}
    with tempfile.TemporaryDirectory(prefix="build-scale-") as tmp:
        codes = {"current": ROOT}
        if args.baseline_ref:
            codes[f"baseline {args.baseline_ref}"] = extract(args.baseline_ref,
                                                             Path(tmp) / "baseline")
        for n in sizes:
            corpus = Path(tmp) / f"corpus-{n}.jsonl"
            start = time.monotonic()
            write_synthetic_corpus(corpus, n, args.seed)
            print(f"corpus {n}: generated in {time.monotonic() - start:.1f}s",
                  file=sys.stderr, flush=True)
            truth = read_story_labels(corpus)
            for code, root in codes.items():
                if code != "current" and n not in _ints(args.baseline_sizes):
                    continue
                for profile in profiles:
                    limit = limits if code == "current" else {**limits, **base_limits}
                    if n > limit.get(profile, n):
                        continue
                    work = Path(tempfile.mkdtemp(dir=tmp))
                    row = build_once(root, corpus, work, profile, truth, args.timeout)
                    row.update(code=code, profile=profile, articles=n)
                    results["runs"].append(row)
                    keys = ("wall", "cpu", "peak_rss_mb", "f1", "fingerprint", "error")
                    print(f"{code} {profile} {n}: "
                          + json.dumps({k: row.get(k) for k in keys}), file=sys.stderr,
                          flush=True)
                    args.json.write_text(json.dumps(results, indent=2) + "\n")
    results["fits"] = fits(results["runs"])
    args.json.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{results['date']}, {results['machine']}, seed {args.seed}\n")
    print(table(results, _ints(args.project)))


if __name__ == "__main__":
    main()
