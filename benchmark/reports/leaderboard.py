"""Leaderboards from stored runs: one table, four formats (Markdown, CSV, LaTeX, JSON).

Rows are systems; columns are ROUGE-1/2/L/Lsum F (x100, mean with its 95 % bootstrap
CI), mean length in words and Newsroom density. Each system is compared with a
baseline by a paired bootstrap on the per-example scores; the p-values of one metric
are Holm-corrected across the systems compared, and a significant difference is
marked (▲ better, ▼ worse). Systems that read the references (the extractive oracle,
the human leave-one-out ceiling) are upper bounds, not competitors: they sit in a
separate, labelled block and are not tested. Systems whose length budget was set from
the references (``lead-k``, ``random-k`` and the rankers at their default
``match_reference``) carry a † and sort after the systems that choose their own length;
runs with identical per-example scores are named in the footnote, so two equal rows
never stand without a word.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.files import write_text_atomic
from benchmark.reports.markup import md_code, md_text
from benchmark.schema import RunResult

ROUGE_KEYS = ("rouge1_f", "rouge2_f", "rougeL_f", "rougeLsum_f")
ROUGE_LABELS = {"rouge1_f": "R1", "rouge2_f": "R2", "rougeL_f": "RL", "rougeLsum_f": "RLsum"}
EXTRA_KEYS = {"len_words": "Len", "density": "Dens"}
FORMATS = ("md", "csv", "tex", "json")
DEFAULT_BASELINE = "lead-3"
UP, DOWN = "▲", "▼"
GROUP_SYSTEMS = "systems"
GROUP_UPPER = "upper bounds (read the references)"
REFERENCE_READERS = ("oracle", "human (leave-one-out)")
#: marks a row whose summary length was taken from the references
LENGTH_MARK = "†"


@dataclass
class Comparison:
    """One system against the baseline on one metric (raw score units)."""

    delta: float
    low: float
    high: float
    p_value: float
    p_holm: float = 1.0
    significant: bool = False

    @property
    def mark(self) -> str:
        """▲ / ▼ when significantly better / worse than the baseline, else nothing."""
        if not self.significant:
            return ""
        return UP if self.delta > 0 else DOWN


@dataclass
class Row:
    """One leaderboard line: raw aggregates plus the baseline comparisons."""

    system: str
    group: str
    n: int
    failed: int
    scores: dict[str, tuple[float, float, float]]
    extras: dict[str, float]
    is_baseline: bool = False
    comparisons: dict[str, Comparison] = field(default_factory=dict)
    length_from_references: bool = False


@dataclass
class Leaderboard:
    """Every row, and what they were computed on."""

    dataset: str
    fingerprint: str
    split: str
    signature: str
    baseline: str | None
    rows: list[Row]
    alpha: float = 0.05
    n_resamples: int = 1000
    seed: int = 12345
    #: sets of systems whose per-example scores are all identical (same outputs, likely)
    identical: list[list[str]] = field(default_factory=list)

    def group(self, name: str) -> list[Row]:
        """The rows of one block, in table order."""
        return [r for r in self.rows if r.group == name]


def is_result_file(path: Path) -> bool:
    """Result JSONs are every ``*.json`` except our own summaries: ``_*.json`` (the
    runner's) and ``leaderboard.json`` (this module's, written beside the runs by default)."""
    return (path.suffix == ".json" and not path.name.startswith("_")
            and path.name != "leaderboard.json")


def load_runs(directory: str | Path) -> list[RunResult]:
    """Every result JSON in ``directory`` (see :func:`is_result_file`), sorted by name."""
    from benchmark.evaluation.results import load_result

    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("runs directory not found", path=directory)
    paths = sorted(p for p in directory.glob("*.json") if is_result_file(p))
    if not paths:
        raise InputError("no run results (*.json) here; run `sumbench run` first", path=directory)
    return [load_result(p) for p in paths]


def reads_references(run: RunResult) -> bool:
    """True for upper bounds: the runner records it; known names are a fallback."""
    flag = run.meta.get("run", {}).get("uses_references") if isinstance(run.meta, dict) else None
    if isinstance(flag, bool):
        return flag
    return run.system in REFERENCE_READERS


def reads_reference_length(run: RunResult) -> bool:
    """True when the system's length budget came from the references (recorded by the
    runner; for older runs, a baseline config with ``match_reference`` and no budget)."""
    flag = run.meta.get("run", {}).get("uses_reference_length") \
        if isinstance(run.meta, dict) else None
    if isinstance(flag, bool):
        return flag
    cfg = run.system_config
    return cfg.get("match_reference") is True and cfg.get("budget") is None \
        and cfg.get("k") is None


def identical_runs(runs: Sequence[RunResult]) -> list[list[str]]:
    """Groups of two or more systems with the same ROUGE scores on every example."""
    by_scores: dict[tuple[Any, ...], list[str]] = {}
    for run in runs:
        key = tuple(sorted((e.id, tuple(sorted((k, v) for k, v in e.scores.items()
                                               if k in ROUGE_KEYS)))
                           for e in run.examples))
        by_scores.setdefault(key, []).append(run.system)
    return sorted(sorted(names) for key, names in by_scores.items() if key and len(names) > 1)


def signature_mismatch(runs: Sequence[RunResult]) -> str | None:
    """Which runs were scored differently, naming only the signature fields that differ.

    Why not the signatures themselves: five runs' full signatures are over a thousand
    characters in which the one differing field (say ``tok``) is hard to find. The
    runs are grouped by signature and every group is compared with the largest one.
    """
    from benchmark.evaluation.signature import describe_differences

    groups: dict[str, list[str]] = {}
    for run in runs:
        groups.setdefault(run.signature, []).append(run.system)
    if len(groups) < 2:
        return None
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), sorted(kv[1])))
    main_sig, main_names = ordered[0]
    parts = []
    for sig, names in ordered[1:]:
        parts.append(f"{', '.join(sorted(main_names))} vs {', '.join(sorted(names))}: "
                     f"{describe_differences(main_sig, sig)}")
    return "runs were scored with different settings, so they cannot share a table (" + \
        " | ".join(parts) + "); re-score them the same way (sumbench evaluate/run options)"


def _check_comparable(runs: Sequence[RunResult]) -> None:
    for attr, what in (("dataset_fingerprint", "dataset"), ("split", "split")):
        values = sorted({str(getattr(r, attr)) for r in runs})
        if len(values) > 1:
            detail = "; ".join(f"{r.system}: {getattr(r, attr)}" for r in runs)
            raise ConfigError(f"runs differ in {what}, so they cannot share a table ({detail})")
    mismatch = signature_mismatch(runs)
    if mismatch is not None:
        raise ConfigError(mismatch)
    names = [r.system for r in runs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"more than one run of system(s) {', '.join(twice)}")


def _row(run: RunResult, group: str) -> Row:
    scores = {k: (a.mean, a.low, a.high) for k, a in run.aggregates.items() if k in ROUGE_KEYS}
    extras = {k: run.aggregates[k].mean for k in EXTRA_KEYS if k in run.aggregates}
    n = max((a.n for a in run.aggregates.values()), default=len(run.examples))
    return Row(run.system, group, n, len(run.failures), scores, extras,
               length_from_references=group == GROUP_SYSTEMS and reads_reference_length(run))


def _compare(base: RunResult, others: Sequence[RunResult], rows: dict[str, Row], *,
             alpha: float, n_resamples: int, seed: int) -> None:
    from benchmark.evaluation.stats import holm, paired_bootstrap

    base_scores = {e.id: e.scores for e in base.examples}
    for key in ROUGE_KEYS:
        found: dict[str, Comparison] = {}
        for run in others:
            ids = [e.id for e in run.examples if e.id in base_scores and key in e.scores]
            if len(ids) < 2 or key not in base_scores[ids[0]]:
                continue
            mine = {e.id: e.scores[key] for e in run.examples}
            res = paired_bootstrap([base_scores[i][key] for i in ids], [mine[i] for i in ids],
                                   n_resamples=n_resamples, seed=seed, metric=key)
            found[run.system] = Comparison(res.delta, res.low, res.high, res.p_value)
        names = sorted(found)
        for name, adj in zip(names, holm([found[n].p_value for n in names]), strict=True):
            found[name].p_holm = adj
            found[name].significant = adj < alpha and found[name].delta != 0
            rows[name].comparisons[key] = found[name]


def build_leaderboard(runs: Sequence[RunResult], baseline: str | None = DEFAULT_BASELINE, *,
                      alpha: float = 0.05, n_resamples: int = 1000,
                      seed: int = 12345) -> Leaderboard:
    """Rows for ``runs``, compared with ``baseline`` (a system name among them).

    The default baseline, ``lead-3``, is used only if present; a baseline named
    explicitly must exist. Runs on different datasets, splits or scoring settings
    cannot share a table (ConfigError).
    """
    if not runs:
        raise ConfigError("no runs to put on a leaderboard")
    _check_comparable(runs)
    names = {r.system for r in runs}
    if baseline is not None and baseline not in names:
        if baseline != DEFAULT_BASELINE:
            raise ConfigError(f"baseline '{baseline}' is not among the runs: "
                              f"{', '.join(sorted(names))}")
        baseline = None
    rows = {r.system: _row(r, GROUP_UPPER if reads_references(r) else GROUP_SYSTEMS)
            for r in runs}
    if baseline is not None:
        rows[baseline].is_baseline = True
        base = next(r for r in runs if r.system == baseline)
        others = [r for r in runs if r.system != baseline and not reads_references(r)]
        _compare(base, others, rows, alpha=alpha, n_resamples=n_resamples, seed=seed)

    def order(row: Row) -> tuple[int, bool, float, str]:
        r1 = row.scores.get("rouge1_f", (0.0, 0.0, 0.0))[0]
        return (0 if row.group == GROUP_SYSTEMS else 1, row.length_from_references, -r1,
                row.system)

    first = runs[0]
    labels = " / ".join(sorted({r.dataset for r in runs}))  # one dataset, maybe several labels
    return Leaderboard(labels, first.dataset_fingerprint, first.split, first.signature,
                       baseline, sorted(rows.values(), key=order), alpha, n_resamples, seed,
                       identical=identical_runs(runs))


# --------------------------------------------------------------------------- rendering


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def _cell(row: Row, key: str) -> str:
    if key not in row.scores:
        return "–"
    mean, low, high = (100 * v for v in row.scores[key])
    comp = row.comparisons.get(key)
    return f"{_fmt(mean)} ({_fmt(low)}–{_fmt(high)}){comp.mark if comp else ''}"


def _extra(row: Row, key: str) -> str:
    return _fmt(row.extras[key]) if key in row.extras else "–"


def _header() -> list[str]:
    return ["System", *ROUGE_LABELS.values(), *EXTRA_KEYS.values(), "n", "failed"]


def _cells(row: Row) -> list[str]:
    name = f"{row.system} {LENGTH_MARK}" if row.length_from_references else row.system
    name = f"{name} (baseline)" if row.is_baseline else name
    return [name, *(_cell(row, k) for k in ROUGE_KEYS), *(_extra(row, k) for k in EXTRA_KEYS),
            str(row.n), str(row.failed)]


SMALL_N = 30


def _plain(text: str) -> str:
    return text


def _footnote(board: Leaderboard, name: Callable[[str], str] = _plain,
              code: Callable[[str], str] = _plain) -> str:
    """The table's footnote; ``name``/``code`` escape the user's text for a format."""
    text = (f"ROUGE F x100, mean (95% bootstrap CI). Len = mean words, Dens = Newsroom density. "
            f"Signature: {code(board.signature)}.")
    n = min((r.n for r in board.rows), default=0)
    if n < SMALL_N:
        text += (f" Caution: only {n} examples; intervals and tests this small are rough "
                 f"(the bootstrap understates uncertainty below ~{SMALL_N}).")
    if board.baseline:
        text += (f" {UP}/{DOWN}: significantly better/worse than {name(board.baseline)} "
                 f"(paired bootstrap, {board.n_resamples} resamples, seed {board.seed}; "
                 f"Holm-corrected over systems per metric; alpha {board.alpha}).")
    if any(r.length_from_references for r in board.rows):
        text += (f" {LENGTH_MARK}: summary length set from the references (budget = their mean "
                 "length), listed after the systems that choose their own length; compare "
                 "these with each other.")
    for names in board.identical:
        why = (": on single-document inputs first-sentence is lead-1"
               if {"first-sentence", "lead-1"} <= set(names) else "")
        text += (f" {' and '.join(names)} have identical scores on every example (the same "
                 f"outputs as far as the scorer can tell{why}).")
    return text


def to_markdown(board: Leaderboard) -> str:
    """A GitHub-flavoured Markdown table per block, with the test in a footnote."""
    lines = [f"# Leaderboard: {md_text(board.dataset)} ({md_text(board.split)})", "",
             f"Dataset fingerprint {md_code(board.fingerprint[:16])}.", ""]
    for group in (GROUP_SYSTEMS, GROUP_UPPER):
        rows = board.group(group)
        if not rows:
            continue
        lines += [f"## {group.capitalize()}", "", "| " + " | ".join(_header()) + " |",
                  "|" + "---|" * len(_header())]
        lines += ["| " + " | ".join(md_text(c) for c in _cells(r)) + " |" for r in rows]
        lines.append("")
    lines.append(_footnote(board, md_text, md_code))
    return "\n".join(lines) + "\n"


def to_csv(board: Leaderboard) -> str:
    """One row per system; scores x100 with two decimals, p-values with four."""
    header = ["group", "system", "baseline", "reference_length", "n", "failed"]
    for key in ROUGE_KEYS:
        header += [f"{key}", f"{key}_low", f"{key}_high", f"{key}_delta", f"{key}_p_holm",
                   f"{key}_sig"]
    header += list(EXTRA_KEYS)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in board.rows:
        out: list[Any] = [row.group, csv_text(row.system), int(row.is_baseline),
                          int(row.length_from_references), row.n, row.failed]
        for key in ROUGE_KEYS:
            mean, low, high = row.scores.get(key, (math.nan, math.nan, math.nan))
            out += [_fmt(100 * mean), _fmt(100 * low), _fmt(100 * high)]
            comp = row.comparisons.get(key)
            if comp is None:
                out += ["", "", ""]
            else:
                sign = "better" if comp.delta > 0 else "worse"
                out += [_fmt(100 * comp.delta), f"{comp.p_holm:.4f}",
                        sign if comp.significant else ""]
        out += [_extra(row, k) for k in EXTRA_KEYS]
        writer.writerow(out)
    return buf.getvalue()


#: A spreadsheet reads a cell opening with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` when it would otherwise
    open a formula (a system named ``=HYPERLINK(...)``); numbers are written apart."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


_TEX_ESCAPES = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def tex_escape(text: str) -> str:
    """Escape LaTeX's special characters in a system name."""
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def to_latex(board: Leaderboard) -> str:
    """A booktabs ``table`` with both blocks; needs ``\\usepackage{booktabs}``."""
    cols = "l" + "r" * (len(_header()) - 1)
    lines = [r"\begin{table}[t]", r"\centering", r"\small", rf"\begin{{tabular}}{{{cols}}}",
             r"\toprule", " & ".join(_header()) + r" \\", r"\midrule"]
    for group in (GROUP_SYSTEMS, GROUP_UPPER):
        rows = board.group(group)
        if not rows:
            continue
        if group == GROUP_UPPER:
            lines += [r"\midrule",
                      rf"\multicolumn{{{len(_header())}}}{{l}}{{\emph{{{group}}}}} \\"]
        for row in rows:
            cells = [tex_escape(c) for c in _cells(row)]
            cells = [c.replace(UP, r"$^{\uparrow}$").replace(DOWN, r"$^{\downarrow}$")
                     .replace(LENGTH_MARK, r"$^{\dagger}$").replace("–", "--") for c in cells]
            lines.append(" & ".join(cells) + r" \\")
    caption = tex_escape(_footnote(board)).replace(UP, r"$\uparrow$").replace(
        DOWN, r"$\downarrow$").replace(LENGTH_MARK, r"$^{\dagger}$")
    lines += [r"\bottomrule", r"\end{tabular}",
              rf"\caption{{{tex_escape(board.dataset)} ({tex_escape(board.split)}). {caption}}}",
              r"\end{table}"]
    return "\n".join(lines) + "\n"


