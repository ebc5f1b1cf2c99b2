"""`sumbench demo` end to end on the bundled seeds, as a user runs it (a subprocess)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from benchmark.systems.registry import available_systems


def test_demo_builds_runs_and_prints_the_leaderboard(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    code = "import sys\nfrom benchmark.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.run([sys.executable, "-c", code, "demo", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
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
