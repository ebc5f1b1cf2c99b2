"""`sumbench report`: the HTML page holds the real numbers, plots, warnings; it is
offline, byte-stable, and refuses to overwrite or to read a bad run silently."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from benchmark.cli import main
from benchmark.errors import ConfigError, InputError, OutputError
from benchmark.reports.html import load_run_inputs, render_html_report, write_html_report
from benchmark.reports.leaderboard import ROUGE_KEYS, build_leaderboard
from benchmark.schema import RunResult

SEED_DATASET = ROOT / "data" / "seeds"
SPECS = ["lead-3", "first-sentence", "random-1", "textrank", "oracle"]


class Page(HTMLParser):
    """Collects what the tests look at: tags with attributes, text per table cell."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.rows: list[tuple[str, dict[str, str]]] = []  # (section id, tr attrs)
        # (section id, tr attrs, td attrs, text)
        self.cells: list[tuple[str, dict[str, str], dict[str, str], str]] = []
        self.sections: list[str] = []
        self.text: list[str] = []
        self._tr: dict[str, str] = {}
        self._td: dict[str, str] | None = None
        self._buf: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "section":
            self.sections.append(a.get("id", ""))
        elif tag == "tr":
            self._tr = a
            self.rows.append((self.sections[-1] if self.sections else "", a))
        elif tag == "td":
            self._td, self._buf = a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._td is not None:
            self.cells.append((self.sections[-1], self._tr, self._td,
                               "".join(self._buf).strip()))
            self._td = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._td is not None:
            self._buf.append(data)

    def row(self, section: str, key: str, value: str) -> list[str]:
        """The cell texts of the row of ``section`` whose ``data-<key>`` is ``value``."""
        return [t for sec, tr, _, t in self.cells
                if sec == section and tr.get(f"data-{key}") == value]

    def cell(self, system: str, metric: str, section: str = "leaderboard") -> str:
        """The text of one system's cell in one section's table."""
        for sec, tr, td, text in self.cells:
            if (sec == section and tr.get("data-system") == system
                    and td.get("data-metric") == metric):
                return text
        raise AssertionError(f"no {metric} cell for {system} in {section}")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmark.runner.run import run_systems

    out = tmp_path_factory.mktemp("html") / "runs"
    run_systems(SEED_DATASET, SPECS, out=out, split="all")
    return out


@pytest.fixture(scope="module")
def results(runs: Path) -> list[RunResult]:
    return [r for _, r in load_run_inputs([runs])]


@pytest.fixture(scope="module")
def page_text(results: list[RunResult]) -> str:
    return render_html_report(results)


def test_every_system_row_holds_its_run_numbers(results: list[RunResult],
                                                page_text: str) -> None:
    page = Page(page_text)
    board_rows = [a["data-system"] for sec, a in page.rows
                  if sec == "leaderboard" and "data-system" in a]
    assert sorted(board_rows) == sorted(r.system for r in results)
    assert "human (leave-one-out)" in board_rows and len(results) == len(SPECS) + 1
    for run in results:
        for key in ROUGE_KEYS:
            agg = run.aggregates[key]
            text = page.cell(run.system, key)
            assert text.startswith(f"{100 * agg.mean:.2f} ({100 * agg.low:.2f}–"
                                   f"{100 * agg.high:.2f})"), (run.system, key, text)
        assert page.cell(run.system, "n") == str(run.aggregates["rouge1_f"].n)
    text = "".join(page.text)
    assert results[0].signature in text
    assert results[0].dataset_fingerprint in text
    # upper bounds sit after the compared systems, in their own block
    assert board_rows.index("oracle") > board_rows.index("random-1")
    assert 'class="baseline" data-system="lead-3"' in page_text


def test_paired_tests_are_the_leaderboards(results: list[RunResult], page_text: str) -> None:
    board = build_leaderboard(results, "lead-3")
    page = Page(page_text)
    tested = {a["data-system"] for sec, a in page.rows if sec == "significance" and a}
    assert tested == {r.system for r in board.rows if r.comparisons}
    assert "oracle" not in tested and "lead-3" not in tested
    for row in board.rows:
        for key, comp in row.comparisons.items():
            text = page.cell(row.system, key, "significance")
            assert text.startswith(f"{100 * comp.delta:+.2f} [{100 * comp.low:+.2f}, "
                                   f"{100 * comp.high:+.2f}] p {comp.p_value:.3f} / "
                                   f"{comp.p_holm:.3f}"), text
            cell = page.cell(row.system, key)
            assert cell.endswith(comp.mark) and any(m in cell for m in "▲▼") == comp.significant
    assert any(c.significant for r in board.rows for c in r.comparisons.values())


