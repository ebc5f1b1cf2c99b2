"""Which outlet published an article, from evidence we can name, and how to compare outlets.

The mission says a reference is written by *another* outlet, so the outlet
(``Article.source``) is evidence the pair builder acts on. A wrong outlet is worse
than none: it would drop good references or keep a same-outlet one. So an outlet
is taken only from, in this order:

1. ``metadata``: the input's ``source`` column (as given, whitespace collapsed; a
   placeholder such as ``unknown``, ``N/A``, ``null`` counts as missing);
2. ``dateline``: the agency named in the dateline the cleaner removed: a name in
   brackets (``MOSCOW, Oct 23 (Reuters) -`` -> ``Reuters``), or the leading
   upper-case name when it is a known wire agency or a single hyphenated token with
   a media word in it (``OREANDA-NEWS. October 29, 2012.`` -> ``OREANDA-NEWS``); a
   place (``MINSK -``) is not an outlet;
3. ``url-host``: the host of the ``url`` column without ``www.``
   (``https://www.reuters.com/world/...`` -> ``reuters.com``), unless it is a link
   shortener, archive, aggregator or social site, which host other outlets' text.

Bylines name people, never outlets, and are never used. Names are kept verbatim
(no display normalisation): they are what the source printed, so a user can audit
them; :func:`outlet_key` normalises only for comparison.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from benchmark.ingest.dates import MONTHS, WEEKDAYS

#: leading dateline names that are wire agencies (compared upper-case, per hyphen part)
WIRE_AGENCIES = frozenset({
    "AFP", "ANADOLU", "ANSA", "AZERTAC", "BELTA", "BERNAMA", "DPA", "EFE", "INTERFAX", "IRNA",
    "ITAR-TASS", "KAZINFORM", "KYODO", "MENAFN", "REUTERS", "RIA NOVOSTI", "TASS", "UKRINFORM",
    "UNIAN", "XINHUA", "YONHAP",
})
#: a single-token dateline name with one of these as a hyphen part names a medium
MEDIA_WORDS = frozenset({
    "NEWS", "PRESS", "AGENCY", "WIRE", "NEWSWIRE", "INFORM", "NOVOSTI", "MEDIA", "TV", "RADIO",
    "TIMES", "POST", "HERALD", "TRIBUNE", "GAZETTE", "JOURNAL", "DAILY", "TELEGRAPH",
})
#: words in dateline brackets that are notes or no single outlet ("WASHINGTON (UPDATED) -",
#: "BEIJING (Agencies):")
_NOT_AGENCY = frozenset({
    "update", "updated", "updates", "corrected", "correction", "refiled", "repeat", "repeats",
    "recasts", "live", "video", "photo", "photos", "analysis", "opinion", "exclusive",
    "breaking", "file", "official", "urgent", "wrapup", "factbox", "explainer",
    "agencies", "wires", "staff", "desk", "correspondent", "correspondents", "bureau",
})
#: registrable domains whose pages carry other outlets' text (shorteners, archives,
#: aggregators, portals that syndicate, social sites): their host names no outlet
NON_OUTLET_HOSTS = frozenset({
    "t.co", "bit.ly", "ow.ly", "tinyurl.com", "goo.gl", "buff.ly", "dlvr.it", "lnkd.in",
    "trib.al", "archive.org", "archive.today", "archive.ph", "archive.is", "ampproject.org",
    "googleusercontent.com", "google.com", "feedburner.com",
    "yahoo.com", "msn.com", "aol.com", "flipboard.com", "newsnow.co.uk", "pressreader.com",
    "facebook.com", "twitter.com", "x.com", "reddit.com", "linkedin.com", "youtube.com",
    "t.me", "telegram.me", "vk.com", "instagram.com", "tiktok.com", "news.ycombinator.com",
    "localhost",
})
#: second-level labels under a country code that are not a name (bbc.co.uk -> bbc)
_GENERIC_SLD = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "or", "ne", "go",
                          "mil", "nic", "gv", "in", "gob"})
_HOST_PREFIXES = ("www.", "www2.", "m.", "amp.", "mobile.")
_LABEL_RE = re.compile(r"^(?!-)[^\W_](?:[\w-]{0,61}[^\W_])?$")
_DAY_WORDS = frozenset(d.casefold() for d in WEEKDAYS) | {
    d.casefold()[:3] for d in WEEKDAYS}


#: metadata values that mean "no outlet": treated as missing, never as a shared outlet
PLACEHOLDERS = frozenset({"none", "null", "nil", "nan", "na", "n/a", "unknown", "unk",
                          "anonymous", "-", "--", "?", ""})


def _is_placeholder(value: str) -> bool:
    return value.strip().casefold() in PLACEHOLDERS


def _is_date_word(word: str) -> bool:
    w = word.casefold().rstrip(".")
    return w in MONTHS or w in _DAY_WORDS


def dateline_outlet(who: str | None, agency: str | None) -> str | None:
    """The outlet a removed dateline names (see the module docstring), or None."""
    if agency:
        words = agency.split()
        if (len(words) <= 4 and agency[:1].isalpha() and not any(c.isdigit() for c in agency)
                and not {w.casefold().strip(".,") for w in words} & _NOT_AGENCY
                and not (len(words) == 1 and _is_date_word(agency))):
            return agency
    if who:
        upper = who.upper()
        if upper in WIRE_AGENCIES:
            return who
        if " " not in who and "/" not in who:
            parts = set(upper.split("-"))
            if parts & WIRE_AGENCIES or (len(parts) > 1 and parts & MEDIA_WORDS):
                return who
    return None


def url_host(url: str) -> str | None:
    """The url's host, lower-case, without ``www.``/``m.``/port; None if it has none."""
    text = url.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.rstrip(".")
    if host.startswith("xn--") or ".xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            return None
    labels = host.split(".")
    if not all(_LABEL_RE.match(lab) for lab in labels) or labels[-1].isdigit():
        return None  # an IP address or not a host name
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
            break
    return host


