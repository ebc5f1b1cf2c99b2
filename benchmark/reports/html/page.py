"""The report page: sections of plain HTML around the leaderboard and the plots.

Why string building and no template engine: the page is a handful of tables and
three SVGs; every value passes through :func:`html.escape`, the CSS is inline and
there is no script, so the file opens offline anywhere and diffs cleanly.
The leaderboard numbers, marks and footnote come from :mod:`benchmark.reports.leaderboard`, so
the page and ``sumbench leaderboard`` can never disagree.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from benchmark.evaluation.results import result_warnings
from benchmark.files import canonical_json
from benchmark.reports.html import plots
from benchmark.reports.leaderboard import (
    DOWN,
    EXTRA_KEYS,
    GROUP_SYSTEMS,
    GROUP_UPPER,
    ROUGE_KEYS,
    ROUGE_LABELS,
    UP,
    Leaderboard,
    Row,
    _cells,
    _footnote,
    _header,
)
from benchmark.schema import RunResult

NAMES = {"rouge1_f": "ROUGE-1", "rouge2_f": "ROUGE-2", "rougeL_f": "ROUGE-L",
         "rougeLsum_f": "ROUGE-Lsum"}
CELL_KEYS = ("system", *ROUGE_KEYS, *EXTRA_KEYS, "n", "failed")

CSS = """
body{font-family:"DejaVu Sans",system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;
color:#1d1d1d;background:#fff;line-height:1.45}
main{max-width:1180px;margin:0 auto;padding:1.5rem 2rem 3rem}
h1{font-size:1.6rem;margin:0 0 .4rem}h2{font-size:1.25rem;margin:2.2rem 0 .6rem;
border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.meta dt{font-weight:bold}dl.meta dd{margin:0;overflow-wrap:anywhere}
code{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;background:#f4f4f4;
padding:.05em .3em;border-radius:3px;overflow-wrap:anywhere}
div.wide{overflow-x:auto;max-width:100%}table.tests td{white-space:normal}
table.tests td span,table.tests td:first-child{white-space:nowrap}
table{border-collapse:collapse;margin:.4rem 0 .8rem;font-size:.88rem}
th,td{border-bottom:1px solid #e3e3e3;padding:.25rem .6rem;text-align:right;
white-space:nowrap}th{background:#f6f6f6}
td:first-child,th:first-child{text-align:left}
tr.baseline td{background:#fff4ea}tr.upper td{color:#555}
td.config{white-space:normal;text-align:left;max-width:30rem}
.up{color:#1a7f37;font-weight:bold}.down{color:#c62828;font-weight:bold}
p.note{font-size:.82rem;color:#444;max-width:60rem}
ul.warnings li{margin:.2rem 0}ul.warnings{background:#fff8e1;border:1px solid #f0d27a;
padding:.6rem 1.8rem;border-radius:4px}
figure{margin:1rem 0 2rem}figure svg{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#444;max-width:60rem}
footer{font-size:.8rem;color:#666;margin-top:3rem}nav{margin:.8rem 0;font-size:.9rem}
""".strip()


NAV = ("<nav>" + " · ".join(f'<a href="#{key}">{name}</a>' for key, name in (
    ("warnings", "Warnings"), ("leaderboard", "Leaderboard"), ("significance", "Paired tests"),
    ("plots", "Plots"), ("differences", "Largest differences"), ("runs", "Runs"))) + "</nav>")


def esc(value: object) -> str:
    """HTML-escape any value's text (quotes too: values also land in attributes)."""
    return html.escape(str(value), quote=True)


def marked(text: str) -> str:
    """Escape a leaderboard cell, then colour its ▲/▼ mark."""
    return (esc(text).replace(UP, f'<span class="up" title="significantly better">{UP}</span>')
            .replace(DOWN, f'<span class="down" title="significantly worse">{DOWN}</span>'))


def role(row: Row) -> str:
    """How a row is drawn: the baseline, an upper bound or an ordinary system."""
    if row.group == GROUP_UPPER:
        return "upper"
    return "baseline" if row.is_baseline else "system"


def _table(head: Sequence[str], body: Sequence[str], *, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    ths = "".join(f"<th>{esc(h)}</th>" for h in head)
    # the wrapper scrolls a table wider than the page inside it, instead of cutting it off
    return f'<div class="wide"><table{klass}><thead><tr>{ths}</tr></thead><tbody>\n' + \
        "\n".join(body) + "\n</tbody></table></div>"


def header_section(board: Leaderboard, runs: Sequence[RunResult], version: str) -> str:
    """Title and provenance: dataset, fingerprint, split, signature(s), baseline."""
    signatures = sorted({r.signature for r in runs})
    n = max((r.n for r in board.rows), default=0)
    items = [
        ("Dataset", esc(board.dataset)),
        ("Dataset fingerprint", f"<code>{esc(board.fingerprint)}</code>"),
        ("Split", esc(board.split)),
        ("Scoring signature" + ("s" if len(signatures) > 1 else ""),
         "<br>".join(f"<code>{esc(s)}</code>" for s in signatures)),
        ("Baseline", esc(board.baseline) if board.baseline else "none (no significance tests)"),
        ("Systems", f"{len(board.group(GROUP_SYSTEMS))} compared, "
                    f"{len(board.group(GROUP_UPPER))} upper bound(s)"),
        ("Examples", str(n)),
        ("Report by", f"sumbench {esc(version)}, plots by matplotlib "
                      f"{esc(plots.matplotlib_version())}"),
    ]
    rows = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    return (f"<h1>sumbench report: {esc(board.dataset)} ({esc(board.split)})</h1>\n"
            f'<section id="provenance"><dl class="meta">\n{rows}\n</dl></section>')


def warnings_section(board: Leaderboard, by_name: Mapping[str, RunResult]) -> str:
    """Every run's warnings (failures, empty output, copies, tokenisation audit)."""
    items = [f"<li><strong>{esc(row.system)}</strong>: {esc(w)}</li>"
             for row in board.rows for w in result_warnings(by_name[row.system])]
    if not items:
        body = ("<p>None: no failed, missing or empty predictions, no verbatim copies, and "
                "the tokenizer kept the letters of every text (token audit).</p>")
    else:
        body = '<ul class="warnings">\n' + "\n".join(items) + "\n</ul>"
    return f'<section id="warnings"><h2>Warnings</h2>\n{body}\n</section>'


def _score_cell(row: Row, key: str, text: str, baseline: str | None) -> str:
    comp = row.comparisons.get(key)
    tip = ""
    if comp is not None and baseline:
        tip = (f' title="vs {esc(baseline)}: {100 * comp.delta:+.2f}, '
               f'Holm p = {comp.p_holm:.3f}"')
    return f'<td data-metric="{key}"{tip}>{marked(text)}</td>'


def leaderboard_section(board: Leaderboard) -> str:
    """The leaderboard's blocks as HTML tables, cells as ``sumbench leaderboard`` prints."""
    parts = ['<section id="leaderboard"><h2>Leaderboard</h2>']
    for group in (GROUP_SYSTEMS, GROUP_UPPER):
        rows = board.group(group)
        if not rows:
            continue
        body = []
        for row in rows:
            cells = []
            for key, text in zip(CELL_KEYS, _cells(row), strict=True):
                if key in ROUGE_KEYS:
                    cells.append(_score_cell(row, key, text, board.baseline))
                else:
                    cells.append(f'<td data-metric="{key}">{esc(text)}</td>')
            body.append(f'<tr class="{role(row)}" data-system="{esc(row.system)}">'
                        + "".join(cells) + "</tr>")
        parts.append(f"<h3>{esc(group.capitalize())}</h3>")
        parts.append(_table(_header(), body, cls="leaderboard"))
    parts.append(f'<p class="note">{marked(_footnote(board))}</p></section>')
    return "\n".join(parts)


def significance_section(board: Leaderboard) -> str:
    """Every paired test against the baseline: difference, its CI, raw and Holm p."""
    rows = [r for r in board.group(GROUP_SYSTEMS) if r.comparisons]
    if not board.baseline or not rows:
        return ('<section id="significance"><h2>Paired tests</h2><p>No baseline among the '
                "runs, so no significance tests (pass --baseline).</p></section>")
    body = []
    for row in rows:
        cells = [f"<td>{esc(row.system)}</td>"]
        for key in ROUGE_KEYS:
            c = row.comparisons.get(key)
            if c is None:
                cells.append(f'<td data-metric="{key}">–</td>')
                continue
            mark = marked(c.mark) if c.mark else ""
            # two unbreakable halves: a narrow window wraps the cell between them
            cells.append(f'<td data-metric="{key}"><span>{100 * c.delta:+.2f} '
                         f"[{100 * c.low:+.2f}, {100 * c.high:+.2f}]</span> "
                         f"<span>p {c.p_value:.3f} / {c.p_holm:.3f}{mark}</span></td>")
        body.append(f'<tr data-system="{esc(row.system)}">' + "".join(cells) + "</tr>")
    head = ["System", *(f"Δ {ROUGE_LABELS[k]}" for k in ROUGE_KEYS)]
    note = (f"Each cell: system minus {esc(board.baseline)} (F x100) [95% paired bootstrap "
            f"interval], then the raw p-value / the Holm-corrected p-value "
            f"({board.n_resamples} resamples, seed {board.seed}; corrected over the "
            f"{len(rows)} systems per metric; alpha {board.alpha}).")
    return (f'<section id="significance"><h2>Paired tests against {esc(board.baseline)}</h2>\n'
            f'{_table(head, body, cls="tests")}\n<p class="note">{note}</p></section>')


def _series(board: Leaderboard, by_name: Mapping[str, RunResult],
            metric: str) -> list[plots.Series]:
    out = []
    for row in board.rows:
        exs = sorted(by_name[row.system].examples, key=lambda e: e.id)
        exs = [e for e in exs if metric in e.scores]
        lengths = [e.scores["len_words"] for e in exs if "len_words" in e.scores]
        out.append(plots.Series(row.system, role(row), [100 * e.scores[metric] for e in exs],
                                lengths if len(lengths) == len(exs) else None))
    return out


def _figure(key: str, svg: str, caption: str) -> str:
    return f'<figure id="plot-{key}">\n{svg}\n<figcaption>{caption}</figcaption>\n</figure>'


def plots_section(board: Leaderboard, by_name: Mapping[str, RunResult], metric: str) -> str:
    """The three plots: bars with CIs, per-example distributions, length vs score."""
    names = [r.system for r in board.rows]
    roles = [role(r) for r in board.rows]
    bars: dict[str, list[plots.Bar | None]] = {}
    for key in ROUGE_KEYS:
        column: list[plots.Bar | None] = []
        for row in board.rows:
            if key not in row.scores:
                column.append(None)
                continue
            mean, low, high = (100 * v for v in row.scores[key])
            comp = row.comparisons.get(key)
            column.append(plots.Bar(mean, low, high, comp.mark if comp else ""))
        if any(b is not None for b in column):
            bars[NAMES[key]] = column
    label = NAMES[metric]
    series = _series(board, by_name, metric)
    parts = ['<section id="plots"><h2>Plots</h2>']
    legend = ("blue: systems compared; orange: the baseline; grey: upper bounds that read "
              "the references")
    if bars:
        parts.append(_figure("bars", plots.bar_chart(names, roles, bars),
                             f"Mean ROUGE F x100 per system; whiskers are the 95% bootstrap "
                             f"interval; {esc(UP)}/{esc(DOWN)} as in the leaderboard. {legend}."))
    if any(s.values for s in series):
        parts.append(_figure("distribution", plots.distribution(series, label),
                             f"{label} of every example (dots) with the quartiles (boxes; "
                             f"whiskers to 1.5 IQR). {legend}."))
    if any(s.lengths for s in series):
        parts.append(_figure("length", plots.length_scatter(series, label),
                             f"Summary length in words against {label}, one point per "
                             "example and system. A system that scores higher only by being "
                             "longer sits further right, not higher."))
    else:
        parts.append("<p>No per-example lengths in these runs (score with the "
                     "<code>lengths</code> metric), so no length plot.</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _example_notes(run: RunResult, example_id: str) -> list[str]:
    """Why one system's score on one example may not mean what it seems: it failed,
    its output was flagged, or the tokenizer dropped many of its letters."""
    from benchmark.metrics.audit import WARN_SHARE

    notes = []
    if example_id in run.failures:
        notes.append(f"{run.system} failed: {run.failures[example_id]}")
    flags = next((e.flags for e in run.examples if e.id == example_id), [])
    if flags:
        notes.append(f"{run.system}: {', '.join(flags)}")
    dropped = run.audit.per_example.get(example_id, 0.0) if run.audit else 0.0
    if dropped > WARN_SHARE:
        notes.append(f"{run.system}: the tokenizer dropped {dropped:.0%} of the letters "
                     "(summary and references)")
    return notes


def differences_section(board: Leaderboard, by_name: Mapping[str, RunResult], metric: str,
                        top: int) -> str:
    """The examples where the two best compared systems disagree most on ``metric``."""
    label = NAMES[metric]
    ranked = sorted((r for r in board.group(GROUP_SYSTEMS) if metric in r.scores),
                    key=lambda r: (-r.scores[metric][0], r.system))
    head = f'<section id="differences"><h2>Largest differences on {label}</h2>'
    if len(ranked) < 2:
        return head + "<p>Needs at least two compared systems.</p></section>"
    a, b = (by_name[r.system] for r in ranked[:2])
    sa = {e.id: e.scores for e in a.examples if metric in e.scores}
    sb = {e.id: e.scores for e in b.examples if metric in e.scores}
    common = sorted(set(sa) & set(sb))
    if all(sa[i] == sb[i] for i in common):
        return (f"{head}\n<p class=\"note identical\">The two compared systems with the highest "
                f"mean {label}, {esc(a.system)} and {esc(b.system)}, have the same scores on "
                f"every metric for all {len(common)} shared examples (most likely identical "
                "outputs), so there are no differences to show.</p></section>")
    diffs = sorted(common, key=lambda i: (-abs(sa[i][metric] - sb[i][metric]), i))[:top]
    body = []
    for rank, ex in enumerate(diffs, 1):
        va, vb = 100 * sa[ex][metric], 100 * sb[ex][metric]
        la, lb = (s[ex].get("len_words") for s in (sa, sb))
        lens = [f"{x:.0f}" if x is not None else "–" for x in (la, lb)]
        notes = "; ".join(_example_notes(a, ex) + _example_notes(b, ex))
        body.append(f'<tr data-example="{esc(ex)}"><td>{rank}</td><td><code>{esc(ex)}</code>'
                    f"</td><td>{va:.2f}</td><td>{vb:.2f}</td><td>{va - vb:+.2f}</td>"
                    f'<td>{lens[0]}</td><td>{lens[1]}</td><td class="config">{esc(notes)}'
                    "</td></tr>")
    cols = ["#", "Example", f"{a.system} {label}", f"{b.system} {label}", "Δ",
            f"{a.system} words", f"{b.system} words", "Notes"]
    note = (f"The two compared systems with the highest mean {label}, {esc(a.system)} and "
            f"{esc(b.system)}; the {len(diffs)} of {len(common)} shared examples with the "
            f"largest absolute difference (F x100), largest first.")
    return (f'{head}\n<p class="note">{note}</p>\n{_table(cols, body, cls="diffs")}'
            "</section>")


def runs_section(board: Leaderboard, by_name: Mapping[str, RunResult],
                 sources: Mapping[str, str]) -> str:
    """Which file each row came from, its counts, token audit and system settings."""
    body = []
    for row in board.rows:
        run = by_name[row.system]
        audit = run.audit
        dropped = f"{100 * audit.dropped_share:.1f}% ({esc(audit.profile)})" if audit else "–"
        n = run.counts.get("examples", len(run.examples))
        body.append(f'<tr data-system="{esc(row.system)}"><td>{esc(row.system)}</td>'
                    f"<td><code>{esc(sources.get(row.system, '–'))}</code></td>"
                    f"<td>{n}</td><td>{len(run.failures)}</td><td>{dropped}</td>"
                    f'<td class="config"><code>{esc(canonical_json(run.system_config))}'
                    "</code></td></tr>")
    head = ["System", "File", "Examples", "Failed", "Letters dropped (tokenizer)", "Config"]
    return (f'<section id="runs"><h2>Runs</h2>\n{_table(head, body, cls="runs")}\n'
            '<p class="note">Letters dropped: the share of letters the ROUGE tokenizer '
            "throws away (token audit); non-English text needs <code>--tokenizer unicode"
            "</code>.</p></section>")


def render_page(board: Leaderboard, runs: Sequence[RunResult], sources: Mapping[str, str],
                *, metric: str, top: int, version: str) -> str:
    """The whole page as one string: no script, no external resource, no timestamp."""
    by_name = {r.system: r for r in runs}
    title = f"sumbench report: {board.dataset} ({board.split})"
    sections = [
        header_section(board, runs, version),
        NAV,
        warnings_section(board, by_name),
        leaderboard_section(board),
        significance_section(board),
        plots_section(board, by_name, metric),
        differences_section(board, by_name, metric, top),
        runs_section(board, by_name, sources),
        f"<footer>Written by sumbench {esc(version)} from {len(runs)} run file(s). Same "
        "runs, options and matplotlib version give a byte-identical page.</footer>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="sumbench {esc(version)}">\n'
            f"<title>{esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(sections) + "\n</main>\n</body>\n</html>\n")
