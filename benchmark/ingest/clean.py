"""Boilerplate removal with an audit trail: every removed piece becomes a Removal.

The rules are patterns of news-site layout, not strings of particular sites:

* **header zone** (first 8 non-blank lines): navigation breadcrumbs
  (``Main/News/<title>``, ``Home > World > ...``), lines that hold only a date
  (``09.10.2021``, ``Published: 9 Oct 2021 14:35``), bylines (``By <Name>``,
  ``Автор: <Name>``), and lines repeating the title;
* **dateline**: an upper-case agency or place name followed by a date and/or an
  agency in brackets and a separator at the start of one of the first three
  lines (``OREANDA-NEWS. October 29, 2012.``, ``MOSCOW, Oct 23 (Reuters) -``);
  only the prefix goes, the rest of the paragraph stays;
* **tail zone** (last 5 non-blank lines, from the end): site footers (error
  report widgets with ``Ctrl+Enter``, share/subscribe/follow prompts, copyright
  lines, "read more" links) and credit trailers (``Reporting by ...``);
* **anywhere**: lone advertisement markers, and paywall, login, newsletter,
  ad-blocker and cookie-consent blocks (:func:`gate_cut`): a line that opens with
  a gate phrase ("You have reached the limit for free access", "TAKE A FREE
  TRIAL", "We use cookies"), or a short line that carries two different kinds of
  gate vocabulary (subscription, account/login, access offer, newsletter, ad
  blocker, print edition, form fields, cookies, privacy) and addresses the
  reader ("you", "our", ...); a gate phrase inside a
  line removes the rest of the line only when that rest carries two kinds of gate
  vocabulary itself, so a sentence that merely mentions subscribers stays;
* **repair and layout**: mojibake is fixed with ftfy, indentation, Unicode
  space and whitespace runs are normalised, hard-wrapped lines are re-joined,
  and paragraphs are separated by one blank line.

The first paragraph after the header zone (the standfirst) is never removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from benchmark.ingest.dates import (
    FULL_DATE_RE,
    MONTHS,
    WEEKDAYS,
    FoundDate,
    date_line,
    find_full_dates,
)
from benchmark.schema import Removal

HEADER_LINES = 8
TAIL_LINES = 5
DATELINE_LINES = 3

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ"
_NAME_WORD = rf"[{_UPPER}][\w'’.-]*"
_PARTICLE = r"(?:de|da|di|du|van|von|der|den|la|le|al|el|bin|ibn|dos|del)"
_PERSON = rf"{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|{_PARTICLE})){{0,4}}"
_BYLINE_RE = re.compile(
    r"^(?i:by|written\s+by|words\s+by|story\s+by|text\s+by|author|von|par|por|autor|автор|"
    r"текст|yazan|muhabir)\s*:?\s+"
    rf"(?P<name>{_PERSON})(?:\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\bи\b)\s*{_PERSON})*"
    r"(?:\s*[,|/–—-]\s*[^.!?]{0,60})?\.?$"
)
_CREDIT_RE = re.compile(
    r"^\(?(?:(?:additional\s+)?reporting|writing|editing|compiled|translated|translation)"
    r"\s+by\b.{0,200}\)?$", re.IGNORECASE)
_FOOTER_RE = re.compile(
    r"ctrl\s*\+\s*enter"
    r"|^(?:follow|like|join|find)\s+us\s+(?:on|at)\b"
    r"|\bsubscribe\s+to\s+(?:our|the)\b|^subscribe\b|^sign\s+up\b"
    r"|^share\s+(?:this|on|via)\b|^(?:click|tap)\s+here\b"
    r"|\ball\s+rights\s+reserved\b|^©|^\(c\)\s*\d{4}|^copyright\b"
    r"|^(?:read\s+(?:more|also)|see\s+also|related(?:\s+(?:articles|stories|news))?|tags?)\s*:"
    r"|^(?:читайте\s+также|подписывайтесь|при\s+(?:использовании|цитировании|перепечатке))"
    r"|^(?:lesen\s+sie\s+auch|folgen\s+sie\s+uns|lire\s+aussi|suivez-nous|"
    r"ayrıca\s+okuyun|bizi\s+takip\s+edin)\b",
    re.IGNORECASE,
)
_AD_RE = re.compile(r"^(?:advertisement|sponsored(?:\s+content)?|anzeige|publicité|реклама)$",
                    re.IGNORECASE)
_PHOTO_CREDIT_RE = re.compile(
    rf"(?:/\s*[{_UPPER}][{_UPPER} .&-]{{1,30}}\s*){{2,}}/?\s*$"
    r"|^(?i:photo|foto|zdjęcie|фото|image|picture|credit|bild)s?\s*:")
_INITIALS_RE = re.compile(r"^(?:[^\W\d_]{2,4}\s*/\s*)+[^\W\d_]{0,4}$")
_NAV_SEP_RE = re.compile(r"\s*(?:/|>|»|›|\||→)\s*")
_NAV_WORD_RE = re.compile(r"^[^\W\d_][\w&'’ -]{0,24}$")
_HOME_WORDS = {"main", "home", "homepage", "start", "startseite", "accueil", "inicio", "portada",
               "главная", "anasayfa", "ana sayfa", "news", "новости"}
_CAPS = rf"[{_UPPER}][{_UPPER}'’&-]{{2,}}(?:[ /][{_UPPER}][{_UPPER}'’&-]+){{0,3}}"
_DL_WHO_RE = re.compile(rf"^(?P<who>{_CAPS})(?:\s*\((?P<agency>[^)\n]{{1,40}})\))?")
_DL_SEP_RE = re.compile(r"\s*[.,:]?\s*")
_DL_AFTER_RE = re.compile(r"\s*(?:\((?P<agency>[^)\n]{1,40})\))?\s*(?P<punct>[.,:]?)\s*"
                          r"(?P<dash>[-–—]\s)?\s*")
_DL_PARTIAL_RE = re.compile(
    rf"(?:\d{{1,2}}\s+(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?"
    rf"|(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\.?\s+\d{{1,2}})",
    re.IGNORECASE,
)
#: A line at most this long that carries two kinds of gate vocabulary is a gate line.
GATE_LINE_CHARS = 400
#: An inline gate (from a gate phrase to the end of the line) is cut only up to this size.
GATE_TAIL_CHARS = 2000
_GATE_PHRASE_RE = re.compile(
    r"\btake\s+a\s+free\s+trial\b|\bstart\s+(?:your|a)\s+free\s+trial\b"
    r"|\bare\s+you\s+sure\s+you\s+want\s+to\s+log\s*out\b"
    r"|\byou(?:'ve|’ve|\s+have)\s+reached\s+(?:the|your)\s+(?:[\w-]+\s+){0,3}limit\b"
    r"|\b(?:subscribe|sign\s+in|log\s*in|register)\s+(?:now\s+)?to\s+(?:continue|keep)\s+reading\b"
    r"|\bto\s+continue\s+(?:reading|viewing)\b[^.!?]{0,80}\b(?:sign\s+in|log\s*in|subscribe)"
    r"|\balready\s+(?:a\s+subscriber|have\s+an\s+account|registered)\s*\?"
    r"|\bwe\s+noticed\s+you(?:'re|’re|\s+are)\s+(?:using\s+an\s+ad\s*-?\s*blocker|blocking\s+ads)"
    r"|\bwe\s+hope\s+you\s+(?:have\s+)?enjoyed\s+your\s+(?:complimentary|free)\s+access"
    r"|\bsign\s+up\s+(?:to|for)\s+(?:our\s+|the\s+)?(?:[\w’'-]+\s+){0,3}"
    r"(?:e-?mail\s+alerts|newsletters?)\b"
    r"|\bsubscribe\s+to\s+our\s+(?:[\w’'-]+\s+){0,2}newsletters?\b",
    re.IGNORECASE,
)
#: A sign-up widget's closing form messages are looked for this far after its gate phrase.
GATE_WIDGET_CHARS = 400
_GATE_END_RE = re.compile(
    r"\binvalid\s+e-?mail\b|\bcould\s+not\s+subscribe,?\s+try\s+again\s+later\b",
    re.IGNORECASE)
_CONSENT_PHRASE_RE = re.compile(
    r"\b(?:we|this\s+(?:web)?site)\s+(?:use|uses|are\s+using)\s+cookies\b"
    r"|\b(?:diese[sr]?|unsere)\s+(?:web)?seite\s+(?:verwendet|nutzt)\s+cookies\b"
    r"|\bcookie-?(?:informationen|hinweis|einstellungen|settings|consent)",
    re.IGNORECASE,
)
#: Kinds of gate vocabulary; a gate needs two different kinds, one kind is ordinary prose.
_GATE_CUES: tuple[re.Pattern[str], ...] = tuple(re.compile(c, re.IGNORECASE) for c in (
    r"\bsubscri(?:be|bed|bing|ber|bers|ption|ptions)\b|\babonnent|\babonnieren|\bs'abonner"
    r"|\bsuscri|\biscriviti|\babbonati|\bподпис",
    r"\b(?:sign|log)[ -]?(?:in|on|out)\b|\blogin\b"
    r"|\b(?:create|your|existing|an\s+online|free)\s+account\b|\banmelden\b|\beinloggen\b"
    r"|\bcrear\s+una\s+cuenta\b|\binici(?:ar|e)\s+sesión\b|\bвойти\b",
    r"\b(?:unlimited|free|complimentary|full|digital|premium)\s+access\b|\bfree\s+trial\b"
    r"|\bpaywall\b|\bread\s+up\s+to\s+\d+\b|\b(?:article|reading)\s+limit\b",
    r"\bnewsletters?\b|\be-?mail\s+alerts?\b|\binbox\b",
    r"\bad\s*-?\s*blocker\b|\bblocking\s+ads\b",
    r"\bprint\s+(?:edition|subscriber|subscription)\b|\be-?paper\b",
    r"\bpassword\b|\be-?mail\s+address\b|\binvalid\s+e-?mail\b|\bregistered\s+users\b"
    r"|\bclick\s+(?:here|below)\b",
    r"\bcookies?\b",
    r"\bprivacy\s+(?:policy|notice|settings)\b|\bdatenschutz|\bconsent\b|\bzustimm",
))
_CONSENT_CUES = frozenset({7, 8})
#: Gate text talks to the reader; a report about subscribers and paywalls does not.
_READER_RE = re.compile(
    r"\b(?:you|your|our|we|us|ich|sie|ihre?|unser\w*|vous|votre|nos|notre|usted|tu|nuestr\w*"
    r"|nostr\w*|tua|tuo|vostr\w*|ricevi|вам|вы|ваш\w*|наш\w*)\b", re.IGNORECASE)
_GATE_CTA_RE = re.compile(
    r"^(?:subscribe|sign\s+up|sign\s+in|log\s*in|register|iscriviti|abonnieren|anmelden|"
    r"s'abonner|suscríbete)(?:\s+(?:now|here|today|ora|jetzt|pfeil\s+nach\s+rechts))?\s*[!.]?"
    r"(?:\s+(?:sign\s+up|log\s*in|register))?$",
    re.IGNORECASE,
)
_SPACES_RE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TERMINAL = tuple(".!?:;\"”»)…'’")


@dataclass
class CleanedText:
    """What cleaning found besides the text: removals, a title and dates from the header."""

    text: str
    removals: list[Removal] = field(default_factory=list)
    title_hint: str | None = None
    dates: list[tuple[str, FoundDate]] = field(default_factory=list)
    #: the removed dateline's leading upper-case name ("OREANDA-NEWS", "MOSCOW") and the
    #: name in brackets after it ("Reuters" in "MOSCOW, Oct 23 (Reuters) -"), verbatim;
    #: whether either names an outlet is decided by :mod:`benchmark.ingest.outlet`
    dateline_who: str | None = None
    dateline_agency: str | None = None


def gate_cues(text: str) -> frozenset[int]:
    """Which kinds of paywall/login/newsletter/consent vocabulary ``text`` carries."""
    return frozenset(k for k, cue in enumerate(_GATE_CUES) if cue.search(text))


def _gate_kind(cues: frozenset[int]) -> str:
    return "consent" if cues & _CONSENT_CUES and not cues - _CONSENT_CUES else "paywall"


def gate_cut(line: str) -> tuple[int, int, str] | None:
    """Where a paywall/login/newsletter/cookie-consent block sits in ``line``, and its kind.

    Returns ``(start, end, kind)`` with ``kind`` "paywall" or "consent", or
    None. A sign-up widget that closes with its form messages ("... Invalid
    Email") ends there, so article text after it on the same line stays;
    any other block runs to the end of the line. A whole line
    goes when it opens with a gate phrase, is a bare call to action
    ("Subscribe now", "Log In Sign Up"), or is at most ``GATE_LINE_CHARS`` long
    and carries two kinds of gate vocabulary. Inside a line, the text from a
    gate phrase on goes only if it carries two kinds of gate vocabulary itself
    and is at most ``GATE_TAIL_CHARS`` long: single-line pages put the headline
    before the gate, and a sentence about subscribers is prose.
    """
    if _GATE_CTA_RE.match(line):
        return 0, len(line), "paywall"
    hits = [(m.start(), "paywall") for m in _GATE_PHRASE_RE.finditer(line)]
    hits += [(m.start(), "consent") for m in _CONSENT_PHRASE_RE.finditer(line)]
    hits.sort()
    for start, kind in hits:
        ends = [m.end() for m in _GATE_END_RE.finditer(line, start, start + GATE_WIDGET_CHARS)]
        if ends and line[ends[-1]:].strip():
            return start, ends[-1], kind
    if hits and hits[0][0] == 0:
        return 0, len(line), hits[0][1]
    for start, kind in hits:
        tail = line[start:]
        if len(tail) <= GATE_TAIL_CHARS and len(gate_cues(tail)) >= 2:
            if len(line) <= GATE_LINE_CHARS and gate_cues(line[:start]):
                return 0, len(line), kind  # the lead-in is part of the same prompt
            return start, len(line), kind
    if (len(line) <= GATE_LINE_CHARS and len(cues := gate_cues(line)) >= 2
            and _READER_RE.search(line)):
        return 0, len(line), _gate_kind(cues)
    return None


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.casefold())


def repair_encoding(text: str) -> tuple[str, list[Removal]]:
    """Fix mojibake (e.g. double-encoded UTF-8) with ftfy; record the damaged lines."""
    import ftfy  # light, but only needed when cleaning

    fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False,
                          fix_line_breaks=False, normalization="NFC")
    if fixed == text:
        return text, []
    old_lines, new_lines = text.split("\n"), fixed.split("\n")
    if len(old_lines) == len(new_lines):
        damaged = [o for o, n in zip(old_lines, new_lines, strict=True) if o != n]
    else:
        damaged = [text]
    shown = "\n".join(d if len(d) <= 200 else d[:200] + "…" for d in damaged)
    return fixed, [Removal(kind="encoding-repair", text=shown)]


def _normalise_lines(text: str) -> tuple[list[str], Removal | None]:
    """Strip indentation, Unicode spaces and runs; count what changed for the audit."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n").replace("\f", "\n").replace("\v", "\n")
    indented = trailing = runs = invisible = 0
    out = []
    for raw in text.split("\n"):
        line = _INVISIBLE_RE.sub("", raw)
        invisible += line != raw
        stripped = _SPACES_RE.sub(" ", line).strip()
        if stripped:
            indented += line[:1].isspace()
            trailing += line[-1:].isspace()
        collapsed = _SPACES_RE.sub(" ", line.strip())
        runs += stripped != line.strip() or collapsed != line.strip()
        out.append(stripped)
    parts = []
    if indented:
        parts.append(f"indentation on {indented} line(s)")
    if trailing:
        parts.append(f"trailing spaces on {trailing} line(s)")
    if runs:
        parts.append(f"space runs or non-breaking spaces inside {runs} line(s)")
    if invisible:
        parts.append(f"invisible characters in {invisible} line(s)")
    note = Removal(kind="whitespace", text="; ".join(parts)) if parts else None
    return out, note


