"""Where the benchmarks find the team's shared data (eval sets), as ``tests/conftest.py`` does.

Why not ``Path(__file__).parents[2] / "shared"``: that only exists in one checkout
layout; a fresh clone elsewhere crashed with a traceback. The order is
``$SUMBENCH_SHARED``, the checkout's sibling ``shared/``, then ``/work/shared``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared data folder (it may not exist: :func:`require` says so)."""
    if os.environ.get("SUMBENCH_SHARED"):
        return Path(os.environ["SUMBENCH_SHARED"])
    sibling = ROOT.parent / "shared"
    return sibling if sibling.is_dir() else Path("/work/shared")


def shared_file(*parts: str) -> Path:
    """A file under the shared data folder, e.g. ``shared_file("eval", "x.csv")``."""
    return shared_dir().joinpath(*parts)


def require(path: Path, option: str) -> Path:
    """Exit with a message (not a traceback) when an input file is missing."""
    if not path.is_file():
        sys.exit(f"{path}: not found; pass {option} FILE or set SUMBENCH_SHARED to the folder "
                 "holding eval/")
    return path
