"""Adapters for users' systems (py:, cmd:, file:) and spec resolution, on the seed texts."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import SEEDS

from benchmark.errors import ConfigError, InputError
from benchmark.metrics.fragments import fragment_stats
from benchmark.schema import Example
from benchmark.systems import resolve_system, system_label
from benchmark.systems.command import CommandSystem
from benchmark.systems.registry import Failure
from benchmark.systems.spec import split_options


def seed_examples() -> list[Example]:
    """One example per seed article: its body as the document, the other seeds'
    first lines as references (real text, no grouper needed)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    heads = [t.strip().splitlines()[0] for t in texts]
    out = []
    for i, text in enumerate(texts):
        refs = [h for j, h in enumerate(heads) if j != i][:2]
        out.append(Example(
            id=f"seed-{i}", strategy="cross-lede", cluster_id="c0", source_ids=[f"a{i}"],
            reference_ids=[f"a{j}" for j in range(len(texts)) if j != i][:2],
            documents=[text], document=text, references=refs,
            fragments=[fragment_stats(text, r) for r in refs],
        ))
    return out


# --------------------------------------------------------------------------- specs


def test_registered_spec_with_config_and_label() -> None:
    system = resolve_system("lead-k:budget=2,match_reference=false")
    assert system.name == "lead-k"
    dumped = system.config.model_dump()
    assert dumped["budget"] == 2 and dumped["match_reference"] is False
    assert system_label(system) == "lead-k:budget=2.0,match_reference=false"
    assert system_label(resolve_system("lead-3")) == "lead-3"


def test_bad_registered_specs_name_the_problem() -> None:
    with pytest.raises(ConfigError, match="unknown system 'no-such'"):
        resolve_system("no-such")
    with pytest.raises(ConfigError, match=r"field 'nonsense'.*config fields: seed"):
        resolve_system("lead-k:nonsense=3")
    with pytest.raises(ConfigError, match=r"lead-k:budget=many.*field 'budget'"):
        resolve_system("lead-k:budget=many")
    with pytest.raises(ConfigError, match="key=value"):
        resolve_system("lead-k:3")
    with pytest.raises(ConfigError, match="nothing after 'cmd:'"):
        resolve_system("cmd:")


def test_option_suffix_only_when_well_formed() -> None:
    assert split_options("x.py#batch_size=2&timeout=1.5") == ("x.py", {"batch_size": 2,
                                                                        "timeout": 1.5})
    assert split_options("python x.py # not options") == ("python x.py # not options", {})


# --------------------------------------------------------------------------- py:


