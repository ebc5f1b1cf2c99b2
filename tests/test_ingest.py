"""Readers, ids, bad input and determinism of ingest, on the seeds and files written here."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from benchmark.errors import InputError
from benchmark.ingest import (
    RawRecord,
    clean_batch,
    derive_id,
    detect_format,
    iter_raw_batches,
    load_articles,
)
from benchmark.schema import Article


def _seed_rows(seed_paths: list[Path]) -> list[dict[str, Any]]:
    """The seeds as table rows with non-standard column names and some metadata."""
    rows = []
    for i, p in enumerate(seed_paths):
        rows.append({"doc_id": p.stem, "content": p.read_text(encoding="utf-8"),
                     "outlet": f"site-{i}", "date": "2012-10-23" if i == 1 else None})
    return rows


FMAP = {"id": "doc_id", "text": "content", "source": "outlet"}


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _comparable(arts: list[Article]) -> list[dict[str, Any]]:
    """Articles without origin (which names the file and line, so differs by design)."""
    return [a.model_dump(exclude={"origin"}) for a in arts]


@pytest.fixture(scope="module")
def txt_articles(seeds_dir: Path) -> list[Article]:
    return load_articles(seeds_dir).articles


def test_txt_folder_ids_are_file_stems_sorted(txt_articles: list[Article],
                                              seed_paths: list[Path]) -> None:
    assert [a.id for a in txt_articles] == [p.stem for p in seed_paths]
    assert [a.origin for a in txt_articles] == [f"raw/{p.name}" for p in seed_paths]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "hf"])
def test_every_format_gives_the_same_articles_as_txt(
        fmt: str, tmp_path: Path, seed_paths: list[Path], txt_articles: list[Article]) -> None:
    rows = _seed_rows(seed_paths)
    if fmt == "jsonl":
        path = _write_jsonl(tmp_path / "in.jsonl", rows)
    elif fmt == "csv":
        path = _write_csv(tmp_path / "in.csv", rows)
    else:
        import datasets

        ds = datasets.Dataset.from_list(rows)
        if fmt == "parquet":
            path = tmp_path / "in.parquet"
            ds.to_parquet(str(path))
        else:
            path = tmp_path / "in_ds"
            ds.save_to_disk(str(path))
    assert detect_format(path) == fmt
    result = load_articles(path, field_map=FMAP)
    assert result.read == 5 and result.rejected == 0
    assert all(a.origin.startswith(f"{path.name}:") for a in result.articles)
    got = {a.id: a for a in result.articles}
    for ref in txt_articles:
        a = got[ref.id]
        assert (a.title, a.body, a.content_hash, a.removed) == \
            (ref.title, ref.body, ref.content_hash, ref.removed)
        assert a.source == f"site-{[p.stem for p in seed_paths].index(ref.id)}"
    one = got[seed_paths[1].stem]  # metadata date wins over the unresolved '23 October'
    assert (one.published, one.date_source) == (dt.date(2012, 10, 23), "metadata")
    assert got[seed_paths[2].stem].published == dt.date(2012, 10, 29)


def test_hf_dataset_dict_reads_every_split(tmp_path: Path, seed_paths: list[Path]) -> None:
    import datasets

    rows = [{"id": p.stem, "body": p.read_text(encoding="utf-8")} for p in seed_paths]
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_list(rows[:3]),
                               "test": datasets.Dataset.from_list(rows[3:])})
    dd.save_to_disk(str(tmp_path / "dd"))
    result = load_articles(tmp_path / "dd")
    assert [a.id for a in result.articles] == [p.stem for p in seed_paths]
    assert any("[test]" in a.origin for a in result.articles)


def test_metadata_title_and_language_win(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "a.jsonl", [
        {"id": 7, "title": "Talks end in Minsk", "text": "Talks end in Minsk\n\nThe talks ended "
         "on Tuesday with a signed protocol.", "language": "en-GB", "url": " "}])
    (a,) = load_articles(path).articles
    assert (a.id, a.title, a.title_source, a.language, a.url) == \
        ("7", "Talks end in Minsk", "metadata", "en", None)
    assert a.body == "The talks ended on Tuesday with a signed protocol."


def test_ids_derived_from_content_when_absent(tmp_path: Path) -> None:
    rows = [{"text": "Alpha story about a meeting in Minsk today."},
            {"text": "Beta story about a meeting in Moscow today."}]
    a1 = load_articles(_write_jsonl(tmp_path / "a.jsonl", rows)).articles
    a2 = load_articles(_write_jsonl(tmp_path / "b.jsonl", rows[::-1])).articles
    assert [a.id for a in a1] == [a.id for a in a2]
    rec = RawRecord(id=None, title=None, text=rows[0]["text"], source=None, url=None,
                    date=None, language=None, origin="x", path="x")
    assert derive_id(rec) in {a.id for a in a1}
    assert len(a1[0].id) == 20 and a1[0].id != a1[1].id


def test_output_independent_of_batch_size_and_input_order(
        tmp_path: Path, seed_paths: list[Path]) -> None:
    rows = _seed_rows(seed_paths)
    shuffled = rows[:]
    random.Random(12345).shuffle(shuffled)
    assert shuffled != rows
    a = load_articles(_write_jsonl(tmp_path / "a.jsonl", rows), field_map=FMAP, batch_size=1)
    b = load_articles(_write_jsonl(tmp_path / "b.jsonl", shuffled), field_map=FMAP,
                      batch_size=1000)
    assert _comparable(a.articles) == _comparable(b.articles)
    # a txt folder copied in another order and nested differently gives the same articles
    other = tmp_path / "txt"
    for i, p in enumerate(reversed(seed_paths)):
        (other / f"d{i}").mkdir(parents=True)
        shutil.copy(p, other / f"d{i}" / p.name)
    assert _comparable(load_articles(other, batch_size=2).articles) == \
        _comparable(load_articles(seed_paths[0].parent, batch_size=1000).articles)


def test_iter_raw_batches_then_clean_batch_equals_load_articles(
        seeds_dir: Path, txt_articles: list[Article]) -> None:
    batches = list(iter_raw_batches(seeds_dir, batch_size=2))
    assert [len(b) for b in batches] == [2, 2, 1]
    cleaned = [a for b in batches for a in clean_batch(b)]
    assert sorted(cleaned, key=lambda a: a.id) == txt_articles


# --------------------------------------------------------------------------- bad input


GOOD = {"id": "g1", "text": "A good article about the talks in Minsk on security."}


def _bad_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(GOOD), "{not json", json.dumps({"id": "m1", "title": "No body"}),
             json.dumps({"id": "e1", "text": "   "}),
             json.dumps({"id": "e2", "text": "By John Smith\n\nADVERTISEMENT"}),
             json.dumps({**GOOD, "text": "Same id, other text about a meeting."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error(path: Path, **kw: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load_articles(path, **kw)
    return info.value


def test_malformed_jsonl_line(tmp_path: Path) -> None:
    e = _error(_bad_jsonl(tmp_path))
    assert (e.path, e.line) == (str(tmp_path / "bad.jsonl"), 2)
    assert "malformed JSON" in str(e) and "bad.jsonl:2" in str(e)


@pytest.mark.parametrize(("line", "field", "words"), [
    (json.dumps({"id": "m1", "title": "No body"}), "text", "missing"),
    (json.dumps({"id": "e1", "text": "   "}), "text", "empty body"),
    (json.dumps({"id": "e2", "text": "By John Smith\n\nADVERTISEMENT"}), "text",
     "empty after cleaning"),
    (json.dumps({"id": "d1", "text": "Hello there, a story.", "date": "sometime"}), "date",
     "unreadable date"),
    (json.dumps({"id": True, "text": "Hello there, a story."}), "id", "boolean"),
])
def test_bad_row_names_file_line_and_field(tmp_path: Path, line: str, field: str,
                                           words: str) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + line + "\n", encoding="utf-8")
    e = _error(path)
    assert (e.path, e.line, e.field) == (str(path), 2, field)
    assert words in str(e)


def test_errors_name_the_input_column_not_ours(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "x.csv", [
        {"doc_id": "a", "content": "A story about the talks in Minsk.", "when": "2012-10-23"},
        {"doc_id": "b", "content": "By John Smith", "when": "2012-10-23"},
        {"doc_id": "c", "content": "Another story about talks.", "when": "soon"}])
    fmap = {"id": "doc_id", "text": "content", "date": "when"}
    e = _error(path, field_map=fmap)
    assert (e.line, e.field) == (3, "content") and "empty after cleaning" in str(e)
    result = load_articles(path, field_map=fmap, skip_invalid=True)
    assert [(r.line, r.field) for r in result.rejects] == [(3, "content"), (4, "when")]


def test_missing_text_column_under_field_map(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "x.csv", [{"doc_id": "a", "body_text": "Hello world story."}])
    e = _error(path, field_map={"text": "content"})
    assert e.field == "content" and "not found" in str(e)


def test_bad_csv_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,text\na,"A good story about Minsk."\nb,"x",extra\nc,"unterminated\n',
                    encoding="utf-8")
    e = _error(path)
    assert (e.path, e.line) == (str(path), 3) and "expected 2 columns, got 3" in str(e)
    result = load_articles(path, skip_invalid=True, rejects_path=tmp_path / "rej.jsonl")
    assert [a.id for a in result.articles] == ["a"]
    assert result.rejected == 2 and result.read == 3
    rejects = [json.loads(x) for x in (tmp_path / "rej.jsonl").read_text().splitlines()]
    assert [r["line"] for r in rejects] == [3, 4]


def test_non_utf8_bytes_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" +
                     '{"id": "w", "text": "Gr\u00fc\u00dfe"}'.encode("latin-1") + b"\n")
    e = _error(path)
    assert (e.path, e.line) == (str(path), 2) and "UTF-8" in str(e)
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"Title line here now\n\nFirst para.\n\nCaf\xe9 second.\n")
    e = _error(folder)
    assert (e.path, e.line) == (str(folder / "a.txt"), 5)
    csv_path = tmp_path / "x.csv"
    csv_path.write_bytes(b"id,text\na,Fine story about Minsk.\nb,Caf\xe9 story\n")
    e = _error(csv_path)
    assert (e.path, e.line, e.field) == (str(csv_path), 3, "text")


def test_duplicate_ids_name_both_locations(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "text": "Other text."}) + "\n",
                    encoding="utf-8")
    e = _error(path)
    assert (e.line, e.field) == (2, "id")
    assert f"{path}:1" in str(e) and f"{path}:2" in str(e)
    folder = tmp_path / "txt"
    for sub in ("a", "b"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "same.txt").write_text(f"Story {sub} from the capital today.\n")
    e = _error(folder)
    assert "duplicate id 'same'" in str(e) and "a/same.txt" in str(e) and "b/same.txt" in str(e)


def test_unknown_format_and_missing_path(tmp_path: Path) -> None:
    odd = tmp_path / "x.xml"
    odd.write_text("<a/>")
    e = _error(odd)
    assert e.path == str(odd) and "unknown input format" in str(e)
    e = _error(tmp_path / "x.jsonl", input_format="yaml")
    assert "no such file" in str(e)
    good = _write_jsonl(tmp_path / "g.jsonl", [GOOD])
    e = _error(good, input_format="yaml")
    assert e.field == "input_format"
    e = _error(tmp_path / "nope")
    assert e.path == str(tmp_path / "nope") and "no such file or directory" in str(e)
    e = _error(good, field_map={"headline": "title"})
    assert e.field == "headline"


def test_skip_invalid_writes_every_bad_row_to_rejects(tmp_path: Path) -> None:
    path = _bad_jsonl(tmp_path)
    result = load_articles(path, skip_invalid=True)
    assert result.read == 6 and result.rejected == 5
    assert [a.id for a in result.articles] == ["g1"]
    assert result.rejects_path == tmp_path / "bad.jsonl.rejects.jsonl"
    rejects = [json.loads(x) for x in result.rejects_path.read_text().splitlines()]
    assert [(r["line"], r["field"]) for r in rejects] == \
        [(2, None), (3, "text"), (4, "text"), (5, "text"), (6, "id")]
    assert all(r["location"] == f"{path}:{r['line']}" and r["reason"] and r["raw"]
               for r in rejects)
    assert "kept the copy at" in rejects[-1]["reason"]
    # the duplicate kept does not depend on which copy came first
    lines = path.read_text().splitlines()
    flipped = tmp_path / "flipped.jsonl"
    flipped.write_text("\n".join([lines[5], *lines[1:5], lines[0]]) + "\n")
    again = load_articles(flipped, skip_invalid=True, rejects_path=tmp_path / "r2.jsonl")
    assert _comparable(again.articles) == _comparable(result.articles)


def test_skip_invalid_without_rejects_writes_no_default_file(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "ok.jsonl", [GOOD])
    result = load_articles(path, skip_invalid=True)
    assert result.rejected == 0 and result.rejects_path is None
    assert not (tmp_path / "ok.jsonl.rejects.jsonl").exists()


def test_gzipped_jsonl_and_strict_batches(tmp_path: Path, seed_paths: list[Path],
                                         txt_articles: list[Article]) -> None:
    import gzip

    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in _seed_rows(seed_paths):
            fh.write(json.dumps(row) + "\n")
        fh.write("{broken\n")
    assert detect_format(path) == "jsonl"
    batches = iter_raw_batches(path, field_map=FMAP, batch_size=5)
    assert [r.id for r in next(batches)] == [a.id for a in txt_articles]
    with pytest.raises(InputError) as info:
        next(batches)
    assert (info.value.path, info.value.line) == (str(path), 6)
