"""Sanity benchmark: our baselines and scorer against the XSum literature.

Imports the XSum human-evaluation sample (50 BBC articles with the outputs of five
published systems) as ``sumbench import FILE --predictions-out DIR`` does
(``benchmark.dataset.importer.import_dataset`` reads the file's own format and writes
each published system's outputs as a predictions file), loads both back
(``benchmark.dataset.folder.load_dataset_dir``, ``benchmark.evaluation.predictions``), runs
every registered baseline on it, scores those and the published outputs with the
evaluator (``benchmark.evaluation.evaluate.evaluate_predictions``, defaults: rouge-score
tokenizer, Porter stemming, F1) against the ``Reference`` section, and prints ours
beside the figures in shared/DESIGN.md, with 95 % percentile-bootstrap CIs.
Checks (PASS/FAIL, exit 1 on any FAIL):

* our ``lead-1`` reproduces the file's LEAD row within 0.1 ROUGE-1;
* our greedy ``oracle`` reaches the file's Ext-Oracle on ROUGE-1 and ROUGE-2;
* random-1 < lead-1 < oracle and Pointer-Generator < ConvS2S < Topic-ConvS2S (R1 means).

The document is ``Document-Full`` joined with newlines: the file gives one sentence
per line and the splitter treats a newline as a sentence end, so line 1 is lead-1's
sentence. (Joined with spaces, the splitter disagrees with line 1 on a few articles;
the script prints how many.)

Usage: ``python bench/xsum_sanity.py [--path FILE] [--resamples 1000]``
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import require, shared_file

from benchmark.dataset.xsum_eval import SYSTEMS, XSumItem, parse_xsum_eval
from benchmark.schema import Example

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = shared_file("eval", "xsum_human_eval.txt")
METRICS = ("rouge1", "rouge2", "rougeL")
#: DESIGN.md: rouge-score F1 with stemming on these 50 articles.
PUBLISHED = {
    "LEAD": (16.66, 1.60, 12.08),
    "Ext-Oracle": (28.52, 8.20, 22.79),
    "Pointer-Generator": (30.06, 10.23, 24.70),
    "ConvS2S": (33.06, 14.03, 26.85),
    "Topic-ConvS2S": (42.74, 21.99, 36.18),
}

Row = tuple[float, float, float]


def to_examples(items: Sequence[XSumItem], joiner: str = "\n") -> list[Example]:
    """One imported sumbench Example per article: Document-Full vs the Reference."""
    out = []
    for it in items:
        doc = joiner.join(it.sentences)
        out.append(Example(
            id=it.id, strategy="imported", cluster_id=it.id, source_ids=[it.id],
            reference_ids=[f"{it.id}-ref"], documents=[doc], document=doc,
            references=[it.reference], fragments=[], language="en",
        ))
    return out


def import_file(path: Path, workdir: Path) -> tuple[list[Example], dict[str, list[str]], str]:
    """Import the file with sumbench's importer; (examples in file order, each published
    system's outputs in that order, dataset name@fingerprint)."""
    from benchmark.dataset.folder import load_dataset_dir
    from benchmark.dataset.importer import import_dataset
    from benchmark.evaluation.predictions import read_predictions

    import_dataset(path, workdir / "xsum50", name="xsum-human-eval-50", license="MIT",
                   predictions_out=workdir / "preds")
    loaded = load_dataset_dir(workdir / "xsum50")
    order = [it.id for it in parse_xsum_eval(path)]
    by_id = {ex.id: ex for ex in loaded.splits["test"]}
    outputs = {}
    for name in SYSTEMS:
        preds = read_predictions(workdir / "preds" / f"{name}.jsonl")
        outputs[name] = [preds[i] for i in order]
    return [by_id[i] for i in order], outputs, f"{loaded.name}@{loaded.fingerprint[:12]}"


def score(examples: Sequence[Example], predictions: Sequence[str], config: Any,
          system: str) -> list[Row]:
    """Per-example ROUGE-1/2/L F1 x 100 from the evaluator (in ``examples`` order)."""
    from benchmark.evaluation.evaluate import evaluate_predictions

    result = evaluate_predictions(
        examples, {ex.id: p for ex, p in zip(examples, predictions, strict=True)},
        config=config, system=system,
    )
    by_id = {e.id: e.scores for e in result.examples}
    return [(100 * by_id[ex.id]["rouge1_f"], 100 * by_id[ex.id]["rouge2_f"],
             100 * by_id[ex.id]["rougeL_f"]) for ex in examples]


def aggregate(rows: Sequence[Row], resamples: int, seed: int) -> list[tuple[float, float, float]]:
    """(mean, low, high) per metric; the stats module's seeded percentile bootstrap.

    Same numbers as the evaluator's aggregates (same function, seed and resamples),
    recomputed here from the x100 per-example scores.
    """
    from benchmark.evaluation.stats import bootstrap_cis

    cis = bootstrap_cis([list(r) for r in rows], n_resamples=resamples, seed=seed)
    n = len(rows)
    return [(sum(r[j] for r in rows) / n, float(cis[j][0]), float(cis[j][1]))
            for j in range(len(METRICS))]


