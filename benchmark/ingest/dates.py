"""Finding and parsing dates in news text without inventing anything.

Rules (documented in docs/ingest.md):

* A *full* date has a day, a month and a four-digit year. Forms: ISO
  ``2021-10-09`` (also ``/`` or ``.``), numeric ``09.10.2021`` / ``9-10-2021``,
  ``9 October 2021``, ``October 9, 2021`` and the same with month names in
  German, French, Spanish, Italian, Russian and Turkish.
* Numeric dates separated by ``.`` or ``-`` are **day-first** (the European and
  Russian convention, and the one of every site in the seeds). Slash dates
  (``03/04/2012``) are day-first or month-first depending on the site, so they
  count only when one number exceeds 12 and the order is therefore certain.
* A *partial* date (``23 October``) never gets a year by itself; the caller
  resolves it against a named anchor with :func:`resolve_partial`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janvier", "enero", "gennaio", "января", "январь", "ocak"),
    2: ("february", "feb", "februar", "février", "fevrier", "febrero", "febbraio", "февраля",
        "февраль", "şubat", "subat"),
    3: ("march", "mar", "märz", "maerz", "mars", "marzo", "марта", "март", "mart"),
    4: ("april", "apr", "avril", "abril", "aprile", "апреля", "апрель", "nisan"),
    5: ("may", "mai", "mayo", "maggio", "мая", "май", "mayıs", "mayis"),
    6: ("june", "jun", "juni", "juin", "junio", "giugno", "июня", "июнь", "haziran"),
    7: ("july", "jul", "juli", "juillet", "julio", "luglio", "июля", "июль", "temmuz"),
    8: ("august", "aug", "août", "aout", "agosto", "августа", "август", "ağustos", "agustos"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "сентября",
        "сентябрь", "eylül", "eylul"),
    10: ("october", "oct", "oktober", "octobre", "octubre", "ottobre", "октября", "октябрь",
         "ekim"),
    11: ("november", "nov", "novembre", "noviembre", "ноября", "ноябрь", "kasım", "kasim"),
    12: ("december", "dec", "dezember", "décembre", "decembre", "diciembre", "dicembre",
         "декабря", "декабрь", "aralık", "aralik"),
}
MONTHS: dict[str, int] = {name: m for m, names in _MONTH_NAMES.items() for name in names}
#: month words that are also ordinary lower-case English words ("may", "mar", "sept")
_COMMON_WORDS = {"may", "mar", "jun", "jan", "sept", "mart", "mai"}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MON = "(?:" + "|".join(sorted((re.escape(n) for n in MONTHS), key=len, reverse=True)) + ")"
_ORD = r"(?:st|nd|rd|th)?"
_D = r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:19|20)\d\d"
_Y = _YEAR + r"(?!\d)"

FULL_DATE = (
    rf"(?P<iso>(?<!\d)(?P<iy>{_YEAR})(?P<isep>[-/.])(?P<im>0?[1-9]|1[0-2])(?P=isep)"
    rf"(?P<id>0?[1-9]|[12]\d|3[01])(?!\d))"
    rf"|(?P<num>(?P<nd>{_D})(?P<nsep>[./-])(?P<nm>0?[1-9]|1[0-2]|1[3-9]|2\d|3[01])(?P=nsep)"
    rf"(?P<ny>{_Y}))"
    rf"|(?P<dmy>(?P<td>{_D}){_ORD}\.?\s+(?:of\s+|de\s+)?(?P<tm>{_MON})\.?,?\s+(?:de\s+)?"
    rf"(?P<ty>{_Y}))"
    rf"|(?P<mdy>(?P<um>{_MON})\.?\s+(?P<ud>{_D}){_ORD},?\s+(?P<uy>{_Y}))"
)
FULL_DATE_RE = re.compile(FULL_DATE, re.IGNORECASE)
_PARTIAL_RE = re.compile(
    rf"(?P<dm>(?P<pd>{_D}){_ORD}\.?\s+(?:of\s+)?(?P<pm>{_MON})\b)"
    rf"|(?P<md>\b(?P<qm>{_MON})\.?\s+(?P<qd>{_D}){_ORD}(?!\d))",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(r"\b(?:" + "|".join(WEEKDAYS) + r")\b")
_TIME_RE = re.compile(
    r"(?<!\d)\d{1,2}[:.h]\d{2}(?::\d{2})?(?:\.\d+)?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:Z|[A-Z]{2,5}|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?))?(?!\d)",
    re.IGNORECASE,
)
_LABEL_RE = re.compile(
    r"\b(?:published|updated|posted|last modified|date|on|at|"
    r"опубликовано|обновлено|дата|veröffentlicht|aktualisiert|publié|mis à jour|publicado|"
    r"actualizado|pubblicato|yayınlanma|güncelleme|tarihi)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date found in text: the verbatim span and the date it means."""

    text: str
    date: dt.date
    start: int


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _from_match(m: re.Match[str]) -> dt.date | None:
    if m.group("iso"):
        return _make(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("num"):
        a, b, sep = int(m.group("nd")), int(m.group("nm")), m.group("nsep")
        if sep == "/" and a <= 12 and b <= 12 and a != b:
            return None  # day-first or month-first: the text does not say
        if b > 12:  # only possible as month-first (e.g. 10/23/2012)
            if sep != "/":
                return None
            a, b = b, a
        return _make(int(m.group("ny")), b, a)
    if m.group("dmy"):
        if _is_common_word(m.group("tm")):
            return None
        return _make(int(m.group("ty")), _month(m.group("tm")), int(m.group("td")))
    if _is_common_word(m.group("um")):
        return None
    return _make(int(m.group("uy")), _month(m.group("um")), int(m.group("ud")))


def _is_common_word(word: str) -> bool:
    return word.islower() and word in _COMMON_WORDS


_YEAR_RE = re.compile(rf"(?<!\d){_Y}")
_DAY_RE = re.compile(r"(?<!\d)\d{1,2}(?!\d)")


def _windowed(pattern: re.Pattern[str], text: str, anchor: re.Pattern[str], before: int,
              after: int) -> list[re.Match[str]]:
    """``pattern.finditer`` only near ``anchor`` hits (a year, a day number).

    Every date match contains such an anchor within ``before``/``after`` characters,
    so searching merged windows around anchors finds the same matches as a scan of
    the whole text, several times faster on long articles.
    """
    windows: list[list[int]] = []
    for a in anchor.finditer(text):
        lo, hi = max(0, a.start() - before), min(len(text), a.end() + after)
        while hi < len(text) and text[hi].isalnum():  # never cut a word or number
            hi += 1
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    out: list[re.Match[str]] = []
    for lo, hi in windows:
        out.extend(m for m in pattern.finditer(text, lo, hi)
                   if not out or m.start() >= out[-1].end())
    return out


def _full_matches(text: str) -> list[re.Match[str]]:
    return _windowed(FULL_DATE_RE, text, _YEAR_RE, 45, 8)


def find_full_dates(text: str) -> list[FoundDate]:
    """Every unambiguous full date in ``text``, in reading order."""
    out = []
    for m in _full_matches(text):
        d = _from_match(m)
        if d is not None:
            out.append(FoundDate(m.group(0), d, m.start()))
    return out


def parse_date(value: str) -> dt.date | None:
    """Parse a metadata date string (ISO, RFC 2822, or any full form above); None if none."""
    s = value.strip()
    try:
        return dt.datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    found = find_full_dates(s)
    return found[0].date if found else None


def date_line(line: str) -> FoundDate | None:
    """The date if ``line`` is nothing but a date (with time, label, weekday), else None."""
    if len(line) > 80:
        return None
    found = find_full_dates(line)
    if len(found) != 1:
        return None
    rest = line.replace(found[0].text, " ")
    rest = _TIME_RE.sub(" ", rest)
    rest = _LABEL_RE.sub(" ", rest)
    rest = _WEEKDAY_RE.sub(" ", rest)
    return found[0] if not re.search(r"\w", rest) else None


@dataclass(frozen=True)
class PartialDate:
    """A day and month without a year, e.g. '23 October'."""

    text: str
    month: int
    day: int


def find_partial_dates(text: str) -> list[PartialDate]:
    """Day+month mentions that are not part of a full date, in reading order."""
    full_spans = [(m.start(), m.end()) for m in _full_matches(text)]
    out = []
    for m in _windowed(_PARTIAL_RE, text, _DAY_RE, 16, 20):
        if any(s <= m.start() < e for s, e in full_spans):
            continue
        word = m.group("pm") or m.group("qm")
        day = m.group("pd") or m.group("qd")
        if _is_common_word(word):
            continue
        month = _month(word)
        if _make(2000, month, int(day)) is None:  # 2000 is a leap year: 29 Feb passes
            continue
        out.append(PartialDate(m.group(0), month, int(day)))
    return out


def find_weekday(text: str) -> str | None:
    """The first English weekday name in ``text`` ('Tuesday'), if any."""
    m = _WEEKDAY_RE.search(text)
    return m.group(0) if m else None


def resolve_partial(partial: PartialDate, anchor: dt.date) -> dt.date:
    """Give ``partial`` the year that puts it closest to ``anchor`` (within half a year)."""
    best: tuple[int, dt.date] | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        d = _make(year, partial.month, partial.day)
        if d is None:
            continue
        gap = abs((d - anchor).days)
        if best is None or gap < best[0]:
            best = (gap, d)
    if best is None:  # 29 February with no leap year near the anchor
        raise ValueError(f"{partial.text!r} does not exist near {anchor.isoformat()}")
    return best[1]
