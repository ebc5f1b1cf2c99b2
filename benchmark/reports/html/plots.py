"""The report's plots, drawn with matplotlib and returned as inline SVG text.

Why matplotlib: it is the plotting library researchers already have and trust, its
SVG backend needs no browser, no JavaScript and no network, and with a fixed
``svg.hashsalt``, no date metadata and one font it writes the same bytes for the same
data. It is an optional extra (``sumbench[report]``) and is imported only inside
these functions, so ``sumbench --help`` and the scoring path never load it.

Every function takes plain numbers (already in table order), not runs, so the page
decides what is plotted and the plots only decide how.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from benchmark.errors import ConfigError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: bar / box colours by role, so the baseline and the upper bounds stand out in every plot
COLOURS = {"system": "#4c72b0", "baseline": "#dd8452", "upper": "#9a9a9a"}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">")
RC: dict[str, Any] = {
    "svg.hashsalt": "sumbench",  # ids from a fixed salt, not a random one
    "svg.fonttype": "none",  # text stays text: searchable, small, no glyph paths
    "font.family": "DejaVu Sans",  # bundled with matplotlib: same metrics everywhere
    "font.size": 9.0,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e6e6",
    "axes.axisbelow": True,
    "path.simplify": False,
}


@dataclass
class Series:
    """One system's numbers for a plot: its name, role and values (scores x100)."""

    name: str
    role: str  # "system", "baseline" or "upper"
    values: list[float]
    lengths: list[float] | None = None


@dataclass
class Bar:
    """One system's mean and interval on one metric, x100, with its ▲/▼ mark."""

    mean: float
    low: float
    high: float
    mark: str = ""


@contextmanager
def _matplotlib() -> Iterator[type[Figure]]:
    """matplotlib's Figure class under the report's fixed settings, or a ConfigError."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError("the HTML report draws its plots with matplotlib, which is not "
                          "installed: pip install 'sumbench[report]' (or pip install "
                          "matplotlib)") from None
    with matplotlib.rc_context(cast(Any, RC)):  # literal-key stubs vary by version
        yield Figure


def matplotlib_version() -> str:
    """The matplotlib version drawing the plots: the page records it, since another
    version may draw the same numbers with other bytes."""
    with _matplotlib():
        import matplotlib

        return str(matplotlib.__version__)


_ID_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def to_svg(fig: Figure, prefix: str, title: str) -> str:
    """The figure as an ``<svg>`` element for inlining in HTML.

    Why the clean-up: the XML prolog, DOCTYPE and RDF metadata (with its date and
    creator URLs) do not belong inside a page, and matplotlib names elements
    ``figure_1``, ``axes_1``... in every figure, so ids get a per-plot ``prefix`` to stay
    unique on a page with several plots. ``title`` becomes the image's accessible name.
    """
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    ids = set(re.findall(r'\bid="([^"]+)"', text))

    def rename(m: re.Match[str]) -> str:
        key = m.group(2)
        return f"{m.group(1)}{prefix}-{key}" if key in ids else m.group(0)

    text = _ID_REF.sub(rename, text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1).strip()


def _height(n: int) -> float:
    return 1.3 + 0.28 * max(n, 1)


def bar_chart(names: Sequence[str], roles: Sequence[str],
              bars: Mapping[str, Sequence[Bar | None]]) -> str:
    """One panel per metric: a horizontal bar per system with its CI as whiskers.

    ``bars`` maps a metric label to one entry per name (None: not scored). Systems
    read top to bottom in table order; significant marks are printed past the whisker.
    """
    with _matplotlib() as figure:
        fig = figure(figsize=(2.4 * len(bars) + 1.6, _height(len(names))), layout="constrained")
        axes = fig.subplots(1, len(bars), sharey=True, squeeze=False)[0]
        ys = list(range(len(names)))[::-1]
        colours = [COLOURS[r] for r in roles]
        for ax, (label, values) in zip(axes, bars.items(), strict=True):
            drawn = [(y, c, b) for y, c, b in zip(ys, colours, values, strict=True) if b]
            ax.barh([y for y, _, _ in drawn], [b.mean for _, _, b in drawn],
                    color=[c for _, c, _ in drawn], height=0.65)
            ax.errorbar([b.mean for _, _, b in drawn], [y for y, _, _ in drawn],
                        xerr=[[b.mean - b.low for _, _, b in drawn],
                              [b.high - b.mean for _, _, b in drawn]],
                        fmt="none", ecolor="#222222", elinewidth=1, capsize=2.5)
            for y, _, bar in drawn:
                if bar.mark:
                    ax.text(bar.high, y, f" {bar.mark}", va="center", ha="left", fontsize=8)
            ax.set_title(label)
            ax.set_xlabel("F x100")
            ax.set_xlim(left=0)
            ax.margins(x=0.12)
        axes[0].set_yticks(ys, list(names))
        return to_svg(fig, "bars", "Mean ROUGE F per system with 95% CI")


def distribution(series: Sequence[Series], label: str) -> str:
    """Box plot of the per-example scores per system, every example drawn as a dot.

    Why dots too: on a few dozen examples a box hides how few points it summarises.
    Dots are spread vertically by a fixed pattern (no random jitter) so the picture is
    the same every time.
    """
    with _matplotlib() as figure:
        fig = figure(figsize=(7.5, _height(len(series))), layout="constrained")
        ax = fig.add_subplot()
        ys = list(range(len(series)))[::-1]
        boxes = ax.boxplot([s.values for s in series], positions=ys, orientation="horizontal",
                           widths=0.6, showfliers=False, patch_artist=True,
                           medianprops={"color": "#222222"})
        for patch, s in zip(boxes["boxes"], series, strict=True):
            patch.set_facecolor(COLOURS[s.role])
            patch.set_alpha(0.35)
        for y, s in zip(ys, series, strict=True):
            offsets = [((i % 7) - 3) * 0.05 for i in range(len(s.values))]
            ax.scatter(s.values, [y + o for o in offsets], s=9, color=COLOURS[s.role],
                       edgecolors="#222222", linewidths=0.3, zorder=3)
        ax.set_yticks(ys, [s.name for s in series])
        ax.set_xlabel(f"{label} per example (F x100)")
        ax.set_xlim(left=0)
        return to_svg(fig, "dist", f"{label} per example, per system")


def length_scatter(series: Sequence[Series], label: str) -> str:
    """Summary length in words against the score, one colour and marker per system.

    Why: ROUGE F rewards length up to a point; a system that wins only by writing
    longer summaries shows up as a cloud further right, not higher.
    """
    import matplotlib as mpl

    with _matplotlib() as figure:
        fig = figure(figsize=(7.5, 4.2), layout="constrained")
        ax = fig.add_subplot()
        cmap: Any = mpl.colormaps["tab20"]
        for i, s in enumerate(series):
            if not s.lengths:
                continue
            ax.scatter(s.lengths, s.values, s=16, marker=MARKERS[i % len(MARKERS)],
                       color=cmap(i % 20), label=s.name, alpha=0.85, linewidths=0.4,
                       edgecolors="#222222")
        ax.set_xlabel("summary length (words)")
        ax.set_ylabel(f"{label} (F x100)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7.5,
                      frameon=False)
        return to_svg(fig, "length", f"Summary length against {label}")
