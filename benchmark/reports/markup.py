"""Escaping user text (system names, ids, dataset names) for Markdown outputs.

Why: names come from result files and ``--system`` specs, so a name like
``x | 99.99 |\\n| fake | row`` or ``<img src=x onerror=...>`` would otherwise add a
table row or run HTML wherever the Markdown is rendered (a PR comment, a job summary).
One helper serves the leaderboard and the regression gate; LaTeX has ``tex_escape``
in :mod:`benchmark.reports.leaderboard` and the HTML report escapes with ``html``.
"""

from __future__ import annotations

import re

#: line breaks and other control characters: a name stays on its line (and its cell)
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]+")
#: characters Markdown would read as syntax, escaped with a backslash; ``_`` only
#: where it could start or end emphasis (not inside a word: ``my_sum`` stays readable)
_MARKDOWN = re.compile(r"([\\`*\[\]|~!#]|(?<![^\W_])_|_(?![^\W_]))")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def md_text(text: str) -> str:
    """``text`` as inert inline Markdown: one line, no HTML, no table or emphasis syntax."""
    text = _CONTROL.sub(" ", text)
    text = "".join(_HTML.get(ch, ch) for ch in text)
    return _MARKDOWN.sub(r"\\\1", text)


def md_code(text: str) -> str:
    """``text`` as an inline code span (shown literally, HTML included), on one line
    and unbreakable by backticks inside it. Not for table cells (``|`` ends a cell)."""
    text = _CONTROL.sub(" ", text)
    fence = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
