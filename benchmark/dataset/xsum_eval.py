"""The XSum human-evaluation file format (Narayan et al. 2018): articles, reference, outputs.

The file released with XSum's human study holds blocks opened by ``==<id>==``; inside,
the sections ``Document-400``, ``Document-Full`` (one sentence per line), ``LEAD``,
``Ext-Oracle``, ``Pointer-Generator``, ``ConvS2S``, ``Topic-ConvS2S``, ``Reference``
and ``Questions-Answers`` follow in this order. A header is recognised only as the
*next expected* one, because article lines such as "Championship" look like headers.
The ``Questions-Answers`` section belongs to the human study, not to the reference.

``sumbench import FILE --format xsum-human-eval`` reads it (the format is also
detected from the first line): each block becomes one example (document =
``Document-Full``, one sentence per line; reference = ``Reference``), and
``--predictions-out DIR`` writes each published system's outputs as a predictions
file that ``sumbench run --system file:DIR/<system>.jsonl`` scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.errors import InputError
from benchmark.metrics.fragments import fragment_stats
from benchmark.schema import Example

FORMAT = "xsum-human-eval"
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
#: the published systems whose one-line outputs each block carries
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


def looks_like_xsum_eval(path: str | Path) -> bool:
    """True when the first non-blank line of a text file is an ``==<id>==`` block header."""
    p = Path(path)
    if not p.is_file():
        return False
    try:
        with p.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.strip():
                    return bool(_BLOCK.match(line.strip()))
    except OSError:
        return False
    return False


def _finish(block_id: str, start: int, sections: dict[str, list[str]], path: Path) -> XSumItem:
    missing = [s for s in SECTIONS if s not in sections]
    if missing:
        raise InputError(f"block =={block_id}== lacks section {missing[0]}", path=str(path),
                         line=start, field=missing[0])
    for name in (*SYSTEMS, "Reference"):
        if len(sections[name]) != 1:
            raise InputError(f"block =={block_id}== section {name} should be one line, "
                             f"has {len(sections[name])}", path=str(path), line=start, field=name)
    if not sections["Document-Full"]:
        raise InputError(f"block =={block_id}== has an empty Document-Full", path=str(path),
                         line=start, field="Document-Full")
    return XSumItem(
        id=block_id,
        sentences=sections["Document-Full"],
        reference=sections["Reference"][0],
        outputs={name: sections[name][0] for name in SYSTEMS},
        line=start,
    )


def parse_xsum_eval(path: str | Path) -> list[XSumItem]:
    """Every block of the file, in file order; a malformed block raises InputError
    naming the file, the line of its ``==<id>==`` header and the section."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 ({exc.reason})", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=path) from None
    items: list[XSumItem] = []
    seen: dict[str, int] = {}
    block_id: str | None = None
    start = 0
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        m = _BLOCK.match(line)
        if m:
            if block_id is not None:
                items.append(_finish(block_id, start, sections, path))
            block_id, start, sections, current = m.group(1), n, {}, None
            if block_id in seen:
                raise InputError(f"duplicate block =={block_id}== (first at line "
                                 f"{seen[block_id]})", path=path, line=n, field="id")
            seen[block_id] = n
            continue
        if not line:
            continue
        if block_id is None:
            raise InputError("text before the first ==<id>== block", path=path, line=n)
        expected = SECTIONS[len(sections)] if len(sections) < len(SECTIONS) else None
        if line == expected:
            current = line
            sections[current] = []
        elif current is None:
            raise InputError(f"expected section {SECTIONS[0]!r}", path=path, line=n)
        else:
            sections[current].append(line)
    if block_id is not None:
        items.append(_finish(block_id, start, sections, path))
    if not items:
        raise InputError("no ==<id>== block found", path=path)
    return items


def xsum_example(item: XSumItem) -> Example:
    """One block -> an ``imported`` Example: ``Document-Full`` (one sentence per line,
    so the splitter's sentence 1 is the file's LEAD) against the ``Reference`` alone."""
    document = "\n".join(item.sentences)
    return Example(
        id=item.id,
        strategy="imported",
        cluster_id=item.id,
        source_ids=[item.id],
        reference_ids=[f"{item.id}#r0"],
        documents=[document],
        document=document,
        references=[item.reference],
        fragments=[fragment_stats(document, item.reference)],
        language="en",
    )


def read_xsum_human_eval(path: str | Path) -> list[tuple[Example, dict[str, str]]]:
    """Every block as (example, {published system: its output}), in file order."""
    return [(xsum_example(item), dict(item.outputs)) for item in parse_xsum_eval(path)]
