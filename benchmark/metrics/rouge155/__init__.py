"""``rouge155``: the ROUGE-1.5.5 Perl script's numbers, reproduced in Python.

Paste the Perl's option string (``Rouge155Metric("-n 4 -m -a -l 100 -p 0.5 -c 95
-r 1000 -f A -t 0")``) and get its per-evaluation scores. See docs/rouge155.md.
"""

from __future__ import annotations

from benchmark.metrics.rouge155.metric import DEFAULT_OPTIONS, Rouge155Metric
from benchmark.metrics.rouge155.options import (
    IGNORED_OPTIONS,
    REFUSED_OPTIONS,
    Rouge155Options,
    parse_perl_options,
)
from benchmark.metrics.rouge155.stemmer import porter_stem, rouge155_stem
from benchmark.metrics.rouge155.text import read_text

__all__ = [
    "DEFAULT_OPTIONS",
    "IGNORED_OPTIONS",
    "REFUSED_OPTIONS",
    "Rouge155Metric",
    "Rouge155Options",
    "parse_perl_options",
    "porter_stem",
    "read_text",
    "rouge155_stem",
]
