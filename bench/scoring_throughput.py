"""ROUGE scoring speed: rouge-score, rouge-score-rs and every sumbench path, same run.

Usage::

    python bench/scoring_throughput.py                 # 10,000 pairs, 3 rounds (minutes)
    python bench/scoring_throughput.py --pairs 2000    # shorter
    python bench/scoring_throughput.py --smoke         # 300 pairs, 1 round, correctness only

Every row runs in its own process (CPU seconds from ``wait4``, peak RSS from
``/usr/bin/time``), rounds interleaved so load from other processes hits all rows alike;
min and median of the rounds are reported, ratios are median against median of
rouge-score's loop. ``wall s`` is the whole child process's elapsed time (it includes
start-up for every row; on a shared machine it is only indicative).

Workload: seeded pairs of 1-4 sentence predictions and 1-3 sentence references
drawn from the sentences of the XSum sample's ``Document-Full`` sections (English
BBC news). Rows:

* core, the same input for everyone: each text's sentences (sumbench's splitter)
  joined by newlines, as rouge-score expects for ROUGE-Lsum; sumbench scores it
  with ``RougeMetric(split="newline")`` (rouge-score's rule). Timed: scoring only.
  ``cold`` is a fresh process, ``warm`` a second call (prepared texts reused, as for
  the second system of a run). ``python`` forces the pure-Python backend.
* sumbench's default splitter on the raw texts (what ``sumbench score`` does).
* end to end: the whole process (interpreter, imports, reading, scoring, CIs with
  1,000 resamples, output): ``sumbench score`` (with its tokenisation audit) against
  rouge-score-rs and rouge-score with their ``BootstrapAggregator``.
* cold start: each command on 2 lines, and ``sumbench --help``.

The rouge-score-rs rows run when it is installed (``pip install -e ".[bench]"``).
Every sumbench row's P/R/F must equal rouge-score's with ``==`` on every pair
(mismatches are counted; ``--smoke`` exits 1 on any). Results go to
``bench/scoring_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
SEED = 12345
RESAMPLES = 1000


sys.path.insert(0, str(HERE))
from shared_data import require, shared_file  # noqa: E402  (the bench folder's helper)

XSUM = shared_file("eval", "xsum_human_eval.txt")


def xsum_sentences() -> list[str]:
    """Sentences of the ``Document-Full`` sections of the XSum sample (one per line)."""
    text = XSUM.read_text(encoding="utf-8")
    out = []
    for chunk in re.split(r"^==\d+==\n", text, flags=re.M)[1:]:
        for part in chunk.strip().split("\n\n"):
            head, _, body = part.partition("\n")
            if head.strip() == "Document-Full":
                out += [s for s in body.split("\n") if s.strip()]
    return out


def make_workload(n_pairs: int, folder: Path) -> dict[str, Any]:
    """Seeded raw pairs, their newline-joined versions, and parallel files of lines."""
    from benchmark.sentences import split_sentences

    sentences = xsum_sentences()
    rng = random.Random(SEED)
    raw = [(" ".join(rng.sample(sentences, rng.randint(1, 4))),
            " ".join(rng.sample(sentences, rng.randint(1, 3)))) for _ in range(n_pairs)]
    joined = [("\n".join(split_sentences(p)), "\n".join(split_sentences(r))) for p, r in raw]
    work = {"raw": raw, "joined": joined}
    (folder / "work.json").write_text(json.dumps(work), encoding="utf-8")
    (folder / "preds.txt").write_text("".join(p + "\n" for p, _ in raw), encoding="utf-8")
    (folder / "refs.txt").write_text("".join(r + "\n" for _, r in raw), encoding="utf-8")
    (folder / "preds2.txt").write_text("".join(p + "\n" for p, _ in raw[:2]), encoding="utf-8")
    (folder / "refs2.txt").write_text("".join(r + "\n" for _, r in raw[:2]), encoding="utf-8")
    return work


# --------------------------------------------------------------------- child rows
# Each runs inside a fresh process: ``python scoring_throughput.py --row NAME DIR``.
# It prints one JSON line: CPU seconds of the timed part and, optionally, scores.

def _flat(scores: list[dict[str, Any]]) -> list[list[float]]:
    return [[s[f"{t}_{k}"] for t in TYPES for k in "prf"] for s in scores]


def _row_rouge_score(work: dict[str, Any]) -> dict[str, Any]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    t0 = time.process_time()
    out = [scorer.score(r, p) for p, r in work["joined"]]
    cpu = time.process_time() - t0
    return {"cpu": cpu, "scores": [[getattr(s[t], a) for t in TYPES
                                    for a in ("precision", "recall", "fmeasure")] for s in out]}


def _row_rouge_score_rs(work: dict[str, Any]) -> dict[str, Any]:
    import rouge_score_rs
    from rouge_score_rs import rouge_scorer

    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    t0 = time.process_time()
    out = scorer.score_batch([r for _, r in work["joined"]], [p for p, _ in work["joined"]])
    cpu = time.process_time() - t0
    return {"cpu": cpu, "version": rouge_score_rs.__version__,
            "scores": [[getattr(s[t], a) for t in TYPES
                        for a in ("precision", "recall", "fmeasure")] for s in out]}


def _row_sumbench(work: dict[str, Any], split: str, key: str, warm: bool) -> dict[str, Any]:
    from benchmark.metrics.rouge import RougeMetric

    pairs = work[key]
    preds, refs = [p for p, _ in pairs], [[r] for _, r in pairs]
    metric = RougeMetric(types=TYPES, split=split)  # type: ignore[arg-type]
    if warm:
        metric.score(preds, refs, [])
    t0 = time.process_time()
    out = metric.score(preds, refs, [])
    cpu = time.process_time() - t0
    return {"cpu": cpu, "backend": metric.backend, "scores": _flat([o.scores for o in out])}


def _row_api(work: dict[str, Any]) -> dict[str, Any]:
    import benchmark
    from benchmark.evaluation.evaluate import make_config

    pairs = work["raw"]
    config = make_config(metrics=["rouge"])
    t0 = time.process_time()
    result = benchmark.score([p for p, _ in pairs], [[r] for _, r in pairs], config=config)
    cpu = time.process_time() - t0
    return {"cpu": cpu, "scores": _flat([e.scores for e in result.examples])}


CHILD_ROWS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "rouge-score": _row_rouge_score,
    "rouge-score-rs": _row_rouge_score_rs,
    "sumbench-core-cold": lambda w: _row_sumbench(w, "newline", "joined", False),
    "sumbench-core-warm": lambda w: _row_sumbench(w, "newline", "joined", True),
    "sumbench-core-python": lambda w: _row_sumbench(w, "newline", "joined", False),
    "sumbench-split-cold": lambda w: _row_sumbench(w, "sentences", "raw", False),
    "sumbench-api": _row_api,
}

PEER_E2E = """
import sys
from {mod} import rouge_scorer, scoring
preds = open(sys.argv[1], encoding="utf-8").read().splitlines()
refs = open(sys.argv[2], encoding="utf-8").read().splitlines()
scorer = rouge_scorer.RougeScorer({types!r}, use_stemmer=True)
agg = scoring.BootstrapAggregator(n_samples={n})
{loop}
for key, value in sorted(agg.aggregate().items()):
    print(key, value.mid.fmeasure, value.low.fmeasure, value.high.fmeasure)
