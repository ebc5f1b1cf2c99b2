"""Which engine computes ROUGE's integer counts: the C core, or pure Python.

Why two: the C core (``benchmark/metrics/_rougecore.c``, compiled when sumbench is
installed) is about two orders of magnitude faster than rouge-score; the pure-Python
path is what runs where no compiler was available. Both produce the same integers
and the floats are always computed in Python, so scores never depend on the backend:
it is recorded in a result's ``meta.versions`` (``rouge-backend``), not in the
signature, and results scored by either stay comparable.

On first use the C core is checked against the pure-Python counts on generated
token lists full of ties and repeats; a core that fails to load or disagrees is
reported in one warning line and not used. ``SUMBENCH_ROUGE_BACKEND=python`` forces
the pure-Python path (``c`` insists on the core and warns when it is missing).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import random
import warnings
from collections.abc import Callable
from typing import Any

ENV = "SUMBENCH_ROUGE_BACKEND"
CORE_MODULE = "benchmark.metrics._rougecore"
CORE_VERSION = "1"
"""Bumped whenever ``_rougecore.c`` changes what it computes."""

SELF_CHECK_TEXTS = (
    "The U.S. economy GREW 3.2% in Q2.\nShares rose; the Dow-Jones hit 35,000!",
    "Ça a coûté 5 € à Zürich.\n\n  \nMORE CAPITALS and digits 2024 x1y2",
    "Kelvin sign \u212a and dotted \u0130stanbul; Москва 2020\ttab",
    "",
)
"""Texts the C tokenizer must split exactly as rouge-score's tokenizer (cases, digits,
non-ASCII letters that lower-case to ASCII, blank lines)."""


class BackendWarning(RuntimeWarning):
    """A faster ROUGE backend is installed but broken, so the pure-Python one scores."""


_selected: tuple[str, Any] | None = None


def self_check_cases(n_cases: int = 60, seed: int = 7) -> list[tuple[Any, ...]]:
    """Deterministic (pred, ref, pred_sents, ref_sents, ns, want_l) argument tuples.

    Small vocabularies make repeated tokens and LCS ties common, which is where an
    implementation that backtracks differently from rouge-score would show.
    """
    rng = random.Random(seed)
    cases: list[tuple[Any, ...]] = []
    for k in range(n_cases):
        long = k % 12 == 0  # sentences of 65-140 tokens: LCS over several machine words
        vocab = rng.randint(2, 40) if long else rng.randint(1, 6)
        big = 3_000_000 if k % 11 == 3 else 0  # ids too large to pack three into 64 bits

        def sents(rng: random.Random = rng, vocab: int = vocab, long: bool = long,
                  big: int = big, k: int = k) -> list[list[int]]:
            size = (65, 140) if long else (0, 9)
            return [[big + rng.randrange(vocab) for _ in range(rng.randint(*size))]
                    for _ in range(rng.randint(0 if k % 7 == 0 else 1, 2 if long else 4))]

        ps, rs = sents(), sents()
        cases.append(([t for s in ps for t in s], [t for s in rs for t in s], ps, rs,
                      (1, 2, 3, 4), True))
    cases.append(([], [1], None, None, (1,), False))
    return cases


def select(check: Callable[[Any], bool]) -> tuple[str, Any]:
    """The backend to use: ``("c", module)`` or ``("python", None)``; chosen once per process.

    ``check(module)`` says whether the C core agrees with the pure-Python path.
    """
    global _selected
    if _selected is None:
        _selected = _choose(check)
    return _selected


def _choose(check: Callable[[Any], bool]) -> tuple[str, Any]:
    wanted = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if wanted == "python":
        return "python", None
    if importlib.util.find_spec(CORE_MODULE) is None:
        if wanted == "c":
            warnings.warn(f"ROUGE backend 'c' ({CORE_MODULE}) is not built; scoring with the "
                          "pure-Python backend (reinstall sumbench with a C compiler)",
                          BackendWarning, stacklevel=3)
        return "python", None
    try:
        core = importlib.import_module(CORE_MODULE)
        ok = check(core)
        problem = "disagrees with the pure-Python backend on its self-check"
    except Exception as exc:  # a broken build: report it, never crash scoring
        ok, problem = False, f"fails to load or run ({type(exc).__name__}: {exc})"
    if not ok:
        warnings.warn(f"ROUGE backend 'c' ({CORE_MODULE}) {problem}; scoring with the "
                      "pure-Python backend", BackendWarning, stacklevel=3)
        return "python", None
    return "c", core


def backend_version(name: str) -> str:
    """What ``meta.versions['rouge-backend']`` records, e.g. ``c-1`` or ``python``."""
    return f"c-{CORE_VERSION}" if name == "c" else name


def reset() -> None:
    """Forget the choice (tests switch ``SUMBENCH_ROUGE_BACKEND`` and select again)."""
    global _selected
    _selected = None

