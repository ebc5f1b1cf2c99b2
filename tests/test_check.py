"""The regression gate (`sumbench check`, check_runs, assert_no_regression) on real runs.

Runs come from the lead-3 baseline on the committed seed dataset and on a 60-example
dataset the tests import into tmp_path; candidates are lead-3's own outputs with
planted damage, scored by the real evaluator.
"""

from __future__ import annotations

import json
import random
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT

from benchmark.cli import main
from benchmark.dataset.folder import LoadedDataset, load_dataset_dir
from benchmark.dataset.importer import import_dataset
from benchmark.errors import ConfigError, InputError
from benchmark.evaluation.evaluate import EvalConfig, evaluate_predictions
from benchmark.evaluation.results import load_result, write_result
from benchmark.reports.check import REGRESSED, check_runs
from benchmark.reports.pytest_plugin import assert_no_regression
from benchmark.runner.run import run_systems
from benchmark.schema import RunResult
from benchmark.systems.registry import get_system

SEED_DATA = ROOT / "data" / "seeds"
WORDS = ["market", "bank", "rate", "minister", "election", "court", "police", "storm", "river",
         "council", "school", "hospital", "budget", "energy", "company", "price", "report",
         "trade", "union", "farmer", "city", "border", "army", "train", "road", "water",
         "power", "health", "tax", "vote", "plan", "deal", "talks", "crisis"]
N_SYNTH = 60
PLANTED = 20
IDS = [f"doc{i:02d}" for i in range(N_SYNTH)]
#: the examples whose summaries the "broken" candidate replaces with random words
PLANTED_IDS = set(random.Random(1).sample(IDS, PLANTED))


def _lead3(ds: LoadedDataset) -> dict[str, str]:
    exs = ds.splits["test"]
    return dict(zip([e.id for e in exs], get_system("lead-3")().summarize_batch(exs), strict=True))


def _score(ds: LoadedDataset, preds: dict[str, str], config: EvalConfig | None = None,
           system: str = "lead-3") -> RunResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tokenisation audit may warn on garbled text
        return evaluate_predictions(ds.splits["test"], preds, config=config,
                                    dataset_name=ds.name, fingerprint=ds.fingerprint,
                                    system=system)


def _shuffle_words(text: str, rng: random.Random) -> str:
    """Same words (so ROUGE-1 is unchanged), different order (so bigrams break)."""
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """lead-3 run by the runner, plus truncated and other-tokenizer candidates."""
    out = tmp_path_factory.mktemp("seedruns")
    report = run_systems(SEED_DATA, ["lead-3"], out=out, human_ceiling=False)
    ds = load_dataset_dir(SEED_DATA)
    preds = _lead3(ds)
    paths = {"base": report.systems[0].path}
    for name, result in (
        ("same", _score(ds, preds)),
        ("truncated", _score(ds, {k: " ".join(v.split()[:8]) for k, v in preds.items()})),
        ("unicode", _score(ds, preds, EvalConfig(tokenizer="unicode"))),
    ):
        paths[name] = out / f"{name}.json"
        write_result(result, paths[name])
    return paths


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, RunResult]:
    """A 60-example imported dataset: lead-3, and candidates with planted damage."""
    tmp = tmp_path_factory.mktemp("synth")
    rng = random.Random(7)
    rows = []
    for i in range(N_SYNTH):
        sents = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))).capitalize()
                 + "." for _ in range(10)]
        ref = " ".join([sents[0], sents[rng.randint(1, 4)]])
        rows.append({"id": IDS[i], "document": " ".join(sents), "summary": ref})
    src = tmp / "pairs.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    import_dataset(src, tmp / "ds")
    ds = load_dataset_dir(tmp / "ds")
    preds = _lead3(ds)
    assert sorted(preds) == IDS
    garble = random.Random(2)
    noise = random.Random(3)
    return {
        "base": _score(ds, preds),
        "same": _score(ds, dict(preds), system="lead-3-v2"),
        # the planted regression: 20 of 60 summaries replaced by random words
        "broken": _score(ds, {k: (" ".join(garble.choice(WORDS) for _ in range(30))
                                  if k in PLANTED_IDS else v) for k, v in preds.items()}),
        # a tiny change: the last word of every summary replaced by a non-word
        "tiny": _score(ds, {k: v.rsplit(" ", 1)[0] + " xyzzy." for k, v in preds.items()}),
        "reordered": _score(ds, {k: _shuffle_words(v, noise) for k, v in preds.items()}),
    }


