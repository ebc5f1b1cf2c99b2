"""The whole build pipeline: seeds, corpora the tests write, bad input, determinism, CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

from benchmark.cli import main
from benchmark.dataset.build import BuildConfig, build_dataset
from benchmark.dataset.folder import load_dataset_dir, validate_dataset_dir
from benchmark.errors import ConfigError, InputError, OutputError

ALL = ["cross-lede", "multi-doc", "compression"]
CFG = BuildConfig(name="corpus", strategy=ALL, min_split_clusters=1)


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def corpus_rows() -> list[dict]:
    """Each seed plus a lightly edited reprint of it from another outlet a day later."""
    rows = []
    for i, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        day = "2021-10-09" if i == 4 else "2012-10-23"
        rows.append(
            {"id": f"a{i}", "title": title, "text": body, "source": "outlet-a", "date": day}
        )
        rows.append(
            {
                "id": f"b{i}",
                "title": f"{title} (reprint)",
                "source": "outlet-b",
                "date": day,
                "text": body.replace(" the ", " a ", 3) + "\nReprinted with permission.",
            }
        )
    return rows


def write_corpus(path: Path, rows: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    tmp = tmp_path_factory.mktemp("corpus")
    src = write_corpus(tmp / "corpus.jsonl", corpus_rows())
    report = build_dataset(src, tmp / "out", CFG)
    return tmp, report


def test_corpus_build_counts_and_validity(corpus_build) -> None:
    tmp, report = corpus_build
    assert (
        report.articles_read == 10
        and report.articles_cleaned == 10
        and report.articles_rejected == 0
    )
    assert report.multi_article_clusters >= 2
    assert validate_dataset_dir(tmp / "out") == []
    ds = load_dataset_dir(tmp / "out")
    examples = [e for exs in ds.splits.values() for e in exs]
    assert sum(report.examples.values()) == len(examples) == sum(report.strategies.values())
    for strategy in ALL:  # candidates = kept + what the filters say they dropped
        kept = report.strategies.get(strategy, 0)
        assert kept <= report.candidates[strategy]
    for ex in examples:
        assert not set(ex.source_ids) & set(ex.reference_ids)
    clusters = [json.loads(x) for x in (tmp / "out" / "clusters.jsonl").read_text().splitlines()]
    assert sum(len(c["members"]) for c in clusters) == 10
    assert all(c["edges"] for c in clusters if len(c["members"]) > 1)
    # the 2021 story never shares a cluster with the 2012 ones
    home = {m: c["id"] for c in clusters for m in c["members"]}
    assert home["a4"] == home["b4"] and home["a4"] != home["a0"]
    build = json.loads((tmp / "out" / "build.json").read_text())
    assert build["settings"]["seed"] == 12345 and build["settings"]["strategy"] == ALL
    assert build["counts"]["filtered"] == report.filtered
    summary = report.summary()
    assert (
        "articles: 10 read, 10 cleaned, 0 rejected" in summary
        and "filtered (compression)" in summary
    )


def test_rebuild_is_byte_identical_and_input_order_free(corpus_build, tmp_path: Path) -> None:
    tmp, report = corpus_build
    again = build_dataset(
        tmp / "corpus.jsonl", tmp_path / "again", CFG
    )
    assert tree(tmp_path / "again") == tree(tmp / "out")
    rows = corpus_rows()
    random.Random(7).shuffle(rows)
    shuffled = write_corpus(tmp_path / "corpus.jsonl", rows)
    other = build_dataset(
        shuffled, tmp_path / "shuffled", CFG
    )
    assert other.fingerprint == again.fingerprint == report.fingerprint
    data = {k: v for k, v in tree(tmp_path / "shuffled").items() if k.startswith(("data/", "hf/"))}
    assert data == {k: v for k, v in tree(tmp / "out").items() if k.startswith(("data/", "hf/"))}


def test_output_dir_rules(corpus_build, tmp_path: Path) -> None:
    tmp, report = corpus_build
    # same dataset again: fine (idempotent)
    build_dataset(tmp / "corpus.jsonl", tmp / "out", CFG)
    with pytest.raises(OutputError, match="different dataset"):
        build_dataset(tmp / "corpus.jsonl", tmp / "out", BuildConfig(min_split_clusters=1))
    assert load_dataset_dir(tmp / "out").fingerprint == report.fingerprint
    with pytest.raises(OutputError, match="contains the input"):
        build_dataset(tmp / "corpus.jsonl", tmp, CFG, overwrite=True)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "x.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        build_dataset(tmp / "corpus.jsonl", tmp_path / "foreign", CFG)


def test_bad_rows_fail_with_location_or_go_to_rejects(tmp_path: Path) -> None:
    rows = corpus_rows()
    lines = [json.dumps(r) for r in rows]
    lines.insert(3, '{"id": "broken", "text": ')
    src = tmp_path / "bad.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        build_dataset(src, tmp_path / "out")
    assert info.value.line == 4 and str(src) in str(info.value)
    assert not (tmp_path / "out").exists()
    report = build_dataset(
        src, tmp_path / "out", BuildConfig(min_split_clusters=1), skip_invalid=True
    )
    assert report.articles_rejected == 1 and report.articles_cleaned == 10
    assert report.rejects_path == str(tmp_path / "out" / "rejects.jsonl")
    (reject,) = [json.loads(x) for x in Path(report.rejects_path).read_text().splitlines()]
    assert reject["line"] == 4 and "JSON" in reject["reason"]
    assert "rejected rows written to" in report.summary()


def test_only_singletons_is_a_clear_error(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "one.jsonl", corpus_rows()[:1])
    with pytest.raises(InputError, match="no examples could be built"):
        build_dataset(src, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_config_is_checked() -> None:
    with pytest.raises(ConfigError, match="sum to 1"):
        BuildConfig(train=0.9, validation=0.2, test=0.1)
    with pytest.raises(ValueError):
        BuildConfig(strategy=["nope"])  # type: ignore[list-item]
    assert BuildConfig(strategy=["compression", "cross-lede", "cross-lede"]).strategy == [
        "cross-lede",
        "compression",
    ]


def test_tiny_corpus_goes_to_test_with_warning(corpus_build, capsys) -> None:
    tmp, _ = corpus_build
    default = build_dataset(
        tmp / "corpus.jsonl", tmp / "tiny", BuildConfig(chronological=True), progress=True
    )
    err = capsys.readouterr().err  # not a terminal: stage lines, no bar
    assert "sumbench: grouping 10 articles ..." in err and "\r" not in err
    assert list(default.examples) == ["test"]
    assert any("'test' split" in w for w in default.warnings)
    assert "warning:" in default.summary()
    assert validate_dataset_dir(tmp / "tiny") == []


# ----------------------------------------------------------------------------- the seeds


def test_seed_dataset_is_reproducible_with_one_command(tmp_path: Path, monkeypatch) -> None:
    committed = ROOT / "data" / "seeds"
    assert (committed / "build.json").exists(), "run: sumbench build data/raw --out data/seeds"
    monkeypatch.chdir(ROOT)  # the committed build was made from the repository root
    report = build_dataset("data/raw", tmp_path / "seeds", BuildConfig(name="seeds"))
    assert tree(tmp_path / "seeds") == tree(committed)
    assert validate_dataset_dir(committed) == []
    assert report.articles_read == 5 and report.multi_article_clusters >= 1


def test_seed_grouping_and_strategies(tmp_path: Path) -> None:
    report = build_dataset(SEEDS, tmp_path / "all", BuildConfig(strategy=ALL))
    ds = load_dataset_dir(tmp_path / "all")
    examples = [e for exs in ds.splits.values() for e in exs]
    assert list(ds.splits) == ["test"] and report.warnings  # one event cluster: all in test
    ids = {i[:3] for e in examples for i in [*e.source_ids, *e.reference_ids]}
    assert {"000", "001", "003"} <= ids and "004" not in ids
    assert (len({e.cluster_id for e in examples})) == 1
    # compression: the longest seed is < 2x the shortest, so nothing, and the counts say why
    assert report.strategies.get("compression", 0) == 0
    assert report.filtered["compression"]["compression_ratio"] >= 2
    assert report.strategies["cross-lede"] >= 3 and report.strategies["multi-doc"] >= 3


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`sumbench ARGV` in this process (the encoders' vectors stay cached across builds of the
    same texts; tests/test_demo.py runs the installed console script itself)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    got = capsys.readouterr()
    return code, got.out, got.err


def test_cli_build_summary_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_corpus(tmp_path / "c.jsonl", corpus_rows())
    code, out, err = _cli(["build", str(src), "--out", str(tmp_path / "o"), "--strategy",
                           "cross-lede", "--strategy", "compression", "--seed", "7"], capsys)
    assert code == 0, err
    for needle in (
        "articles: 10 read",
        "clusters:",
        "examples:",
        "filtered (compression)",
        "wrote",
    ):
        assert needle in out
    assert json.loads((tmp_path / "o" / "build.json").read_text())["settings"]["seed"] == 7
    code, _, err = _cli(["build", str(src), "--out", str(tmp_path / "o"), "--strategy",
                         "multi-doc"], capsys)
    assert code == 2 and "different dataset" in err and "Traceback" not in err
    code, _, err = _cli(["build", str(src), "--out", str(tmp_path / "p"), "--field-map", "text"],
                        capsys)
    assert code == 2 and "--field-map expects" in err
    code, _, err = _cli(["build", str(src), "--out", str(tmp_path / "p"), "--ratios", "0.5,0.5"],
                        capsys)
    assert code == 2 and "--ratios expects" in err


def test_config_file_and_overrides(tmp_path: Path) -> None:
    from benchmark.dataset.build import build_config

    cfg_file = tmp_path / "build.yaml"
    cfg_file.write_text(
        "strategy: [multi-doc]\nseed: 3\nfilters:\n  min_document_words: 10\n"
        "train: 0.5\nvalidation: 0.25\ntest: 0.25\n",
        encoding="utf-8",
    )
    cfg = build_config(cfg_file, {"seed": 9})
    assert cfg.strategy == ["multi-doc"] and cfg.seed == 9
    assert cfg.filters.min_document_words == 10 and cfg.ratios["train"] == 0.5
    cfg_file.write_text("filters:\n  min_document_words: many\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"build.yaml: setting 'filters.min_document_words'"):
        build_config(cfg_file)
    cfg_file.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a mapping"):
        build_config(cfg_file)
    with pytest.raises(ConfigError, match="cannot read"):
        build_config(tmp_path / "missing.yaml")
