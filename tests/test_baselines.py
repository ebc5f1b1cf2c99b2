"""Baselines on the seeds: determinism, length budgets, multi-doc input, oracle, human ceiling."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from benchmark.baselines.common import BudgetConfig, ProjectTokenizer, sentence_pool
from benchmark.baselines.human import (
    HUMAN_SYSTEM_NAME,
    evaluate_human_ceiling,
    human_ceiling,
    human_ceiling_examples,
    merge_folds,
)
from benchmark.baselines.oracle import greedy_oracle
from conftest import ROOT, shared_file

from benchmark.errors import InputError
from benchmark.schema import Aggregate, Example, ExampleScore, Prediction, RunResult
from benchmark.seeding import stable_seed
from benchmark.sentences import split_sentences
from benchmark.systems.registry import System, available_systems, get_system

Strategy = Literal["cross-lede", "multi-doc", "compression", "imported"]

BASELINES = sorted(
    n for n, c in available_systems().items() if c.__module__.startswith("benchmark.baselines")
)
BUDGETED = sorted(n for n in BASELINES if issubclass(available_systems()[n].Config, BudgetConfig))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection attempt fails the test: baselines must work offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a baseline tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield


def _seed_articles(seed_paths: list[Path]) -> list[tuple[str, str, str]]:
    """(id, headline, body) of each seed: the first non-empty line is the headline."""
    out = []
    for p in seed_paths:
        lines = [ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
        out.append((p.stem, lines[0], "\n\n".join(lines[1:])))
    return out


def _example(
    eid: str, docs: list[str], refs: list[str], strategy: Strategy = "cross-lede"
) -> Example:
    return Example(
        id=eid, strategy=strategy, cluster_id="c0", source_ids=[f"s{i}" for i in range(len(docs))],
        reference_ids=[f"r{i}" for i in range(len(refs))], documents=docs,
        document=" ||||| ".join(docs), references=refs, fragments=[], language="en",
    )


@pytest.fixture(scope="module")
def seed_examples() -> list[Example]:
    """Cross-lede examples (one body, the other seeds' headlines) and one multi-doc example."""
    arts = _seed_articles(sorted((ROOT / "data" / "raw").glob("*.txt")))
    out = [
        _example(aid, [body], [h for j, (_, h, _) in enumerate(arts) if j != i])
        for i, (aid, _, body) in enumerate(arts)
    ]
    out.append(_example("multi", [b for _, _, b in arts[1:4]], [arts[0][1]], "multi-doc"))
    return out


def _lines(summary: str) -> list[str]:
    return summary.split("\n")


def test_every_required_baseline_is_registered() -> None:
    for name in ("lead-k", "lead-1", "lead-3", "random-k", "textrank", "lexrank", "centroid",
                 "sumbasic", "first-sentence", "oracle"):
        assert issubclass(get_system(name), System)
    assert get_system("oracle").uses_references
    assert not any(available_systems()[n].uses_references for n in BASELINES if n != "oracle")


@pytest.mark.parametrize("name", BASELINES)
def test_deterministic_extractive_and_multidoc(name: str, seed_examples: list[Example]) -> None:
    cls = get_system(name)
    for ex in seed_examples:
        first, second = cls().summarize(ex), cls().summarize(ex)
        assert first == second and first.strip()
        pool = {p.text for p in sentence_pool(ex)}
        assert set(_lines(first)) <= pool, "every line is a sentence of the documents"
        assert len(set(_lines(first))) == len(_lines(first)), "no sentence twice"


def test_multidoc_rules(seed_examples: list[Example]) -> None:
    multi = seed_examples[-1]
    firsts = [split_sentences(d)[0] for d in multi.documents]
    lead3 = get_system("lead-3")().summarize(multi)
    assert _lines(lead3) == firsts, "lead is round-robin over documents"
    assert _lines(get_system("first-sentence")().summarize(multi)) == firsts
    # a document repeated verbatim adds no sentence to the pool
    doubled = _example("dup", [multi.documents[0], multi.documents[0]], multi.references)
    assert len(sentence_pool(doubled)) == len(split_sentences(multi.documents[0]))


@pytest.mark.parametrize("name", BUDGETED)
@pytest.mark.parametrize(("unit", "budget"), [("words", 30), ("chars", 200), ("sentences", 2)])
def test_budget_respected(name: str, unit: str, budget: int, seed_examples: list[Example]) -> None:
    cls = get_system(name)
    for ex in seed_examples:
        out = cls(cls.Config.model_validate({"unit": unit, "budget": budget})).summarize(ex)
        lines = _lines(out)
        # a system can run out of sentences (first-sentence has one per document)
        available = len(ex.documents) if name == "first-sentence" else len(sentence_pool(ex))
        if unit == "sentences":
            assert len(lines) == min(budget, available)
            continue
        def size(text: str, sep: int = 0) -> int:
            return len(text.split()) if unit == "words" else len(text) + sep

        # lines are printed in pool order, so the last one *taken* may be any line;
        # dropping the longest line must leave the summary under the budget
        longest = max(size(ln, 1) for ln in lines)
        assert len(lines) == 1 or size(out) - longest < budget, "stops once the budget is reached"
        assert size(out) >= budget or len(lines) == available, "budget reached"
        cfg = cls.Config.model_validate({"unit": unit, "budget": budget, "truncate": True})
        cut = cls(cfg).summarize(ex)
        assert (len(cut.split()) if unit == "words" else len(cut)) <= budget
        assert out.startswith(cut.split()[0])


def test_matched_budget_uses_mean_reference_length(seed_examples: list[Example]) -> None:
    ex = seed_examples[0]
    target = round(sum(len(r.split()) for r in ex.references) / len(ex.references))
    out = get_system("lead-k")().summarize(ex)
    lines = _lines(out)
    assert len(out.split()) >= target
    assert len(out.split()) - len(lines[-1].split()) < target


def test_random_seed_changes_output_and_ignores_hash_salt(seed_examples: list[Example]) -> None:
    cls = get_system("random-k")
    a = [cls(cls.Config(seed=1)).summarize(ex) for ex in seed_examples]
    b = [cls(cls.Config(seed=2)).summarize(ex) for ex in seed_examples]
    assert a != b
    code = "from benchmark.seeding import stable_seed; print(stable_seed(7, 'x'))"
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": salt, "PATH": ""}).stdout.strip()
        for salt in ("1", "2")
    }
    assert outs == {str(stable_seed(7, "x"))}


