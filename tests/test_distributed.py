"""The build on Dask gives the local build's bytes (issue 15), and linkage splits by component.

Corpus: the five seeds plus 150 synthetic articles, as one JSONL file, with
``exhaustive_below`` under its size so candidates come from LSH and the neighbour index. Dask runs
both synchronously (no cluster) and on real ``LocalCluster``s of worker processes
bound to 127.0.0.1, which catches what does not pickle or import on a worker.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS, require
from test_build import _cli as run_cli

from benchmark.dataset.build import BuildConfig, build_dataset
from benchmark.distributed.executor import DaskExecutor, LocalExecutor, partition
from benchmark.errors import ConfigError, InputError
from benchmark.group.cluster import PairJudge
from benchmark.group.config import GroupConfig
from benchmark.group.features import corpus_stats, profile, vectors
from benchmark.group.linkage import components, link, link_components
from benchmark.group.neighbours import candidate_pairs, publication_days
from benchmark.group.scaleout import group_articles_distributed
from benchmark.ingest import load_articles
from benchmark.ingest.synthetic import write_synthetic_corpus
from benchmark.schema import Article, Cluster

SYNTHETIC = 150
#: below the corpus size, so candidates come from LSH and the neighbour index
EXHAUSTIVE_BELOW = 40


def _dask() -> Any:
    try:
        import distributed
    except ImportError:
        require("dask.distributed is not installed", 'pip install -e ".[dev]"')
    return distributed


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds + synthetic articles in one JSONL file."""
    folder = tmp_path_factory.mktemp("dask-corpus")
    write_synthetic_corpus(folder / "synthetic.jsonl", SYNTHETIC)
    rows = [{"id": a.id, "title": a.title, "text": a.body, "source": a.source, "url": a.url,
             "date": a.published.isoformat() if a.published else None}
            for a in load_articles(SEEDS).articles]
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
        fh.write((folder / "synthetic.jsonl").read_text(encoding="utf-8"))
    return path


@pytest.fixture(scope="module")
def articles(corpus: Path) -> list[Article]:
    return load_articles(corpus).articles


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of two single-threaded worker processes on 127.0.0.1."""
    from benchmark.distributed.engine import dask_client

    _dask()
    with dask_client(workers=2) as client:
        yield client


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_partition_keeps_order_and_never_makes_empty_parts() -> None:
    assert partition(list(range(10)), 3) == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert partition([1, 2], 7) == [[1], [2]]
    assert partition([], 4) == []


def test_linkage_per_component_equals_the_global_linkage(articles: list[Article]) -> None:
    """Each component linked alone, by a judge that holds only its members' profiles, gives
    the global linkage's clusters and edges, also where the cap refused merges."""
    config = GroupConfig(use_embeddings=False, max_cluster_size=3, min_link_fraction=0.9,
                         exhaustive_below=EXHAUSTIVE_BELOW)
    profiles = sorted((profile(a) for a in articles), key=lambda p: p.id)
    stats = corpus_stats(profiles)
    vecs = [vectors(p, stats) for p in profiles]
    judge = PairJudge(profiles, stats, config)
    edges = [e for a, b in candidate_pairs(profiles, stats, config, vecs)
             if (e := judge.edge(a, b)) is not None]
    judge.forget_rejections()
    ids = [p.id for p in profiles]
    whole = link(ids, edges, judge, config)  # the linkage as it ran before components
    owner = {m: c[0] for c in whole for m in c}
    expected = [Cluster(id=c[0], members=c,
                        edges=[e for e in judge.accepted() if owner[e.a] == owner[e.b] == c[0]])
                for c in whole]
    by_id = {p.id: p for p in profiles}
    got: list[Cluster] = []
    parts = components(ids, edges)
    for members, inside in parts:
        alone = PairJudge([by_id[i] for i in members], stats, config)  # KeyError if it strays
        got.extend(link_components([(members, inside)], alone, config))
    assert sorted(got, key=lambda c: c.id) == expected
    # what the driver computes from bare edge codes: the same components in the same order
    import numpy as np

    from benchmark.group.linkage import code_components

    at = {i: k for k, i in enumerate(ids)}
    codes = np.array([at[e.a] * len(ids) + at[e.b] for e in edges], dtype=np.int64)
    labels, members = code_components(len(ids), codes)
    assert [[ids[i] for i in m] for m in members] == [m for m, _ in parts]
    assert all(labels[i] == c for c, m in enumerate(members) for i in m)
    split = [m for m, _ in parts if len(m) > 1 and sum(owner[i] == m[0] for i in m) < len(m)]
    assert split, "no component was split by the cap: the test would not see a difference"
    assert sum(len(c.members) > 1 for c in expected) > 20