"""


def _peer_script(mod: str, batch: bool) -> str:
    loop = ("for s in scorer.score_batch(refs, preds):\n    agg.add_scores(s)" if batch else
            "for p, r in zip(preds, refs):\n    agg.add_scores(scorer.score(r, p))")
    return PEER_E2E.format(mod=mod, types=TYPES, n=RESAMPLES, loop=loop)


# --------------------------------------------------------------------- parent


TIME = Path("/usr/bin/time")


def _run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """CPU seconds (user + system), wall seconds and peak RSS (MB) of one child process,
    and its stdout.

    Peak RSS comes from ``/usr/bin/time`` when it exists: a child forked straight from this
    (large) process would report this process's high-water mark as its own.
    """
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        timed = [str(TIME), "-f", "%M", "-o", str(rss_file), *cmd] if TIME.exists() else cmd
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            proc = subprocess.Popen(timed, stdout=out, stderr=subprocess.PIPE, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            err = proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if status != 0:
                raise SystemExit(f"{' '.join(cmd[:4])} failed:\n{err[-2000:]}")
            out.seek(0)
            text = out.read().decode()
        peak = (float(rss_file.read_text().split()[-1]) if rss_file.exists()
                else usage.ru_maxrss) / 1024
    return usage.ru_utime + usage.ru_stime, wall, peak, text


def _mismatches(got: list[list[float]], want: list[list[float]]) -> int:
    return sum(1 for g, w in zip(got, want, strict=True) if g != w)


def main() -> None:
    """Run every row, print the table, write the JSON (see the module docstring)."""
    global XSUM
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--pairs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true",
                        help="300 pairs, 1 round, core rows only; exit 1 on any mismatch")
    parser.add_argument("--json", type=Path, default=HERE / "scoring_throughput.json")
    parser.add_argument("--path", type=Path, default=shared_file("eval", "xsum_human_eval.txt"),
                        help="the XSum human-evaluation sample (default: shared/eval/)")
    parser.add_argument("--row", nargs=2, metavar=("NAME", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    XSUM = args.path
    if args.row:
        name, folder = args.row
        work = json.loads((Path(folder) / "work.json").read_text(encoding="utf-8"))
        print(json.dumps(CHILD_ROWS[name](work)))
        return
    require(XSUM, "--path")
    n_pairs, rounds = (300, 1) if args.smoke else (args.pairs, max(args.rounds, 1))
    has_rs = _importable("rouge_score_rs")
    exe = Path(sys.executable).with_name("sumbench")
    sumbench = [str(exe) if exe.exists() else shutil.which("sumbench") or "sumbench"]
    me = [sys.executable, str(Path(__file__).resolve()), "--row"]
    python_env = {**os.environ, "SUMBENCH_ROUGE_BACKEND": "python"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_workload(n_pairs, folder)
        (folder / "peer_rs.py").write_text(_peer_script("rouge_score_rs", True))
        (folder / "peer_rouge.py").write_text(_peer_script("rouge_score", False))
        files = [str(folder / "preds.txt"), str(folder / "refs.txt")]
        two = ["-p", str(folder / "preds2.txt"), "-r", str(folder / "refs2.txt")]
        rows: dict[str, tuple[str, list[str], dict[str, str] | None, int]] = {
            # name: (group, command, env, pairs)
            "rouge-score loop": ("core", [*me, "rouge-score", tmp], None, n_pairs),
            "sumbench RougeMetric, cold": ("core", [*me, "sumbench-core-cold", tmp], None,
                                           n_pairs),
            "sumbench RougeMetric, warm": ("core", [*me, "sumbench-core-warm", tmp], None,
                                           n_pairs),
            "sumbench RougeMetric, pure Python": ("core", [*me, "sumbench-core-python", tmp],
                                                  python_env, n_pairs),
        }
        if has_rs:
            rows["rouge-score-rs score_batch"] = ("core", [*me, "rouge-score-rs", tmp], None,
                                                  n_pairs)
        score_cmd = [*sumbench, "score", "-p", files[0], "-r", files[1]]
        peer_two = [str(folder / "preds2.txt"), str(folder / "refs2.txt")]
        if not args.smoke:
            rows.update({
                "sumbench RougeMetric, own splitter": (
                    "split", [*me, "sumbench-split-cold", tmp], None, n_pairs),
                "benchmark.score (audit, CIs, result)": (
                    "split", [*me, "sumbench-api", tmp], None, n_pairs),
                "sumbench score": ("e2e", score_cmd, None, n_pairs),
                "sumbench score --jobs 2": ("e2e", [*score_cmd, "--jobs", "2"], None, n_pairs),
                "sumbench score --out (full result JSON)": (
                    "e2e", [*score_cmd, "--out", str(folder / "out.json")], None, n_pairs),
                "rouge-score + BootstrapAggregator": (
                    "e2e", [sys.executable, str(folder / "peer_rouge.py"), *files], None,
                    n_pairs),
                "sumbench score, 2 lines": ("cold", [*sumbench, "score", *two], None, 2),
                "sumbench --help": ("cold", [*sumbench, "--help"], None, 0),
                "rouge-score, 2 lines": (
                    "cold", [sys.executable, str(folder / "peer_rouge.py"), *peer_two], None, 2),
            })
            if has_rs:
                rows["rouge-score-rs + BootstrapAggregator"] = (
                    "e2e", [sys.executable, str(folder / "peer_rs.py"), *files], None, n_pairs)
                rows["rouge-score-rs, 2 lines"] = (
                    "cold", [sys.executable, str(folder / "peer_rs.py"), *peer_two], None, 2)
        cpu: dict[str, list[float]] = {k: [] for k in rows}
        wall: dict[str, list[float]] = {k: [] for k in rows}
        rss: dict[str, float] = {k: 0.0 for k in rows}
        payload: dict[str, dict[str, Any]] = {}
        for r in range(rounds):
            for name, (group, cmd, env, _) in rows.items():
                total, elapsed, peak, text = _run(cmd, env)
                got = json.loads(text) if cmd[:len(me)] == me else {}
                cpu[name].append(got.get("cpu", total) if group in ("core", "split") else total)
                wall[name].append(elapsed)
                rss[name] = max(rss[name], peak)
                if r == 0:
                    payload[name] = got
                print(f"round {r + 1}/{rounds} {name}: {cpu[name][-1]:.3f} CPU-s",
                      file=sys.stderr, flush=True)
            if not args.smoke and r == 0:
                result = json.loads((folder / "out.json").read_text(encoding="utf-8"))
                payload["sumbench score --out (full result JSON)"] = {
                    "scores": _flat([e["scores"] for e in result["examples"]]),
                    "backend": result["meta"]["versions"].get("rouge-backend")}
    want = payload["rouge-score loop"]["scores"]
    report: dict[str, Any] = {"pairs": n_pairs, "rounds": rounds, "python": sys.version.split()[0],
                              "rows": []}
    base = statistics.median(cpu["rouge-score loop"])
    for name, (group, _, _, pairs) in rows.items():
        med = statistics.median(cpu[name])
        scores = payload[name].get("scores")
        row = {
            "row": name, "group": group, "pairs": pairs, "cpu_min_s": round(min(cpu[name]), 4),
            "cpu_median_s": round(med, 4),
            "pairs_per_s": round(pairs / med) if pairs and med else None,
            "x_rouge_score": round(base / med * pairs / n_pairs, 1) if group in (
                "core", "split") and med else None,
            "process_wall_median_s": round(statistics.median(wall[name]), 3),
            "peak_rss_mb": round(rss[name], 1),
            "mismatches": _mismatches(scores, want) if scores is not None
            and name != "rouge-score loop" else None,
            "backend": payload[name].get("backend") or payload[name].get("version"),
        }
        report["rows"].append(row)
    by = {r["row"]: r for r in report["rows"]}
    if "rouge-score-rs + BootstrapAggregator" in by:
        peer = by["rouge-score-rs + BootstrapAggregator"]["cpu_median_s"]
        for r in report["rows"]:
            if r["group"] == "e2e":
                r["x_rouge_score_rs_e2e"] = round(peer / r["cpu_median_s"], 2)
    print(table(report))
    if not args.smoke:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    bad = [r["row"] for r in report["rows"] if r["mismatches"]]
    if bad:
        sys.exit(f"MISMATCH against rouge-score: {', '.join(bad)}")
    print(f"identical to rouge-score on all {n_pairs} pairs: "
          + ", ".join(r["row"] for r in report["rows"] if r["mismatches"] == 0))


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def table(report: dict[str, Any]) -> str:
    """The report as a Markdown table."""
    lines = ["| row | group | CPU s min | CPU s median | pairs/s | x rouge-score | "
             "x rs e2e | wall s | peak RSS MB | mismatches | backend |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["rows"]:
        cells = [r["row"], r["group"], f"{r['cpu_min_s']:.3f}", f"{r['cpu_median_s']:.3f}",
                 f"{r['pairs_per_s']:,}" if r["pairs_per_s"] else "",
                 f"{r['x_rouge_score']}x" if r["x_rouge_score"] else "",
                 f"{r['x_rouge_score_rs_e2e']}x" if r.get("x_rouge_score_rs_e2e") else "",
                 f"{r['process_wall_median_s']:.2f}", f"{r['peak_rss_mb']:.0f}",
                 "" if r["mismatches"] is None else str(r["mismatches"]), r["backend"] or ""]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
