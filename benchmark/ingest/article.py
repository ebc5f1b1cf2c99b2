"""Raw record -> validated Article: clean, find title, date and outlet, identify language, hash.

Everything here is a pure function of one record, so a batch can be cleaned
anywhere (another process, a Dask worker) and give the same articles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from benchmark.errors import InputError
from benchmark.ingest.clean import CleanedText, clean_document, repair_encoding
from benchmark.ingest.dates import (
    find_full_dates,
    find_partial_dates,
    find_weekday,
    parse_date,
    resolve_partial,
)
from benchmark.ingest.headline import looks_like_title, split_run_on_title
from benchmark.ingest.language import detect_language, normalise_language
from benchmark.ingest.outlet import find_outlet
from benchmark.ingest.records import RawRecord
from benchmark.schema import Article, Removal

#: paragraphs (after the title) searched for a partial date such as "23 October"
LEDE_PARAGRAPHS = 2


def derive_id(rec: RawRecord) -> str:
    """A content-derived id (blake2b of title and text), the same in every process."""
    h = hashlib.blake2b(digest_size=10)
    h.update((rec.title or "").encode("utf-8"))
    h.update(b"\x1f")
    h.update(rec.text.encode("utf-8"))
    return h.hexdigest()


def content_hash(body: str) -> str:
    """sha256 hex of the cleaned body: equal bodies, equal hashes."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Title:
    title: str | None
    source: str
    body: str
    removal: Removal | None = None


def _find_title(rec_title: str | None, cleaned: CleanedText) -> _Title:
    if rec_title and rec_title.strip():
        fixed, _ = repair_encoding(rec_title)
        return _Title(" ".join(fixed.split()), "metadata", cleaned.text)
    if cleaned.title_hint:
        return _Title(cleaned.title_hint, "breadcrumb", cleaned.text)
    first, sep, rest = cleaned.text.partition("\n\n")
    if sep and rest.strip() and looks_like_title(first):
        return _Title(first, "first-line", rest, Removal(kind="title", text=first))
    run_on = split_run_on_title(first)
    if run_on is not None:  # "Headline Body starts here ..." on one line
        title, lead, _cue = run_on
        body = f"{lead}{sep}{rest}"
        return _Title(title, "run-on", body, Removal(kind="title", text=title))
    return _Title(None, "none", cleaned.text)


def _find_date(rec: RawRecord, cleaned: CleanedText, title: str | None,
               body: str) -> tuple[dt.date | None, str]:
    """(published date or None, where it came from or why it is missing)."""
    if rec.date is not None and rec.date.strip():
        d = parse_date(rec.date)
        if d is None:
            raise InputError(f"unreadable date {rec.date!r} (need day, month and year)",
                             path=rec.path, line=rec.line, field=rec.date_field)
        return d, "metadata"
    for kind in ("date-line", "dateline"):
        for k, found in cleaned.dates:
            if k == kind:
                return found.date, kind
    lede = "\n\n".join([*([title] if title else []), *body.split("\n\n")[:LEDE_PARAGRAPHS]])
    partials = find_partial_dates(lede)
    if partials:
        p = partials[0]
        anchors = find_full_dates(body)
        if anchors:
            a = anchors[0]
            source = f"partial:'{p.text}' anchored on '{a.text}' in the text"
            return resolve_partial(p, a.date), source
        return None, f"unresolved:'{p.text}' (no year anchor)"
    weekday = find_weekday(lede)
    if weekday:
        return None, f"unresolved:'{weekday}' (weekday only, no anchor)"
    return None, "none"


def clean_record(rec: RawRecord) -> Article:
    """Turn one raw record into a validated Article, or raise InputError saying why not."""
    if not rec.text.strip():
        raise InputError("empty body", path=rec.path, line=rec.line, field=rec.text_field)
    cleaned = clean_document(rec.text, known_title=rec.title)
    found = _find_title(rec.title, cleaned)
    body = found.body.strip()
    if not body:
        kinds = sorted({r.kind for r in cleaned.removals})
        raise InputError(f"body is empty after cleaning (removed: {', '.join(kinds) or 'nothing'})",
                         path=rec.path, line=rec.line, field=rec.text_field)
    published, date_source = _find_date(rec, cleaned, found.title, body)
    removals = list(cleaned.removals)
    if found.removal is not None:
        removals.insert(0, found.removal)
    outlet, outlet_source = find_outlet(rec.source, cleaned.dateline_who,
                                        cleaned.dateline_agency, rec.url)
    language = normalise_language(rec.language)
    if language is None:
        language = detect_language(f"{found.title or ''}\n{body}")
    try:
        return Article(
            id=rec.id if rec.id is not None else derive_id(rec),
            title=found.title,
            title_source=found.source,
            body=body,
            source=outlet,
            outlet_source=outlet_source,
            url=_blank_to_none(rec.url),
            published=published,
            date_source=date_source,
            language=language,
            content_hash=content_hash(body),
            origin=rec.origin,
            removed=removals,
        )
    except ValidationError as e:
        err = e.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else None
        raise InputError(f"invalid value: {err['msg']}", path=rec.path, line=rec.line,
                         field=field) from None


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() if value is not None and value.strip() else None


def clean_batch(records: Sequence[RawRecord]) -> list[Article]:
    """Clean a batch of raw records (pure: no state is shared between records or batches).

    Raises InputError on the first record that cannot become an Article; callers
    that skip invalid records call :func:`clean_record` per record instead.
    """
    return [clean_record(rec) for rec in records]
