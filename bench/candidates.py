"""Candidate search of the grouper: approximate (pools + exact re-rank) vs exact, per space.

Usage::

    python bench/candidates.py                          # the 2,419 public SemEval texts
    python bench/candidates.py --corpus c.jsonl         # any corpus benchmark.ingest reads
    python bench/candidates.py --corpus c.jsonl --sample 1000   # exact lists of 1,000 rows
    python bench/candidates.py --no-embeddings          # lexical spaces only (no USE vectors)

Prints, in one run: the wall time and the peak memory of the current approximate
search, of a baseline (the same module at an older git revision, ``--baseline-ref``)
and of exact all-rows search, each measured in a forked child process (peak RSS
above the RSS at the fork); the recall of the exact candidate pairs (each
article's ``k`` nearest in word TF-IDF, char TF-IDF and USE space), per space and
overall; and whether a second run gave the same pairs. ``--sample N`` computes
the exact lists of N evenly spaced articles only (recall of their pairs), for
corpora where exact search of every row takes too long. ``--judge`` adds the
recall of the edges the judge accepts among the exact candidates. USE vectors
come from the on-disk vector cache when it has them. ``--json`` appends the
measurements to a JSON-lines file.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import time
import types
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from benchmark.group import GroupConfig, PairJudge, corpus_stats, profile
from benchmark.group.encoders import encode_texts
from benchmark.group.features import encoder_text, vectors
from benchmark.group.lexical import exact_neighbour_pairs_by_space, lsh_pairs
from benchmark.group.neighbours import neighbour_pairs, within_date_gap
from benchmark.group.vectorcache import VectorCache

sys.path.insert(0, str(Path(__file__).parent))
from grouping import DATA as SEMEVAL
from grouping import load

ROOT = Path(__file__).resolve().parents[1]
#: The approximate search before issue 14's recall work (pools from USE + pruned words).
BASELINE_REF = "6e78bb8"


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """``fn()`` run in a forked child: its result, wall and CPU seconds, peak RSS (MB) above
    the RSS at the fork. CPU time is the figure to compare on a shared machine."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: run, send (result, seconds, MB) and leave without cleanup
        os.close(read)
        start_rss = _rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - start_rss
        with os.fdopen(write, "wb") as out:
            pickle.dump((result, seconds, cpu, peak), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the measured child process failed (see its traceback above)")
    result, seconds, cpu, peak = pickle.loads(data)
    return result, seconds, cpu, peak


def baseline_module(ref: str) -> types.ModuleType:
    """``benchmark/group/neighbours.py`` as it was at git revision ``ref``."""
    path = "benchmark/group/neighbours.py"
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{path}"],
                            check=True, capture_output=True, text=True).stdout
    module = types.ModuleType(f"neighbours_{ref}")
    exec(compile(source, f"{ref}:{path}", "exec"), module.__dict__)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="corpus file/folder (default: SemEval texts)")
    ap.add_argument("--semeval", type=Path, default=SEMEVAL)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--baseline-ref", default=BASELINE_REF,
                    help="git revision of the baseline approximate search ('' = none)")
    ap.add_argument("--sample", type=int, default=0,
                    help="exact lists of this many evenly spaced articles only (0 = all)")
    ap.add_argument("--no-rerun", action="store_true",
                    help="skip the second run of the current search (determinism check)")
    ap.add_argument("--skip-exact", action="store_true", help="time the approximate searches only")
    ap.add_argument("--judge", action="store_true",
                    help="also the recall of the edges the judge accepts among exact candidates")
    ap.add_argument("--json", type=Path, help="append the measurements to this JSON-lines file")
    args = ap.parse_args(argv)

    if args.corpus:
        from benchmark.ingest import load_articles

        articles = sorted(load_articles(args.corpus).articles, key=lambda a: a.id)
        name = args.corpus.name
    else:
        articles = sorted(load(args.semeval)[0].values(), key=lambda a: a.id)
        name = "semeval"
    t0 = time.perf_counter()
    profiles = [profile(a) for a in articles]
    n = len(profiles)
    print(f"{name}: {n} articles profiled in {time.perf_counter() - t0:.1f}s", flush=True)
    if not args.no_embeddings:
        use, hits = encode_texts("use", {a.id: encoder_text(a) for a in articles},
                                 cache=VectorCache(), workers=GroupConfig().workers)
        print(f"USE vectors: {hits} of {n} from the cache", flush=True)
        profiles = [replace(p, embedding=use[p.id]) for p in profiles]
    stats = corpus_stats(profiles)
    vecs = [vectors(p, stats) for p in profiles]
    record: dict[str, Any] = {"corpus": name, "articles": n, "k": args.k,
                              "embeddings": not args.no_embeddings, "runs": {}}

    searches: dict[str, Callable[[], set[tuple[str, str]]]] = {
        "current": lambda: neighbour_pairs(profiles, stats, args.k, vecs)}
    if args.baseline_ref:
        old = baseline_module(args.baseline_ref)
        searches[f"baseline {args.baseline_ref}"] = lambda: old.neighbour_pairs(
            profiles, stats, args.k, vecs)
    found: dict[str, set[tuple[str, str]]] = {}
    for label, search in searches.items():
        found[label], seconds, cpu, peak = measured(search)
        again = search() if label == "current" and not args.no_rerun else found[label]
        record["runs"][label] = {"pairs": len(found[label]), "seconds": round(seconds, 2),
                                 "cpu_seconds": round(cpu, 2), "peak_mb": round(peak),
                                 "identical_rerun": again == found[label]}
        print(f"{label}: {len(found[label])} pairs in {seconds:.1f}s ({cpu:.1f} CPU-s), "
              f"peak +{peak:.0f} MB"
              + ("; second run identical: " + str(again == found[label])
                 if label == "current" and not args.no_rerun else ""), flush=True)
    _blocking(profiles, found["current"], record)
    if args.skip_exact:
        return _write(args.json, record)
    rows = None
    if args.sample and args.sample < n:
        rows = [round(i * n / args.sample) for i in range(args.sample)]
    exact, seconds, cpu, peak = measured(
        lambda: exact_neighbour_pairs_by_space(profiles, stats, args.k, rows=rows))
    union = set().union(*exact.values())
    scope = f"{len(rows)} sampled articles' lists" if rows else "all rows"
    record["exact"] = {"pairs": len(union), "seconds": round(seconds, 2),
                       "cpu_seconds": round(cpu, 2), "peak_mb": round(peak),
                       "rows": len(rows) if rows else n}
    print(f"exact ({scope}): {len(union)} pairs in {seconds:.1f}s ({cpu:.1f} CPU-s), "
          f"peak +{peak:.0f} MB", flush=True)
    for label, got in found.items():
        recall = {space: len(pairs & got) / max(1, len(pairs)) for space, pairs in exact.items()}
        recall["all"] = len(union & got) / max(1, len(union))
        record["runs"][label]["recall"] = {s: round(r, 4) for s, r in recall.items()}
        record["runs"][label]["missed"] = len(union - got)
        print(f"{label}: recall of exact pairs "
              + ", ".join(f"{s} {r:.4f}" for s, r in recall.items())
              + f" ({len(union - got)} missed)", flush=True)
    if args.judge:
        config = GroupConfig(use_embeddings=not args.no_embeddings, use_e5=False)
        judge = PairJudge(profiles, stats, config)
        edges = {p for p in union if judge.edge(*p) is not None}
        for label, got in found.items():
            hit = {p for p in got if p in edges}
            record["runs"][label]["edge_recall"] = round(len(hit) / max(1, len(edges)), 4)
            print(f"{label}: accepted edges among exact candidates {len(edges)}; recall "
                  f"{len(hit) / max(1, len(edges)):.4f} ({len(edges - hit)} missed)")
        # what dropping the date-vetoed neighbour pairs (neighbours.candidate_pairs) costs:
        # accepted edges among them that the LSH reprint candidates do not also hold
        lsh = lsh_pairs(profiles, config.reprint_threshold, config.num_perm, config.seed)
        index = {p.id: i for i, p in enumerate(profiles)}
        cand = sorted(found["current"])
        coded = np.array([[index[a], index[b]] for a, b in cand], dtype=np.int64).reshape(-1, 2)
        near = within_date_gap(coded, profiles, config.max_date_gap_days or 0)
        far = [p for p, ok in zip(cand, near.tolist(), strict=True) if not ok]
        lost = [p for p in far if judge.edge(*p) is not None and p not in lsh]
        record["date_filter"] = {"dropped": len(far), "edges_lost": len(lost)}
        print(f"date filter: drops {len(far)} of {len(cand)} neighbour pairs; accepted edges "
              f"among them not in the LSH candidates: {len(lost)}")
    return _write(args.json, record)


def _blocking(profiles: list[Any], pairs: set[tuple[str, str]], record: dict[str, Any]) -> None:
    """What date and language blocking would remove from the candidates (printed, recorded)."""
    by_id = {p.id: p for p in profiles}
    gap = GroupConfig().max_date_gap_days or 0
    dated = sum(1 for p in profiles if p.published_ordinal is not None)
    far = cross = 0
    for a, b in pairs:
        pa, pb = by_id[a], by_id[b]
        if pa.published_ordinal is not None and pb.published_ordinal is not None:
            far += abs(pa.published_ordinal - pb.published_ordinal) > gap
        cross += pa.language != pb.language
    record["blocking"] = {"dated_articles": dated, "pairs_dates_too_far": far,
                          "pairs_cross_language": cross}
    print(f"{dated} of {len(profiles)} articles dated; of the {len(pairs)} candidate pairs "
          f"{far} ({far / max(1, len(pairs)):.1%}) have publication dates > {gap} days apart "
          f"(the judge vetoes them unless a reprint), {cross} ({cross / max(1, len(pairs)):.1%}) "
          "are cross-language", flush=True)


def _write(path: Path | None, record: dict[str, Any]) -> int:
    if path is not None:
        with path.open("a") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
