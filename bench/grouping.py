"""Grouping quality on the public SemEval-2022 Task 8 pairs: same-event P/R/F1.

Usage::

    python bench/grouping.py                    # default settings + 5-fold CV + baselines
    python bench/grouping.py --print-model      # fit the shipped weights on the whole file
    python bench/grouping.py --json out.json    # also write every figure as JSON
    python bench/grouping.py --cache vecs.npz   # keep encoder vectors between runs

The e5 encoder reads ~2,400 texts at ~4 texts/s on one core (about 10 minutes);
``--cache`` stores the vectors keyed by text hash, so later runs skip that.

Labels follow the file's README: Overall <= 2 same story (positive), >= 3
different (negative), in between left out. Texts are repaired with ftfy
(double-encoded Turkish rows). Corpus statistics (document frequencies) come
from every text of the file; they use no labels. Every fitted thing (model
weights, thresholds, baseline thresholds) is fitted on four folds and scored on
the fifth; the DEFAULT row uses the shipped weights, which were fitted on this
whole file, so it is an in-sample figure and the CV rows are the honest ones.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ftfy
import numpy as np
from shared_data import require, shared_file

from benchmark.group import (
    GroupConfig,
    PairJudge,
    Profile,
    corpus_stats,
    group_profiles,
    profile,
    profile_features,
)
from benchmark.group.cluster import gate_bars
from benchmark.group.encoders import E5_HEAD_CHARS, embed, embed_e5
from benchmark.group.event import (
    E5_GATE,
    EventModel,
    best_threshold,
    fit_event_model,
    model_features,
)
from benchmark.group.features import _normalise, _text_of
from benchmark.group.lexical import minhash
from benchmark.schema import Article

DATA = shared_file("eval", "semeval2022_task8_train.csv")
SEED = 12345
FOLDS = 5
#: Fold seeds of the repeated CV (the first is the main table's).
REPEAT_SEEDS = (SEED, 1, 2, 3, 4)
#: e5 gate bands compared under CV (USE-only probability range sent to the full model).
GATE_BANDS = ((0.1, 0.9), (0.15, 0.85), (0.2, 0.8), (0.25, 0.75), (0.3, 0.7))
#: e5 gate rules compared under CV: (band, rank); rank None = every band pair (the default),
#: else only band pairs among the ``rank`` best candidates of both articles (``e5_gate_rank``).
GATE_RULES: tuple[tuple[tuple[float, float], int | None], ...] = (
    (E5_GATE, None),
    *((E5_GATE, r) for r in (1, 2, 3)),
    *((b, None) for b in GATE_BANDS if b != E5_GATE),
    ((0.3, 0.7), 3),
)
#: The opt-in rank rule cross-validated over every fold seed next to the default.
RANK_RULE = 1


class Pair:
    """One labelled pair of the file."""

    def __init__(self, a: str, b: str, langs: tuple[str, str], overall: float, time_: float):
        self.a, self.b = min(a, b), max(a, b)
        self.langs = langs
        self.label = overall <= 2.0
        self.time_differs = time_ >= 3.0
        self.group = "en-en" if langs == ("en", "en") else (
            "cross" if langs[0] != langs[1] else "same-other")


def _article(pid: str, text: str, lang: str, cleaning: str) -> Article:
    """One text as the pipeline would see it: ingest's cleaning, or ftfy repair only."""
    if cleaning == "ingest":
        from benchmark.ingest import RawRecord, clean_record

        return clean_record(RawRecord(id=pid, title=None, text=text, source=None, url=None,
                                      date=None, language=lang, origin=str(DATA.name),
                                      path=str(DATA)))
    body = ftfy.fix_text(text).strip()
    return Article(id=pid, body=body, language=lang,
                   content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest())


def load(path: Path, cleaning: str = "ingest") -> tuple[dict[str, Article], list[Pair]]:
    """Articles (deduplicated by id) and the binarised pairs of the CSV."""
    articles: dict[str, Article] = {}
    pairs: list[Pair] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            overall = float(row["Overall"])
            ids = row["pair_id"].split("_")
            for pid, text, lang in ((ids[0], row["text1"], row["lang1"]),
                                    (ids[1], row["text2"], row["lang2"])):
                if pid not in articles:
                    articles[pid] = _article(pid, text, lang, cleaning)
            if 2.0 < overall < 3.0:
                continue
            pairs.append(Pair(ids[0], ids[1], (row["lang1"], row["lang2"]), overall,
                              float(row["Time"])))
    return articles, pairs