def test_three_inline_svg_plots_and_nothing_fetched(page_text: str) -> None:
    page = Page(page_text)
    figures = [a["id"] for t, a in page.tags if t == "figure"]
    assert figures == ["plot-bars", "plot-distribution", "plot-length"]
    assert sum(1 for t, _ in page.tags if t == "svg") == 3
    assert not [t for t, _ in page.tags if t in {"script", "link", "img", "iframe", "object"}]
    for _, attrs in page.tags:
        for name in ("src", "href", "xlink:href"):
            assert not attrs.get(name, "").startswith(("http:", "https:", "//")), attrs
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page_text)
    assert "@import" not in page_text
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert len(ids) == len(set(ids)), "element ids repeat across the inlined plots"
    # the plots draw the systems by name (SVG text stays text)
    svg_text = page_text[page_text.index('<figure id="plot-bars">'):]
    assert "textrank" in svg_text and "ROUGE-2" in svg_text


def test_largest_differences_between_the_two_best(results: list[RunResult],
                                                  page_text: str) -> None:
    board = build_leaderboard(results, "lead-3")
    best = [r.system for r in board.group("systems")][:2]  # board order is by ROUGE-1
    by_name = {r.system: {e.id: e.scores["rouge1_f"] for e in r.examples} for r in results}
    a, b = by_name[best[0]], by_name[best[1]]
    page = Page(page_text)
    rows = [tr["data-example"] for sec, tr in page.rows if sec == "differences" and tr]
    assert sorted(rows) == sorted(a)  # 4 seed examples, top 10: all of them
    gaps = [abs(a[i] - b[i]) for i in rows]
    assert gaps == sorted(gaps, reverse=True)
    first = page.row("differences", "example", rows[0])
    assert first[2:5] == [f"{100 * a[rows[0]]:.2f}", f"{100 * b[rows[0]]:.2f}",
                          f"{100 * (a[rows[0]] - b[rows[0]]):+.2f}"]


def test_token_audit_warning_reaches_the_page(results: list[RunResult]) -> None:
    from benchmark.dataset.folder import load_dataset_dir
    from benchmark.evaluation.evaluate import evaluate_predictions

    ds = load_dataset_dir(SEED_DATASET)
    examples = [ex for split in sorted(ds.splits) for ex in ds.splits[split]]
    lead = next(r for r in results if r.system == "lead-3")
    preds = {ex.id: ex.references[0] for ex in examples}
    preds[examples[0].id] = "Москва объявила о новом соглашении с соседними странами."
    with pytest.warns(Warning, match="tokenisation audit"):
        russian = evaluate_predictions(examples, preds, dataset_name=lead.dataset,
                                       fingerprint=lead.dataset_fingerprint, split=lead.split,
                                       system="ru-test")
    assert russian.audit is not None and russian.audit.warning
    assert russian.signature == lead.signature
    page = Page(render_html_report([*results, russian], top=2))
    warnings = [t for t in page.text if "TOKENISATION" in t]
    assert warnings and "non-ASCII text needs --tokenizer unicode" in "".join(page.text)
    dropped = page.row("runs", "system", "ru-test")[4]
    assert dropped == f"{100 * russian.audit.dropped_share:.1f}% (rouge-score)"
    assert russian.audit.per_example[examples[0].id] > 0.05
    ru_scores = next(e.scores for e in russian.examples if e.id == examples[0].id)
    assert ru_scores["rouge1_f"] == 0.0  # Cyrillic tokenises to nothing: scores zero
    pair = Page(render_html_report([lead, russian]))  # the two best: the table notes the drop
    note = pair.row("differences", "example", examples[0].id)[-1]
    share = russian.audit.per_example[examples[0].id]
    flags = next(e.flags for e in russian.examples if e.id == examples[0].id)
    assert flags  # the evaluator flags the summary that tokenised to nothing
    assert note == (f"ru-test: {', '.join(flags)}; "
                    f"ru-test: the tokenizer dropped {share:.0%} of the letters "
                    "(summary and references)")
    for ex in russian.examples:  # the other notes are the evaluator's flags (copies here)
        if ex.id != examples[0].id:
            expected = f"ru-test: {', '.join(ex.flags)}" if ex.flags else ""
            assert pair.row("differences", "example", ex.id)[-1] == expected
    clean = Page(render_html_report(results, top=2))
    assert not [t for t in clean.text if "TOKENISATION" in t]


