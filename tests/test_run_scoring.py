"""`sumbench run` with `sumbench evaluate`'s scoring options, on a Russian dataset built
from SemEval-2022 Task 8 rows and on the seeds: the run scores exactly as `evaluate`
does on the same predictions, the signature names the profile, and the oracle is
pinned to (and cached for) the profile the user chose."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT, SHARED, shared_file

from benchmark.cli import cli, main
from benchmark.evaluation.evaluate import EvalConfig, TokenisationWarning
from benchmark.evaluation.results import load_result
from benchmark.runner.cache import PredictionCache
from benchmark.runner.run import run_systems
from benchmark.schema import RunResult

SEMEVAL = SHARED / "eval" / "semeval2022_task8_train.csv"
SEEDS = ROOT / "data" / "seeds"
RU = ("--tokenizer", "unicode", "--language", "ru")


def invoke(*args: str) -> Any:
    """Run the CLI in-process; any exit status but 0 fails the test with its output."""
    got = CliRunner().invoke(cli, list(args))
    assert got.exit_code == 0, (got.output, got.exception)
    return got


@pytest.fixture(scope="module")
def ru_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five Russian story pairs (rated the same story): text1 is the document, the
    first 40 words of text2 the reference; imported with `sumbench import`."""
    shared_file("eval/semeval2022_task8_train.csv")
    root = tmp_path_factory.mktemp("ru")
    csv.field_size_limit(10**8)
    with SEMEVAL.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["lang1"] == r["lang2"] == "ru" and float(r["Overall"]) <= 2.0][:5]
    assert len(rows) == 5
    src = root / "ru.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps({"id": r["pair_id"], "document": r["text1"].strip(),
                                 "summary": " ".join(r["text2"].split()[:40]), "lang": "ru"},
                                ensure_ascii=False) + "\n")
    invoke("import", str(src), "--out", str(root / "ru"), "--field-map", "language=lang")
    return root / "ru"


def cached_predictions(result: RunResult, out: Path) -> dict[str, str]:
    """The predictions a run scored, read back from the cache file of its identity."""
    identity = result.meta["run"]["identity"]
    for path in sorted((out / ".cache").glob("*.jsonl")):
        header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
        if header["system"] == identity:
            slug = path.name[: -len("-0123456789abcdef.jsonl")]
            cache = PredictionCache(out / ".cache", slug, identity, result.dataset_fingerprint)
            assert cache.path == path
            return {k: v.summary for k, v in cache.load().items() if v.summary is not None}
    raise AssertionError(f"no cache file for {identity}")


def evaluate_same(result: RunResult, out: Path, dataset: Path, tmp: Path,
                  *options: str) -> RunResult:
    """`sumbench evaluate` with ``options`` on the predictions the run scored."""
    preds = tmp / f"{result.system}.jsonl"
    preds.write_text("".join(json.dumps({"id": k, "summary": v}, ensure_ascii=False) + "\n"
                             for k, v in cached_predictions(result, out).items()),
                     encoding="utf-8")
    scored = tmp / f"{result.system}-evaluate.json"
    invoke("evaluate", "--dataset", str(dataset), "--split", result.split, "--predictions",
           str(preds), "--system", result.system, "--out", str(scored), *options)
    return load_result(scored)


def run_cli(dataset: Path, out: Path, *options: str) -> tuple[dict[str, RunResult], str]:
    """`sumbench run` of lead-1 and the oracle; results by system, and stderr."""
    got = invoke("run", "--dataset", str(dataset), "--system", "lead-1", "--system", "oracle",
                 "--out", str(out), "--no-progress", "--no-human-ceiling", *options)
    results = {r.system: r for r in (load_result(out / f"{s}.json") for s in ("lead-1", "oracle"))}
    return results, got.output


def test_unicode_ru_run_scores_as_evaluate_does(ru_dataset: Path, tmp_path: Path) -> None:
    default, stderr = run_cli(ru_dataset, tmp_path / "runs")
    # The audit's advice names the options that fix it.
    assert "--tokenizer unicode --language ru" in stderr
    summary = json.loads((tmp_path / "runs" / "_summary.json").read_text(encoding="utf-8"))
    assert "--tokenizer unicode --language ru" in summary["audit_advice"]

    ru, stderr = run_cli(ru_dataset, tmp_path / "runs", *RU)
    assert "WARNING" not in stderr and "lead-1: R1" in stderr
    summary = json.loads((tmp_path / "runs" / "_summary.json").read_text(encoding="utf-8"))
    assert "audit_advice" not in summary
    assert summary["eval_config"]["tokenizer"] == "unicode"
    assert summary["eval_config"]["language"] == "ru"
    # lead-1's predictions do not depend on scoring: all five came from the cache.
    assert ru["lead-1"].meta["run"]["predictions_cached"] == 5
    for name, result in ru.items():
        assert result.audit is not None and result.audit.warning is None
        r1 = result.aggregates["rouge1_f"].mean
        assert r1 > 0.1 and r1 > default[name].aggregates["rouge1_f"].mean
        for field in ("tok:unicode", "stem:snowball-russian", "lang:ru"):
            assert field in result.signature
        assert summary["signature"] == result.signature
        assert result.meta["eval_config"]["tokenizer"] == "unicode"
        same = evaluate_same(result, tmp_path / "runs", ru_dataset, tmp_path, *RU)
        assert same.signature == result.signature
        assert same.aggregates == result.aggregates
    assert ru["oracle"].aggregates["rouge1_f"].mean >= ru["lead-1"].aggregates["rouge1_f"].mean


