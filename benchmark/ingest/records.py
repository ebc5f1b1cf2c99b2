"""Raw records as read from any input format, before cleaning.

A :class:`RawRecord` is the one shape every reader produces, so cleaning never
needs to know where an article came from. A :class:`Reject` is a row a reader
could not turn into a record; it carries enough to be written to a rejects file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from benchmark.errors import InputError

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
    text_field: str = "text"  # the input columns that supplied text and date, for messages
    date_field: str = "date"


@dataclass(frozen=True)
class Reject:
    """A row that could not be read or cleaned, with where and why."""

    path: str
    line: int | None
    field: str | None
    reason: str
    raw: str | None = None

    @classmethod
    def from_error(cls, err: InputError, raw: str | None = None) -> Reject:
        """Keep an :class:`InputError`'s location so skip mode loses nothing."""
        return cls(err.path or "", err.line, err.field, err.reason, raw)

    def to_error(self) -> InputError:
        """Turn back into the error strict mode raises."""
        return InputError(self.reason, path=self.path, line=self.line, field=self.field)

    def as_json(self) -> dict[str, Any]:
        """The line written to the rejects file."""
        loc = self.path if self.line is None else f"{self.path}:{self.line}"
        return {"location": loc, "path": self.path, "line": self.line, "field": self.field,
                "reason": self.reason, "raw": self.raw}


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
    values: dict[str, str | None] = {}
    for name in STANDARD_FIELDS:
        column = column_for(name, row.keys(), field_map)
        values[name] = _as_str(row.get(column), column, path, line)
    text = values["text"]
    if text is None:
        column = column_for("text", row.keys(), field_map)
        raise InputError(f"required field {column!r} is missing or null", path=path, line=line,
                         field=column)
    rid = values["id"]
    if rid is not None and not rid.strip():
        raise InputError("id is empty", path=path, line=line,
                         field=column_for("id", row.keys(), field_map))
    return RawRecord(id=rid, title=values["title"], text=text, source=values["source"],
                     url=values["url"], date=values["date"], language=values["language"],
                     origin=origin, path=path, line=line,
                     text_field=column_for("text", row.keys(), field_map),
                     date_field=column_for("date", row.keys(), field_map))