def _suffix_labels(labels: list[str]) -> int:
    """How many trailing labels are the public suffix (``com``; ``co.uk``)."""
    return 2 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLD else 1


def is_non_outlet_host(host: str) -> bool:
    """Does ``host`` carry other outlets' text (shortener, archive, aggregator, social)?"""
    return any(host == h or host.endswith("." + h) for h in NON_OUTLET_HOSTS)


def find_outlet(metadata: str | None, dateline_who: str | None, dateline_agency: str | None,
                url: str | None) -> tuple[str | None, str]:
    """(outlet or None, where it came from or why it is missing), by the priority above."""
    if metadata is not None and not _is_placeholder(metadata):
        return " ".join(metadata.split()), "metadata"
    named = dateline_outlet(dateline_who, dateline_agency)
    if named is not None:
        return named, "dateline"
    host = url_host(url) if url else None
    if host is not None:
        if is_non_outlet_host(host):
            return None, f"ignored-url:'{host}' (link, archive, aggregator or social host)"
        return host, "url-host"
    return None, "none"


def _name_key(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", name).casefold() if c.isalnum())


def outlet_key(outlet: str | None) -> str | None:
    """Comparison key: two outlets are the same when their keys are equal.

    Names compare case- and punctuation-insensitively (``OREANDA-NEWS`` =
    ``Oreanda News``). A host drops ``www.``, its top-level domain and a generic
    second level (``bbc.co.uk`` -> ``bbc``), so ``reuters.com`` = ``Reuters``; a
    remaining sub-domain is kept (``news.bbc.co.uk`` -> ``news.bbc``, which equals no
    bare name), so two blogs on one platform never compare equal. Returns None for
    an unknown outlet (None, blank or a placeholder such as ``"unknown"``, ``"N/A"``):
    unknown never equals anything.
    """
    if outlet is None or _is_placeholder(outlet):
        return None
    text = outlet.strip()
    if " " not in text and "." in text:
        host = url_host(text)
        if host is not None:
            labels = host.split(".")
            name = ".".join(_name_key(lab) for lab in labels[:-_suffix_labels(labels)])
            return name or None
    return _name_key(text) or None
