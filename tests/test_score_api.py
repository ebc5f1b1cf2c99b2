"""benchmark.score: the one-line call, its defaults, and ``-`` (stdin) wherever a file is read."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import benchmark
from benchmark.cli import cli
from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.texts import score_parallel

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DATASET = ROOT / "data" / "seeds"


@pytest.fixture(scope="module")
def seeds() -> list[benchmark.Example]:
    ds = benchmark.load_dataset_dir(SEEDS_DATASET)
    return [ex for split in sorted(ds.splits) for ex in ds.splits[split]]


def _lead(ex: benchmark.Example) -> str:
    return ex.document.split(". ")[0].replace("\n", " ") + "."


def test_flat_references_score_like_rouge_score(seeds: list[benchmark.Example]) -> None:
    from rouge_score import rouge_scorer

    preds = [_lead(ex) for ex in seeds]
    refs = [ex.references[0] for ex in seeds]
    result = benchmark.score(preds, refs)  # defaults, flat list: what people type
    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    expected = [scorer.score(r, p)["rouge1"].fmeasure for p, r in zip(preds, refs, strict=True)]
    assert [e.scores["rouge1_f"] for e in result.examples] == pytest.approx(expected)
    agg = result.aggregates["rouge1_f"]
    assert agg.mean == pytest.approx(sum(expected) / len(expected))
    assert agg.low <= agg.mean <= agg.high and agg.n == len(seeds)
    # lengths needs the documents: without them the default leaves it out, not raise
    assert "len_words" not in result.aggregates and "lengths" not in result.signature
    assert [e.id for e in result.examples] == [str(i) for i in range(1, len(seeds) + 1)]


def test_flat_and_nested_references_agree(seeds: list[benchmark.Example]) -> None:
    preds = [_lead(ex) for ex in seeds]
    flat = benchmark.score(preds, [ex.references[0] for ex in seeds])
    nested = score_parallel(preds, [[ex.references[0]] for ex in seeds],
                            config=benchmark.EvalConfig(metrics=["rouge"]))
    assert flat.signature == nested.signature
    assert flat.aggregates == nested.aggregates


def test_multi_reference_and_options(seeds: list[benchmark.Example]) -> None:
    preds = [_lead(ex) for ex in seeds]
    refs = [ex.references for ex in seeds]
    assert all(len(r) > 1 for r in refs)
    best = benchmark.score(preds, refs)
    mean = benchmark.score(preds, refs, multiref="mean", n_resamples=200)
    assert "multiref:mean" in mean.signature and "boot:200@" in mean.signature
    assert mean.aggregates["rouge1_f"].mean < best.aggregates["rouge1_f"].mean
    with_docs = benchmark.score(preds, refs, documents=[ex.document for ex in seeds])
    assert with_docs.aggregates["len_words"].mean > 5
    with pytest.raises(ConfigError, match="pass either config= or keyword"):
        benchmark.score(preds, refs, config=benchmark.EvalConfig(), seed=1)
    with pytest.raises(ConfigError, match="'lengths' metric needs the source documents"):
        benchmark.score(preds, refs, metrics=["rouge", "lengths"])
    with pytest.raises(ConfigError, match="invalid evaluation setting 'tokenizr'"):
        benchmark.score(preds, refs, tokenizr="unicode")


def test_bad_references_are_named() -> None:
    with pytest.raises(InputError, match="item 2 has an empty or missing reference"):
        benchmark.score(["a b", "c d"], ["a b", "  "])
    with pytest.raises(InputError, match="item 1: a reference must be a string"):
        benchmark.score(["a b"], [3])  # type: ignore[list-item]
    with pytest.raises(InputError, match="2 predictions but 1 reference sets"):
        benchmark.score(["a", "b"], ["a"])


def test_rouge_metric_score_needs_no_documents(seeds: list[benchmark.Example]) -> None:
    out = benchmark.RougeMetric().score([_lead(seeds[0])], [seeds[0].references])
    assert 0 < out[0].scores["rouge1_f"] < 1
    with pytest.raises(InputError, match="example 1 has no reference"):
        benchmark.RougeMetric().score(["a"], [[]])


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_score_cli_reads_predictions_from_stdin(tmp_path: Path,
                                                seeds: list[benchmark.Example]) -> None:
    preds = [_lead(ex) for ex in seeds]
    refs = _write_lines(tmp_path / "refs.txt",
                        [ex.references[0].replace("\n", " ") for ex in seeds])
    preds_file = _write_lines(tmp_path / "preds.txt", preds)
    runner = CliRunner()
    from_file = runner.invoke(cli, ["score", "-r", str(refs), "-p", str(preds_file), "--json"])
    piped = runner.invoke(cli, ["score", "-r", str(refs), "-p", "-", "--json"],
                          input="".join(f"{p}\n" for p in preds))
    assert piped.exit_code == 0, piped.output
    a, b = json.loads(from_file.stdout), json.loads(piped.stdout)
    assert a["aggregates"] == b["aggregates"] and b["system"] == "stdin"
    twice = runner.invoke(cli, ["score", "-r", "-", "-p", "-"], input="a\n")
    assert isinstance(twice.exception, InputError)  # main() prints it and exits 2
    assert "can be read only once" in str(twice.exception)


def test_evaluate_and_check_read_stdin(tmp_path: Path, seeds: list[benchmark.Example]) -> None:
    ds = benchmark.load_dataset_dir(SEEDS_DATASET)
    lines = "".join(json.dumps({"id": ex.id, "summary": _lead(ex)}) + "\n"
                    for ex in ds.splits["test"])
    runner = CliRunner()
    out = tmp_path / "run.json"
    res = runner.invoke(cli, ["evaluate", "--dataset", str(SEEDS_DATASET), "--predictions", "-",
                              "--out", str(out)], input=lines)
    assert res.exit_code == 0, res.output
    assert benchmark.load_result(out).system == "stdin"
    check = runner.invoke(cli, ["check", "--baseline", str(out), "--candidate", "-"],
                          input=out.read_text(encoding="utf-8"))
    assert check.exit_code == 0, check.output
    assert "PASS" in check.stdout
    bad = runner.invoke(cli, ["evaluate", "--dataset", str(SEEDS_DATASET), "--predictions", "-"],
                        input='{"id": "x"\n')
    assert isinstance(bad.exception, InputError) and "<stdin>:1" in str(bad.exception)


def test_build_reads_jsonl_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8")}) + "\n"
                   for p in sorted((ROOT / "data" / "raw").glob("*.txt")))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(rows.encode("utf-8"))))
    report = benchmark.build_dataset("-", tmp_path / "seeds")
    built = benchmark.load_dataset_dir(tmp_path / "seeds")
    assert built.fingerprint == benchmark.load_dataset_dir(SEEDS_DATASET).fingerprint
    assert sum(report.examples.values()) == 4
