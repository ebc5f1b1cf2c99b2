"""Evaluator on the seed articles: wiring, reproducibility, lengths, plug-ins, bad input."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import SEEDS

from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.evaluate import (
    EvalConfig,
    TokenisationWarning,
    evaluate_predictions,
    make_metrics,
)
from benchmark.evaluation.predictions import (
    check_fingerprint,
    read_predictions,
    read_predictions_file,
)
from benchmark.evaluation.results import (
    load_result,
    reproducible_part,
    result_warnings,
    write_result,
)
from benchmark.evaluation.signature import parse_signature, signature_differences
from benchmark.evaluation.texts import score_parallel
from benchmark.metrics.base import Metric, MetricOutput, register_metric
from benchmark.metrics.fragments import fragment_stats
from benchmark.metrics.lengths import LengthsMetric
from benchmark.schema import Example
from benchmark.sentences import split_sentences

FAST = EvalConfig(n_resamples=200)


def _headline_and_body(path: Path) -> tuple[str, str]:
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines[0], "\n\n".join(lines[1:])


def seed_examples() -> list[Example]:
    """Cross-lede examples from the seeds: body of one, headlines of the others."""
    parts = [_headline_and_body(p) for p in sorted(SEEDS.glob("*.txt"))]
    examples = []
    for i, (_, body) in enumerate(parts):
        refs = [h for j, (h, _) in enumerate(parts) if j != i][:2]
        examples.append(
            Example(
                id=f"ex{i}",
                strategy="cross-lede",
                cluster_id="c0",
                source_ids=[f"a{i}"],
                reference_ids=[f"a{j}" for j in range(len(parts)) if j != i][:2],
                documents=[body],
                document=body,
                references=refs,
                fragments=[fragment_stats(body, r) for r in refs],
            )
        )
    return examples


def lead_predictions(examples: Sequence[Example]) -> dict[str, str]:
    return {ex.id: split_sentences(ex.document)[0] for ex in examples}


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return seed_examples()


def test_scores_match_rouge_score_and_the_result_is_reproducible(
    examples: list[Example], tmp_path: Path
) -> None:
    from rouge_score import rouge_scorer

    preds = lead_predictions(examples)
    kwargs = {"config": FAST, "dataset_name": "seeds", "fingerprint": "ab" * 32, "system": "lead-1"}
    first = evaluate_predictions(examples, preds, **kwargs)  # type: ignore[arg-type]
    second = evaluate_predictions(examples, preds, **kwargs)  # type: ignore[arg-type]
    assert reproducible_part(first) == reproducible_part(second)
    write_result(first, tmp_path / "a.json")
    write_result(second, tmp_path / "b.json")
    a = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert a.pop("meta")["timings_s"] and b.pop("meta")
    assert a == b
    assert load_result(tmp_path / "a.json") == first

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    for ex, got in zip(examples, first.examples, strict=True):
        want = [scorer.score(r, preds[ex.id]) for r in ex.references]
        assert got.scores["rouge1_f"] == max(w["rouge1"].fmeasure for w in want)
        assert got.per_reference["rouge2_f"] == [w["rouge2"].fmeasure for w in want]
    r1 = [e.scores["rouge1_f"] for e in first.examples]
    agg = first.aggregates["rouge1_f"]
    assert agg.mean == pytest.approx(sum(r1) / len(r1)) and agg.n == len(examples)
    assert agg.low <= agg.mean <= agg.high
    assert first.counts["examples"] == 5 and first.counts["empty_predictions"] == 0


def test_signature_holds_the_fingerprint_and_shows_a_changed_seed_ci_and_tokenizer(
    examples: list[Example],
) -> None:
    res = evaluate_predictions(
        examples,
        lead_predictions(examples),
        config=FAST,
        dataset_name="seeds",
        fingerprint="0123456789abcdef" * 4,
    )
    sig = parse_signature(res.signature)
    assert res.signature.startswith("rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|split:")
    assert "|multiref:max|" in res.signature
    assert "|agg:mean|boot:200@12345|dataset:0123456789ab|sumbench:" in res.signature
    assert sig["novel"] == "1-4" and "ci" not in sig
    other = evaluate_predictions(
        examples,
        lead_predictions(examples),
        dataset_name="seeds",
        fingerprint="0123456789abcdef" * 4,
        config=EvalConfig(n_resamples=200, seed=1, confidence=0.9, tokenizer="unicode"),
    )
    assert signature_differences(res.signature, other.signature) == {
        "boot": ("200@12345", "200@1"),
        "ci": ("", "90"),
        "tok": ("rouge-score", "unicode"),
    }
    # a different seed moves the CI, never the exact mean
    assert other.aggregates["len_words"].mean == res.aggregates["len_words"].mean


def test_lengths_metric_on_the_seeds(examples: list[Example]) -> None:
    ex = examples[0]
    lead = split_sentences(ex.document)[0]
    novel = "Entirely unrelated zebra words appear here."
    out = LengthsMetric().score(
        [lead, novel, ex.document, ex.references[1], ""], [ex.references] * 5, [ex.document] * 5
    )
    words = len(lead.split())
    assert out[0].scores["len_words"] == pytest.approx(words, abs=3)
    assert out[0].scores["len_sents"] == 1.0
    assert out[0].scores["coverage"] == 1.0 and out[0].scores["novel_1"] == 0.0
    assert out[0].scores["density"] == out[0].scores["len_words"]  # one fragment, whole summary
    assert out[0].scores["compression"] > 10
    assert out[1].scores["novel_1"] > 0.5 and out[1].scores["novel_4"] == 1.0
    assert out[0].flags == [] and out[1].flags == []
    assert out[2].flags == ["exact-copy"] and out[3].flags == ["exact-copy"]
    assert out[4].flags == ["empty-prediction"] and out[4].scores["len_words"] == 0.0


def test_missing_extra_and_failed_ids(examples: list[Example]) -> None:
    preds = lead_predictions(examples)
    del preds["ex3"]
    with pytest.raises(
        InputError, match=r"1 of 5 examples .* no prediction: 'ex3'.*--missing zero"
    ):
        evaluate_predictions(examples, preds, config=FAST, dataset_name="seeds")
    zero = EvalConfig(n_resamples=200, missing="zero")
    res = evaluate_predictions(examples, preds, config=zero, dataset_name="seeds")
    got = {e.id: e for e in res.examples}
    assert "missing-prediction" in got["ex3"].flags and got["ex3"].scores["rouge1_f"] == 0.0
    assert res.counts["missing_scored_zero"] == 1
    assert any("no prediction" in w for w in result_warnings(res))

    extra = {**lead_predictions(examples), "ex99": "text"}
    with pytest.raises(InputError, match=r"not in split 'test'.*'ex99'"):
        evaluate_predictions(examples, extra, config=FAST, dataset_name="seeds")

    res = evaluate_predictions(examples, preds, config=FAST, failures={"ex3": "timeout after 30 s"})
    got = {e.id: e for e in res.examples}
    assert got["ex3"].flags == ["empty-prediction", "system-failure"]
    assert res.failures == {"ex3": "timeout after 30 s"} and res.counts["system_failures"] == 1
    with pytest.raises(InputError, match="failures name ids"):
        evaluate_predictions(examples, lead_predictions(examples), failures={"nope": "x"})


def test_empty_prediction_scores_zero_on_every_metric_and_is_counted(
    examples: list[Example],
) -> None:
    preds = {**lead_predictions(examples), "ex1": "   \n"}
    res = evaluate_predictions(examples, preds, config=FAST)
    ex1 = next(e for e in res.examples if e.id == "ex1")
    assert "empty-prediction" in ex1.flags
    assert set(ex1.scores.values()) == {0.0}
    assert res.counts["empty_predictions"] == 1
    assert any("empty" in w for w in result_warnings(res))


def test_reading_predictions_in_every_format(tmp_path: Path, examples: list[Example]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    preds = lead_predictions(examples)
    jl = tmp_path / "p.jsonl"
    jl.write_text(
        "".join(json.dumps({"id": k, "summary": v}) + "\n" for k, v in preds.items()) + "\n",
        encoding="utf-8",
    )
    assert read_predictions(jl) == preds
    csv_path = tmp_path / "p.csv"
    import csv

    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "summary"])
        w.writerows(preds.items())
    assert read_predictions(csv_path) == preds
    pq_path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": list(preds), "summary": list(preds.values())}), pq_path)
    assert read_predictions(pq_path) == preds


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        (
            "dup.jsonl",
            '{"id": "a", "summary": "x"}\n{"id": "a", "summary": "y"}\n',
            r"dup.jsonl:2, field 'id': duplicate id 'a' \(first at line 1\)",
        ),
        (
            "bad.jsonl",
            '{"id": "a", "summary": "x"}\n{"id": "b", summary}\n',
            r"bad.jsonl:2: not valid JSON",
        ),
        ("null.jsonl", '{"id": "a", "summary": null}\n', r"null.jsonl:1, field 'summary'.*null"),
        ("noid.jsonl", '{"summary": "x"}\n', r"noid.jsonl:1, field 'id': missing 'id'"),
        ("list.jsonl", '["a", "x"]\n', r"list.jsonl:1: expected a JSON object"),
        (
            "fp.jsonl",
            '{"id": "a", "summary": "x", "fingerprint": "aaaa"}\n'
            '{"id": "b", "summary": "y", "fingerprint": "bbbb"}\n',
            r"fp.jsonl:2, field 'fingerprint'.*mixes predictions",
        ),
        ("cols.csv", "id,text\na,x\n", r"cols.csv:1, field 'summary': header has no 'summary'"),
        ("dup.csv", 'id,summary\na,x\n"a","multi\nline"\n', r"dup.csv:4, field 'id': duplicate"),
        ("preds.txt", "x\n", r"unknown predictions format '.txt'"),
    ],
)
def test_bad_predictions_files_name_file_line_and_field(
    tmp_path: Path, name: str, content: str, pattern: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=pattern):
        read_predictions(path)


def test_non_utf8_predictions_are_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        '{"id": "a", "summary": "ok"}\n{"id": "b", "summary": "café"}\n'.encode("latin-1")
    )
    with pytest.raises(InputError, match=r"latin1.jsonl:2: not valid UTF-8 \(byte 0xe9"):
        read_predictions(path)
    with pytest.raises(InputError, match="file not found"):
        read_predictions(tmp_path / "absent.jsonl")


def test_fingerprint_mismatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "summary": "x", "fingerprint": "deadbeef00"}\n', encoding="utf-8")
    claimed = read_predictions_file(path).fingerprint
    check_fingerprint(claimed, "deadbeef00" + "1" * 54)  # a prefix is enough
    check_fingerprint(None, "anything")
    with pytest.raises(InputError, match=r"p.jsonl, field 'fingerprint': predictions are for"):
        check_fingerprint(claimed, "cafe" * 16, source=str(path), dataset="seeds")
    with pytest.raises(InputError):
        check_fingerprint("dead", "deadbeef")  # too short to identify a dataset


@register_metric("test-charcount")
class CharCount(Metric):
    """A one-class plug-in, as a user would write it."""

    def score(
        self,
        predictions: Sequence[str],
        references: Sequence[Sequence[str]],
        documents: Sequence[str],
    ) -> list[MetricOutput]:
        return [MetricOutput(scores={"chars": float(len(p))}) for p in predictions]


PLUGIN = """
from benchmark.metrics.base import Metric, MetricOutput, register_metric

