"""Raw records as read from any input format, before cleaning.

A :class:`RawRecord` is the one shape every reader produces, so cleaning never
needs to know where an article came from. A :class:`Reject` (from the row layer,
:mod:`benchmark.rows`) is a row that could not be read, mapped or cleaned; it
carries enough to be written to a rejects file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from benchmark.errors import InputError
from benchmark.limits import not_finite

__all__ = [
    "ALIASES",
    "REQUIRED",
    "STANDARD_FIELDS",
    "RawRecord",
    "check_field_map",
    "column_for",
    "raw_json",
    "record_from_mapping",
]

#: our field names, in the order they appear in records
STANDARD_FIELDS: tuple[str, ...] = ("id", "title", "text", "source", "url", "date", "language")
#: accepted alternative input column names (used only when the standard name is absent)
ALIASES: dict[str, tuple[str, ...]] = {"text": ("body",), "date": ("published",)}
REQUIRED = "text"


@dataclass(frozen=True)
class RawRecord:
    """One input article exactly as read (strings only), plus where it was read.

    ``id`` is None when the input has no id column; cleaning then derives one
    from the content. ``origin`` is ``file`` or ``file:line`` for messages.
    """

    id: str | None
    title: str | None
    text: str
    source: str | None
    url: str | None
    date: str | None
    language: str | None
    origin: str
    path: str
    line: int | None = None
    text_field: str = "text"  # the input columns that supplied text, date and id, for messages
    date_field: str = "date"
    id_field: str = "id"


_LOCATION_FIELDS = {"origin", "path", "line", "text_field", "date_field", "id_field"}


def raw_json(rec: RawRecord) -> str:
    """The record in standard field names (no location), for the rejects file."""
    data = {k: v for k, v in asdict(rec).items() if k not in _LOCATION_FIELDS}
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def check_field_map(field_map: Mapping[str, str] | None) -> dict[str, str]:
    """Validate a field map ``{our_name: input_column}``; unknown names are an error."""
    if not field_map:
        return {}
    out: dict[str, str] = {}
    for ours, theirs in field_map.items():
        key = "text" if ours == "body" else ours
        if key not in STANDARD_FIELDS:
            raise InputError(
                f"field map names unknown field {ours!r}; standard fields are "
                f"{', '.join(STANDARD_FIELDS)} (alias: body)", field=ours)
        if not isinstance(theirs, str) or not theirs:
            raise InputError(f"field map value for {ours!r} must be a column name", field=ours)
        out[key] = theirs
    return out


def column_for(name: str, columns: Collection[str],
               field_map: Mapping[str, str]) -> str:
    """The input column that supplies our field ``name`` (mapped, standard or alias)."""
    if name in field_map:
        return field_map[name]
    if name in columns:
        return name
    for alias in ALIASES.get(name, ()):
        if alias in columns:
            return alias
    return name


def _as_str(value: Any, column: str, path: str, line: int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise InputError(f"expected text, got a boolean ({value})", path=path, line=line,
                         field=column)
    if not_finite(value):
        raise InputError(f"expected text, got the number {value} (NaN or infinity)", path=path,
                         line=line, field=column)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise InputError(f"expected text, got {type(value).__name__}", path=path, line=line,
                     field=column)


def record_from_mapping(row: Mapping[str, Any], field_map: Mapping[str, str], *, path: str,
                        line: int | None, origin: str) -> RawRecord:
    """Build a :class:`RawRecord` from one input row (a JSON object, CSV row, table row).

    Raises :class:`InputError` naming the input column when the required text
    is missing or a value has the wrong type.
    """
    columns = {name: column_for(name, row.keys(), field_map) for name in STANDARD_FIELDS}
    values = {name: _as_str(row.get(col), col, path, line) for name, col in columns.items()}
    text = values["text"]
    if text is None:
        raise InputError(f"required field {columns['text']!r} is missing or null", path=path,
                         line=line, field=columns["text"])
    rid = values["id"]
    if rid is not None and not rid.strip():
        raise InputError("id is empty", path=path, line=line, field=columns["id"])
    return RawRecord(id=rid, title=values["title"], text=text, source=values["source"],
                     url=values["url"], date=values["date"], language=values["language"],
                     origin=origin, path=path, line=line, text_field=columns["text"],
                     date_field=columns["date"], id_field=columns["id"])
