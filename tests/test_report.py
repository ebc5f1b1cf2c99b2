"""Leaderboards: four formats that parse back, upper bounds apart, significance marks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from test_adapters import seed_examples

from benchmark.errors import ConfigError, InputError
from benchmark.reports.leaderboard import (
    DOWN,
    GROUP_SYSTEMS,
    GROUP_UPPER,
    UP,
    build_leaderboard,
    load_runs,
    parse_formats,
    tex_escape,
    to_csv,
    to_json,
    to_latex,
    to_markdown,
    write_leaderboard,
)
from benchmark.runner.run import run_systems
from benchmark.schema import Aggregate, ExampleScore, RunResult

SPECS = ["lead-3", "first-sentence", "random-1", "textrank", "oracle"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmark.dataset.export import write_dataset

    root = tmp_path_factory.mktemp("report")
    write_dataset(root / "seedtest", name="seedtest", splits={"test": seed_examples()},
                  settings={}, counts={})
    run_systems(root / "seedtest", SPECS, out=root / "runs")
    return root / "runs"


def _synthetic(system: str, values: list[float], fingerprint: str = "fp") -> RunResult:
    keys = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f")
    mean = sum(values) / len(values)
    agg = Aggregate(mean=mean, low=min(values), high=max(values), n=len(values))
    return RunResult(
        signature="sig", dataset="syn", dataset_fingerprint=fingerprint, split="test",
        system=system, aggregates={k: agg for k in keys},
        examples=[ExampleScore(id=f"e{i}", scores={k: v for k in keys})
                  for i, v in enumerate(values)],
    )


def test_every_format_holds_every_system(runs: Path, tmp_path: Path) -> None:
    results = load_runs(runs)
    board = build_leaderboard(results, "lead-3")
    names = {r.system for r in results}
    assert names == {*SPECS, "human (leave-one-out)"}
    paths = write_leaderboard(board, tmp_path)
    assert [p.name for p in paths] == ["leaderboard.md", "leaderboard.csv", "leaderboard.tex",
                                       "leaderboard.json"]
    md = (tmp_path / "leaderboard.md").read_text()
    tex = (tmp_path / "leaderboard.tex").read_text()
    for name in names:
        assert f"| {name}" in md
        assert tex_escape(name) in tex
    assert "| lead-3 (baseline) |" in md
    assert "## Upper bounds (read the references)" in md
    assert md.index("| oracle") > md.index("## Upper bounds")
    assert md.index("| textrank") < md.index("## Upper bounds")
    assert tex.count(r"\toprule") == 1 and r"\end{tabular}" in tex

    by_name = {r.system: r for r in results}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "leaderboard.csv").read_text())))
    assert {r["system"] for r in rows} == names
    for row in rows:
        agg = by_name[row["system"]].aggregates
        assert float(row["rouge1_f"]) == pytest.approx(100 * agg["rouge1_f"].mean, abs=0.006)
        assert float(row["rougeLsum_f_high"]) == pytest.approx(
            100 * agg["rougeLsum_f"].high, abs=0.006)
        assert float(row["len_words"]) == pytest.approx(agg["len_words"].mean, abs=0.006)
        expected_group = GROUP_UPPER if row["system"] in ("oracle", "human (leave-one-out)") \
            else GROUP_SYSTEMS
        assert row["group"] == expected_group

    doc = json.loads((tmp_path / "leaderboard.json").read_text())
    assert doc["baseline"] == "lead-3" and doc["dataset"] == "seedtest"
    for row in doc["rows"]:
        assert row["scores"]["rouge2_f"]["mean"] == by_name[row["system"]].aggregates[
            "rouge2_f"].mean
        tested = row["group"] == GROUP_SYSTEMS and not row["baseline"]
        assert bool(row["vs_baseline"]) == tested


def test_same_runs_give_identical_bytes(runs: Path) -> None:
    a = build_leaderboard(load_runs(runs), "lead-3")
    b = build_leaderboard(load_runs(runs), "lead-3")
    for render in (to_markdown, to_csv, to_latex, to_json):
        assert render(a) == render(b)


def test_significance_is_marked_and_holm_corrected() -> None:
    base = [0.20 + 0.01 * (i % 7) for i in range(40)]
    better = [v + 0.05 for v in base]
    worse = [v - 0.04 + 0.002 * (i % 3) for i, v in enumerate(base)]
    same = [v + (0.001 if i % 2 else -0.001) for i, v in enumerate(base)]
    board = build_leaderboard([_synthetic("base", base), _synthetic("better", better),
                               _synthetic("worse", worse), _synthetic("same", same)], "base")
    rows = {r.system: r for r in board.rows}
    assert rows["better"].comparisons["rouge1_f"].mark == UP
    assert rows["worse"].comparisons["rouge1_f"].mark == DOWN
    assert rows["same"].comparisons["rouge1_f"].mark == ""
    comp = rows["same"].comparisons["rouge1_f"]
    assert comp.p_holm >= comp.p_value  # the correction never lowers a p-value
    md = to_markdown(board)
    assert UP in md and DOWN in md
    assert [r.system for r in board.rows] == ["better", "base", "same", "worse"]


def test_errors_name_the_problem(tmp_path: Path) -> None:
    a, b = _synthetic("a", [0.1, 0.2]), _synthetic("b", [0.2, 0.3], fingerprint="other")
    with pytest.raises(ConfigError, match="differ in dataset"):
        build_leaderboard([a, b])
    with pytest.raises(ConfigError, match="baseline 'zzz' is not among"):
        build_leaderboard([a], "zzz")
    assert build_leaderboard([a]).baseline is None  # default lead-3 absent: no test
    with pytest.raises(ConfigError, match="unknown format"):
        parse_formats("md,docx")
    with pytest.raises(InputError, match="no run results"):
        load_runs(tmp_path)
    (tmp_path / "broken.json").write_text('{"system": "x"}')
    with pytest.raises(InputError, match=r"broken\.json"):
        load_runs(tmp_path)


def test_cli_leaderboard(runs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from benchmark.cli import main

    main(["leaderboard", str(runs), "--baseline", "first-sentence", "--format", "csv,json",
          "--out", str(tmp_path / "board")])
    out = capsys.readouterr().out
    assert "| first-sentence (baseline) |" in out and "| human (leave-one-out) |" in out
    assert sorted(p.name for p in (tmp_path / "board").iterdir()) == ["leaderboard.csv",
                                                                     "leaderboard.json"]
    # by default the files go beside the runs, and a second call still reads only runs
    shutil.copytree(runs, tmp_path / "runs")
    for _ in range(2):
        main(["leaderboard", str(tmp_path / "runs")])
        assert capsys.readouterr().out == to_markdown(build_leaderboard(load_runs(runs)))
    assert (tmp_path / "runs" / "leaderboard.tex").is_file()