def test_sumy_gets_the_project_splitter() -> None:
    text = "Dr. Smith met Mr. Jones in the U.S. on Monday. They talked."
    tok = ProjectTokenizer("en")
    assert list(tok.to_sentences(text)) == split_sentences(text, "en")
    assert tok.to_words("co-operation, 40 issues!") == ("co", "operation", "40", "issues")


def test_oracle_picks_the_covering_sentences() -> None:
    sents = ["the cat sat", "dogs bark loudly at night", "on the mat", "a cat"]
    assert greedy_oracle(sents, ["the cat sat on the mat"]) == [0, 2]


def test_oracle_beats_lead_on_seeds(seed_examples: list[Example]) -> None:
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)

    def best(pred: str, ex: Example, metric: str) -> float:
        return max(scorer.score(r, pred)[metric].fmeasure for r in ex.references)

    oracle, lead = get_system("oracle")(), get_system("lead-1")()
    for ex in seed_examples:
        o, ld = oracle.summarize(ex), lead.summarize(ex)
        assert best(o, ex, "rouge1") >= best(ld, ex, "rouge1")
        # the greedy objective (mean over references of R1 F + R2 F) never loses to one sentence
        def obj(pred: str, ex: Example = ex) -> float:
            scores = [scorer.score(r, pred) for r in ex.references]
            return sum(s["rouge1"].fmeasure + s["rouge2"].fmeasure for s in scores) / len(scores)
        assert obj(o) >= max(obj(p.text) for p in sentence_pool(ex)) - 1e-12


def test_empty_document_is_a_clear_error() -> None:
    ex = _example("blank", ["   \n  "], ["a reference"])
    with pytest.raises(InputError, match="blank"):
        get_system("lead-1")().summarize(ex)


def _toy_evaluate(examples: list[Example], preds: list[Prediction]) -> RunResult:
    """Stand-in evaluator: unigram recall of the prediction against the best reference."""
    scores = []
    for ex, p in zip(examples, preds, strict=True):
        assert ex.id == p.id and p.summary not in ex.references
        toks = set(p.summary.lower().split())
        rec = max(len(toks & set(r.lower().split())) / len(set(r.lower().split()))
                  for r in ex.references)
        scores.append(ExampleScore(id=ex.id, scores={"recall": rec}))
    return RunResult(signature="toy", dataset="seeds", dataset_fingerprint="f", split="test",
                     system="x", aggregates={"recall": Aggregate(mean=0, low=0, high=0, n=1)},
                     examples=scores)


