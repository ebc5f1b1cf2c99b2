"""Parser for the XSum human-evaluation sample (``shared/eval/xsum_human_eval.txt``).

Format (see shared/eval/README.md): blocks opened by ``==<id>==``; inside, the
sections ``Document-400``, ``Document-Full`` (one sentence per line), ``LEAD``,
``Ext-Oracle``, ``Pointer-Generator``, ``ConvS2S``, ``Topic-ConvS2S``, ``Reference``
and ``Questions-Answers`` follow in this order. A header is recognised only as the
*next expected* one, because article lines such as "Championship" look like headers.
The ``Questions-Answers`` section belongs to the human study, not to the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.errors import InputError

SECTIONS = (
    "Document-400",
    "Document-Full",
    "LEAD",
    "Ext-Oracle",
    "Pointer-Generator",
    "ConvS2S",
    "Topic-ConvS2S",
    "Reference",
    "Questions-Answers",
)
SYSTEMS = ("LEAD", "Ext-Oracle", "Pointer-Generator", "ConvS2S", "Topic-ConvS2S")
_BLOCK = re.compile(r"^==(\S+)==$")


@dataclass
class XSumItem:
    """One article: its sentences, the human reference and the 5 systems' outputs."""

    id: str
    sentences: list[str]
    reference: str
    outputs: dict[str, str] = field(default_factory=dict)
    line: int = 0


def _finish(block_id: str, start: int, sections: dict[str, list[str]], path: Path) -> XSumItem:
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise InputError(f"block =={block_id}== lacks section {missing[0]}", path=str(path),
                         line=start, field=missing[0])
    for name in (*SYSTEMS, "Reference"):
        if len(sections[name]) != 1:
            raise InputError(f"block =={block_id}== section {name} should be one line, "
                             f"has {len(sections[name])}", path=str(path), line=start, field=name)
    return XSumItem(
        id=block_id,
        sentences=sections["Document-Full"],
        reference=sections["Reference"][0],
        outputs={name: sections[name][0] for name in SYSTEMS},
        line=start,
    )


def parse_xsum_eval(path: Path) -> list[XSumItem]:
    """Every block of the file, in file order; malformed blocks raise InputError."""
    items: list[XSumItem] = []
    block_id: str | None = None
    start = 0
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        m = _BLOCK.match(line)
        if m:
            if block_id is not None:
                items.append(_finish(block_id, start, sections, path))
            block_id, start, sections, current = m.group(1), n, {}, None
            continue
        if not line:
            continue
        if block_id is None:
            raise InputError("text before the first ==<id>== block", path=str(path), line=n)
        expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
        if line == expected:
            current = line
            sections[current] = []
        elif current is None:
            raise InputError(f"expected section {SECTIONS[0]!r}", path=str(path), line=n)
        else:
            sections[current].append(line)
    if block_id is not None:
        items.append(_finish(block_id, start, sections, path))
    if not items:
        raise InputError("no ==<id>== block found", path=str(path))
    return items
