"""Hostile input (issue 17, items 6, 8, 9): NaN ids, booleans as ids, JSON nested 100k deep,
gzip bombs, over-long lines and texts. Each is refused with a located error naming the limit
and the option that raises it: never a wrong id, a RecursionError, a MemoryError or a hang."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from benchmark.cli import main
from benchmark.dataset.importer import import_dataset
from benchmark.errors import InputError
from benchmark.evaluation.evaluate import EvalConfig
from benchmark.evaluation.predictions import read_predictions_file
from benchmark.evaluation.texts import score
from benchmark.ingest import load_articles
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import Reject, Row, iter_rows

TEXT = "The council approved the new budget on Monday after a long debate."
DEEP = '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    code = exc.value.code
    return code if isinstance(code, int) else 1, capsys.readouterr().err


# ---------------------------------------------------------------- item 6: NaN, Infinity, booleans


@pytest.mark.parametrize(("field", "value"), [("id", "NaN"), ("id", "Infinity"),
                                              ("text", "NaN"), ("id", "-Infinity")])
def test_build_refuses_nan_and_infinity_as_ids_and_texts(tmp_path: Path, field: str,
                                                         value: str) -> None:
    row = {"id": '"a1"', "text": json.dumps(TEXT)}
    row[field] = value
    src = _lines(tmp_path / "c.jsonl", [json.dumps({"id": "a0", "text": TEXT}),
                                        "{" + ", ".join(f'"{k}": {v}' for k, v in row.items())
                                        + "}"])
    with pytest.raises(InputError) as exc:
        load_articles(src)
    assert (exc.value.line, exc.value.field) == (2, field)
    assert "NaN or infinity" in exc.value.reason


@pytest.mark.parametrize("value", ["true", "false", "NaN", "Infinity", '{"a": 1}', "[1]"])
def test_import_refuses_booleans_nan_and_objects_as_ids(tmp_path: Path, value: str) -> None:
    src = _lines(tmp_path / "p.jsonl", [
        json.dumps({"id": "ok", "document": TEXT, "summary": "Budget approved."}),
        f'{{"id": {value}, "document": {json.dumps(TEXT)}, "summary": "Budget passed."}}'])
    with pytest.raises(InputError) as exc:
        import_dataset(src, tmp_path / "out")
    assert (exc.value.line, exc.value.field) == (2, "id")
    assert "an id must be text or a finite number" in exc.value.reason
    assert not (tmp_path / "out").exists()


def test_import_keeps_integer_ids_as_their_digits(tmp_path: Path) -> None:
    src = _lines(tmp_path / "p.jsonl", [
        json.dumps({"id": 7, "document": TEXT, "summary": "Budget approved."})])
    import_dataset(src, tmp_path / "out")
    row = json.loads((tmp_path / "out" / "data" / "test.jsonl").read_text().splitlines()[0])
    assert row["id"] == "7"


# ---------------------------------------------------------------- item 8: deep JSON


def test_json_nested_100k_deep_is_a_located_reject_in_every_reader(tmp_path: Path) -> None:
    src = _lines(tmp_path / "c.jsonl", [json.dumps({"id": "a", "text": TEXT}), DEEP])
    items = list(iter_rows(src))
    assert isinstance(items[0], Row)
    bad = items[1]
    assert isinstance(bad, Reject) and bad.line == 2
    assert "nested deeper than the limit of 32 levels" in bad.reason
    assert "--max-json-depth" in bad.reason
    with pytest.raises(InputError, match=r"c\.jsonl:2: JSON nested deeper"):
        load_articles(src)
    imp = _lines(tmp_path / "i.jsonl", [DEEP.replace('"text"', '"document"')])
    with pytest.raises(InputError, match=r"i\.jsonl:1: JSON nested deeper"):
        import_dataset(imp, tmp_path / "out")
    preds = _lines(tmp_path / "preds.jsonl", [DEEP.replace('"text"', '"summary"')])
    with pytest.raises(InputError, match=r"preds\.jsonl.*nested deeper"):
        read_predictions_file(preds)


def test_nesting_just_past_the_limit_names_the_field_and_can_be_raised(tmp_path: Path) -> None:
    nested: Any = "x"
    for _ in range(40):
        nested = [nested]
    src = _lines(tmp_path / "c.jsonl", [json.dumps({"id": "a", "meta": nested})])
    (bad,) = iter_rows(src)
    assert isinstance(bad, Reject) and bad.field == "meta"
    (row,) = iter_rows(src, limits=ReadLimits(max_json_depth=64))
    assert isinstance(row, Row)


def test_cli_evaluate_and_run_file_on_deep_json_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    preds = _lines(tmp_path / "preds.jsonl", [DEEP.replace('"text"', '"summary"')])
    code, err = _cli(["evaluate", "--dataset", "seeds", "--predictions", str(preds)], capsys)
    assert code == 2 and "nested deeper" in err and "Traceback" not in err
    code, err = _cli(["run", "--dataset", "seeds", "--system", f"file:{preds}",
                      "--out", str(tmp_path / "runs")], capsys)
    assert code == 2 and "nested deeper" in err and "Traceback" not in err


# ---------------------------------------------------------------- item 9: sizes and bombs


def test_over_long_line_is_rejected_without_reading_it_whole_and_the_next_row_reads(
        tmp_path: Path) -> None:
    big = json.dumps({"id": "big", "text": "word " * (DEFAULT_LIMITS.max_line_bytes // 5 + 10)})
    src = _lines(tmp_path / "c.jsonl", [json.dumps({"id": "a", "text": TEXT}), big,
                                        json.dumps({"id": "c", "text": TEXT})])
    items = list(iter_rows(src))
    assert [type(i).__name__ for i in items] == ["Row", "Reject", "Row"]
    bad = items[1]
    assert isinstance(bad, Reject) and bad.line == 2
    assert bad.reason == ("line is longer than the limit of 16,777,216 bytes "
                          "(raise it with --max-line-bytes)")
    assert [i.line for i in items] == [1, 2, 3]


def test_over_long_csv_line_and_field_are_rejected(tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("id,text\na,short\nb," + "x" * 500 + "\nc,fine\n", encoding="utf-8")
    items = list(iter_rows(src, limits=ReadLimits(max_line_bytes=100)))
    assert [(type(i).__name__, i.line) for i in items] == [("Row", 2), ("Reject", 3), ("Row", 4)]
    items = list(iter_rows(src, limits=ReadLimits(max_field_chars=100)))
    bad = items[1]
    assert isinstance(bad, Reject) and bad.line == 3 and "--max-field-chars" in bad.reason


def test_a_50mb_article_is_refused_fast_with_the_field_limit(tmp_path: Path) -> None:
    text = "Word " * 10_000_000  # 50 MB on one line: the case
    src = _lines(tmp_path / "c.jsonl", [json.dumps({"id": "huge", "text": text})])
    with pytest.raises(InputError, match=r"c\.jsonl:1: line is longer than the limit"):
        load_articles(src)
    limits = ReadLimits(max_line_bytes=2**27)  # let the line in: the text limit refuses it
    with pytest.raises(InputError) as exc:
        load_articles(src, limits=limits)
    assert exc.value.field == "text"
    assert "50,000,000 characters is over the limit of 1,000,000" in exc.value.reason
    txt = tmp_path / "txt"
    txt.mkdir()
    (txt / "huge.txt").write_text(text, encoding="utf-8")
    (bad,) = iter_rows(txt)
    assert isinstance(bad, Reject) and bad.field == "text" and "--max-field-chars" in bad.reason


def test_gzip_bomb_stops_at_the_ratio_limit(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(b'{"id": "x", "text": "')
        for _ in range(64):  # 64 MiB of one character on one line, ~65 KB compressed
            fh.write(b"a" * 2**20)
        fh.write(b'"}\n')
    assert bomb.stat().st_size < 2**20
    with pytest.raises(InputError, match=r"bomb\.jsonl\.gz: decompresses to more than 100 "
                       r"times its compressed size by line 1 \(a gzip bomb\?\); if the file is "
                       "genuine, raise --max-gzip-ratio"):
        list(iter_rows(bomb))
    (bad,) = iter_rows(bomb, limits=ReadLimits(max_gzip_ratio=1e9))
    assert isinstance(bad, Reject) and "--max-line-bytes" in bad.reason


def test_gzip_bomb_of_short_lines_stops_too(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    line = b"x," + b"a" * 1000 + b"\n"
    with gzip.open(bomb, "wb", compresslevel=9) as fh:
        fh.write(b"id,text\n")
        for _ in range(20_000):
            fh.write(line)
    with pytest.raises(InputError, match="gzip bomb"):
        list(iter_rows(bomb))


def test_cli_build_and_import_take_the_limit_options(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _lines(tmp_path / "p.jsonl", [
        json.dumps({"id": "a", "document": TEXT, "summary": "Budget approved."})])
    code, err = _cli(["import", str(src), "--out", str(tmp_path / "o"),
                      "--max-line-bytes", "20"], capsys)
    assert code == 2
    assert "p.jsonl:1: line is longer than the limit of 20 bytes" in err
    code, err = _cli(["build", str(src), "--out", str(tmp_path / "o"),
                      "--max-field-chars", "10"], capsys)
    assert code == 2 and "field 'document'" in err and "over the limit of 10" in err


def test_scoring_refuses_a_huge_summary_naming_the_example_and_limit() -> None:
    refs = [["Budget approved by council."], ["Storm hits the coast."]]
    preds = ["Council approves budget.", "storm " * 20_001]
    with pytest.raises(InputError) as exc:
        score(preds, refs, config=EvalConfig(metrics=["rouge"]))
    assert str(exc.value) == ("example '2': the prediction has 120,006 characters, over the "
                              "scoring limit of 100,000 (raise it with --max-text-chars, or "
                              "EvalConfig(max_text_chars=...))")
    preds[1] = "storm " * 20  # 120 characters: refused at 119, scored at 120
    with pytest.raises(InputError, match=r"example '2'.*limit of 119"):
        score(preds, refs, config=EvalConfig(metrics=["rouge"], max_text_chars=119))
    res = score(preds, refs, config=EvalConfig(metrics=["rouge"], n_resamples=10,
                                               max_text_chars=120))
    assert len(res.examples) == 2


def test_cli_score_has_max_text_chars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "p.txt").write_text("a long summary of the storm\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text("storm\n", encoding="utf-8")
    code, err = _cli(["score", "--predictions", str(tmp_path / "p.txt"), "--references",
                      str(tmp_path / "r.txt"), "--max-text-chars", "10"], capsys)
    assert code == 2
    assert "example '1': the prediction has 27 characters, over the scoring limit of 10" in err
