"""A noise-aware gate: `sumbench calibrate` on the XSum sample and on ~550 imported English
SemEval texts, and the `sumbench` pytest fixture (a real plugin, entry point pytest11)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

import benchmark
from benchmark.reports.calibrate import calibrate
from benchmark.reports.check import check_runs

STOCHASTIC = '''
import random

from benchmark import split_sentences


def summarise(document: str) -> str:
    """Two random sentences among the first five, unseeded: every run differs."""
    sents = split_sentences(document)[:5]
    keep = sorted(random.sample(range(len(sents)), min(2, len(sents))))
    return " ".join(sents[i] for i in keep)
'''


def _xsum_items() -> list:  # type: ignore[type-arg]
    from benchmark.dataset.xsum_eval import parse_xsum_eval

    return parse_xsum_eval(SHARED / "eval" / "xsum_human_eval.txt")


@pytest.fixture(scope="module")
def xsum(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The XSum human-evaluation sample, imported as a user would (50 examples)."""
    folder = tmp_path_factory.mktemp("xsum")
    rows = folder / "xsum.jsonl"
    rows.write_text("".join(json.dumps({"id": it.id, "document": "\n".join(it.sentences),
                                        "summary": it.reference}) + "\n"
                            for it in _xsum_items()), encoding="utf-8")
    benchmark.import_dataset(rows, folder / "xsum", reference_field="summary")
    return folder / "xsum"


@pytest.fixture(scope="module")
def semeval_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every English SemEval text of 4+ sentences: reference = its opening sentence."""
    folder = tmp_path_factory.mktemp("semeval")
    csv.field_size_limit(2**31 - 1)
    seen: set[str] = set()
    lines = []
    with open(SHARED / "eval" / "semeval2022_task8_train.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for side in "12":
                text = " ".join(row[f"text{side}"].split())
                if row[f"lang{side}"] != "en" or text in seen:
                    continue
                seen.add(text)
                sents = benchmark.split_sentences(text)
                if len(sents) >= 4:
                    lines.append(json.dumps({"id": f"{row['pair_id']}-{side}",
                                             "document": " ".join(sents[1:]),
                                             "summary": sents[0]}) + "\n")
    (folder / "en.jsonl").write_text("".join(lines), encoding="utf-8")
    benchmark.import_dataset(folder / "en.jsonl", folder / "en", reference_field="summary")
    return folder / "en"


def test_a_deterministic_system_never_flaps(xsum: Path) -> None:
    cal = calibrate(xsum, "lead-1")
    assert cal.deterministic and cal.runs == 2 and cal.noise_floor == 0.0
    assert (cal.min_delta, cal.alpha) == (0.5, 0.05)
    assert cal.run_means["rouge1_f"] == pytest.approx([16.66, 16.66], abs=0.005)  # DESIGN.md
    text = cal.to_text()
    assert "proposed: sumbench check --min-delta 0.5 --alpha 0.05" in text
    assert "only 50 examples" not in text  # 50 is enough for the note's threshold


def test_a_stochastic_system_gets_a_gate_above_its_noise(xsum: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "stoch_sys.py").write_text(STOCHASTIC, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    cal = calibrate(xsum, "py:stoch_sys:summarise", runs=3)
    assert not cal.deterministic and cal.runs == 3 and len(cal.pairs) == 3
    biggest = max(abs(d) for p in cal.pairs for d in p.delta.values())
    assert biggest > 0 and cal.noise_floor >= biggest
    assert cal.min_delta >= cal.noise_floor and cal.min_delta >= 0.5
    # check fails only on drops of at least min_delta: no pair of re-runs reaches it
    assert all(abs(d) < cal.min_delta for p in cal.pairs for d in p.delta.values())
    assert "stochastic (3 runs differ)" in cal.to_text()


@pytest.mark.filterwarnings("ignore::benchmark.evaluation.evaluate.TokenisationWarning")
def test_a_one_point_drop_over_500_examples_is_caught(semeval_en: Path) -> None:
    cal = calibrate(semeval_en, "lead-1")
    assert cal.n > 500 and cal.deterministic
    caught = [s.drop["rouge1_f"] for s in cal.sensitivity if s.caught]
    missed = [s.drop["rouge1_f"] for s in cal.sensitivity if not s.caught]
    assert caught and min(caught) <= 1.0, cal.to_text()
    assert max(missed) < min(caught)  # the gate's resolution is one threshold
    assert cal.smallest_caught == min(caught)


def test_calibrate_cli_prints_to_stdout(xsum: Path) -> None:
    code = "import sys\nfrom benchmark.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.run([sys.executable, "-c", code, "calibrate", "--dataset", str(xsum),
                           "--system", "lead-1", "--json"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["deterministic"] and data["min_delta"] == 0.5 and data["n"] == 50
    bad = subprocess.run([sys.executable, "-c", code, "calibrate", "--dataset", str(xsum),
                          "--system", "lead-1", "--runs", "1"], capture_output=True, text=True,
                         timeout=300, cwd=ROOT)
    assert bad.returncode == 2


@pytest.fixture(scope="module")
def published_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Results of two published XSum systems: Topic-ConvS2S (42.7 R1) and LEAD (16.7)."""
    folder = tmp_path_factory.mktemp("published")
    items = _xsum_items()
    refs = [it.reference for it in items]
    out = {}
    for name in ("Topic-ConvS2S", "LEAD", "ConvS2S"):
        result = benchmark.score([it.outputs[name] for it in items], refs, system="model")
        out[name] = folder / f"{name}.json"
        benchmark.write_result(result, out[name])
    return out


def test_pytest_plugin_fixture_is_auto_loaded(tmp_path: Path,
                                              published_runs: dict[str, Path]) -> None:
    test_file = tmp_path / "test_gate.py"
    test_file.write_text(
        "def test_same(sumbench):\n"
        f"    report = sumbench.assert_no_regression({str(published_runs['LEAD'])!r},\n"
        f"                                           {str(published_runs['LEAD'])!r})\n"
        "    assert report.passed\n"
        "def test_regressed(sumbench):\n"
        f"    sumbench.assert_no_regression({str(published_runs['Topic-ConvS2S'])!r},\n"
        f"                                  {str(published_runs['LEAD'])!r})\n",
        encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(test_file)], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert "1 failed, 1 passed" in proc.stdout, proc.stdout[-3000:]
    assert "sumbench check: FAILED: rouge1_f" in proc.stdout
    assert "fixture 'sumbench' not found" not in proc.stdout


def test_plugin_import_is_light_and_its_gate_matches_check(
        published_runs: dict[str, Path]) -> None:
    code = ("import sys, benchmark.reports.pytest_plugin\n"
            "print(sorted(m for m in ('pydantic', 'numpy', 'benchmark.reports.check') "
            "if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.strip() == "[]", proc.stderr
    from benchmark.reports.pytest_plugin import SumbenchGate

    base = benchmark.load_result(published_runs["ConvS2S"])
    cand = benchmark.load_result(published_runs["LEAD"])
    mine = SumbenchGate().check(base, published_runs["LEAD"], min_delta=1.3, alpha=0.05)
    theirs = check_runs(base, cand, min_delta=1.3, alpha=0.05)
    assert mine.to_markdown() == theirs.to_markdown() and not mine.passed