def prf(pred: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float, float]:
    """Precision, recall, F1 of the positive class."""
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def folds(pairs: Sequence[Pair], seed: int = SEED) -> list[list[int]]:
    """Stratified 5-fold split of pair indices (seeded)."""
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
    labels = [p.label for p in pairs]
    return [list(test) for _, test in skf.split(labels, labels)]


SUBSETS: dict[str, Callable[[Pair], bool]] = {
    "all": lambda p: True,
    "en-en": lambda p: p.group == "en-en",
    "cross": lambda p: p.group == "cross",
}


def score(pairs: Sequence[Pair], idx: Sequence[int], pred: Sequence[bool]) -> dict[str, tuple]:
    """P/R/F1 per subset over the pairs ``idx``."""
    out = {}
    for name, keep in SUBSETS.items():
        sel = [i for i in idx if keep(pairs[i])]
        out[name] = prf([pred[i] for i in sel], [pairs[i].label for i in sel])
    return out


def cv_threshold(values: Sequence[float], pairs: Sequence[Pair],
                 test_folds: list[list[int]]) -> list[bool]:
    """Out-of-fold decisions of a single-score baseline with a CV-fitted cut."""
    pred = [False] * len(pairs)
    for test in test_folds:
        held = set(test)
        train = [i for i in range(len(pairs)) if i not in held]
        cut = best_threshold([values[i] for i in train], [pairs[i].label for i in train])
        for i in test:
            pred[i] = values[i] >= cut
    return pred


def encoder_vectors(articles: dict[str, Article], ids: Sequence[str],
                    cache: Path | None) -> tuple[dict[str, Any], dict[str, Any], dict[str, float]]:
    """USE and e5 vectors of every text (from ``cache`` when it has them) and texts/s."""
    keys = {i: hashlib.sha256(_normalise(_text_of(articles[i])).encode()).hexdigest()
            for i in ids}
    stored: dict[str, Any] = dict(np.load(cache)) if cache and cache.exists() else {}
    out: dict[str, dict[str, Any]] = {"use": {}, "e5": {}}
    rates: dict[str, float] = {}
    # a vector depends on the encoder and the text it reads (for e5: the head length)
    for name, tag, fn in (("use", "use", embed), ("e5", f"e5-head{E5_HEAD_CHARS}", embed_e5)):
        slot = {i: f"{tag}:{keys[i]}" for i in ids}
        todo = [i for i in ids if slot[i] not in stored]
        t0 = time.perf_counter()
        for i in todo:
            stored[slot[i]] = fn(_normalise(_text_of(articles[i])))
        if todo:
            rates[name] = len(todo) / (time.perf_counter() - t0)
        out[name] = {i: stored[slot[i]] for i in ids}
    if cache:
        np.savez(cache, **stored)
    return out["use"], out["e5"], rates


#: A corpus's candidate pairs and their features without ``cos_e5`` (what the gate ranks by).
GateCorpus = list[tuple[str, str, dict[str, float]]]


def gate_corpus(profiles: Sequence[Profile], stats: Any) -> GateCorpus:
    """The candidate pairs the grouper finds among all texts, with their features sans e5.

    The rank part of the e5 gate compares a pair with the other candidates of
    its articles, so the CV needs the corpus a build of these texts would see.
    """
    from benchmark.group import candidate_pairs
    from benchmark.group.features import vectors

    vecs = [vectors(p, stats) for p in profiles]
    cache = {p.id: v for p, v in zip(profiles, vecs, strict=True)}
    by_id = {p.id: p for p in profiles}
    return [(a, b, profile_features(by_id[a], by_id[b], stats, cache, e5=False))
            for a, b in candidate_pairs(profiles, stats, GroupConfig(), vecs)]


