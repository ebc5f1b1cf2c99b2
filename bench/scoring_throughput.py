"""ROUGE scoring throughput: sumbench's RougeMetric against a plain rouge-score loop.

Usage::

    python bench/scoring_throughput.py              # 2,000 generated pairs + the XSum systems
    python bench/scoring_throughput.py --pairs 500  # shorter run

Both scorers get the same (prediction, reference) pairs in the same process and
must return identical numbers (checked: the run fails otherwise). Two workloads:

* ``generated``: seeded random pairs of 1-4 sentence predictions and 1-3 sentence
  references drawn from the sentences of the XSum sample's ``Document-Full``
  sections (mostly distinct texts, so no help from caching repeated texts);
* ``xsum-systems``: the sample's 5 system outputs (LEAD, Ext-Oracle, PG, ConvS2S,
  Topic-ConvS2S) against its 50 references, 250 pairs, each reference scored 5 times
  as a leaderboard does.

The peer is ``RougeScorer(["rouge1","rouge2","rougeL","rougeLsum"], use_stemmer=True)``
called once per pair with the texts already split into sentences joined by "\\n"
(splitting is *not* timed for the peer but *is* timed for sumbench, which splits
inside ``score``). Each scorer runs ``--repeat`` times, interleaved; the best
run counts, and sumbench's first run (cold stem cache) is shown too.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from shared_data import require, shared_file

from benchmark.metrics.rouge import RougeMetric
from benchmark.sentences import split_sentences

XSUM = shared_file("eval", "xsum_human_eval.txt")
TYPES = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
SYSTEMS = ["LEAD", "Ext-Oracle", "Pointer-Generator", "ConvS2S", "Topic-ConvS2S"]
SEED = 12345
T = TypeVar("T")


def xsum_blocks(text: str) -> list[dict[str, str]]:
    """Sections of each ``==id==`` block of the XSum human-evaluation file."""
    blocks = []
    for chunk in re.split(r"^==\d+==\n", text, flags=re.M)[1:]:
        sections: dict[str, str] = {}
        for part in chunk.strip().split("\n\n"):
            head, _, body = part.partition("\n")
            sections[head.strip()] = body.strip()
        blocks.append(sections)
    return blocks


def workloads(n_pairs: int) -> dict[str, list[tuple[str, str]]]:
    """(prediction, reference) pairs of both workloads, seeded."""
    blocks = xsum_blocks(XSUM.read_text(encoding="utf-8"))
    sentences = [s for b in blocks for s in b["Document-Full"].split("\n") if s.strip()]
    rng = random.Random(SEED)
    generated = [
        (" ".join(rng.sample(sentences, rng.randint(1, 4))),
         " ".join(rng.sample(sentences, rng.randint(1, 3))))
        for _ in range(n_pairs)
    ]
    systems = [(b[s], b["Reference"]) for b in blocks for s in SYSTEMS]
    return {"generated": generated, "xsum-systems": systems}


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run(pairs: list[tuple[str, str]], repeat: int) -> tuple[float, float, float]:
    """Seconds: sumbench's first (cold) run, sumbench's best run, rouge-score's best run."""
    from rouge_score import rouge_scorer

    preds = [p for p, _ in pairs]
    refs = [[r] for _, r in pairs]
    metric = RougeMetric(types=TYPES)
    joined = [("\n".join(split_sentences(p)), "\n".join(split_sentences(r))) for p, r in pairs]
    scorer = rouge_scorer.RougeScorer(TYPES, use_stemmer=True)
    ours_times: list[float] = []
    peer_times: list[float] = []
    for _ in range(repeat):  # interleaved, so load from other processes hits both alike
        t, ours = _timed(lambda: metric.score(preds, refs, []))
        ours_times.append(t)
        t, theirs = _timed(lambda: [scorer.score(r, p) for p, r in joined])
        peer_times.append(t)

    plain = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    for (p, r), mine, peer in zip(pairs, ours, theirs, strict=True):
        raw = plain.score(r, p)  # N and L on the raw text, as sumbench scores them
        for t_name in TYPES:
            s = peer[t_name] if t_name == "rougeLsum" else raw[t_name]
            got = tuple(mine.scores[f"{t_name}_{k}"] for k in "prf")
            if got != (s.precision, s.recall, s.fmeasure):
                sys.exit(f"MISMATCH on {t_name}: {mine.scores} vs {s}\npred={p!r}\nref={r!r}")
    return ours_times[0], min(ours_times), min(peer_times)


def main() -> None:
    """Print seconds and pairs/s of both scorers per workload and the speed-up ratio."""
    global XSUM
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--pairs", type=int, default=2000, help="generated pairs (default 2000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each scorer; best is kept")
    parser.add_argument("--path", type=Path, default=XSUM,
                        help="the XSum human-evaluation sample (default: shared/eval/)")
    args = parser.parse_args()
    XSUM = require(args.path, "--path")
    print(f"{'workload':<14}{'pairs':>7}{'ours cold s':>13}{'ours s':>9}{'rouge-score s':>15}"
          f"{'pairs/s ours':>14}{'pairs/s peer':>14}{'ratio':>8}{'cold ratio':>12}")
    for name, pairs in workloads(args.pairs).items():
        cold, ours, peer = run(pairs, max(args.repeat, 1))
        print(f"{name:<14}{len(pairs):>7}{cold:>13.3f}{ours:>9.3f}{peer:>15.3f}"
              f"{len(pairs) / ours:>14.0f}{len(pairs) / peer:>14.0f}"
              f"{peer / ours:>7.1f}x{peer / cold:>11.1f}x")
    print("identical scores: yes (every pair, every type, P/R/F)")


if __name__ == "__main__":
    main()