def test_oracle_is_pinned_to_the_chosen_profile_and_cached_apart(
    ru_dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "runs"
    auto, _ = run_cli(ru_dataset, out)
    assert auto["oracle"].system_config["tokenizer"] == "auto"
    # Under auto the oracle already selects Russian text with unicode: choosing
    # rouge-score on purpose must change what it selects (and be an upper bound for it).
    pinned, _ = run_cli(ru_dataset, out, "--tokenizer", "rouge-score")
    assert pinned["oracle"].system_config["tokenizer"] == "rouge-score"
    assert pinned["oracle"].system_config["language"] is None
    assert pinned["oracle"].meta["run"]["predictions_computed"] == 5
    assert pinned["lead-1"].meta["run"]["predictions_cached"] == 5
    # The same profile as the default, so the same scores for lead-1 ...
    assert pinned["lead-1"].aggregates == auto["lead-1"].aggregates
    # ... but other oracle predictions, in another cache file.
    assert cached_predictions(pinned["oracle"], out) != cached_predictions(auto["oracle"], out)
    assert len(list((out / ".cache").glob("oracle-*.jsonl"))) == 2
    ru, _ = run_cli(ru_dataset, out, *RU)
    config = ru["oracle"].system_config
    assert (config["tokenizer"], config["language"], config["stem"]) == ("unicode", "ru", True)
    assert len(list((out / ".cache").glob("oracle-*.jsonl"))) == 3
    # Running again reuses each profile's own cache.
    again, _ = run_cli(ru_dataset, out, "--tokenizer", "rouge-score")
    assert again["oracle"].meta["run"]["predictions_cached"] == 5
    assert again["oracle"].aggregates == pinned["oracle"].aggregates


def test_python_api_takes_the_same_config(ru_dataset: Path, tmp_path: Path) -> None:
    cli_results, _ = run_cli(ru_dataset, tmp_path / "cli", *RU)
    report = run_systems(ru_dataset, ["lead-1", "oracle"], out=tmp_path / "api",
                         human_ceiling=False,
                         scoring=EvalConfig(tokenizer="unicode", language="ru"))
    assert report.advice is None and report.scoring is not None
    for run in report.systems:
        other = cli_results[run.result.system]
        assert run.result.signature == other.signature
        assert run.result.aggregates == other.aggregates
        assert run.result.system_config == other.system_config


def test_default_run_on_seeds_is_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "runs"
    got = invoke("run", "--dataset", str(SEEDS), "--system", "lead-3", "--system", "oracle",
                 "--out", str(out), "--no-progress", "--no-human-ceiling")
    assert "WARNING" not in got.output
    for name in ("lead-3", "oracle"):
        result = load_result(out / f"{name}.json")
        assert "tok:rouge-score|stem:porter" in result.signature
        same = evaluate_same(result, out, SEEDS, tmp_path)  # evaluate's defaults
        assert same.signature == result.signature
        assert same.aggregates == result.aggregates
    oracle = load_result(out / "oracle.json")
    assert oracle.system_config["tokenizer"] == "auto"
    # A config that sets no profile field (only the bootstrap) keeps the oracle at auto
    # and its cache; the scores move only in their intervals.
    report = run_systems(SEEDS, ["oracle"], out=out, human_ceiling=False,
                         scoring=EvalConfig(n_resamples=200))
    (run,) = report.systems
    assert run.predictions is not None and run.predictions.cached == 4
    assert "boot:200@12345" in run.result.signature
    assert run.result.aggregates["rouge1_f"].mean == oracle.aggregates["rouge1_f"].mean


def test_bad_scoring_option_fails_before_any_prediction(
    ru_dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["run", "--dataset", str(ru_dataset), "--system", "lead-1",
              "--out", str(tmp_path / "runs"), "--tokenizer", "bogus"])
    assert stop.value.code == 2
    assert "unknown tokenizer profile 'bogus'" in capsys.readouterr().err
    assert not (tmp_path / "runs").exists()


def test_advice_under_rouge155_says_to_drop_it(ru_dataset: Path, tmp_path: Path) -> None:
    with pytest.warns(TokenisationWarning, match="without --rouge155") as caught:
        report = run_systems(ru_dataset, ["lead-1"], out=tmp_path, human_ceiling=False,
                             scoring=EvalConfig(rouge155="-n 2 -m -a", n_resamples=100))
    assert len(caught) == 1  # one message for the run, not one per result
    assert report.advice is not None
    assert "without --rouge155" in report.advice
    assert "--tokenizer unicode --language ru" in report.advice
