"""Readable, scriptable output: short signature-mismatch messages, wide HTML tables that
scroll inside the page, an honest "largest differences" section, no bar frames in logs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmark.errors import ConfigError
from benchmark.evaluation.results import compare_runs
from benchmark.reports.html import render_html_report
from benchmark.reports.leaderboard import build_leaderboard
from benchmark.runner.run import run_systems
from benchmark.schema import RunResult

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DATASET = ROOT / "data" / "seeds"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> list[RunResult]:
    out = tmp_path_factory.mktemp("readable")
    report = run_systems(SEEDS_DATASET, ["lead-3", "first-sentence", "textrank", "random-1"],
                         out=out, split="all", human_ceiling=False)
    return [s.result for s in report.systems]


def _rescored(run: RunResult, field: str, value: str) -> RunResult:
    """The same run as if scored with one signature field changed."""
    sig = re.sub(rf"\|{field}:[^|]*", f"|{field}:{value}", run.signature)
    assert sig != run.signature
    return run.model_copy(update={"signature": sig})


def test_leaderboard_names_only_the_differing_fields(runs: list[RunResult]) -> None:
    odd = _rescored(runs[1], "tok", "unicode")
    with pytest.raises(ConfigError) as exc:
        build_leaderboard([runs[0], odd, *runs[2:]])
    message = str(exc.value)
    assert "tok: rouge-score vs unicode" in message
    assert f"vs {odd.system}:" in message
    assert runs[0].signature not in message  # the full signatures are not dumped
    assert len(message) < 300, message
    with pytest.raises(ConfigError, match=r"different settings \(tok: rouge-score vs unicode\)"):
        compare_runs(runs[0], [odd])


def test_every_html_table_scrolls_inside_the_page(runs: list[RunResult]) -> None:
    page = render_html_report(runs)
    tables = page.count("<table")
    assert tables >= 4
    assert page.count('<div class="wide"><table') == tables
    assert "div.wide{overflow-x:auto" in page
    # paired-test cells wrap between the interval and the p-values, each half whole
    assert "table.tests td{white-space:normal}" in page
    assert re.search(r'<td data-metric="rouge1_f"><span>[+-]\d+\.\d\d \[[^<]*\]</span> '
                     r"<span>p \d\.\d{3} / \d\.\d{3}", page)


def test_largest_differences_says_when_the_best_two_are_identical(
        runs: list[RunResult]) -> None:
    board = build_leaderboard(runs, "lead-3")
    best = next(r for r in runs if r.system == board.group("systems")[0].system)
    twin = best.model_copy(update={"system": f"{best.system}-again"})
    page = render_html_report([*runs, twin])
    section = page[page.index('<section id="differences">'):]
    section = section[: section.index("</section>")]
    assert "have the same scores on every metric for all 4 shared examples" in section
    assert "<table" not in section
    # two different systems still get the table
    normal = render_html_report(runs)
    assert "data-example=" in normal[normal.index('<section id="differences">'):]


def test_run_in_a_log_has_results_on_stdout_and_no_bar_frames(tmp_path: Path) -> None:
    code = "import sys\nfrom benchmark.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", "--dataset", str(SEEDS_DATASET), "--system",
         "lead-3", "--split", "all", "--out", str(tmp_path / "runs"), "--no-human-ceiling"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "lead-3: R1" in proc.stdout and "signature: rouge:" in proc.stdout
    assert "\r" not in proc.stderr and "ex/s" not in proc.stderr  # not a terminal: no bar
    assert proc.stderr.startswith("next: sumbench leaderboard")


def test_log_progress_is_plain_lines_with_an_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from benchmark.runner import progress

    now = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: now[0])
    out = io.StringIO()
    with progress.LineProgress(554, initial=54, desc="lead-3", every=10.0, file=out) as bar:
        for _ in range(10):  # 50 examples a second, for 10 seconds
            now[0] += 1.0
            bar.update(50)
        now[0] += 0.5
        bar.update(0)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0] == "lead-3: 554/554 (100%), 50.0 ex/s, elapsed 0:10, ETA 0:00"
    assert len(lines) == 1  # the closing line would repeat it: not printed
    out2 = io.StringIO()
    with progress.LineProgress(1000, desc="slow", every=10.0, file=out2) as bar:
        now[0] += 12.0
        bar.update(100)
        now[0] += 3.0
        bar.update(20)
    assert out2.getvalue().splitlines() == [
        "slow: 100/1000 (10%), 8.3 ex/s, elapsed 0:12, ETA 1:48",
        "slow: 120/1000 (12%), 8.0 ex/s, elapsed 0:15, ETA 1:50"]  # the closing line