def cv_grouper(profiles: Sequence[Profile], stats: Any, config: GroupConfig,
               feats: Sequence[dict[str, float]], pairs: Sequence[Pair],
               test_folds: list[list[int]], gate: tuple[float, float] | None = None,
               sent: list[int] | None = None, rank: int | None = None,
               corpus: GateCorpus | None = None) -> list[bool]:
    """Out-of-fold edges of the grouper: weights and threshold fitted on the other folds.

    With ``gate`` the USE-only model (fitted on the same training folds) judges
    first and the full model only pairs whose USE-only probability is in the
    band, as the grouper does on large corpora; with ``rank`` also only pairs
    among the ``rank`` best of both articles' candidates in ``corpus`` (scored by
    the same fold's USE-only model). ``sent`` collects which test pairs went to e5.
    """
    names = model_features(config.use_embeddings, config.e5)
    pred = [False] * len(pairs)
    for test in test_folds:
        held = set(test)
        train = [i for i in range(len(pairs)) if i not in held]
        train_rows, train_labels = [feats[i] for i in train], [pairs[i].label for i in train]
        model: EventModel = fit_event_model(train_rows, train_labels, features=names)
        gate_model = (fit_event_model(train_rows, train_labels,
                                      features=model_features(True, False)) if gate else None)
        judge = PairJudge(profiles, stats, config, model=model, gate=gate, gate_model=gate_model,
                          gate_rank=rank)
        if gate and rank is not None and corpus is not None:
            judge.bars = gate_bars(((a, b, judge.gate_score(a, b, f)) for a, b, f in corpus),
                                   rank)
        for i in test:
            pred[i] = judge.edge(pairs[i].a, pairs[i].b) is not None
            if sent is not None and gate is not None:
                sent.append(judge.needs_e5(pairs[i].a, pairs[i].b))
    return pred


def gate_name(band: tuple[float, float], rank: int | None) -> str:
    """Row name of a gate rule."""
    return (f"grouper CV, USE + e5 gated {band[0]:g}-{band[1]:g}"
            + (f", best {rank} of both" if rank is not None else ", band only"))


def corpus_e5_articles(profiles: Sequence[Profile], stats: Any, corpus: GateCorpus,
                       band: tuple[float, float], rank: int | None) -> int:
    """How many texts a rule sends to e5 when all texts are grouped as one corpus."""
    judge = PairJudge(profiles, stats, GroupConfig(), gate=band, gate_rank=rank)
    scores = [(a, b, judge.gate_score(a, b, f)) for a, b, f in corpus]
    if rank is not None:
        judge.bars = gate_bars(scores, rank)
    return len({x for a, b, score in scores if judge.sends(a, b, score) for x in (a, b)})


