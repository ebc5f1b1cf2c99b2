"""The row layer (benchmark.rows) on files written here: every format, bad bytes, bad rows."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from benchmark.dataset.importer import import_dataset
from benchmark.errors import InputError
from benchmark.ingest import iter_raw_batches, load_articles
from benchmark.rows import TABLE_FORMATS, Reject, Row, detect_format, iter_rows

ROWS = [
    {"id": "a1", "text": 'Héllo, "world"\nsecond line of the first story'},
    {"id": "b2", "text": "Zweite Geschichte über Minsk, ganz kurz."},
]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def _csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as fh:  # type: ignore[operator]
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def _rows(path: Path, **kw: Any) -> list[Row | Reject]:
    return list(iter_rows(path, **kw))


def _only_rows(items: list[Row | Reject]) -> list[Row]:
    assert all(isinstance(i, Row) for i in items), items
    return [i for i in items if isinstance(i, Row)]


@pytest.mark.parametrize(
    ("name", "fmt", "lines"),
    [("in.jsonl", "jsonl", [1, 2]), ("in.jsonl.gz", "jsonl", [1, 2]), ("in.json", "jsonl", [1, 2]),
     ("in.csv", "csv", [2, 4]), ("in.csv.gz", "csv", [2, 4]), ("in.tsv.gz", "csv", [2, 4]),
     ("in.parquet", "parquet", [1, 2])],
)
def test_every_file_format_streams_the_same_located_rows(
        tmp_path: Path, name: str, fmt: str, lines: list[int]) -> None:
    path = tmp_path / name
    if fmt == "jsonl":
        _jsonl(path, ROWS)
    elif fmt == "csv":
        _csv(path, ROWS)
    else:
        import datasets

        datasets.Dataset.from_list(ROWS).to_parquet(str(path))
    assert detect_format(path) == fmt
    got = _only_rows(_rows(path))
    assert [r.data for r in got] == ROWS
    assert [r.line for r in got] == lines  # a CSV row starts where its first line is
    assert {(r.path, r.name, r.split) for r in got} == {(str(path), name, None)}
    assert [r.origin for r in got] == [f"{name}:{n}" for n in lines]
    assert got[0].where == f"{path}:{lines[0]}"
    if fmt in {"jsonl", "csv"}:
        assert all(r.raw and "Minsk" in (got[1].raw or "") for r in got)


def test_saved_datasets_stream_every_split_in_name_order(tmp_path: Path) -> None:
    import datasets

    one = tmp_path / "one"
    datasets.Dataset.from_list(ROWS).save_to_disk(str(one))
    assert detect_format(one) == "hf"
    got = _only_rows(_rows(one))
    assert [(r.data, r.line, r.name, r.split) for r in got] == \
        [(ROWS[0], 1, "one", None), (ROWS[1], 2, "one", None)]
    dd = tmp_path / "dd"
    datasets.DatasetDict({"train": datasets.Dataset.from_list(ROWS[:1]),
                          "test": datasets.Dataset.from_list(ROWS[1:])}).save_to_disk(str(dd))
    got = _only_rows(_rows(dd, formats=TABLE_FORMATS))
    assert [(r.data["id"], r.split, r.line, r.path, r.origin) for r in got] == [
        ("b2", "test", 1, f"{dd}[test]", "dd[test]:1"),
        ("a1", "train", 1, f"{dd}[train]", "dd[train]:1")]


def test_txt_folder_is_one_row_per_file_in_path_order(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    (folder / "b").mkdir(parents=True)
    (folder / "b" / "x.txt").write_text("\ufeffSecond file.\n", encoding="utf-8")
    (folder / "a.txt").write_text("First file.\n", encoding="utf-8")
    (folder / "notes.md").write_text("not read")
    assert detect_format(folder) == "txt"
    got = _only_rows(_rows(folder))
    assert [(r.data, r.line, r.name) for r in got] == [
        ({"id": "a", "text": "First file.\n"}, None, "corpus/a.txt"),
        ({"id": "x", "text": "Second file.\n"}, None, "corpus/b/x.txt")]
    assert got[1].path == str(folder / "b" / "x.txt") and got[1].where == got[1].path
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert _only_rows(_rows(empty))[0].data == {"id": "empty", "text": ""}


def test_detection_names_what_the_caller_accepts(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    with pytest.raises(InputError, match="not a saved `datasets` dataset") as info:
        detect_format(folder, TABLE_FORMATS)
    assert info.value.path == str(folder)
    for name in ("x.xml", "x.parquet.gz", "x.txt.gz", "noext"):
        (tmp_path / name).write_text("x")
        with pytest.raises(InputError, match="unknown input format") as info:
            detect_format(tmp_path / name)
        assert info.value.path == str(tmp_path / name)
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(InputError, match=r"\.jsonl") as info:
        detect_format(tmp_path / "a.txt", TABLE_FORMATS)
    assert ".txt" not in str(info.value).split("expected")[1]
    with pytest.raises(InputError, match="no such file"):
        detect_format(tmp_path / "missing.jsonl")
    with pytest.raises(InputError) as info:
        _rows(tmp_path / "a.txt", input_format="txt", formats=TABLE_FORMATS)
    assert info.value.field == "input_format"


def test_bad_utf8_is_located_at_its_line(tmp_path: Path) -> None:
    good = json.dumps(ROWS[1]).encode()
    path = tmp_path / "x.jsonl"
    latin1 = b'{"id": "w", "text": "Caf\xe9"}\n'
    path.write_bytes(good + b"\n\n" + latin1 + good + b"\n")
    items = _rows(path)
    assert [type(i).__name__ for i in items] == ["Row", "Reject", "Row"]
    bad = items[1]
    assert isinstance(bad, Reject) and (bad.path, bad.line, bad.field) == (str(path), 3, None)
    offset = latin1.index(b"\xe9")
    assert f"not valid UTF-8 (byte b'\\xe9' at offset {offset} in the line)" in bad.reason
    assert bad.raw == '{"id": "w", "text": "Caf\ufffd"}'
    assert [i.line for i in items] == [1, 3, 4]
    # CSV: the column is named, and the line is the one holding the byte, not the row's start
    path = tmp_path / "x.csv"
    path.write_bytes(b'id,text\na,"fine"\nb,"two\nline\xff s"\nc,ok\n')
    items = _rows(path)
    bad = items[1]
    assert isinstance(bad, Reject) and (bad.line, bad.field) == (4, "text")
    assert "UTF-8" in bad.reason and [i.line for i in items] == [2, 4, 5]
    assert bad.raw == "b,two\nline\ufffd s"  # the whole row, for the rejects file
    path.write_bytes(b"id,t\xe9xt\na,b\n")
    with pytest.raises(InputError, match="header row") as info:
        _rows(path)
    assert info.value.line == 1
    txt = tmp_path / "t.txt"
    txt.write_bytes(b"line one\nline two\n\nCaf\xe9 three\n")
    (bad,) = _rows(txt)
    assert isinstance(bad, Reject) and (bad.path, bad.line) == (str(txt), 4)
    assert "at offset 22)" in bad.reason


def test_malformed_json_lines(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "x.jsonl", ROWS)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write('{"id": "c3", "text": \n[1, 2]\n   \n"just a string"\n')
    items = _rows(path)
    assert [(i.line, type(i).__name__) for i in items] == \
        [(1, "Row"), (2, "Row"), (3, "Reject"), (4, "Reject"), (6, "Reject")]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert rejects[0].reason == "malformed JSON: Expecting value (column 22)"  # end of line 3
    assert [r.reason for r in rejects[1:]] == ["expected a JSON object, got list",
                                               "expected a JSON object, got str"]
    assert str(rejects[0].to_error()) == f"{path}:3: malformed JSON: Expecting value (column 22)"
    assert rejects[0].as_json()["location"] == f"{path}:3"


def test_csv_rows_with_the_wrong_shape(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,text\na,"A story."\n\n , \nb,"x",extra\nc\nd,"unterminated\n',
                    encoding="utf-8")
    items = _rows(path)
    assert [(i.line, type(i).__name__) for i in items] == \
        [(2, "Row"), (5, "Reject"), (6, "Reject"), (7, "Reject")]  # blank rows 3-4 are no rows
    reasons = [i.reason for i in items if isinstance(i, Reject)]
    assert reasons[0].startswith("bad CSV row: expected 2 columns, got 3")
    assert "row has 1 columns" in reasons[1]
    assert reasons[2] == "bad CSV row: unexpected end of data"
    assert items[1].raw == "b,x,extra"  # type: ignore[union-attr]
    path.write_text("id,text,id\na,b,c\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"duplicate column names \['id'\]"):
        _rows(path)


def test_empty_inputs(tmp_path: Path) -> None:
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n")
    assert _rows(tmp_path / "e.jsonl") == [] and _rows(tmp_path / "blank.jsonl") == []
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty CSV file") as info:
        _rows(tmp_path / "e.csv")
    assert (info.value.path, info.value.line) == (str(tmp_path / "e.csv"), 1)
    (tmp_path / "h.csv").write_text("id,text\n")
    assert _rows(tmp_path / "h.csv") == []
    (tmp_path / "none").mkdir()
    with pytest.raises(InputError, match=r"holds no \.txt files"):
        _rows(tmp_path / "none")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        _rows(tmp_path / "bad.parquet")


def test_column_check_runs_once_per_table_before_its_rows(tmp_path: Path) -> None:
    import datasets

    seen: list[tuple[list[str], str]] = []

    def check(columns: Any, where: str) -> None:
        seen.append((list(columns), where))
        if "text" not in columns:
            raise InputError("no text column", path=where, field="text")

    csv_path = _csv(tmp_path / "in.csv", ROWS)
    pq_path = tmp_path / "in.parquet"
    datasets.Dataset.from_list(ROWS).to_parquet(str(pq_path))
    dd = tmp_path / "dd"
    datasets.DatasetDict({"a": datasets.Dataset.from_list(ROWS),
                          "b": datasets.Dataset.from_list([{"id": "z"}])}).save_to_disk(str(dd))
    assert len(_rows(csv_path, on_columns=check)) == 2
    assert len(_rows(pq_path, on_columns=check)) == 2
    got: list[Row | Reject] = []
    with pytest.raises(InputError, match="no text column") as info:
        for item in iter_rows(dd, on_columns=check):
            got.append(item)
    assert info.value.path == f"{dd}[b]" and len(got) == 2  # split a read, b refused up front
    assert seen == [(["id", "text"], str(csv_path)), (["id", "text"], str(pq_path)),
                    (["id", "text"], f"{dd}[a]"), (["id"], f"{dd}[b]")]


def test_parquet_and_saved_datasets_are_read_a_batch_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets
    import pyarrow.parquet as pq

    rows = [{"id": f"r{i}", "text": f"row {i}"} for i in range(10)]
    pq_path = tmp_path / "in.parquet"
    datasets.Dataset.from_list(rows).to_parquet(str(pq_path))
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "ds"))
    sizes: list[int] = []
    real_pq, real_ds = pq.ParquetFile.iter_batches, datasets.Dataset.iter

    def pq_spy(self: Any, *a: Any, **kw: Any) -> Any:
        for b in real_pq(self, *a, **kw):
            sizes.append(b.num_rows)
            yield b

    def ds_spy(self: Any, *a: Any, **kw: Any) -> Any:
        for b in real_ds(self, *a, **kw):
            sizes.append(len(b["id"]))
            yield b

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", pq_spy)
    monkeypatch.setattr(datasets.Dataset, "iter", ds_spy)
    for path in (pq_path, tmp_path / "ds"):
        sizes.clear()
        stream = iter_rows(path, batch_size=3)
        first = [next(stream) for _ in range(4)]
        assert sizes == [3, 3]  # four rows pulled: two batches read, not the file
        assert [r.data for r in first] == rows[:4]  # type: ignore[union-attr]
        assert len(list(stream)) == 6 and sizes == [3, 3, 3, 1]


# ------------------------------------------------ consumers: ingest and import share the layer


def test_duplicate_ids_across_two_batches_are_caught_while_streaming(tmp_path: Path) -> None:
    rows = [{"doc_id": f"d{i}", "content": f"Story number {i} about the talks."} for i in range(4)]
    rows.append({"doc_id": "d1", "content": "Another story that reuses an id."})
    path = _jsonl(tmp_path / "x.jsonl", rows)
    fmap = {"id": "doc_id", "text": "content"}
    batches = iter_raw_batches(path, field_map=fmap, batch_size=3)
    assert [r.id for r in next(batches)] == ["d0", "d1", "d2"]
    with pytest.raises(InputError) as info:
        next(batches)
    e = info.value
    assert (e.path, e.line, e.field) == (str(path), 5, "doc_id")
    assert f"duplicate id 'd1'; first seen at {path}:2" in str(e) and f"{path}:5" in str(e)
    # skip_invalid: the repeat comes back as a reject in its batch; the first copy is kept
    skipped = list(iter_raw_batches(path, field_map=fmap, batch_size=3, skip_invalid=True))
    assert [len(b) for b in skipped] == [3, 2]
    rej = skipped[1][1]
    assert isinstance(rej, Reject) and (rej.line, rej.field) == (5, "doc_id")
    assert "first seen at" in rej.reason and "reuses an id" in (rej.raw or "")
    # ids derived from content repeat when title and text do
    same = _jsonl(tmp_path / "same.jsonl", [{"text": "Same words."}, {"text": "Other."},
                                            {"text": "Same words."}])
    with pytest.raises(InputError, match="derived from identical title and text") as info:
        list(iter_raw_batches(same, batch_size=2))
    assert info.value.line == 3 and f"{same}:1" in str(info.value)


def test_build_and_import_report_a_bad_row_the_same_way(tmp_path: Path) -> None:
    path = tmp_path / "x.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write('id,text,summary\na,"A long story about the talks in Minsk.",Talks.\n'
                 'b,"only two"\n')
    errors = []
    for read in (lambda: load_articles(path),
                 lambda: import_dataset(path, tmp_path / "out", document_field="text")):
        with pytest.raises(InputError) as info:
            read()
        errors.append(info.value)
    assert {(e.path, e.line, e.reason) for e in errors} == {
        (str(path), 3, errors[0].reason)}
    assert "expected 3 columns, got 2" in errors[0].reason
    good = tmp_path / "good.jsonl.gz"
    _jsonl(good, [{"id": "a", "document": "A long story about the talks.", "summary": "Talks."}])
    assert import_dataset(good, tmp_path / "out2").examples == {"test": 1}
