"""Headlines: what looks like one, and one run into its body on a single line.

Scraped corpora often join title and text with a space (259 of the 321 English
SemEval-2022 articles), so the first "sentence" is headline + lead, and a reference
built from it runs the two together. :func:`split_run_on_title` looks for the
boundary with three layout cues, strongest first, and gives up when none holds:

1. **repeat**: the body opens with the headline's first two words again
   ("Ulinzi Stars welcome trio ... Ulinzi Stars welcome trio ahead ...");
2. **dateline or byline**: the body opens like a wire story, with an upper-case
   place and a dash (``VANCOUVER --``, ``ROCK HILL, S.C. —``, ``LOS ANGELES (AP) —``),
   an agency in brackets (``(MENAFN - Gulf Times)``), ``Shimla, Jan 1 (IANS)``, or
   ``By First Last``;
3. **title case**: a Title-Case headline followed by a sentence-case body whose
   first word is a common sentence opener ("... Grand Park The year 2019 was ...").

The headline must still look like one (:func:`looks_like_title`: 3-30 words, no
sentence-final punctuation) and must not end on a function word. The rules are
layout patterns, not strings of particular sites; the card counts how many titles
were split this way, because a heuristic can be wrong.
"""

from __future__ import annotations

import re

#: a first paragraph counts as a headline only within these bounds
TITLE_MAX_CHARS = 200
TITLE_WORDS = (3, 30)
#: only the first words of a paragraph are searched for the boundary
MAX_TITLE_WORDS = 30


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: lower-case function words that may sit inside a Title-Case headline
SMALL = _words(
    "a an the and or but nor of in on at to for by with from as vs vs. via into over "
    "after before up out off per amid than"
)
#: words that commonly open a news sentence; capitalised, they mark where a body starts
OPENERS = _words(
    "the a an in on at as when while if after before with for it its this that these those "
    "there here he she they we i you his her their our my your what which who how why many "
    "some most much more one two three four five six seven eight nine ten last since despite "
    "according during following amid about under from by but and so yet now today yesterday "
    "earlier every each all no although though because until once both another several few "
    "hours years days weeks months"
)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ"
_OPENING = re.compile(
    # VANCOUVER -- / ROCK HILL, S.C. — / DOWNTOWN LOS ANGELES (KABC) -- / JTA —
    rf"^(?:[{_UPPER}][{_UPPER}'’&-]+,?\s+){{0,3}}[{_UPPER}]{{2,}}[{_UPPER}'’-]*,?"
    rf"(?:\s+[{_UPPER}]{{1,3}}\.(?:[{_UPPER}]\.)?,?)?(?:\s+[{_UPPER}]{{2,}}\.?)?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:--|—|–|-)\s"
    # (MENAFN - Gulf Times): an agency, a dash, an outlet
    rf"|^\([{_UPPER}]{{3,}}\w*\s*[-–—]\s*[{_UPPER}][^)\n]{{1,40}}\)"
    # Shimla, Jan 1 (IANS)
    r"|^[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s[A-Z][a-z]{2,8}\.?\s\d{1,2},?\s\([A-Z][\w-]{1,20}\)"
    # By Kristy Zurbrick
    r"|^By\s[A-Z][a-z]+(?:\s[A-Z]\.)?\s[A-Z][a-z]+\b"
)


_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def looks_like_title(paragraph: str) -> bool:
    """Headline shape: one short line of 3-30 words that does not end like a sentence.

    Chinese, Japanese and Korean headlines have no spaces between words, so there
    every 2 CJK characters count as one word.
    """
    words = len(paragraph.split()) + len(_CJK_RE.findall(paragraph)) // 2
    return (
        "\n" not in paragraph
        and len(paragraph) <= TITLE_MAX_CHARS
        and TITLE_WORDS[0] <= words <= TITLE_WORDS[1]
        and not paragraph.endswith((".", ",", ";", ":", "…", "-", "–", "—", "。", "，", "："))
        and not re.fullmatch(r"[\W\d_]+", paragraph)
    )


def _capitalised(word: str) -> bool:
    core = word.lstrip("'\"‘“(")
    return bool(core) and core[0].isupper()


def _is_word(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


def _headline_ok(words: list[str], b: int) -> bool:
    last = words[b - 1].lower()
    return (
        3 <= b <= MAX_TITLE_WORDS
        and last not in SMALL
        and looks_like_title(" ".join(words[:b]))
    )


def _title_case_boundary(words: list[str]) -> int | None:
    """Where a Title-Case headline ends and a sentence-case body begins, or None."""
    first_lower = next((i for i, w in enumerate(words[: MAX_TITLE_WORDS + 8])
                        if w[:1].islower() and w.lower() not in SMALL), None)
    if first_lower is None:
        return None
    # the body's first sentence starts at the rightmost opener before its first
    # lower-case word, or at the single capitalised word right before it
    # (at most one capitalised word between them: "A Kentucky lawmaker", not an
    # opener inside the headline as in "Sizzles In Black String Bikini Norwegian-born")
    b = None
    for i in range(first_lower - 1, max(first_lower - 8, 0), -1):
        if words[i].lower() in OPENERS and _capitalised(words[i]):
            between = [w for w in words[i + 1:first_lower] if _capitalised(w)]
            b = i if len(between) <= 1 else None
            break
    if b is None:
        i = first_lower - 1
        if i >= 1 and _capitalised(words[i]) and not _capitalised(words[i - 1]) \
                and words[i - 1].lower() not in SMALL:
            b = i
    if b is None or b < 3:
        return None
    content = [w for w in words[:b] if w.lower() not in SMALL and _is_word(w)]
    if len(content) < 3 or not all(_capitalised(w) for w in content):
        return None
    return b


def split_run_on_title(paragraph: str) -> tuple[str, str, str] | None:
    """(headline, body, cue) when ``paragraph`` opens with a headline run into its body.

    ``cue`` is ``repeat``, ``dateline`` or ``title-case`` (see the module doc);
    None when no cue finds a boundary that leaves a headline-shaped title.
    """
    if "\n" in paragraph:
        return None
    words = paragraph.split(" ")
    if len(words) < 8 or not _capitalised(words[0]):
        return None
    last = min(MAX_TITLE_WORDS, len(words) - 4)
    found: tuple[int, str] | None = None
    for b in range(3, last + 1):
        if words[b:b + 2] == words[:2] and _headline_ok(words, b):
            found = (b, "repeat")
            break
    if found is None:
        for b in range(3, last + 1):
            if _OPENING.match(" ".join(words[b:b + 12])) and _headline_ok(words, b):
                found = (b, "dateline")
                break
    if found is None:
        b_tc = _title_case_boundary(words)
        if b_tc is not None and b_tc <= last and _headline_ok(words, b_tc):
            found = (b_tc, "title-case")
    if found is None:
        return None
    b, cue = found
    return " ".join(words[:b]), " ".join(words[b:]), cue