def breadcrumb_title(line: str) -> tuple[bool, str | None]:
    """Is ``line`` a navigation breadcrumb, and which headline (if any) does it end with?

    A breadcrumb is two or more short navigation items joined by ``/``, ``>``,
    ``»``, ``›``, ``|`` or ``→`` (or one item that is a home word, e.g. "Main"),
    optionally followed by the headline as the last item.
    """
    if "://" in line or len(line) > 300:
        return False, None
    parts = _NAV_SEP_RE.split(line)
    if len(parts) < 2:
        return False, None
    nav = 0
    while (nav < len(parts) - 1 and _NAV_WORD_RE.match(parts[nav])
           and parts[nav][0].isupper() and len(parts[nav].split()) <= 3):
        nav += 1
    rest = [p for p in parts[nav:] if p]
    if not rest and nav >= 2:
        return True, None
    if nav >= 2 or (nav == 1 and parts[0].casefold() in _HOME_WORDS):
        tail = "/".join(rest)
        if len(rest) == 1 and len(tail.split()) <= 3 and _NAV_WORD_RE.match(tail):
            return True, None  # the last item is one more navigation item
        # the headline is the text after the last separator that follows a nav item
        m = list(_NAV_SEP_RE.finditer(line))[nav - 1]
        headline = line[m.end():].strip()
        if len(headline) > 200 or len(headline.split()) > 30:
            return False, None  # a sentence with slashes in it, not a navigation trail
        return True, headline or None
    return False, None