def run_baselines(examples: Sequence[Example]) -> dict[str, tuple[list[str], float]]:
    """Every registered built-in baseline's predictions and its wall time."""
    from benchmark.systems.registry import available_systems

    out = {}
    for name, cls in available_systems().items():
        if cls.__module__.split(".")[:2] != ["benchmark", "baselines"]:
            continue
        system = cls()
        t0 = time.perf_counter()
        preds = [system.summarize(ex) for ex in examples]
        out[name] = (preds, time.perf_counter() - t0)
    return out


def _fmt(agg: tuple[float, float, float]) -> str:
    mean, low, high = agg
    return f"{mean:6.2f} [{low:5.2f},{high:5.2f}]"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table and checks; exit 1 if a check fails."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--path", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args(argv)

    from benchmark.evaluation.evaluate import make_config

    items = parse_xsum_eval(require(args.path, "--path"))
    with tempfile.TemporaryDirectory(prefix="xsum-sanity-") as tmp:
        examples, outputs, dataset = import_file(args.path, Path(tmp))
    config = make_config(n_resamples=args.resamples, seed=args.seed)
    rows: dict[str, list[Row]] = {}
    timings: dict[str, float] = {}
    for name in SYSTEMS:
        rows[name] = score(examples, outputs[name], config, name)
    for name, (preds, secs) in run_baselines(examples).items():
        rows[name] = score(examples, preds, config, name)
        timings[name] = secs
    results = {name: aggregate(r, args.resamples, args.seed) for name, r in rows.items()}

    print(f"XSum human-evaluation sample: {len(items)} articles imported as {dataset}")
    print(f"evaluator defaults: ROUGE F1 x100, rouge-score tokenizer, Porter stemming; "
          f"95% bootstrap CI ({args.resamples} resamples, seed {args.seed})")
    print(f"{'system':<18} {'R1':>21} {'R2':>21} {'RL':>21}   DESIGN.md R1/R2/RL   secs")
    for name, aggs in results.items():
        published = PUBLISHED.get(name)
        ref_s = "/".join(f"{v:.2f}" for v in published) if published else ""
        took = f"{timings[name]:.2f}" if name in timings else ""
        print(f"{name:<18} {_fmt(aggs[0])} {_fmt(aggs[1])} {_fmt(aggs[2])}   {ref_s:<19} {took}")

    spaced = to_examples(items, joiner=" ")
    from benchmark.sentences import split_sentences

    differ = sum(split_sentences(ex.document, "en")[0] != it.sentences[0]
                 for ex, it in zip(spaced, items, strict=True))
    print(f"\nsplitter on Document-Full joined with spaces: first sentence differs from "
          f"line 1 in {differ}/{len(items)} articles (newline-joined: lead-1 == line 1).")

    from benchmark.evaluation.stats import paired_bootstrap

    r1 = {k: v[0] for k, v in results.items()}
    checks = [
        ("lead-1 reproduces LEAD within 0.1 R1",
         abs(r1["lead-1"][0] - r1["LEAD"][0]) <= 0.1,
         f"{r1['lead-1'][0]:.2f} vs {r1['LEAD'][0]:.2f} (DESIGN {PUBLISHED['LEAD'][0]:.2f})"),
        ("published outputs rescored as in DESIGN.md (within 0.01)",
         all(abs(results[n][j][0] - PUBLISHED[n][j]) <= 0.01 for n in SYSTEMS for j in range(3)),
         "all 15 figures"),
        ("oracle >= Ext-Oracle on R1 and R2",
         results["oracle"][0][0] >= results["Ext-Oracle"][0][0]
         and results["oracle"][1][0] >= results["Ext-Oracle"][1][0],
         f"R1 {results['oracle'][0][0]:.2f} vs {results['Ext-Oracle'][0][0]:.2f}, "
         f"R2 {results['oracle'][1][0]:.2f} vs {results['Ext-Oracle'][1][0]:.2f}"),
    ]
    for chain in (("random-1", "lead-1", "oracle"),
                  ("Pointer-Generator", "ConvS2S", "Topic-ConvS2S")):
        ok = all(r1[a][0] < r1[b][0] for a, b in itertools.pairwise(chain))
        shown = " < ".join(f"{n} {_fmt(r1[n])}" for n in chain)
        for a, b in itertools.pairwise(chain):
            test = paired_bootstrap([r[0] for r in rows[a]], [r[0] for r in rows[b]],
                                    n_resamples=args.resamples, seed=args.seed)
            shown += (f"\n      paired bootstrap {b} - {a}: {test.delta:+.2f} "
                      f"[{test.low:+.2f},{test.high:+.2f}] p={test.p_value:.3f}")
        checks.append((" < ".join(chain) + " (R1 means)", ok, shown))
    print()
    for label, ok, detail in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {label}: {detail}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
