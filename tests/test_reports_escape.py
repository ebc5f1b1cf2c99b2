"""Hostile system names and ids in every text output: Markdown leaderboard, the
gate's Markdown, the HTML page, the CSV. A name must never add a table row, raw HTML
or a spreadsheet formula."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_adapters import seed_examples

from benchmark.reports.check import check_runs
from benchmark.reports.leaderboard import build_leaderboard, to_csv, to_markdown
from benchmark.runner.run import run_systems
from benchmark.schema import RunResult

EVIL = "evil | 99.99 |\n| fake | row <img src=x onerror=alert(1)> **bold** `tick`"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[RunResult]:
    from benchmark.dataset.export import write_dataset

    root = tmp_path_factory.mktemp("escape")
    write_dataset(root / "d", name="escape", splits={"test": seed_examples()}, settings={},
                  counts={})
    report = run_systems(root / "d", ["lead-3", "lead-1"], out=root / "runs",
                         human_ceiling=False)
    return [r.result for r in report.systems]


def _rows(markdown: str) -> list[str]:
    return [ln for ln in markdown.splitlines() if ln.startswith("|")]


def _cells(row: str) -> int:
    """Cells of a GitHub table row: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_md_text_and_md_code_make_text_inert() -> None:
    from benchmark.reports.markup import md_code, md_text

    assert md_text("a|b\nc<i>&_*") == "a\\|b c&lt;i&gt;&amp;\\_\\*"
    assert md_code("x`y\nz") == "``x`y z``"
    assert md_code("lead-3") == "`lead-3`"


def test_leaderboard_markdown_escapes_system_and_dataset_names(runs: list[RunResult]) -> None:
    evil = [runs[0].model_copy(update={"system": EVIL}),
            runs[1].model_copy(update={"dataset": runs[1].dataset})]
    md = to_markdown(build_leaderboard(evil, baseline=None))
    rows = _rows(md)
    assert len(rows) == 4  # header, rule, two systems: no fake row
    assert len({_cells(r) for r in rows}) == 1
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "\\*\\*bold\\*\\*" in md


def test_leaderboard_csv_keeps_a_system_name_from_becoming_a_formula(
        runs: list[RunResult]) -> None:
    import csv
    import io

    names = ['=HYPERLINK("http://x","y")', "+1+2", "@SUM(A1)", "-2+3", "lead-3"]
    evil = [runs[0].model_copy(update={"system": name}) for name in names]
    rows = list(csv.DictReader(io.StringIO(to_csv(build_leaderboard(evil, baseline=None)))))
    shown = sorted(r["system"] for r in rows)
    assert shown == sorted(["'" + n for n in names[:4]] + ["lead-3"])
    assert all(float(r["rouge1_f"]) > 0 for r in rows)  # scores stay numbers


def test_check_markdown_escapes_names_ids_and_metrics(runs: list[RunResult]) -> None:
    base, cand = runs
    ids = {ex.id: f"{ex.id}|x\n| <script>" for ex in base.examples}

    def rename(run: RunResult, system: str) -> RunResult:
        examples = [ex.model_copy(update={"id": ids[ex.id]}) for ex in run.examples]
        return run.model_copy(update={"system": system, "examples": examples})

    md = check_runs(rename(base, "base`\n## owned"), rename(cand, EVIL), min_delta=0).to_markdown()
    assert "<img" not in md and "<script>" not in md
    assert "\n## owned" not in md
    for row in _rows(md):  # every row has its table's number of cells
        assert _cells(row) in (4, 6), row
    assert "baseline base\\` \\#\\# owned on" in md


def test_html_report_still_escapes(runs: list[RunResult], tmp_path: Path) -> None:
    from benchmark.reports.html import render_html_report

    page = render_html_report([runs[0].model_copy(update={"system": EVIL}), runs[1]],
                              baseline=None)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
