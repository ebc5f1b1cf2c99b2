"""Keeping credentials out of everything sumbench writes or prints.

Why here, at the adapters: a server may echo the ``Authorization`` header in an error
body, and ``http://user:password@host`` would otherwise become part of a system's
label, and so of file names, results, caches, leaderboards and the HTML page. The
adapter that holds a secret removes it from every text it hands back, and a URL's
password never enters a config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

MASK = "***"
#: an ``Authorization``-style credential in free text: ``Bearer sk-...``, ``Basic dXN...``
_SCHEME_TOKEN = re.compile(r"(?i)\b(bearer|basic|token)(\s+|%20)[^\s\"',;&}\]]+")
#: a password in a URL: ``scheme://user:password@host``
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]*@")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each of ``secrets``, any bearer/basic token and any URL password
    replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    return _URL_PASSWORD.sub(lambda m: f"{m.group(1)}:{MASK}@", text)


def redact_values(value: Any) -> Any:
    """:func:`redact` applied to every string in a JSON-like value (dicts, lists): what a
    system's config looks like when it is recorded (a ``cmd:`` command may hold a URL
    with a password, or a token on its command line)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_values(v) for v in value]
    return value


def split_password(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without its password, and ``(user, password)`` if it had one.

    The user name stays in the URL (it tells two accounts apart in a label); the
    password goes to the HTTP client only.
    """
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url, None
    user, _, password = userinfo.partition(":")
    netloc = f"{user}@{hostport}" if user else hostport
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, (unquote(user), unquote(password))