@pytest.fixture()
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "my_summ.py").write_text(textwrap.dedent('''
        from benchmark.schema import Example

        def first_words(document):
            return " ".join(document.split()[:8])

        def by_example(ex: Example) -> str:
            return f"{ex.id}: {len(ex.documents)} doc(s)"

        def flagged(ex):
            return ex.id
        flagged.sumbench_input = "example"

        def echo(x: "Example"):
            return x if isinstance(x, str) else "EXAMPLE:" + x.id

        def returns_number(document):
            return 42

        NOT_CALLABLE = 3
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("my_summ", None)
    return "my_summ"


def test_python_callable_gets_document_or_example(user_module: str) -> None:
    ex = seed_examples()[0]
    doc = resolve_system(f"py:{user_module}:first_words")
    assert doc.predict_batch([ex]) == [" ".join(ex.document.split()[:8])]
    assert resolve_system(f"py:{user_module}:by_example").summarize(ex) == "seed-0: 1 doc(s)"
    assert resolve_system(f"py:{user_module}:flagged").summarize(ex) == "seed-0"
    assert resolve_system(f"py:{user_module}:echo").summarize(ex) == "EXAMPLE:seed-0"
    forced = resolve_system(f"py:{user_module}:echo#input=document")
    assert forced.summarize(ex) == ex.document
    # Non-text comes back as is: the runner, not the adapter, turns it into a failure.
    assert resolve_system(f"py:{user_module}:returns_number").predict_batch([ex]) == [42]
    assert system_label(doc) == f"py:{user_module}:first_words"


def test_python_target_errors(user_module: str) -> None:
    with pytest.raises(ConfigError, match="cannot import module 'nope_nope'"):
        resolve_system("py:nope_nope:f")
    with pytest.raises(ConfigError, match="has no attribute 'missing'"):
        resolve_system(f"py:{user_module}:missing")
    with pytest.raises(ConfigError, match="not callable"):
        resolve_system(f"py:{user_module}:NOT_CALLABLE")
    with pytest.raises(ConfigError, match=r"package\.module:function"):
        resolve_system(f"py:{user_module}")


def test_python_target_may_be_a_system_class() -> None:
    ex = seed_examples()[1]
    wrapped = resolve_system("py:benchmark.baselines.positional:Lead3")
    assert wrapped.summarize(ex) == resolve_system("lead-3").summarize(ex)


# --------------------------------------------------------------------------- cmd:


def _script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "user_sum.py"
    path.write_text("import json, sys, time, os\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def test_command_batches_and_matches_ids(tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    script = _script(tmp_path, f'''
        with open({str(log)!r}, "a") as fh:
            fh.write("call\\n")
        rows = [json.loads(line) for line in sys.stdin]
        # answer in reverse order: the adapter must match by id
        for row in reversed(rows):
            words = row["document"].split()[:6]
            print(json.dumps({{"id": row["id"], "summary": " ".join(words),
                              "n_docs": len(row["documents"])}}))
    ''')
    examples = seed_examples()
    system = resolve_system(f"cmd:{sys.executable} {script}#batch_size=2")
    assert isinstance(system, CommandSystem)
    outputs = [o for i in range(0, 5, 2) for o in system.predict_batch(examples[i : i + 2])]
    assert outputs == [" ".join(ex.document.split()[:6]) for ex in examples]
    assert log.read_text().count("call") == 3


def test_command_failures_are_per_batch_or_per_example(tmp_path: Path) -> None:
    examples = seed_examples()[:3]
    crash = _script(tmp_path, '''
        sys.stdin.read()
        print("loading model...", file=sys.stderr)
        print("Traceback: ValueError: bad weights", file=sys.stderr)
        sys.exit(3)
    ''')
    out = resolve_system(f"cmd:{sys.executable} {crash}").predict_batch(examples)
    assert all(isinstance(o, Failure) for o in out)
    assert isinstance(out[0], Failure)
    assert "status 3" in out[0].reason and "bad weights" in out[0].reason

    short = tmp_path / "short.py"
    short.write_text("import sys, json\nsys.stdin.read()\nprint(json.dumps({'summary': 'x'}))\n")
    out = resolve_system(f"cmd:{sys.executable} {short}").predict_batch(examples)
    assert {o.reason for o in out if isinstance(o, Failure)} == {
        "wrong number of outputs: 1 lines for 3 inputs"}

    mixed = tmp_path / "mixed.py"
    mixed.write_text(textwrap.dedent('''
        import sys, json
        rows = [json.loads(l) for l in sys.stdin]
        print(json.dumps({"id": rows[0]["id"], "summary": "fine"}))
        print(json.dumps({"id": rows[1]["id"], "summary": 7}))
        print("this is not json")
    '''))
    out = resolve_system(f"cmd:{sys.executable} {mixed}").predict_batch(examples)
    assert out[0] == "fine"
    assert isinstance(out[1], Failure) and "non-text summary (int)" in out[1].reason
    assert isinstance(out[2], Failure) and "not JSON" in out[2].reason


def test_command_printing_json_nested_100k_deep_fails_that_example(tmp_path: Path) -> None:
    """A RecursionError from json.loads was a traceback; now it is the example's failure."""
    examples = seed_examples()[:2]
    deep = _script(tmp_path, '''
        rows = [json.loads(line) for line in sys.stdin]
        print(json.dumps({"id": rows[0]["id"], "summary": "fine"}))
        print("[" * 100000 + "]" * 100000)
    ''')
    out = resolve_system(f"cmd:{sys.executable} {deep}").predict_batch(examples)
    assert out[0] == "fine"
    assert isinstance(out[1], Failure) and "nested too deeply" in out[1].reason


def test_command_timeout_kills_the_process_group(tmp_path: Path) -> None:
    hang = _script(tmp_path, "time.sleep(30)\n")
    start = time.perf_counter()
    out = resolve_system(f"cmd:sh -c '{sys.executable} {hang}'#timeout=0.5").predict_batch(
        seed_examples()[:2])
    assert time.perf_counter() - start < 10
    assert all(isinstance(o, Failure) and "timeout" in o.reason for o in out)


def test_command_that_does_not_exist_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot start"):
        resolve_system("cmd:/no/such/binary --flag").predict_batch(seed_examples()[:1])


# --------------------------------------------------------------------------- file:


def test_prediction_files_in_three_formats(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    examples = seed_examples()
    rows = [{"id": ex.id, "summary": f"summary of {ex.id}"} for ex in examples[:4]]
    jsonl = tmp_path / "preds.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    csv_path = tmp_path / "preds.csv"
    csv_path.write_text("id,summary\n" + "".join(f"{r['id']},{r['summary']}\n" for r in rows))
    pq_path = tmp_path / "preds.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pq_path)
    for path in (jsonl, csv_path, pq_path):
        out = resolve_system(f"file:{path}").predict_batch(examples)
        assert out[:4] == [r["summary"] for r in rows]
        assert isinstance(out[4], Failure) and "no prediction for this id" in out[4].reason
    # the file's hash is in the config: an edited file is a different system
    before = resolve_system(f"file:{jsonl}").identity()
    jsonl.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    assert resolve_system(f"file:{jsonl}").identity() != before


def test_bad_prediction_file_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "summary": "ok"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        resolve_system(f"file:{bad}")
    assert str(bad) in str(err.value) and ":2" in str(err.value) and "summary" in str(err.value)
    with pytest.raises(InputError, match="not found"):
        resolve_system(f"file:{tmp_path / 'missing.jsonl'}")


# --------------------------------------------------------------------------- plug-ins


def _fake_distribution(root: Path, name: str, entry: str) -> None:
    """A minimal installed distribution on sys.path declaring one sumbench.systems entry."""
    info = root / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[sumbench.systems]\n{name} = {entry}\n")


def test_third_party_systems_register_through_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmark.cli import main
    from benchmark.systems import registry

    (tmp_path / "acme_sum.py").write_text(textwrap.dedent('''
        from benchmark.systems.registry import System, SystemConfig

        class AcmeConfig(SystemConfig):
            words: int = 5

        class Acme(System):
            name = "acme"
            description = "first N words, by a third party"
            Config = AcmeConfig

            def summarize(self, example):
                return " ".join(example.document.split()[: self.config.words])
    '''))
    _fake_distribution(tmp_path, "acme_plugin", "acme_sum:Acme")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_entry_points_loaded", False)
    system = resolve_system("acme:words=3")
    ex = seed_examples()[2]
    assert system.summarize(ex) == " ".join(ex.document.split()[:3])
    main(["systems"])
    listing = capsys.readouterr().out
    assert "acme             first N words, by a third party" in listing
    assert "lead-3" in listing


def test_a_broken_plugin_is_a_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmark.systems import registry

    _fake_distribution(tmp_path, "broken_plugin", "no_such_module_xyz:Thing")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_entry_points_loaded", False)
    with pytest.raises(ConfigError, match=r"plug-in 'broken_plugin'.*failed to load"):
        registry.available_systems()