def to_json(board: Leaderboard) -> str:
    """Everything, raw floats in [0, 1] (not x100), key-sorted."""
    def comp(c: Comparison) -> dict[str, Any]:
        return {"delta": c.delta, "low": c.low, "high": c.high, "p_value": c.p_value,
                "p_holm": c.p_holm, "significant": c.significant}

    doc = {
        "dataset": board.dataset, "dataset_fingerprint": board.fingerprint,
        "split": board.split, "signature": board.signature, "baseline": board.baseline,
        "test": {"method": "paired-bootstrap", "correction": "holm", "alpha": board.alpha,
                 "n_resamples": board.n_resamples, "seed": board.seed},
        "identical": board.identical,
        "rows": [{
            "system": r.system, "group": r.group, "baseline": r.is_baseline, "n": r.n,
            "failed": r.failed, "reference_length": r.length_from_references,
            "scores": {k: {"mean": m, "low": lo, "high": hi}
                       for k, (m, lo, hi) in r.scores.items()},
            "extras": r.extras,
            "vs_baseline": {k: comp(c) for k, c in r.comparisons.items()},
        } for r in board.rows],
    }
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"md": to_markdown, "csv": to_csv, "tex": to_latex, "json": to_json}


def parse_formats(text: str) -> list[str]:
    """``md,csv`` -> ['md', 'csv'], with a clear error for an unknown format."""
    wanted = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in wanted if f not in RENDERERS]
    if bad or not wanted:
        raise ConfigError(f"unknown format(s) {', '.join(bad) or '(none)'}; "
                          f"use a comma-separated subset of {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def write_leaderboard(board: Leaderboard, out_dir: str | Path,
                      formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``leaderboard.<fmt>`` for each format, atomically; return the paths."""
    paths = []
    for fmt in formats:
        path = Path(out_dir) / f"leaderboard.{fmt}"
        write_text_atomic(path, RENDERERS[fmt](board))
        paths.append(path)
    return paths
