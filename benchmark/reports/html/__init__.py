"""One self-contained HTML page about a set of runs: ``sumbench report``.

For a researcher who wants to look, not only read a table: the scoring signature and
dataset fingerprint, the leaderboard with CIs and Holm-corrected paired tests (the
same numbers as ``sumbench leaderboard``), every run's warnings (failures, copies,
the tokenisation audit), three plots (mean scores with CI whiskers, per-example
distributions, length against score) and the examples where the two best systems
differ most.

The page works offline: inline CSS, inline SVG, no script, nothing fetched. Same
runs and options give the same bytes (no timestamps; matplotlib with a fixed hash
salt and no date). The plots need the optional ``sumbench[report]`` extra
(matplotlib); without it the functions here raise a :class:`ConfigError` saying so.

Python::

    from benchmark import load_run_inputs, render_html_report, write_html_report
    loaded = load_run_inputs(["runs"])
    runs = [run for _, run in loaded]
    write_html_report(runs, "report.html", sources={r.system: p.name for p, r in loaded})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from benchmark.errors import ConfigError, InputError, OutputError
from benchmark.evaluation.results import load_result
from benchmark.files import write_text_atomic
from benchmark.reports.leaderboard import (
    DEFAULT_BASELINE,
    ROUGE_KEYS,
    build_leaderboard,
    is_result_file,
)
from benchmark.schema import RunResult

__all__ = ["load_run_inputs", "render_html_report", "write_html_report"]


def load_run_inputs(paths: Iterable[str | Path]) -> list[tuple[Path, RunResult]]:
    """Read result JSONs given as files and/or folders, each file once, in order given.

    A folder contributes its result files as ``sumbench leaderboard`` reads them
    (sorted, skipping ``_*.json`` and ``leaderboard.json``); a file is read whatever
    its name, so a bad one is an :class:`InputError` naming it.
    """
    seen: set[Path] = set()
    out: list[tuple[Path, RunResult]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.json") if is_result_file(p))
            if not files:
                raise InputError("no run results (*.json) here; run `sumbench run` first",
                                 path=path)
        elif path.is_file():
            files = [path]
        else:
            raise InputError("no such run file or folder", path=path)
        for file in files:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                out.append((file, load_result(file)))
    if not out:
        raise ConfigError("no runs given")
    return out


def render_html_report(
    runs: Sequence[RunResult],
    *,
    sources: Mapping[str, str] | None = None,
    baseline: str | None = DEFAULT_BASELINE,
    alpha: float = 0.05,
    metric: str = "rouge1_f",
    top: int = 10,
) -> str:
    """The report page for ``runs`` as an HTML string.

    ``baseline``/``alpha`` are the leaderboard's (see
    :func:`benchmark.reports.leaderboard.build_leaderboard`; runs must share dataset, split and
    signature). ``metric`` (one of the ROUGE F keys) is the one plotted per example
    and used for the largest-differences table of ``top`` rows. ``sources`` maps a
    system name to the file it came from, shown in the runs table.
    """
    from benchmark import __version__
    from benchmark.reports.html.page import render_page

    if metric not in ROUGE_KEYS:
        raise ConfigError(f"unknown report metric '{metric}'; use one of {', '.join(ROUGE_KEYS)}")
    if top < 1:
        raise ConfigError(f"--top must be at least 1, not {top}")
    board = build_leaderboard(runs, baseline, alpha=alpha)
    return render_page(board, runs, sources or {}, metric=metric, top=top, version=__version__)


def check_report_target(out: str | Path, *, overwrite: bool = False) -> Path:
    """Refuse a target the user did not ask to replace: an existing file without
    ``overwrite``, or a folder. Checked before any work, so a refusal is instant."""
    out = Path(out)
    if out.is_dir():
        raise OutputError(f"{out} is a folder; give the report's file name, e.g. "
                          f"{out / 'report.html'}")
    if out.exists() and not overwrite:
        raise OutputError(f"{out} already exists; choose another --out or pass --overwrite "
                          "to replace it")
    return out


def write_html_report(
    runs: Sequence[RunResult],
    out: str | Path,
    *,
    overwrite: bool = False,
    sources: Mapping[str, str] | None = None,
    baseline: str | None = DEFAULT_BASELINE,
    alpha: float = 0.05,
    metric: str = "rouge1_f",
    top: int = 10,
) -> Path:
    """Render the page (see :func:`render_html_report`) and write it atomically to ``out``.

    An existing ``out`` is replaced only with ``overwrite=True`` (OutputError otherwise).
    """
    target = check_report_target(out, overwrite=overwrite)
    page = render_html_report(runs, sources=sources, baseline=baseline, alpha=alpha,
                              metric=metric, top=top)
    write_text_atomic(target, page)
    return target
