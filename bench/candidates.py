"""Candidate search of the grouper: approximate (HNSW + pruned word pool) vs exact.

Usage::

    python bench/candidates.py                      # the 2,419 public SemEval texts
    python bench/candidates.py --corpus c.jsonl     # any corpus benchmark.ingest reads
    python bench/candidates.py --no-embeddings      # lexical spaces only (no USE vectors)

Prints, in one run: the wall time of exact all-rows search and of the
approximate search, their ratio, the recall of the exact candidate pairs (each
article's ``k`` nearest in word TF-IDF, char TF-IDF and USE space) and of the
edges the judge accepts among them, and whether two approximate runs gave the
same pairs. USE vectors come from the on-disk vector cache when it has them.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

from benchmark.group import GroupConfig, PairJudge, corpus_stats, profile
from benchmark.group.encoders import encode_texts
from benchmark.group.features import encoder_text, vectors
from benchmark.group.lexical import exact_neighbour_pairs
from benchmark.group.neighbours import neighbour_pairs
from benchmark.group.vectorcache import VectorCache

sys.path.insert(0, str(Path(__file__).parent))
from grouping import DATA as SEMEVAL
from grouping import load


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="corpus file/folder (default: SemEval texts)")
    ap.add_argument("--semeval", type=Path, default=SEMEVAL)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--no-embeddings", action="store_true")
    ap.add_argument("--skip-exact", action="store_true", help="time the approximate search only")
    args = ap.parse_args(argv)

    if args.corpus:
        from benchmark.ingest import load_articles

        articles = sorted(load_articles(args.corpus).articles, key=lambda a: a.id)
    else:
        articles = sorted(load(args.semeval)[0].values(), key=lambda a: a.id)
    t0 = time.perf_counter()
    profiles = [profile(a) for a in articles]
    print(f"{len(articles)} articles profiled in {time.perf_counter() - t0:.1f}s", flush=True)
    if not args.no_embeddings:
        cache = VectorCache()
        use, hits = encode_texts("use", {a.id: encoder_text(a) for a in articles}, cache=cache,
                                 workers=GroupConfig().workers)
        print(f"USE vectors: {hits} of {len(articles)} from the cache", flush=True)
        profiles = [replace(p, embedding=use[p.id]) for p in profiles]
    stats = corpus_stats(profiles)
    vecs = [vectors(p, stats) for p in profiles]
    t0 = time.perf_counter()
    approx = neighbour_pairs(profiles, stats, args.k, vecs)
    t_approx = time.perf_counter() - t0
    again = neighbour_pairs(profiles, stats, args.k, vecs)
    print(f"approximate: {len(approx)} pairs in {t_approx:.1f}s; second run identical: "
          f"{again == approx}", flush=True)
    if args.skip_exact:
        return 0
    t0 = time.perf_counter()
    exact = exact_neighbour_pairs(profiles, stats, args.k)
    t_exact = time.perf_counter() - t0
    print(f"exact: {len(exact)} pairs in {t_exact:.1f}s; exact/approximate time "
          f"{t_exact / t_approx:.2f}x", flush=True)
    print(f"recall of exact candidate pairs: {len(exact & approx) / len(exact):.4f} "
          f"({len(exact - approx)} missed)")
    config = GroupConfig(use_embeddings=not args.no_embeddings, use_e5=False)
    judge = PairJudge(profiles, stats, config)
    edges = {p for p in exact if judge.edge(*p) is not None}
    got = {p for p in approx if judge.edge(*p) is not None}
    print(f"accepted edges among exact candidates: {len(edges)}; recall "
          f"{len(edges & got) / max(1, len(edges)):.4f} ({len(edges - got)} missed); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