def is_photo_credit(line: str) -> bool:
    """A caption credit such as ``Name / AGENCY/EPA`` or ``Photo: ...`` on its own line."""
    if len(line) > 150:
        return False
    if _PHOTO_CREDIT_RE.search(line) is None:
        return False
    return line[:1].isupper() or line[:1].isdigit()


def is_byline(line: str) -> bool:
    """``By <Name>[, <role>]`` and its equivalents in a few languages."""
    if len(line) > 120:
        return False
    m = _BYLINE_RE.match(line)
    if not m:
        return False
    first = m.group("name").split()[0].rstrip(".,")
    return first not in WEEKDAYS and first.lower() not in MONTHS


@dataclass(frozen=True)
class Dateline:
    """A dateline prefix, its full date (if any) and the names it carries, verbatim."""

    prefix: str
    date: FoundDate | None
    who: str
    agency: str | None


def dateline_prefix(line: str) -> tuple[str, FoundDate | None] | None:
    """The agency/place dateline at the start of ``line`` and its full date, if any."""
    hit = find_dateline(line)
    return (hit.prefix, hit.date) if hit else None


def find_dateline(line: str) -> Dateline | None:
    """The agency/place dateline at the start of ``line``, with its date and names.

    An upper-case name must be followed by a date and a full stop/colon/dash, by an
    agency in brackets and a dash/colon, or directly by a dash; otherwise a line that
    merely starts with an acronym ("NATO said ...") would lose its first word.
    Returns None when the line does not start with a dateline.
    """
    m = _DL_WHO_RE.match(line)
    if not m or sum(ch.isalpha() for ch in m.group("who")) < 3:
        return None
    agency = m.group("agency")
    pos, found, dated = m.end(), None, False
    at = _DL_SEP_RE.match(line, pos).end()  # type: ignore[union-attr]  # all optional
    dm = FULL_DATE_RE.match(line, at)
    dates = find_full_dates(dm.group(0)) if dm else []
    if dm and dates:
        found, pos, dated = FoundDate(dates[0].text, dates[0].date, at), dm.end(), True
    elif pm := _DL_PARTIAL_RE.match(line, at):
        pos, dated = pm.end(), True
    after = _DL_AFTER_RE.match(line, pos)
    assert after is not None  # every part of the pattern is optional
    agency = agency or after.group("agency")
    dash, punct = after.group("dash") is not None, after.group("punct")
    ok = ((dated and (punct in {".", ":"} or dash or bool(agency)))
          or (bool(agency) and (dash or punct == ":"))
          or (dash and not dated))
    rest = line[after.end():]
    if not ok or not rest or not (rest[0].isalnum() or rest[0] in "\"“«'‘"):
        return None
    return Dateline(line[: after.end()].strip(), found, m.group("who"),
                    agency.strip() if agency else None)