def test_partitioned_grouping_equals_local(articles: list[Article]) -> None:
    _dask()
    from benchmark.group import group_articles

    config = GroupConfig(use_embeddings=False, exhaustive_below=EXHAUSTIVE_BELOW)
    expected = group_articles(articles, config)
    assert sum(len(c.members) > 1 for c in expected) > 20
    for executor in (DaskExecutor(partitions=1), DaskExecutor(partitions=7)):
        assert group_articles_distributed(articles, config, executor) == expected
    # the driver reads the input by position, a partition at a time, in any input order
    assert group_articles_distributed(articles[::-1], config, DaskExecutor(partitions=3)) \
        == expected
    with pytest.raises(InputError, match=f"duplicate article id '{articles[5].id}'"):
        group_articles_distributed([*articles, articles[5]], config, DaskExecutor(partitions=3))


def test_fast_profile_on_a_cluster_encodes_on_the_workers(articles: list[Article],
                                                          cluster: Any) -> None:
    """USE vectors made by the worker processes (no vector cache) give the same clusters."""
    from benchmark.group import group_articles

    config = GroupConfig(use_e5=False, vector_cache=False, workers=1,
                         exhaustive_below=EXHAUSTIVE_BELOW)
    said: list[str] = []
    got = group_articles_distributed(articles, config, cluster, partitions=7, log=said.append)
    assert got == group_articles(articles, config)
    assert f"USE vectors: {len(articles)} articles, 0 from the cache" in said


def test_dask_encoding_fills_and_reads_the_vector_cache(articles: list[Article],
                                                        tmp_path: Path) -> None:
    """The workers encode from the texts they keep; the driver stores what they made, and a
    rebuild (any partitions) and the local build read it back: the same clusters."""
    from benchmark.group import group_articles
    from benchmark.group.features import encoder_text

    few = articles[:30]
    config = GroupConfig(use_e5=False, workers=1, exhaustive_below=EXHAUSTIVE_BELOW,
                         cache_dir=str(tmp_path / "cache"))
    said: list[str] = []
    first = group_articles_distributed(few, config, DaskExecutor(partitions=3), log=said.append)
    assert f"USE vectors: {len(few)} articles, 0 from the cache" in said
    distinct = len({encoder_text(a) for a in few})
    for again in (lambda log: group_articles_distributed(few, config, DaskExecutor(partitions=2),
                                                         log=log),
                  lambda log: group_articles(few, config, log=log)):
        said = []
        assert again(said.append) == first
        assert f"USE vectors: {len(few)} articles, {distinct} from the cache" in said


def test_the_e5_gate_runs_on_dask_as_it_runs_locally(articles: list[Article]) -> None:
    """With e5 on and more articles than exhaustive_below, the gate picks e5's articles per
    chunk; verdicts and cluster edges (with their cos_e5 evidence) equal the local ones."""
    from benchmark.group import group_articles

    few = articles[:25]
    config = GroupConfig(exhaustive_below=10, workers=1)
    said: list[str] = []
    got = group_articles_distributed(few, config, DaskExecutor(partitions=3), log=said.append)
    assert got == group_articles(few, config)
    assert any(m.startswith("e5 gate: ") and not m.startswith("e5 gate: 0 ") for m in said)


def test_the_e5_gate_rank_rule_runs_on_dask_as_it_runs_locally(articles: list[Article],
                                                               ) -> None:
    """With ``e5_gate_rank`` the bars come from the whole corpus's candidate pairs on both
    paths: the same articles go to e5 and the clusters (with cos_e5 evidence) are equal."""
    from benchmark.group import group_articles

    few = articles[:25]
    config = GroupConfig(exhaustive_below=10, workers=1, e5_gate_rank=1)
    local_said: list[str] = []
    want = group_articles(few, config, log=local_said.append)
    said: list[str] = []
    got = group_articles_distributed(few, config, DaskExecutor(partitions=3), log=said.append)
    assert got == want

    def sent(messages: list[str]) -> int:
        return next(int(m.split(": ")[1].split()[0]) for m in messages
                    if m.startswith("e5 gate"))

    band_only: list[str] = []
    group_articles(few, GroupConfig(exhaustive_below=10, workers=1), log=band_only.append)
    assert sent(said) == sent(local_said) < sent(band_only)


def _build(corpus: Path, out: Path, client: Any = None, partitions: int | None = None) -> str:
    config = BuildConfig(name="dask-test", profile="lexical",
                         group={"exhaustive_below": EXHAUSTIVE_BELOW})
    report = build_dataset(corpus, out, config, client=client, partitions=partitions)
    return report.fingerprint