@register_metric("test-words")
class Words(Metric):
    def signature(self):
        return "test-words:v1"

    def score(self, predictions, references, documents):
        return [MetricOutput(scores={"words": float(len(p.split()))}) for p in predictions]
"""


def test_a_registered_plugin_metric_is_one_class(
    examples: list[Example], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    preds = lead_predictions(examples)
    cfg = EvalConfig(metrics=["test-charcount"], n_resamples=100)
    res = evaluate_predictions(examples, preds, config=cfg)
    assert res.signature.startswith("test-charcount|agg:mean")
    assert [e.scores["chars"] for e in res.examples] == [float(len(preds[e.id])) for e in examples]
    # a user's module, named on the command line as module:name
    (tmp_path / "my_sumbench_plugin.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    cfg = EvalConfig(metrics=["my_sumbench_plugin:test-words"], n_resamples=100)
    res = evaluate_predictions(examples, preds, config=cfg)
    assert res.signature.startswith("test-words:v1|agg:mean")
    assert [e.scores["words"] for e in res.examples] == [len(preds[e.id].split()) for e in examples]
    with pytest.raises(ConfigError, match=r"unknown metric 'bleurt'.*lengths"):
        make_metrics(EvalConfig(metrics=["bleurt"]))
    with pytest.raises(ConfigError, match="cannot import metric module"):
        make_metrics(EvalConfig(metrics=["no_such_module_xyz:thing"]))


def test_two_metrics_writing_the_same_key_are_refused(examples: list[Example]) -> None:
    cfg = EvalConfig(metrics=["rouge", "rouge155"], n_resamples=50)
    with pytest.raises(ConfigError, match="both produce 'rouge1_"):
        evaluate_predictions(examples, lead_predictions(examples), config=cfg)


def test_audit_flags_russian_under_the_default_profile_and_unicode_scores_100() -> None:
    text = "Президент Белоруссии встретился с вице-премьером России."
    with pytest.warns(TokenisationWarning, match="unicode"):
        default = score_parallel([text], [[text]], config=EvalConfig(metrics=["rouge"]))
    assert default.audit is not None and default.audit.dropped_share > 0.9
    assert default.aggregates["rouge1_f"].mean == 0.0
    assert any(w.startswith("TOKENISATION") for w in result_warnings(default))
    uni = score_parallel(
        [text], [[text]], config=EvalConfig(metrics=["rouge"], tokenizer="unicode")
    )
    assert uni.aggregates["rouge1_f"].mean == 1.0 and uni.audit is not None
    assert uni.audit.warning is None


def test_score_parallel_checks_its_inputs() -> None:
    with pytest.raises(InputError, match="2 predictions but 1 reference"):
        score_parallel(["a", "b"], [["a"]])
    with pytest.raises(InputError, match="item 1 has an empty"):
        score_parallel(["a"], [[" "]])
    with pytest.raises(ConfigError, match="needs the source documents"):
        score_parallel(["a"], [["a"]], config=EvalConfig(metrics=["rouge", "lengths"]))
    # the default metric list names lengths too, but only by default: it is left out
    assert "len_words" not in score_parallel(["a"], [["a"]], config=EvalConfig()).aggregates


def test_compare_runs_matches_examples_by_id_and_refuses_mismatches(
    examples: list[Example],
) -> None:
    from benchmark.evaluation.results import compare_runs
    from benchmark.evaluation.stats import paired_bootstrap

    lead1 = evaluate_predictions(examples, lead_predictions(examples), config=FAST, system="l1")
    two = {e.id: " ".join(split_sentences(e.document)[:2]) for e in examples}
    lead2 = evaluate_predictions(examples, two, config=FAST, system="l2")
    got = compare_runs(lead1, [lead2], metric="rouge2_f")["l2"]
    want = paired_bootstrap(
        [e.scores["rouge2_f"] for e in lead1.examples],
        [e.scores["rouge2_f"] for e in lead2.examples],
        metric="rouge2_f",
    )
    assert got.delta == pytest.approx(want.delta) and got.p_adjusted == got.p_value
    # the same run with its examples in another order gives the same test
    shuffled = lead2.model_copy(update={"examples": list(reversed(lead2.examples))})
    assert compare_runs(lead1, [shuffled], metric="rouge2_f")["l2"].delta == got.delta

    other_seed = evaluate_predictions(
        examples, two, system="l3", config=EvalConfig(n_resamples=200, seed=1)
    )
    with pytest.raises(ConfigError, match="different settings"):
        compare_runs(lead1, [other_seed])
    fewer = evaluate_predictions(
        examples[:4], {k: two[k] for k in list(two)[:4]}, config=FAST, system="l4"
    )
    with pytest.raises(InputError, match=r"cover different examples: 'ex4'"):
        compare_runs(lead1, [fewer])
    with pytest.raises(ConfigError, match="metric 'bleu'"):
        compare_runs(lead1, [lead2], metric="bleu")