def test_human_ceiling_leave_one_out(seed_examples: list[Example]) -> None:
    multi_ref = seed_examples[0]
    single_ref = seed_examples[-1]
    folds = human_ceiling([multi_ref, single_ref])
    k = len(multi_ref.references)
    assert len(folds) == k and {f.example_id for f in folds} == {multi_ref.id}
    for f in folds:
        assert f.prediction == multi_ref.references[f.fold]
        assert f.references == [r for j, r in enumerate(multi_ref.references) if j != f.fold]
    exs, preds = human_ceiling_examples([multi_ref, single_ref])
    want = [f"{multi_ref.id}::ref{j}" for j in range(k)]
    assert [e.id for e in exs] == [p.id for p in preds] == want
    run = evaluate_human_ceiling(seed_examples, _toy_evaluate)
    assert run is not None and run.system == HUMAN_SYSTEM_NAME
    multi = sorted(e.id for e in seed_examples if len(e.references) > 1)
    assert [e.id for e in run.examples] == multi
    agg = run.aggregates["recall"]
    assert agg.n == len(seed_examples) - 1 and agg.low <= agg.mean <= agg.high
    assert run.meta["human_ceiling"]["skipped_single_reference"] == 1
    assert evaluate_human_ceiling([single_ref], _toy_evaluate) is None
    merged = merge_folds([ExampleScore(id="e::ref0", scores={"m": 1.0}),
                          ExampleScore(id="e::ref1", scores={"m": 0.0})])
    assert merged[0].id == "e" and merged[0].scores == {"m": 0.5}


def test_xsum_parser_reads_the_published_sample(tmp_path: Path) -> None:
    from benchmark.dataset.xsum_eval import parse_xsum_eval

    items = parse_xsum_eval(shared_file("eval/xsum_human_eval.txt"))
    assert len(items) == 50 and len({i.id for i in items}) == 50
    assert items[0].reference.startswith("a council plans")
    assert all("?" not in i.reference or "[" not in i.reference for i in items)
    assert all(i.outputs["LEAD"] == i.sentences[0].lower() for i in items)
    assert any("Championship" in i.sentences for i in items), "header-like article lines stay text"
    bad = tmp_path / "bad.txt"
    bad.write_text("==1==\nDocument-400\nx\n\nDocument-Full\nA .\n\nLEAD\na .\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks section Ext-Oracle") as err:
        parse_xsum_eval(bad)
    assert err.value.line == 1


def test_human_ceiling_through_the_evaluator(seed_examples: list[Example]) -> None:
    from rouge_score.rouge_scorer import RougeScorer

    from benchmark.evaluation.evaluate import evaluate_predictions, make_config

    cfg = make_config(n_resamples=200, seed=7)

    def score(exs: list[Example], preds: list[Prediction]) -> RunResult:
        return evaluate_predictions(exs, {p.id: p.summary for p in preds}, config=cfg)

    run = evaluate_human_ceiling(seed_examples, score)
    assert run is not None
    multi = [ex for ex in seed_examples if len(ex.references) > 1]
    assert run.counts["examples"] == len(multi)
    assert run.counts["folds"] == sum(len(ex.references) for ex in multi)
    scorer = RougeScorer(["rouge1"], use_stemmer=True)
    expected = [
        sum(max(scorer.score(o, f.prediction)["rouge1"].fmeasure for o in f.references)
            for f in human_ceiling([ex])) / len(ex.references)
        for ex in multi
    ]
    agg = run.aggregates["rouge1_f"]
    assert agg.mean == pytest.approx(sum(expected) / len(expected), abs=1e-9)
    assert agg.n == len(multi) and agg.low <= agg.mean <= agg.high
    from benchmark.evaluation.stats import bootstrap_ci

    values = [e.scores["rouge1_f"] for e in run.examples]
    assert (agg.low, agg.high) == bootstrap_ci(values, n_resamples=200, seed=7)


def test_k_is_a_sentence_budget(seed_examples: list[Example]) -> None:
    from pydantic import ValidationError

    cls = get_system("lead-k")
    multi = seed_examples[-1]
    out = cls(cls.Config.model_validate({"k": 2})).summarize(multi)
    assert _lines(out) == [split_sentences(d)[0] for d in multi.documents[:2]]
    with pytest.raises(ValidationError, match="k=N means N sentences"):
        cls.Config.model_validate({"k": 2, "unit": "words"})


def test_oracle_arithmetic_equals_rouge_score(seed_examples: list[Example]) -> None:
    from benchmark.baselines.oracle import f_measure, ngrams, rouge_tokenizer
    from rouge_score.rouge_scorer import RougeScorer

    scorer = RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    tok = rouge_tokenizer()
    ex = seed_examples[0]
    pool = [p.text for p in sentence_pool(ex)]
    for picked in ([0], [1, 4], [2, 3, 7]):
        pred = "\n".join(pool[i] for i in picked)
        toks = [t for i in picked for t in tok.tokenize(pool[i])]
        for ref in ex.references:
            want = scorer.score(ref, pred)
            rtoks = tok.tokenize(ref)
            for n, key in ((1, "rouge1"), (2, "rouge2")):
                assert f_measure(ngrams(toks, n), ngrams(rtoks, n)) == pytest.approx(
                    want[key].fmeasure, abs=1e-12)
