"""Shared fixtures: the bundled seed corpus and paths, and the one rule for tests that need
something this machine may lack (Perl's XML::DOM, the team's shared data): skip saying how
to enable it, except under ``CI=true``, where CI always has it and a skip would be a
green build that checked nothing, so the test fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
#: how to give a machine the shared data the SemEval/XSum/ROUGE-1.5.5 tests read
SHARED_HOW = ("put the team's shared data (eval/, tools/ROUGE-1.5.5) at ../shared beside the "
              "checkout, or set SUMBENCH_SHARED to its folder")


def require(missing: str | None, how: str) -> None:
    """Skip with ``missing`` and ``how`` to enable it; under ``CI=true`` fail instead."""
    if missing is None:
        return
    message = f"{missing}; to enable: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


def shared_file(relative: str) -> Path:
    """A file of the shared data (``eval/xsum_human_eval.txt``), or a skip/fail saying how."""
    path = SHARED / relative
    require(None if path.exists() else f"shared data {path} is missing", SHARED_HOW)
    return path


@pytest.fixture(scope="session", autouse=True)
def _session_vector_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Encoder vectors go to a cache of this test session's own, not the user's
    ``~/.cache/sumbench``: a warm cache left by earlier runs would hide encoder work
    (and a stale entry), and the tests must not write into the user's cache. An
    explicit ``$SUMBENCH_CACHE_DIR`` is respected."""
    if os.environ.get("SUMBENCH_CACHE_DIR"):
        yield
        return
    patch = pytest.MonkeyPatch()
    patch.setenv("SUMBENCH_CACHE_DIR", str(tmp_path_factory.mktemp("vector-cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
