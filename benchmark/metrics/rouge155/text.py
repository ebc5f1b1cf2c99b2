"""How ROUGE-1.5.5 turns a summary into tokens: lines, truncation, tokenisation, stemming.

Why this module: the Perl works on bytes, one sentence per line (its SPL format),
and truncates *before* tokenising, counting white-space separated words (``-l``)
or bytes (``-b``). It reads every text twice: as one joined string for n-gram
counts, and as a list of sentences for ROUGE-L/W, with slightly different
truncation rules (under ``-b`` the sentence list keeps every sentence shorter
than the limit, a quirk of 1.5.5 that changes ROUGE-L). Both readings are
reproduced here so the counts match the Perl's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from benchmark.metrics.rouge155.options import Rouge155Options
from benchmark.metrics.rouge155.stemmer import rouge155_stem, smart_stopwords

# Perl's \s on a byte string: ASCII white space only (incl. vertical tab since 5.18).
_WS = re.compile(rb"[ \t\n\r\f\v]+")
_TOKEN = re.compile(rb"[a-z0-9]+")


@dataclass(frozen=True)
class ReadText:
    """One summary as the Perl sees it: all tokens (n-grams) and per-sentence tokens (LCS)."""

    tokens: tuple[str, ...]
    units: tuple[tuple[str, ...], ...]


def _perl_words(line: bytes) -> list[bytes]:
    """Perl's ``split(/\\s+/, $s)``: a leading empty field is kept, trailing ones dropped."""
    fields = _WS.split(line)
    while fields and not fields[-1]:
        fields.pop()
    return fields


def _lines(text: str) -> list[bytes]:
    """Non-empty lines, ASCII-lower-cased, as bytes (the Perl reads files byte by byte)."""
    return [line.lower() for line in text.encode("utf-8").split(b"\n") if line]


def _joined(lines: list[bytes], opts: Rouge155Options) -> bytes:
    """The Perl's readText: sentences joined by a space, cut at the word or byte limit."""
    if opts.length_limit is None and opts.byte_limit is None:
        return b" ".join(lines)
    out: list[bytes] = []
    used = 0
    for line in lines:
        if opts.length_limit is not None:
            words = _perl_words(line)
            size, limit = len(words), opts.length_limit
        else:
            size, limit = len(line), opts.byte_limit or 0
        if used + size < limit:
            out.append(line)
            used += size
            continue
        out.append(b" ".join(words[: limit - used]) if opts.length_limit else line[: limit - used])
        break
    return b" ".join(out)


def _units(lines: list[bytes], opts: Rouge155Options) -> list[bytes]:
    """The Perl's readText_LCS: the sentence list, cut at the word or byte limit."""
    if opts.length_limit is None and opts.byte_limit is None:
        return list(lines)
    out: list[bytes] = []
    used = 0
    for line in lines:
        if opts.length_limit is not None:
            words = _perl_words(line)
            if used + len(words) < opts.length_limit:
                out.append(line)
                used += len(words)
                continue
            out.append(b" ".join(words[: opts.length_limit - used]))
            break
        limit = opts.byte_limit or 0
        # 1.5.5 never adds up the bytes here: each sentence is compared with the limit alone.
        if len(line) < limit:
            out.append(line)
            continue
        out.append(line[:limit])
        break
    return out


def _tokenise(chunk: bytes, opts: Rouge155Options) -> list[str]:
    """Lower-case alphanumeric runs; stop words dropped (-s); stemmed (-m) if over 3 letters."""
    tokens = [t.decode("ascii") for t in _TOKEN.findall(chunk)]
    if opts.remove_stopwords:
        stop = smart_stopwords()
        tokens = [t for t in tokens if t not in stop]
    if opts.stem:
        tokens = [rouge155_stem(t) for t in tokens]
    return tokens


def read_text(text: str, opts: Rouge155Options) -> ReadText:
    """Tokens of one summary (prediction or reference) under ROUGE-1.5.5's rules.

    Each ``\\n``-separated line is one sentence, as in the Perl's SPL input; text
    without newlines is one sentence. Characters outside ASCII letters and digits
    separate tokens, so non-ASCII words vanish, as they do in the Perl.
    """
    lines = _lines(text)
    return ReadText(
        tokens=tuple(_tokenise(_joined(lines, opts), opts)),
        units=tuple(tuple(_tokenise(unit, opts)) for unit in _units(lines, opts)),
    )