def test_cli_is_byte_identical_and_matches_the_api(runs: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    one, two = tmp_path / "one.html", tmp_path / "two.html"
    main(["report", str(runs), "--out", str(one)])
    assert "wrote" in capsys.readouterr().err
    files = sorted(str(p) for p in runs.glob("*.json") if not p.name.startswith("_"))
    main(["report", *files, "--out", str(two)])  # files instead of the folder: same page
    assert one.read_bytes() == two.read_bytes()
    loaded = load_run_inputs([runs])
    api = render_html_report([r for _, r in loaded],
                             sources={r.system: p.name for p, r in loaded})
    assert one.read_text(encoding="utf-8") == api
    assert Page(api).row("runs", "system", "lead-3")[1] == "lead-3.json"


def test_refuses_to_overwrite_without_the_flag(runs: Path, results: list[RunResult],
                                               tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["report", str(runs), "--out", str(out)])
    assert exc.value.code == 2
    assert "--overwrite" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "mine"
    with pytest.raises(OutputError):
        write_html_report(results, out)
    main(["report", str(runs), "--out", str(out), "--overwrite"])
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputError, match="folder"):
        write_html_report(results, tmp_path, overwrite=True)


def test_bad_run_file_is_named(runs: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"system": "x"}', encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["report", str(runs), str(bad), "--out", str(tmp_path / "r.html")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "not a sumbench result" in err
    assert not (tmp_path / "r.html").exists()
    with pytest.raises(InputError, match="no such run file"):
        load_run_inputs([tmp_path / "missing.json"])
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "notes.json").write_text("not json at all", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.json"):
        load_run_inputs([junk])


def test_options_are_checked(results: list[RunResult]) -> None:
    with pytest.raises(ConfigError, match="report metric"):
        render_html_report(results, metric="bleu")
    with pytest.raises(ConfigError, match="baseline 'nobody'"):
        render_html_report(results, baseline="nobody")
    page = Page(render_html_report(results, metric="rouge2_f", top=1))
    assert len([1 for sec, tr in page.rows if sec == "differences" and tr]) == 1
    assert "ROUGE-2 per example" in "".join(page.text)


def test_missing_matplotlib_is_a_clear_config_error(results: list[RunResult],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ConfigError, match=r"sumbench\[report\]"):
        render_html_report(results)


def test_help_says_what_the_page_holds(capsys: pytest.CaptureFixture[str]) -> None:
    main(["report", "--help"])
    out = capsys.readouterr().out
    assert "--overwrite" in out and "Holm" in out and "offline" in out


def _synthetic(system: str, values: list[float]) -> RunResult:
    from benchmark.schema import Aggregate, ExampleScore

    agg = Aggregate(mean=sum(values) / len(values), low=min(values), high=max(values),
                    n=len(values))
    return RunResult(signature="sig", dataset="syn", dataset_fingerprint="fp", split="test",
                     system=system, aggregates={k: agg for k in ROUGE_KEYS},
                     examples=[ExampleScore(id=f"e{i}", scores={k: v for k in ROUGE_KEYS})
                               for i, v in enumerate(values)])


def test_names_are_escaped_and_missing_parts_are_said() -> None:
    odd = '<b>cmd:"python x.py" & y</b>'
    text = render_html_report([_synthetic(odd, [0.5, 0.2, 0.4]),
                               _synthetic("plain", [0.1, 0.3, 0.2])])
    assert odd not in text and "<b>" not in text
    page = Page(text)
    assert {a.get("data-system") for sec, a in page.rows if sec == "leaderboard"} >= {odd}
    joined = "".join(page.text)
    assert "no significance tests" in joined  # no lead-3 among the runs
    assert "no length plot" in joined  # the runs carry no len_words
    assert [a["id"] for t, a in page.tags if t == "figure"] == ["plot-bars", "plot-distribution"]
    diffs = [tr["data-example"] for sec, tr in page.rows if sec == "differences" and tr]
    assert diffs == ["e0", "e2", "e1"]  # |0.5-0.1| > |0.4-0.2| > |0.2-0.3|
