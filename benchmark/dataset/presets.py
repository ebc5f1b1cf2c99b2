"""Column presets for the paired datasets people already have (``sumbench import --preset``).

A preset names the input columns of one public dataset's usual release (the
Hugging Face copy, or the authors' JSONL for WCEP), whether a document field
holds several documents joined by a separator (Multi-News's ``|||||``), and
what the card should cite. Without ``--preset``, :func:`detect_preset` picks
the one whose columns a table has when the default columns are missing, and
the import prints the mapping it used, so nothing is guessed silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmark.errors import ConfigError


@dataclass(frozen=True)
class Preset:
    """Where one dataset keeps its document, reference, id (and date) columns."""

    name: str
    columns: dict[str, str]
    #: a document column joining several documents with this string (split on import)
    document_separator: str | None = None
    source_url: str = ""
    citation: str = ""
    #: columns that identify the dataset when no preset was named
    signature: tuple[str, ...] = field(default_factory=tuple)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "xsum",
            {"document": "document", "reference": "summary", "id": "id"},
            source_url="https://huggingface.co/datasets/EdinburghNLP/xsum",
            citation="Shashi Narayan, Shay B. Cohen, Mirella Lapata. Don't Give Me the "
            "Details, Just the Summary! Topic-Aware Convolutional Neural Networks for "
            "Extreme Summarization. EMNLP 2018.",
        ),
        Preset(
            "cnn_dailymail",
            {"document": "article", "reference": "highlights", "id": "id"},
            source_url="https://huggingface.co/datasets/abisee/cnn_dailymail",
            citation="Karl Moritz Hermann et al. Teaching Machines to Read and Comprehend. "
            "NeurIPS 2015; Abigail See, Peter J. Liu, Christopher D. Manning. Get To The "
            "Point: Summarization with Pointer-Generator Networks. ACL 2017.",
            signature=("article", "highlights"),
        ),
        Preset(
            "multi_news",
            {"document": "document", "reference": "summary", "id": "id"},
            document_separator="|||||",
            source_url="https://huggingface.co/datasets/alexfabbri/multi_news",
            citation="Alexander R. Fabbri et al. Multi-News: a Large-Scale Multi-Document "
            "Summarization Dataset and Abstractive Hierarchical Model. ACL 2019.",
        ),
        Preset(
            "wcep",
            {"document": "articles", "reference": "summary", "id": "id", "published": "date"},
            source_url="https://github.com/complementizer/wcep-mds-dataset",
            citation="Demian Gholipour Ghalandari et al. A Large-Scale Multi-Document "
            "Summarization Dataset from the Wikipedia Current Events Portal. ACL 2020.",
            signature=("articles", "summary"),
        ),
        Preset(
            "samsum",
            {"document": "dialogue", "reference": "summary", "id": "id"},
            source_url="https://huggingface.co/datasets/Samsung/samsum",
            citation="Bogdan Gliwa et al. SAMSum Corpus: A Human-annotated Dialogue Dataset "
            "for Abstractive Summarization. Workshop on New Frontiers in Summarization 2019.",
            signature=("dialogue", "summary"),
        ),
    )
}
#: Multi-News's document separator; seen in a document without the preset, it is pointed out
MULTI_NEWS_SEPARATOR = "|||||"


def get_preset(name: str) -> Preset:
    """The preset called ``name`` (ConfigError listing the known ones otherwise)."""
    key = name.strip().lower().replace("-", "_")
    if key not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; known: {', '.join(sorted(PRESETS))}")
    return PRESETS[key]


def detect_preset(columns: Sequence[str]) -> Preset | None:
    """The preset whose identifying columns all occur in ``columns`` (None if none or several)."""
    cols = set(columns)
    found = [p for p in PRESETS.values() if p.signature and set(p.signature) <= cols]
    return found[0] if len(found) == 1 else None
