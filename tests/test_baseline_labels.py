"""Baselines labelled for what they know: reference-length flag, identical rows, LexRank."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import SHARED
from test_adapters import seed_examples

from benchmark.reports.leaderboard import (
    LENGTH_MARK,
    build_leaderboard,
    load_runs,
    to_csv,
    to_markdown,
)
from benchmark.runner.run import run_systems
from benchmark.schema import Example
from benchmark.systems.registry import get_system

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def board_md(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    from benchmark.dataset.export import write_dataset

    root = tmp_path_factory.mktemp("labels")
    write_dataset(root / "ds", name="ds", splits={"test": seed_examples()}, settings={},
                  counts={})
    specs = ["lead-3", "lead-k", "random-k", "lead-1", "first-sentence", "lead-k:k=2"]
    run_systems(root / "ds", specs, out=root / "runs", human_ceiling=False)
    board = build_leaderboard(load_runs(root / "runs"), "lead-3")
    return to_markdown(board), to_csv(board)


def test_reference_length_systems_are_flagged_and_listed_after(board_md: tuple[str, str]) -> None:
    md, csv_text = board_md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "System" not in line]
    names = [r.split(" | ")[0][2:] for r in rows]
    flagged = [n for n in names if LENGTH_MARK in n]
    assert sorted(flagged) == [f"lead-k {LENGTH_MARK}", f"random-k {LENGTH_MARK}"]
    # lead-k:k=2 chooses its own length: not flagged; flagged rows come last
    assert names.index(f"lead-k {LENGTH_MARK}") > names.index("lead-k:k=2")
    assert all(LENGTH_MARK in n for n in names[-2:])
    assert "summary length set from the references" in md
    assert "reference_length" in csv_text.splitlines()[0]


def test_identical_rows_are_named(board_md: tuple[str, str]) -> None:
    md, _ = board_md
    # every seed example has one document, so first-sentence is lead-1
    assert "first-sentence and lead-1 have identical scores on every example" in md
    assert "first-sentence is lead-1" in md


def test_systems_listing_marks_reference_length() -> None:
    from click.testing import CliRunner

    from benchmark.cli import cli

    out = CliRunner().invoke(cli, ["systems"]).output
    line = {ln.split()[0]: ln for ln in out.splitlines() if ln and not ln.startswith(" ")}
    assert line["lead-k"].endswith("[length from references]")
    assert line["random-k"].endswith("[length from references]")
    assert "[length" not in line["lead-3"] and "[length" not in line["lead-1"]
    assert line["oracle"].endswith("[reads references]")


def _xsum_examples() -> list[Example]:
    sys.path.insert(0, str(ROOT / "bench"))
    from benchmark.dataset.xsum_eval import read_xsum_human_eval

    return [ex for ex, _ in read_xsum_human_eval(SHARED / "eval" / "xsum_human_eval.txt")]


def test_lexrank_and_centroid_differ_as_their_papers_do() -> None:
    from benchmark.dataset.folder import load_dataset_dir

    lex, cen = get_system("lexrank"), get_system("centroid")
    seeds = load_dataset_dir(ROOT / "data" / "seeds").splits["test"]
    xsum = _xsum_examples()
    same_seeds = sum(lex().summarize(e) == cen().summarize(e) for e in seeds)
    same_xsum = sum(lex().summarize(e) == cen().summarize(e) for e in xsum)
    assert same_seeds <= 1 and same_xsum <= 20, (same_seeds, same_xsum)
    # the continuous variant ranks like the centroid (first power step = n * x_i . centroid)
    continuous = lex(lex.Config(threshold=0))
    assert all(continuous.summarize(e) == cen().summarize(e) for e in seeds)
    assert sum(continuous.summarize(e) == cen().summarize(e) for e in xsum) >= 35