def pooled(pred: Sequence[bool], pairs: Sequence[Pair]) -> dict[str, float]:
    """One F1 per subset over every out-of-fold decision."""
    return {s: prf([pred[i] for i, p in enumerate(pairs) if keep(p)],
                   [p.label for p in pairs if keep(p)])[2] for s, keep in SUBSETS.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--print-model", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--cache", type=Path, help=".npz file of encoder vectors (read and updated)")
    ap.add_argument("--cleaning", choices=("ingest", "ftfy"), default="ingest",
                    help="ingest: benchmark.ingest cleaning (titles, boilerplate, ftfy, dates) "
                    "as the pipeline does; ftfy: only repair mojibake")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    articles, pairs = load(require(args.data, "--data"), args.cleaning)
    ids = sorted(articles)
    lexical = [profile(articles[i]) for i in ids]
    use, e5, rates = encoder_vectors(articles, ids, args.cache)
    with_use = [replace(p, embedding=use[p.id]) for p in lexical]
    full = [replace(p, embedding_e5=e5[p.id]) for p in with_use]
    stats = corpus_stats(lexical)
    configs = {"USE + e5": GroupConfig(), "USE only": GroupConfig(use_e5=False),
               "no embeddings": GroupConfig(use_embeddings=False)}
    bases = {"USE + e5": full, "USE only": with_use, "no embeddings": lexical}
    judges = {k: PairJudge(bases[k], stats, c) for k, c in configs.items()}
    feats = [judges["USE + e5"].evidence(p.a, p.b)[0] for p in pairs]
    labels = [p.label for p in pairs]
    print(f"{len(articles)} articles, {len(pairs)} labelled pairs ({sum(labels)} positive), "
          f"cleaning {args.cleaning}; encoder texts/s (uncached texts only): "
          + (", ".join(f"{k} {v:.1f}" for k, v in rates.items()) or "all cached")
          + f"; total {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    if args.print_model:
        for name, (emb, with_e5) in (("EVENT_MODEL", (True, True)),
                                     ("EVENT_MODEL_USE", (True, False)),
                                     ("EVENT_MODEL_NO_EMBEDDINGS", (False, False))):
            m = fit_event_model(feats, labels, features=model_features(emb, with_e5))
            print(f"{name} = {m!r}")
        return 0

    test_folds = folds(pairs)
    rows: dict[str, list[bool]] = {}
    for name, judge in judges.items():
        rows[f"default, {name} (shipped weights, in-sample)"] = [
            judge.edge(p.a, p.b) is not None for p in pairs]
    cv_configs = {f"grouper CV, {k}": (c, bases[k]) for k, c in configs.items()}
    cv_configs["grouper CV, USE + e5, conflict rule off"] = (
        GroupConfig(conflict_threshold=None), full)
    for name, (config, base) in cv_configs.items():
        rows[name] = cv_grouper(base, stats, config, feats, pairs, test_folds)
    corpus = gate_corpus(full, stats)
    gate_share: dict[str, tuple[float, int]] = {}
    for band, rank in GATE_RULES:
        sent: list[int] = []
        name = gate_name(band, rank)
        rows[name] = cv_grouper(full, stats, GroupConfig(), feats, pairs, test_folds, band, sent,
                                rank, corpus)
        gate_share[name] = (sum(sent) / len(sent), corpus_e5_articles(full, stats, corpus,
                                                                       band, rank))
    cos = [f["cos_word"] for f in feats]
    mh = {p.id: minhash(p, 128, SEED) for p in lexical}
    mh_j = [mh[p.a].jaccard(mh[p.b]) for p in pairs]
    rows["TF-IDF word cosine CV"] = cv_threshold(cos, pairs, test_folds)
    rows["MinHash Jaccard CV"] = cv_threshold(mh_j, pairs, test_folds)
    rows["USE cosine CV"] = cv_threshold([f["cos_embed"] for f in feats], pairs, test_folds)
    rows["e5 cosine CV"] = cv_threshold([f["cos_e5"] for f in feats], pairs, test_folds)
    per_fold = {name: [score(pairs, test, pred) for test in test_folds]
                for name, pred in rows.items()}
    print(render(rows, per_fold, pairs, cos, mh_j))
    for name, (share, texts) in gate_share.items():
        print(f"- {name}: {share:.1%} of the labelled pairs went to e5; grouping all "
              f"{len(full)} texts as one corpus (shipped models) would encode {texts} "
              f"({texts / len(full):.1%})")

    repeated: dict[str, dict[str, list[float]]] = {}
    fold_f1: dict[str, dict[str, list[float]]] = {}
    gated = {gate_name(E5_GATE, r): r for r in (None, RANK_RULE)}
    for name in (*(n for n in cv_configs if "conflict" not in n), *gated,
                 "TF-IDF word cosine CV"):
        repeated[name] = {s: [] for s in SUBSETS}
        fold_f1[name] = {s: [] for s in SUBSETS}
        for seed in REPEAT_SEEDS:
            tf = folds(pairs, seed)
            if name in gated:
                pred = cv_grouper(full, stats, GroupConfig(), feats, pairs, tf, E5_GATE,
                                  rank=gated[name], corpus=corpus)
            elif name in cv_configs:
                pred = cv_grouper(cv_configs[name][1], stats, cv_configs[name][0], feats,
                                  pairs, tf)
            else:
                pred = cv_threshold(cos, pairs, tf)
            for s, v in pooled(pred, pairs).items():
                repeated[name][s].append(v)
            for test in tf:
                for s, v3 in score(pairs, test, pred).items():
                    fold_f1[name][s].append(v3[2])
    n_folds = FOLDS * len(REPEAT_SEEDS)
    print(f"\n{len(REPEAT_SEEDS)} fold seeds {REPEAT_SEEDS}: pooled F1 per seed, mean "
          f"[min, max]; then the F1 of each of the {n_folds} test folds, mean ± sd")
    print("| decision | " + " | ".join(f"{s} pooled | {s} per fold" for s in SUBSETS)
          + " |\n|---" + "|---|---" * len(SUBSETS) + "|")
    for name, by_subset in repeated.items():
        print(f"| {name} | " + " | ".join(
            f"{statistics.mean(v):.3f} [{min(v):.3f}, {max(v):.3f}] | "
            f"{statistics.mean(fold_f1[name][s]):.3f} ± {statistics.stdev(fold_f1[name][s]):.3f}"
            for s, v in by_subset.items()) + " |")
    print(corpus_mode(full, pairs))
    if args.json:
        args.json.write_text(json.dumps({"per_fold": per_fold, "repeated": repeated,
                                         "repeated_fold_f1": fold_f1}, indent=1))
    return 0


def corpus_mode(profiles: Sequence[Profile], pairs: Sequence[Pair]) -> str:
    """Group all texts of the file as ONE corpus with default settings; score co-clustering.

    Exercises candidate generation, the linkage cap and every rule at the scale
    of the file. The shipped weights were fitted on these pairs (in-sample).
    """
    t0 = time.perf_counter()
    said: list[str] = []
    clusters = group_profiles(profiles, GroupConfig(), log=said.append)
    took = time.perf_counter() - t0
    owner = {m: c.id for c in clusters for m in c.members}
    pred = [owner[p.a] == owner[p.b] for p in pairs]
    sizes = sorted((len(c.members) for c in clusters), reverse=True)
    lines = [f"\ncorpus mode: {len(profiles)} texts grouped as one corpus with default settings "
             f"in {took:.1f}s (profiles precomputed): {len(clusters)} clusters, "
             f"{sum(s > 1 for s in sizes)} with 2+ members, largest {sizes[:8]}", *said]
    for name, keep in SUBSETS.items():
        sel = [i for i, p in enumerate(pairs) if keep(p)]
        prec, rec, f1 = prf([pred[i] for i in sel], [pairs[i].label for i in sel])
        lines.append(f"- same cluster, {name}: P {prec:.3f} R {rec:.3f} F1 {f1:.3f} (in-sample)")
    return "\n".join(lines)


def render(rows: dict[str, list[bool]], per_fold: dict[str, list[dict[str, tuple]]],
           pairs: Sequence[Pair], cos: Sequence[float], mh_j: Sequence[float]) -> str:
    """Markdown: per subset P, R, F1 as mean (sd) over folds, and F1 pooled over all folds."""
    head = "| decision | " + " | ".join(
        f"{s} P | {s} R | {s} F1 | {s} pooled F1" for s in SUBSETS) + " |"
    lines = [head, "|" + "---|" * (1 + 4 * len(SUBSETS))]
    for name, fold_scores in per_fold.items():
        cells = []
        for s, keep in SUBSETS.items():
            for k in range(3):
                vals = [f[s][k] for f in fold_scores]
                cells.append(f"{statistics.mean(vals):.3f} ({statistics.stdev(vals):.3f})")
            sel = [i for i, p in enumerate(pairs) if keep(p)]
            pooled = prf([rows[name][i] for i in sel], [pairs[i].label for i in sel])[2]
            cells.append(f"{pooled:.3f}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("mean (sd) over the 5 test folds; pooled = one F1 over every out-of-fold "
                 "decision; in-sample rows use weights fitted on the whole file")
    time_pos = [i for i, p in enumerate(pairs) if p.label and p.time_differs]
    for name, pred in rows.items():
        got = sum(pred[i] for i in time_pos)
        lines.append(f"- {name}: accepts {got}/{len(time_pos)} same-story pairs rated "
                     "different in time (Time >= 3)")
    named: list[tuple[str, Sequence[float]]] = [("cosine", cos), ("MinHash", mh_j)]
    for name, series in named:
        cut = best_threshold(series, [p.label for p in pairs])
        f1s = []
        for s, keep in SUBSETS.items():
            sel = [i for i, p in enumerate(pairs) if keep(p)]
            f1 = prf([series[i] >= cut for i in sel], [pairs[i].label for i in sel])[2]
            f1s.append(f"{s} F1 {f1:.3f}")
        lines.append(f"- whole-file-tuned {name} cut {cut} (in-sample): " + ", ".join(f1s))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
