"""Shared fixtures: the bundled seed corpus and paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"


def _shared() -> Path:
    """The team's shared data (eval sets, ROUGE-1.5.5): $SUMBENCH_SHARED, else the checkout's
    sibling ``shared/``, else the machine's ``/work/shared`` (a clone elsewhere, e.g. in /tmp)."""
    if os.environ.get("SUMBENCH_SHARED"):
        return Path(os.environ["SUMBENCH_SHARED"])
    sibling = ROOT.parent / "shared"
    return sibling if sibling.is_dir() else Path("/work/shared")


SHARED = _shared()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
