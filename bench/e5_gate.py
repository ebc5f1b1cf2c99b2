"""How many articles each e5 gate rule sends to e5 on a corpus, without running e5.

The count needs only USE-only probabilities of the candidate pairs (USE vectors
come from the on-disk vector cache when present), so it is cheap at sizes where
encoding every article with e5 is not::

    python -m benchmark.ingest.synthetic --articles 10000 --out crawl.jsonl
    python bench/e5_gate.py crawl.jsonl

Rules are (band, rank): rank None sends every candidate pair whose USE-only
probability is in the band (the default); rank k only those also among the k
best-scored candidates of both articles (``group.e5_gate_rank``). Quality of each
rule under cross-validation: ``bench/grouping.py``; the table: docs/grouping.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmark.group import GroupConfig, PairJudge, candidate_pairs, corpus_stats, profile
from benchmark.group.cluster import gate_bars
from benchmark.group.encoders import encode_texts
from benchmark.group.event import E5_GATE
from benchmark.group.features import encoder_text, vectors
from benchmark.group.vectorcache import VectorCache
from benchmark.ingest import load_articles

RULES: tuple[tuple[tuple[float, float], int | None], ...] = (
    (E5_GATE, None), (E5_GATE, 1), (E5_GATE, 2), (E5_GATE, 3), ((0.3, 0.7), None),
    ((0.3, 0.7), 3))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="anything `sumbench build` reads")
    ap.add_argument("--workers", type=int, default=2, help="USE encoding processes")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    articles = sorted(load_articles(args.corpus).articles, key=lambda a: a.id)
    use, hits = encode_texts("use", {a.id: encoder_text(a) for a in articles},
                             cache=VectorCache(None), workers=args.workers)
    profiles = [replace(profile(a), embedding=use[a.id]) for a in articles]
    stats = corpus_stats(profiles)
    vecs = [vectors(p, stats) for p in profiles]
    config = GroupConfig()
    pairs = candidate_pairs(profiles, stats, config, vecs)
    judge = PairJudge(profiles, stats, config, gate=E5_GATE,
                      vectors={p.id: v for p, v in zip(profiles, vecs, strict=True)})
    scored = [(a, b, judge.gate_score(a, b)) for a, b in pairs]
    n = len(profiles)
    print(f"{n} articles ({hits} USE vectors from the cache), {len(pairs)} candidate pairs, "
          f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print("| band | rank | articles sent to e5 | share |\n|---|---|---:|---:|")
    for band, rank in RULES:
        judge.gate, judge.bars = band, gate_bars(scored, rank) if rank is not None else None
        sent = {x for a, b, score in scored if judge.sends(a, b, score) for x in (a, b)}
        print(f"| {band[0]:g}-{band[1]:g} | {rank if rank is not None else 'every band pair'} "
              f"| {len(sent)} | {len(sent) / n:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