def _run_cli(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_same_outputs_pass(synth: dict[str, RunResult]) -> None:
    report = check_runs(synth["base"], synth["same"])
    assert report.passed
    assert [m.metric for m in report.metrics] == ["rouge1_f", "rouge2_f", "rougeL_f"]
    assert all(m.delta == 0 and m.p_adjusted == 1.0 for m in report.metrics)
    assert report.moved.n_dropped == report.moved.n_gained == 0


def test_planted_regression_is_caught_and_named(synth: dict[str, RunResult]) -> None:
    planted = PLANTED_IDS
    report = check_runs(synth["base"], synth["broken"], top=PLANTED)
    assert not report.passed
    assert set(report.regressed) == {"rouge1_f", "rouge2_f", "rougeL_f"}
    r1 = report.metrics[0]
    assert r1.delta < -0.5 and r1.high < 0 and r1.p_adjusted < 0.05
    assert r1.baseline_mean == pytest.approx(synth["base"].aggregates["rouge1_f"].mean * 100)
    # every example that dropped is a planted one, and the top-20 drops are exactly them
    assert {r.id for r in report.moved.drops} == planted
    assert report.moved.n_dropped == PLANTED and report.moved.n_gained == 0
    deltas = [r.delta for r in report.moved.drops]
    assert deltas == sorted(deltas)
    md = report.to_markdown()
    assert "FAILED" in md and all(i in md for i in planted)


def test_min_delta_separates_tiny_significant_drops(synth: dict[str, RunResult]) -> None:
    strict = check_runs(synth["base"], synth["tiny"], min_delta=0.0)
    loose = check_runs(synth["base"], synth["tiny"], min_delta=5.0)
    drops = [m for m in strict.metrics if m.delta < 0 and m.p_adjusted < 0.05]
    assert drops, "a wrong word in every summary should be detectable"
    assert strict.regressed == [m.metric for m in drops] and not strict.passed
    assert loose.passed and all(m.verdict != REGRESSED for m in loose.metrics)
    assert all(-m.delta < 5.0 for m in drops)


def test_failure_only_for_the_metric_that_regressed(synth: dict[str, RunResult],
                                                    tmp_path: Path) -> None:
    report = check_runs(synth["base"], synth["reordered"], metrics=["rouge1_f", "rouge2_f"])
    r1, r2 = report.metrics
    assert r1.delta == pytest.approx(0.0, abs=1e-9) and not r1.regressed
    assert r2.regressed
    xml_path = tmp_path / "r.xml"
    xml_path.write_text(report.to_junit_xml(), encoding="utf-8")
    suite = ET.parse(xml_path).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "2" and suite.get("failures") == "1"
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"rouge2_f"}
    # the examples named are ranked on the metric that regressed, not on rouge1_f
    assert report.moved.metric == "rouge2_f" and report.moved.drops
    text = suite.findtext("testcase/failure") or ""
    assert all(r.id in text for r in report.moved.drops)
    assert report.moved_by_metric["rouge1_f"].n_dropped < report.moved.n_dropped


def test_holm_adjusts_over_metrics(synth: dict[str, RunResult]) -> None:
    one = check_runs(synth["base"], synth["tiny"], metrics=["rouge2_f"])
    three = check_runs(synth["base"], synth["tiny"])
    assert one.metrics[0].p_adjusted == one.metrics[0].p_value
    r2 = next(m for m in three.metrics if m.metric == "rouge2_f")
    assert r2.p_value == one.metrics[0].p_value
    assert min(m.p_adjusted for m in three.metrics) == pytest.approx(
        min(1.0, 3 * min(m.p_value for m in three.metrics)))
    ar = check_runs(synth["base"], synth["broken"], method="approximate-randomization")
    assert not ar.passed and ar.method == "approximate-randomization"


def test_deterministic_outputs(synth: dict[str, RunResult]) -> None:
    a = check_runs(synth["base"], synth["tiny"], seed=5)
    b = check_runs(synth["base"], synth["tiny"], seed=5)
    assert a.to_junit_xml() == b.to_junit_xml() and a.to_markdown() == b.to_markdown()


def test_refuses_incomparable_runs(synth: dict[str, RunResult], seeds: dict[str, Path]) -> None:
    with pytest.raises(ConfigError, match=r"different settings.*tok: rouge-score vs unicode"):
        check_runs(load_result(seeds["base"]), load_result(seeds["unicode"]))
    with pytest.raises(ConfigError, match=r"different settings.*dataset"):
        check_runs(synth["base"], load_result(seeds["base"]))
    base = synth["base"]
    fewer = base.model_copy(update={"examples": base.examples[1:]})
    with pytest.raises(InputError, match=f"1 only in baseline \\('{base.examples[0].id}'\\)"):
        check_runs(base, fewer)
    with pytest.raises(ConfigError, match="metric 'bleu' is missing"):
        check_runs(base, base, metrics=["bleu"])


def test_cli_exit_codes_and_reports(seeds: dict[str, Path], tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    base = str(seeds["base"])
    assert _run_cli(["check", "--baseline", base, "--candidate", str(seeds["same"])]) == 0
    assert "PASSED" in capsys.readouterr().out
    junit, md = tmp_path / "ci" / "report.xml", tmp_path / "ci" / "summary.md"
    code = _run_cli(["check", "--baseline", base, "--candidate", str(seeds["truncated"]),
                     "--metric", "rouge1_f", "--junit", str(junit), "--markdown", str(md)])
    out = capsys.readouterr()
    assert code == 1
    assert md.read_text(encoding="utf-8") == out.out
    ids = [e.id for e in load_result(seeds["base"]).examples]
    assert all(i in out.out for i in ids) and "only 4 examples" in out.out
    suite = ET.parse(junit).getroot()
    assert [c.get("name") for c in suite.iter("testcase")] == ["rouge1_f"]
    assert suite.find("testcase/failure") is not None
    assert _run_cli(["check", "--baseline", base, "--candidate", str(seeds["unicode"])]) == 2
    assert "tok: rouge-score vs unicode" in capsys.readouterr().err
    missing = str(tmp_path / "nope.json")
    assert _run_cli(["check", "--baseline", base, "--candidate", missing]) == 2
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    bad_out = str(tmp_path / "afile" / "r.xml")
    assert _run_cli(["check", "--baseline", base, "--candidate", base, "--junit", bad_out]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_pytest_helper(synth: dict[str, RunResult], seeds: dict[str, Path]) -> None:
    assert assert_no_regression(seeds["base"], seeds["same"]).passed
    with pytest.raises(AssertionError, match="FAILED") as err:
        assert_no_regression(synth["base"], synth["broken"], top=PLANTED)
    assert all(i in str(err.value) for i in PLANTED_IDS)
    with pytest.raises(ConfigError):
        assert_no_regression(seeds["base"], seeds["unicode"])
