"""`ruff` and `mypy` stay clean: CI enforces what DEVELOPERS.md asks of every change."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize(
    "argv",
    [[sys.executable, "-m", "ruff", "check", "."], [sys.executable, "-m", "mypy"]],
    ids=["ruff", "mypy"],
)
def test_static_checks_are_clean(argv: list[str]) -> None:
    tool = argv[2]
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is not installed; install the dev extra: pip install -e '.[dev]'")
    out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