def clean_document(text: str, *, known_title: str | None = None) -> CleanedText:
    """Clean ``text`` and say what was removed and what the header revealed."""
    text, removals = repair_encoding(text)
    lines, note = _normalise_lines(text)
    out = CleanedText(text="", removals=removals)
    keep = [bool(line) for line in lines]
    titles = {_norm(known_title)} if known_title and _norm(known_title) else set()
    nonblank = [i for i, line in enumerate(lines) if line]

    audit: list[tuple[int, Removal]] = []  # (line, removal), reported in reading order

    def drop(i: int, kind: str) -> None:
        keep[i] = False
        audit.append((i, Removal(kind=kind, text=lines[i])))

    for i in nonblank:
        if _AD_RE.match(lines[i]):
            drop(i, "ad-marker")
        elif is_photo_credit(lines[i]):
            drop(i, "photo-credit")
        elif gate := gate_cut(lines[i]):
            start, end, kind = gate
            kept = f"{lines[i][:start].strip()} {lines[i][end:].strip()}".strip()
            if kept:
                audit.append((i, Removal(kind=kind, text=lines[i][start:end].strip())))
                lines[i] = kept
            else:
                drop(i, kind)

    seen: set[str] = set()
    first: str | None = None
    for i in [i for i in nonblank if keep[i]][:HEADER_LINES]:
        line = lines[i]
        crumb, crumb_title = breadcrumb_title(line)
        dl = date_line(line)
        if crumb and dl is None:
            drop(i, "breadcrumb")
            if crumb_title and out.title_hint is None:
                out.title_hint = crumb_title
                titles.add(_norm(crumb_title))
        elif dl is not None:
            drop(i, "date-line")
            out.dates.append(("date-line", dl))
        elif is_byline(line):
            drop(i, "byline")
        elif len(line) <= 200 and _norm(line) and (_norm(line) in titles or _norm(line) == first):
            drop(i, "duplicate-title")
        elif len(line) <= 200 and _norm(line) in seen:
            drop(i, "duplicate-line")
        else:
            seen.add(_norm(line))
            first = _norm(line) if first is None else first

    for i in [i for i in nonblank if keep[i]][:DATELINE_LINES]:
        hit = find_dateline(lines[i])
        if hit:
            audit.append((i, Removal(kind="dateline", text=hit.prefix)))
            lines[i] = lines[i][len(hit.prefix):].strip()  # lines are stripped: a prefix
            if hit.date:
                out.dates.append(("dateline", hit.date))
            out.dateline_who, out.dateline_agency = hit.who, hit.agency
            break

    for i in reversed([i for i in nonblank if keep[i]][-TAIL_LINES:]):
        line = lines[i]
        if len(line) <= 300 and _FOOTER_RE.search(line):
            drop(i, "footer")
        elif (_CREDIT_RE.match(line) or is_byline(line)
              or (line == line.lower() and _INITIALS_RE.match(line))):
            drop(i, "byline")
        else:
            break

    out.removals.extend(r for _, r in sorted(audit, key=lambda f: f[0]))
    if note is not None:
        out.removals.append(note)
    out.text = _paragraphs([line if keep[i] else "" for i, line in enumerate(lines)])
    return out


def _paragraphs(lines: list[str]) -> str:
    """Re-join hard-wrapped lines; every other line break becomes a paragraph break."""
    paras: list[str] = []
    prev_blank = True
    for line in lines:
        if not line:
            prev_blank = True
            continue
        if paras and not prev_blank and not paras[-1].endswith(_TERMINAL) and line[:1].islower():
            paras[-1] = f"{paras[-1]} {line}"
        else:
            paras.append(line)
        prev_blank = False
    return "\n\n".join(paras)


def clean_text(text: str, *, known_title: str | None = None) -> tuple[str, list[Removal]]:
    """Remove boilerplate from one article's text; return the text and what was removed.

    ``known_title`` (e.g. from metadata) lets repeated title lines be recognised.
    See the module docstring for the rules.
    """
    cleaned = clean_document(text, known_title=known_title)
    return cleaned.text, cleaned.removals