@pytest.fixture(scope="module")
def local_build(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("local") / "bench"
    return _build(corpus, out), out


@pytest.mark.parametrize("partitions", [1, 7])
def test_build_with_the_synchronous_scheduler_is_byte_identical(
        corpus: Path, tmp_path: Path, local_build: tuple[str, Path], partitions: int) -> None:
    _dask()
    fingerprint, reference = local_build
    got = _build(corpus, tmp_path / "bench", DaskExecutor(), partitions)
    assert got == fingerprint
    assert _tree(tmp_path / "bench") == _tree(reference)


@pytest.mark.parametrize("partitions", [1, 7])
def test_build_on_a_two_worker_cluster_is_byte_identical(
        corpus: Path, tmp_path: Path, local_build: tuple[str, Path], cluster: Any,
        partitions: int) -> None:
    fingerprint, reference = local_build
    assert _build(corpus, tmp_path / "bench", cluster, partitions) == fingerprint
    assert _tree(tmp_path / "bench") == _tree(reference)


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Exit code and stdout + stderr of ``sumbench ARGV`` run in this process."""
    code, out, err = run_cli(argv, capsys)
    return code, out + err


def test_cli_build_on_a_one_worker_cluster_is_byte_identical(
        corpus: Path, tmp_path: Path, local_build: tuple[str, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    _dask()
    fingerprint, reference = local_build
    config = tmp_path / "group.yaml"
    config.write_text(f"group: {{exhaustive_below: {EXHAUSTIVE_BELOW}}}\n", encoding="utf-8")
    out = tmp_path / "bench"
    code, said = _cli(["build", str(corpus), "--out", str(out), "--profile", "lexical",
                       "--config", str(config), "--name", "dask-test", "--workers", "1",
                       "--partitions", "7"], capsys)
    assert code == 0, said
    assert f"fingerprint {fingerprint[:16]}" in said
    assert _tree(out) == _tree(reference)


def _unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_scheduler_that_does_not_answer_is_a_clear_error_not_a_hang(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _dask()
    import benchmark.distributed.engine as engine

    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 2)
    address = f"tcp://127.0.0.1:{_unused_port()}"
    out = tmp_path / "bench"
    code, said = _cli(["build", str(corpus), "--out", str(out), "--scheduler", address], capsys)
    assert code == 2
    assert f"cannot reach the Dask scheduler at {address} within 2 s" in said
    assert "Traceback" not in said
    assert not out.exists()


def test_without_the_extra_the_error_names_it(corpus: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what an import without it sees
    code, said = _cli(["build", str(corpus), "--out", str(tmp_path / "b"), "--workers", "2"],
                      capsys)
    assert code == 2
    assert 'needs the distributed extra: pip install "sumbench[distributed]"' in said
    assert "Traceback" not in said
    code, said = _cli(["build", str(corpus), "--out", str(tmp_path / "b"), "--partitions", "3"],
                      capsys)
    assert code == 2 and "--partitions needs --workers" in said
    assert not (tmp_path / "b").exists()


def _die_once(marker: str) -> int:
    """Kills its worker process the first time (marker file absent), then returns 1."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)
    return 1


def _die_always(_item: int) -> int:
    os._exit(1)


def _no_encoder(_item: int) -> int:
    from benchmark.group.encoders import _require

    return int(_require("no_such_encoder_module", "no-such-encoder", "use_e5") is None)


def test_a_task_whose_worker_dies_is_retried(cluster: Any, tmp_path: Path) -> None:
    marker = str(tmp_path / "died")
    assert DaskExecutor(cluster).map(_die_once, [marker]) == [1]
    assert os.path.exists(marker)


def test_a_worker_missing_an_encoder_package_says_which(cluster: Any) -> None:
    """The worker's ConfigError reaches the driver as it is (the CLI prints it, exit 2)."""
    with pytest.raises(ConfigError, match=r"pip install no-such-encoder\), or set group.use_e5"):
        DaskExecutor(cluster).map(_no_encoder, [0])


def test_a_worker_that_keeps_dying_stops_the_build_with_nothing_written(
        corpus: Path, tmp_path: Path) -> None:
    _dask()
    import dask

    from benchmark.distributed.engine import dask_client

    died = pytest.raises(ConfigError, match="a Dask worker died")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            dask_client(workers=1) as client, died:
        DaskExecutor(client).map(_die_always, [0])

    class Failing(LocalExecutor):
        def map(self, fn: Any, items: Any, **shared: Any) -> list[Any]:
            if fn.__name__ == "_examples_task":
                raise ConfigError("a Dask worker died (simulated)")
            return super().map(fn, items, **shared)

    out = tmp_path / "bench"
    with pytest.raises(ConfigError, match="simulated"):
        _build(corpus, out, Failing())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def _bad_corpus(corpus: Path, folder: Path) -> Path:
    """The test corpus with a line that is not JSON, a row without text and a repeated id."""
    lines = corpus.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines.insert(7, "{not json")
    lines.insert(40, json.dumps({"id": "no-text", "title": "A title", "text": "   "}))
    lines.insert(90, json.dumps({**first, "text": first["text"] + " Updated."}))
    path = folder / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _load_error(load: Any, path: Path) -> str:
    with pytest.raises(InputError) as err:
        load(path)
    return str(err.value)


def test_ingest_on_workers_stops_at_the_same_bad_row_as_the_local_build(
        corpus: Path, tmp_path: Path, cluster: Any) -> None:
    """Strict mode: the first bad row in input order, named by file and line, on any engine."""
    _dask()
    bad = _bad_corpus(corpus, tmp_path)
    expected = _load_error(load_articles, bad)
    assert f"{bad}:8" in expected
    for executor in (LocalExecutor(), DaskExecutor(partitions=3), DaskExecutor(cluster, 7)):
        assert _load_error(partial(load_articles, executor=executor, batch_size=5), bad) == expected
    # the reader's reject comes first; without it, the row that cleaning refuses
    lines = bad.read_text(encoding="utf-8").splitlines()
    del lines[7]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = _load_error(load_articles, bad)
    assert f"{bad}:40" in expected
    assert _load_error(partial(load_articles, executor=DaskExecutor(cluster, 7), batch_size=5),
                       bad) == expected


def test_ingest_on_workers_rejects_the_same_rows_as_the_local_build(
        corpus: Path, tmp_path: Path, cluster: Any) -> None:
    """skip_invalid: the same articles, counts and rejects file, byte for byte."""
    _dask()
    bad = _bad_corpus(corpus, tmp_path)
    local = load_articles(bad, skip_invalid=True, rejects_path=tmp_path / "local.jsonl")
    assert local.rejected == 3
    engines = (("sync", DaskExecutor(partitions=4)), ("cluster", DaskExecutor(cluster)))
    for name, executor in engines:
        got = load_articles(bad, executor=executor, skip_invalid=True, batch_size=7,
                               rejects_path=tmp_path / f"{name}.jsonl")
        assert got.articles == local.articles
        assert (got.read, got.rejected) == (local.read, local.rejected)
        assert ((tmp_path / f"{name}.jsonl").read_bytes()
                == (tmp_path / "local.jsonl").read_bytes())


def test_distributed_candidate_search_equals_the_local_one(articles: list[Article]) -> None:
    """LSH and neighbour pools, codes and top-k on workers: the local candidate pairs."""
    _dask()
    from benchmark.group.neighbours import code_pairs
    from benchmark.group.scaleout_search import search_candidates, tfidf_task

    config = GroupConfig(use_embeddings=False, exhaustive_below=EXHAUSTIVE_BELOW)
    ordered = sorted(articles, key=lambda a: a.id)
    profiles = [profile(a) for a in ordered]
    stats = corpus_stats(profiles)
    expected = candidate_pairs(profiles, stats, config)
    days = publication_days(profiles)
    ids = [p.id for p in profiles]
    for parts in (1, 5):
        executor = DaskExecutor(partitions=parts)
        handles = partition(profiles, parts)
        blocks = {s: [tfidf_task(h, stats, s) for h in handles] for s in ("word", "char")}
        got = code_pairs(search_candidates(executor, handles, len(ids), days, blocks, config),
                         ids)
        assert got == expected and len(got) > 100


def test_local_cluster_keeps_default_malloc_settings_and_no_memory_manager(cluster: Any) -> None:
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_, which doubled the candidate search's CPU."""
    got = cluster.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert len(got) == 2 and set(got.values()) == {None}
    # and the active memory manager, which dropped fetched partitions between steps, is off
    assert cluster.run_on_scheduler(lambda dask_scheduler: dask_scheduler.extensions["amm"]
                                    .running) is False


def test_linking_batches_keep_every_component_once_and_spread_the_work() -> None:
    from benchmark.group.scaleout import _balanced

    sizes = [9, 1, 2, 8, 3, 3]
    batches = _balanced([size**2 for size in sizes], 2)
    assert sorted(c for b in batches for c in b) == list(range(len(sizes)))
    # largest first to the lighter batch: work 81 + 4 against 64 + 9 + 9 + 1, input order kept
    assert [[sizes[c] for c in b] for b in batches] == [[9, 2], [1, 8, 3, 3]]
