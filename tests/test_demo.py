"""`sumbench demo` end to end on the bundled seeds, as a user runs it (a subprocess)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchmark.systems.registry import available_systems


def _console_script() -> str:
    """The `sumbench` executable pip installed beside this Python (else the one on PATH)."""
    beside = Path(sys.executable).parent / "sumbench"
    found = str(beside) if beside.is_file() else shutil.which("sumbench")
    assert found, "the `sumbench` console script is not installed: pip install -e ."
    return found


def test_installed_sumbench_demo_builds_runs_and_prints_the_leaderboard(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    # the entry point pip wrote (pyproject's [project.scripts]), run from outside the checkout
    proc = subprocess.run([_console_script(), "demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    table = proc.stdout
    systems = sorted(available_systems())
    assert {"lead-3", "textrank", "lexrank", "oracle", "random-k", "centroid",
            "sumbasic", "first-sentence"} <= set(systems)
    for name in [*systems, "human (leave-one-out)"]:
        assert f"| {name}" in table, name
    assert table.index("| oracle") > table.index("## Upper bounds (read the references)")
    assert table.index("| human (leave-one-out)") > table.index("## Upper bounds")
    assert "| lead-3 (baseline) |" in table

    assert (out / "seeds" / "build.json").is_file()
    results = sorted(p.name for p in (out / "runs").glob("*.json"))
    assert len(results) == len(systems) + 2  # + human ceiling + _summary.json
    summary = json.loads((out / "runs" / "_summary.json").read_text())
    assert all(s["failed"] == 0 for s in summary["systems"])
    with open(out / "leaderboard.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["system"] for r in rows} == {*systems, "human (leave-one-out)"}
    by_name = {r["system"]: float(r["rouge1_f"]) for r in rows}
    assert by_name["oracle"] > by_name["lead-3"] > by_name["random-3"]
    assert 0 < by_name["lead-3"] < 100
