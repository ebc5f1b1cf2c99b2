"""Cleaning, titles and dates, on the seed articles and on small texts built here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmark.ingest import clean_text, load_articles
from benchmark.ingest.clean import breadcrumb_title, dateline_prefix, is_byline
from benchmark.ingest.dates import (
    _DAY_RE,
    _PARTIAL_RE,
    FULL_DATE_RE,
    _full_matches,
    _windowed,
    date_line,
    find_full_dates,
    find_partial_dates,
    parse_date,
)
from benchmark.ingest.headline import looks_like_title
from benchmark.schema import Article


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    result = load_articles(seeds_dir)
    assert result.read == 5 and result.rejected == 0
    return {a.id[:3]: a for a in result.articles}


def _kinds(a: Article) -> list[str]:
    return [r.kind for r in a.removed]


def test_seed_titles_and_where_they_came_from(seeds: dict[str, Article]) -> None:
    got = {k: (a.title, a.title_source) for k, a in seeds.items()}
    assert got == {
        "000": ("Making full use of countries’ combined intellectual potential", "first-line"),
        "001": ("Aleksandr Lukashenko meets with Russia’s Vice Premier Dmitry Rogozin",
                "first-line"),
        "002": (None, "none"),
        "003": ("Lukashenko hopeful of bolstering military-technical cooperation with Russia",
                "first-line"),
        "004": ("Belarus, Russia discuss cooperation in foreign military equipment markets",
                "breadcrumb"),
    }
    for a in seeds.values():
        if a.title:  # the title is moved out of the body, not left as its first line
            assert not a.body.startswith(a.title)


def test_seed_dates_full_only_where_the_text_has_a_year(seeds: dict[str, Article]) -> None:
    assert seeds["002"].published == dt.date(2012, 10, 29)
    assert seeds["002"].date_source == "dateline"
    assert seeds["004"].published == dt.date(2021, 10, 9)  # 09.10.2021 read day-first
    assert seeds["004"].date_source == "date-line"
    for key in ("000", "001", "003"):
        assert seeds[key].published is None
    assert seeds["001"].date_source == "unresolved:'23 October' (no year anchor)"
    assert seeds["003"].date_source.startswith("unresolved:'Tuesday'")
    assert seeds["000"].date_source == "none"


def test_seed_000_byline_and_russian_footer_removed_standfirst_kept(
        seeds: dict[str, Article]) -> None:
    a = seeds["000"]
    removed = {r.kind: r.text for r in a.removed}
    assert removed["byline"] == "By Vladimir Khromov"
    assert "Ctrl+Enter" in removed["footer"] and removed["footer"].startswith("Заметили ошибку?")
    assert "Khromov" not in a.body and "Ctrl+Enter" not in a.body
    assert a.body.startswith("Belarus and Russia are ever developing their joint")
    assert a.body.endswith("integration of military-industrial complexes of Belarus and Russia.")
    assert "\u00a0" not in a.body
    assert a.language == "en"


def test_seed_004_breadcrumb_date_line_and_repeated_title_removed(
        seeds: dict[str, Article]) -> None:
    a = seeds["004"]
    assert _kinds(a) == ["breadcrumb", "date-line", "duplicate-title"]
    assert a.removed[0].text.startswith("Main/News/")
    assert a.removed[1].text == "09.10.2021"
    assert a.body.startswith("From 5 to 8 October 2021, Minsk and Grodno hosted")
    assert "Main/News" not in a.body


def test_seed_002_dateline_removed_rest_of_paragraph_kept(seeds: dict[str, Article]) -> None:
    a = seeds["002"]
    datelines = [r.text for r in a.removed if r.kind == "dateline"]
    assert datelines == ["OREANDA-NEWS. October 29, 2012."]
    assert a.body.startswith("The document was adopted following the meeting of the")
    assert "OREANDA" not in a.body


def test_seed_001_indentation_recorded_and_gone(seeds: dict[str, Article],
                                                seeds_dir: Path) -> None:
    a = seeds["001"]
    raw = next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")
    assert "\n    President of Belarus" in raw
    assert not any(line.startswith(" ") for line in a.body.splitlines())
    assert any(r.kind == "whitespace" and "indentation" in r.text for r in a.removed)


def test_seed_bodies_are_paragraphs_separated_by_one_blank_line(
        seeds: dict[str, Article]) -> None:
    for a in seeds.values():
        assert "\n\n\n" not in a.body and "  " not in a.body
        assert a.body == a.body.strip()
        assert all(p.strip() == p and p for p in a.body.split("\n\n"))
        assert len(a.content_hash) == 64


def test_clean_text_returns_text_and_audit() -> None:
    text = ("Home > World > Europe\n"
            "Ministers agree on a new grain corridor deal\n"
            "Published: 3 March 2022, 14:35 GMT\n"
            "By Jane Doe and John Smith\n\n"
            "KYIV (Reuters) - Ministers agreed on Thursday to reopen the corridor.\n\n"
            "Ministers agree on a new grain corridor deal\n"
            "The deal runs for   120 days.\n\n"
            "ADVERTISEMENT\n\n"
            "A ship in the port / JOHN DOE / REUTERS\n"
            "The ships will be inspected in Istanbul.\n\n"
            "Reporting by Jane Doe; Editing by John Smith\n"
            "© 2022 Example News. All rights reserved.\n")
    body, removed = clean_text(text)
    kinds = [r.kind for r in removed]
    assert kinds == ["breadcrumb", "date-line", "byline", "dateline", "duplicate-title",
                     "ad-marker", "photo-credit", "byline", "footer", "whitespace"]
    assert removed[-1].text == "space runs or non-breaking spaces inside 1 line(s)"
    assert body == ("Ministers agree on a new grain corridor deal\n\n"
                    "Ministers agreed on Thursday to reopen the corridor.\n\n"
                    "The deal runs for 120 days.\n\n"
                    "The ships will be inspected in Istanbul.")
    assert clean_text(body) == (body, [])  # cleaning is idempotent


def test_hard_wrapped_lines_are_rejoined_but_short_lines_stay_paragraphs() -> None:
    body, _ = clean_text("The minister said the talks\nwould continue next week.\nA second"
                         " paragraph starts here.")
    assert body == ("The minister said the talks would continue next week.\n\n"
                    "A second paragraph starts here.")


def test_mojibake_is_repaired_and_recorded() -> None:
    broken = "Horoz dÃ¶vÃ¼ÅŸÃ¼ yaptÄ±ran zanlÄ±lar yakalandÄ±\nSivas'ta olay."
    body, removed = clean_text(broken)
    assert body.startswith("Horoz dövüşü yaptıran zanlılar yakalandı")
    assert removed[0].kind == "encoding-repair" and "Ã¶" in removed[0].text


def test_metadata_title_repeated_in_text_is_removed() -> None:
    body, removed = clean_text("Talks end in Minsk\n\nThe talks ended.",
                               known_title="Talks end in Minsk")
    assert body == "The talks ended."
    assert [r.kind for r in removed] == ["duplicate-title"]


@pytest.mark.parametrize(("line", "expected"), [
    ("Main/News/Belarus, Russia discuss cooperation",
     (True, "Belarus, Russia discuss cooperation")),
    ("Главная / Новости / Беларусь и Россия обсудили сотрудничество",
     (True, "Беларусь и Россия обсудили сотрудничество")),
    ("Home > World > Europe", (True, None)),
    ("COVID/flu season starts early this year", (False, None)),
    ("24/7 coverage of the war", (False, None)),
    ("https://example.com/news/world", (False, None)),
    ("Bears wide receiver/kick returner/running back Cordarrelle Patterson was named",
     (False, None)),
])
def test_breadcrumb_rule_generalises(line: str, expected: tuple[bool, str | None]) -> None:
    assert breadcrumb_title(line) == expected


@pytest.mark.parametrize(("line", "prefix"), [
    ("OREANDA-NEWS. October 29, 2012. The document was adopted.",
     "OREANDA-NEWS. October 29, 2012."),
    ("MOSCOW, Oct 23 (Reuters) - Russia said", "MOSCOW, Oct 23 (Reuters) -"),
    ("WASHINGTON (AP) — The Senate voted", "WASHINGTON (AP) —"),
    ("MINSK – The president met", "MINSK –"),
    ("NATO said on Monday it would help.", None),
    ("US President Joe Biden said", None),
])
def test_dateline_rule_generalises(line: str, prefix: str | None) -> None:
    hit = dateline_prefix(line)
    assert (hit[0] if hit else None) == prefix


@pytest.mark.parametrize(("line", "expected"), [
    ("By Vladimir Khromov", True), ("By Jane Doe, Reuters", True), ("Автор: Иван Петров", True),
    ("By Monday, the talks had ended", False), ("by contrast", False),
])
def test_byline_rule(line: str, expected: bool) -> None:
    assert is_byline(line) is expected


def test_day_first_and_ambiguous_numeric_dates() -> None:
    assert parse_date("09.10.2021") == dt.date(2021, 10, 9)
    assert parse_date("9-10-2021") == dt.date(2021, 10, 9)
    assert parse_date("2021-10-09T12:00:00Z") == dt.date(2021, 10, 9)
    assert parse_date("Mon, 23 Oct 2012 10:00:00 GMT") == dt.date(2012, 10, 23)
    assert parse_date("10/23/2012") == dt.date(2012, 10, 23)  # only month-first is possible
    assert parse_date("03/04/2012") is None  # day-first or month-first: not guessed
    assert parse_date("31.02.2021") is None
    assert parse_date("9 октября 2021 г.") == dt.date(2021, 10, 9)
    assert find_full_dates("a 2012-2015 programme") == []
    assert [p.text for p in find_partial_dates("on 23 October, not 8 October 2021")] == \
        ["23 October"]
    assert date_line("09.10.2021") is not None
    assert date_line("09.10.2021 Belarus and Russia talk") is None


def test_windowed_date_search_equals_a_full_scan(seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts.append("On 1 May 2020, 3 Oct., then dicembre 2019 and 12.05.2021; May 31st 1999-x "
                 "and 7 August.")
    for text in texts:
        scan = [(m.start(), m.group(0)) for m in FULL_DATE_RE.finditer(text)]
        assert [(m.start(), m.group(0)) for m in _full_matches(text)] == scan
        scan = [(m.start(), m.group(0)) for m in _PARTIAL_RE.finditer(text)]
        assert [(m.start(), m.group(0)) for m in _windowed(_PARTIAL_RE, text, _DAY_RE, 16, 20)] \
            == scan


def test_partial_date_resolved_against_a_named_anchor(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "Leaders meet in Minsk to sign accord\n\nThe leaders met on 23 October.\n\n"
        "The accord, signed on 29 October 2012, runs to 2015.\n", encoding="utf-8")
    (folder / "b.txt").write_text(
        "Leaders meet in Minsk to sign accord\n\nThe leaders met on 23 October.\n",
        encoding="utf-8")
    arts = {a.id: a for a in load_articles(folder).articles}
    assert arts["a"].published == dt.date(2012, 10, 23)
    assert arts["a"].date_source == "partial:'23 October' anchored on '29 October 2012' in the text"
    assert arts["b"].published is None
    assert arts["b"].date_source == "unresolved:'23 October' (no year anchor)"


_LINES = st.sampled_from([
    "Main/News/Some headline about a meeting", "09.10.2021", "By Jane Doe", "",
    "OREANDA-NEWS. October 29, 2012. The text goes on.", "  indented line", "ADVERTISEMENT",
    "Заметили ошибку? Нажмите Ctrl+Enter", "A plain sentence.", "lower-case continuation",
    "MINSK – The president met", "Headline without a stop", "\u00a0\t", "© 2020 Site",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=14))
def test_clean_text_never_fails_and_keeps_its_layout_promises(lines: list[str]) -> None:
    body, removed = clean_text("\n".join(lines))
    assert "\n\n\n" not in body and body == body.strip()
    for para in body.split("\n\n") if body else []:
        assert para and para == para.strip() and "  " not in para
    assert all(r.kind and r.text for r in removed)


@pytest.mark.parametrize(("paragraph", "expected"), [
    ("Lukashenko hopeful of bolstering cooperation", True),
    ("男子被捕，涉嫌在致命的元旦车祸中酒驾", True),
    ("The talks ended.", False),
    ("Minsk", False),
    ("2021", False),
    ("He said the talks would go on for a long time and then some more, as they always "
     "have done in all the years before, and nobody knows when they will end at all now", False),
])
def test_title_shape(paragraph: str, expected: bool) -> None:
    assert looks_like_title(paragraph) is expected


# --- paywall, login, newsletter and cookie-consent blocks (texts written here) ---

def _gate_kinds(removed: list) -> list[str]:
    return [r.kind for r in removed if r.kind in ("paywall", "consent")]


def test_paywall_page_is_reduced_to_its_headline(tmp_path: Path) -> None:
    page = ("Ferry service to the islands suspended for winter\n"
            "You've reached your monthly article limit.\n\n"
            "Already a subscriber? Log in to keep reading.\n\n"
            "Subscribe now\n")
    body, removed = clean_text(page)
    assert body == "Ferry service to the islands suspended for winter"
    assert _gate_kinds(removed) == ["paywall"] * 3
    (tmp_path / "ferry.txt").write_text(page, encoding="utf-8")
    result = load_articles(tmp_path)
    assert result.rejected == 0  # the headline survives as the body: no empty-body error
    assert result.articles[0].body == "Ferry service to the islands suspended for winter"


def test_single_line_page_keeps_the_headline_before_an_inline_trial_form() -> None:
    page = ("Copper prices seen easing next quarter START YOUR FREE TRIAL Registered users "
            "can read up to 5 briefings. Enter your details: Email address Password Company "
            "Country Albania Algeria Andorra")
    body, removed = clean_text(page)
    assert body == "Copper prices seen easing next quarter"
    assert removed[0].kind == "paywall" and removed[0].text.startswith("START YOUR FREE TRIAL")


def test_newsletter_widget_inside_a_line_goes_but_the_article_after_it_stays() -> None:
    page = ("Storm closes coastal road Sign up to FREE email alerts from Harbour Gazette - "
            "Morning Briefing Subscribe Thank you for subscribing See our privacy notice "
            "Invalid Email The coastal road was closed on Sunday after waves flooded it.")
    body, removed = clean_text(page)
    assert body == ("Storm closes coastal road The coastal road was closed on Sunday after "
                    "waves flooded it.")
    assert [r.kind for r in removed] == ["paywall"]
    assert removed[0].text.endswith("Invalid Email")


def test_cookie_banner_is_a_consent_removal_even_after_a_headline_on_the_same_line() -> None:
    body, removed = clean_text(
        "We use cookies to improve your experience. By continuing you consent to our "
        "privacy policy.\n\nThe council approved the budget on Monday.")
    assert body == "The council approved the budget on Monday."
    assert _gate_kinds(removed) == ["consent"]
    body, removed = clean_text(
        "Stadtrat beschließt Haushalt - News Cookie-Hinweis: Diese Seite verwendet Cookies. "
        "Mehr dazu in unserer Datenschutzerklärung.\n\nDer Stadtrat hat am Montag den "
        "Haushalt beschlossen.")
    assert body.split("\n\n")[0] == "Stadtrat beschließt Haushalt - News"
    assert _gate_kinds(removed) == ["consent"]


def test_ad_blocker_and_complimentary_access_prompts_go() -> None:
    body, removed = clean_text(
        "Lottery numbers drawn\nWe noticed you are blocking ads!\n\nPlease support our "
        "newsroom by turning off your ad blocker or buying a subscription.\n\n"
        "We hope you enjoyed your free access this week.")
    assert body == "Lottery numbers drawn"
    assert _gate_kinds(removed) == ["paywall"] * 3


@pytest.mark.parametrize("prose", [
    "The broadcaster said subscriptions grew by 85% to 9.7 million subscribers last year.",
    "Analysts said the paywall helped: digital subscribers rose 12% and print edition sales "
    "fell.",
    "Residents can register online and log in to see the waiting list, the council said.",
    "The bakery's owner said the cookies sold out before noon.",
    "Read more on the Lions and sign up for our Lions newsletter.",
    "33. Sign up to email alerts to hear about flash sales first.",
    "Subscribers to the magazine will receive the special issue in March.",
])
def test_prose_about_subscriptions_logins_or_cookies_is_kept(prose: str) -> None:
    body, removed = clean_text(f"Council report\n\n{prose}\n\nThe meeting ended at noon.")
    assert prose in body
    assert _gate_kinds(removed) == []


def test_seeds_have_no_paywall_or_consent_removals(seeds: dict[str, Article]) -> None:
    for a in seeds.values():
        assert _gate_kinds(a.removed) == []
